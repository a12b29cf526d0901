"""`shadowtrace detect` options: watched countries."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

import shadowtrace.cli.main as main  # imported before the command modules: it registers them
from shadowtrace.cli.detect_cmd import watched_countries
from shadowtrace.errors import InputError


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        pytest.param((), (), id="none-given-keeps-defaults"),
        pytest.param(("kp",), ("KP",), id="lower-case"),
        pytest.param(("KP,RU",), ("KP", "RU"), id="comma-separated"),
        pytest.param(("KP", " ru "), ("KP", "RU"), id="repeated-with-spaces"),
    ],
)
def test_watched_countries(values: tuple[str, ...], expected: tuple[str, ...]) -> None:
    assert watched_countries(values) == expected


@pytest.mark.parametrize("value", ["KPR", "K1", "North Korea"], ids=["three-letters", "digit", "a-name"])
def test_bad_watch_is_one_line_error(value: str, tmp_path: object) -> None:
    with pytest.raises(InputError, match="alpha-2"):
        watched_countries((value,))
    result = CliRunner().invoke(main.cli, ["--data", str(tmp_path), "detect", "--watch", value])
    assert result.exit_code == 1
    assert result.output.startswith("shadowtrace: error: --watch") and result.output.count("\n") == 1
