"""Turn the paths a user names into sources: decompressed byte streams.

A path is a file, a folder (every file below it, in name order, hidden ones
skipped), or ``-`` for standard input. gzip, bzip2 and xz content is recognised
by its magic bytes and decompressed on the fly; each member of a ``.zip`` is a
source of its own.

A source's identity is the SHA-256 of its content once decompressed, so the
same log plain, gzipped or inside a zip is one source. It is computed while
the content is read (``HashingReader``); for plain files it is known before
reading, so a file already in the store is skipped without decoding it.
"""

from __future__ import annotations

import bz2
import gzip
import hashlib
import io
import lzma
import sys
import zipfile
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, cast

from shadowtrace.errors import InputError

#: a readable, closable byte stream (files, decompressors, zip members)
Stream = io.BufferedIOBase | IO[bytes]

#: magic bytes -> (name, wrap a raw stream in a decompressor)
_COMPRESSED: dict[bytes, tuple[str, Callable[[io.BufferedReader[Any]], Stream]]] = {
    b"\x1f\x8b": ("gzip", lambda f: gzip.GzipFile(fileobj=f, mode="rb")),
    b"BZh": ("bzip2", lambda f: bz2.BZ2File(f, "rb")),
    b"\xfd7zXZ\x00": ("xz", lambda f: lzma.LZMAFile(f, "rb")),  # noqa: SIM115
}


@dataclass(frozen=True)
class Source:
    """One input. ``open()`` gives its decompressed content; ``size_bytes`` is as stored."""

    name: str
    opener: Callable[[], Stream]
    size_bytes: int | None
    sha256: str | None  # known up front for plain files, else computed while reading
    compression: str

    def open(self) -> Stream:
        return self.opener()


class HashingReader(AbstractContextManager["HashingReader"]):
    """Reads a stream through, hashing every byte; ``head`` is served first."""

    def __init__(self, stream: Stream, head: bytes = b"") -> None:
        self._stream = stream
        self._head = head
        self._sha = hashlib.sha256(head)
        self.bytes_read = len(head)

    def read(self, n: int = -1) -> bytes:
        if self._head:
            out, self._head = (self._head, b"") if n < 0 or n >= len(self._head) else (
                self._head[:n], self._head[n:])
            return out
        data = self._stream.read(n)
        self._sha.update(data)
        self.bytes_read += len(data)
        return data

    def hexdigest(self) -> str:
        return self._sha.hexdigest()

    def __exit__(self, *exc: object) -> None:
        self._stream.close()


def expand(paths: list[str]) -> Iterator[Source]:
    """Sources for every path, in the order given; folders in name order."""
    for raw in paths:
        if raw == "-":
            yield Source("<stdin>", lambda: _decompressing(sys.stdin.buffer)[1], None, None, "")
            continue
        path = Path(raw)
        if path.is_dir():
            files = sorted(
                p for p in path.rglob("*")
                if p.is_file() and not any(part.startswith(".") for part in p.relative_to(path).parts)
            )
            for file in files:
                yield from _file_sources(file)
        elif path.is_file():
            yield from _file_sources(path)
        else:
            raise InputError(f"{raw}: no such file or folder")


def _file_sources(path: Path) -> Iterator[Source]:
    try:
        size = path.stat().st_size
        if zipfile.is_zipfile(path):
            yield from _zip_members(path)
            return
        with open(path, "rb") as fh:
            compression, _ = _decompressing(fh)
            sha = None
            if not compression:
                fh.seek(0)
                sha = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        raise InputError(f"{path}: cannot read ({exc.strerror})") from None
    yield Source(str(path), lambda: _decompressing(open(path, "rb"))[1], size, sha, compression)  # noqa: SIM115


def _zip_members(path: Path) -> Iterator[Source]:
    try:
        with zipfile.ZipFile(path) as archive:
            members = [info for info in archive.infolist() if not info.is_dir()]
    except zipfile.BadZipFile as exc:
        raise InputError(f"{path}: not a readable zip archive ({exc})") from None
    for info in members:

        def opener(name: str = info.filename) -> Stream:
            archive = zipfile.ZipFile(path)
            return _decompressing(archive.open(name))[1]

        yield Source(f"{path}!{info.filename}", opener, info.compress_size, None, "zip")


def _decompressing(raw: Stream) -> tuple[str, Stream]:
    """Recognise compressed content by its magic bytes; return (name, readable stream)."""
    buffered = raw if isinstance(raw, io.BufferedReader) else io.BufferedReader(cast(io.RawIOBase, raw))
    head = buffered.peek(6)[:6]
    for magic, (name, wrap) in _COMPRESSED.items():
        if head.startswith(magic):
            return name, wrap(buffered)
    return "", buffered


def reopen(name: str) -> tuple[Stream, int]:
    """Open again a source the catalog lists, by its name there (a file path, or ``archive.zip!member``).

    Returns its decompressed content and its size as the catalog records it (the file's size, or the
    member's compressed size), so a caller can tell a file that changed since it was ingested. Only
    for names the catalog holds: never for a path a user typed. InputError when it is gone.
    """
    if name == "<stdin>":
        raise InputError("the source was read from standard input: there is no file to read again")
    path = Path(name)
    try:
        if path.is_file() and not zipfile.is_zipfile(path):
            return _decompressing(open(path, "rb"))[1], path.stat().st_size
        for cut in (i for i, c in enumerate(name) if c == "!"):
            archive, member = name[:cut], name[cut + 1 :]
            if Path(archive).is_file():
                with zipfile.ZipFile(archive) as zf:
                    size = zf.getinfo(member).compress_size
                return _decompressing(zipfile.ZipFile(archive).open(member))[1], size
    except (OSError, KeyError, zipfile.BadZipFile) as exc:
        raise InputError(f"{name}: cannot read it again ({exc})") from None
    raise InputError(f"{name}: no longer there")
