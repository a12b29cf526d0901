"""JSON output to a terminal: control characters JSON leaves alone are shown as escapes."""

from __future__ import annotations

import io
import json

import pytest

from shadowtrace.cli.output import write_json


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        pytest.param("A\x9b31mB", "A\\x9b31mB", id="c1-csi"),
        pytest.param("A\u202eB", "A\\u202eB", id="bidi-override"),
        pytest.param("PLAIN", "PLAIN", id="plain"),
    ],
)
def test_json_on_a_terminal_is_escaped(name: str, shown: str) -> None:
    out = _Terminal()
    write_json([{"vessel_name": name}], out)
    assert shown in out.getvalue()


def test_json_to_a_pipe_is_exact() -> None:
    out = io.StringIO()
    write_json([{"vessel_name": "A\x9bB", "when": b"\xff"}], out)
    assert json.loads(out.getvalue()) == [{"vessel_name": "A\x9bB", "when": "\\xff"}]
