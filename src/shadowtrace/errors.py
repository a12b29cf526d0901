"""One error hierarchy. Messages name the bad value and how to fix it."""

from __future__ import annotations


class ShadowtraceError(Exception):
    """Base of every error shadowtrace raises on purpose."""


class InputError(ShadowtraceError):
    """A file, argument or setting given by the user cannot be used."""


class StoreError(ShadowtraceError):
    """The data directory is missing, locked, or not a shadowtrace store."""


class StrictError(InputError):
    """Raised in strict mode at the first line that could not be decoded."""

    def __init__(self, source: str, line: int, cause: str) -> None:
        super().__init__(f"{source}:{line}: {cause}")
        self.source = source
        self.line = line
        self.cause = cause
