"""RiskParams: validation errors name the setting; overrides parse as typed; docs/risk.md lists every setting."""

from __future__ import annotations

import re
from dataclasses import fields
from pathlib import Path
from typing import Any

import pytest

from shadowtrace.errors import InputError
from shadowtrace.risk import LABELS, RiskParams
from shadowtrace.settings import with_overrides

DOC = Path(__file__).parents[2] / "docs" / "risk.md"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"weight_ais_gap": -1.0}, r"weight_ais_gap = -1\.0: must be a number at least 0 and at most 1000 points"),
        ({"weight_encounter": float("nan")}, "weight_encounter = nan"),
        ({"factor_medium": 1.5}, "factor_medium = 1.5"),
        ({"factor_low": 0.6}, r"factor_low = 0\.6: .* at most 0\.5"),
        ({"half_life_days": 0.0}, "half_life_days = 0.0: must be a number above 0"),
        ({"repeat_factor": 1.2}, "repeat_factor = 1.2"),
        ({"kind_cap": 0.5}, "kind_cap = 0.5: must be a number at least 1"),
        ({"high_score": 10.0}, r"high_score = 10\.0: must be a number above 15"),
        ({"medium_score": 0.0}, "medium_score = 0.0"),
        ({"sanctioning_strengths": ("imo", "flag")}, "sanctioning_strengths = .*: give a tuple of imo"),
        ({"sanctioning_strengths": "imo"}, "sanctioning_strengths = 'imo'"),
        ({"undecayed_kinds": ("sanctions_match",)}, "undecayed_kinds = .*upper case"),
    ],
    ids=lambda v: next(iter(v)) if isinstance(v, dict) else "",
)
def test_bad_settings_are_named(changes: dict[str, Any], message: str) -> None:
    with pytest.raises(InputError, match=message):
        RiskParams(**changes)


def test_weights_by_kind_and_unknown_kinds() -> None:
    p = RiskParams(weight_other=1.0)
    assert p.weight("DECLARATION_MISMATCH") == p.weight_declaration_mismatch
    assert p.weight("TRADE_JUMP") == 1.0
    assert p.factor("high") == 1.0
    with pytest.raises(InputError, match="severity 'severe'"):
        p.factor("severe")


@pytest.mark.parametrize(
    ("pairs", "expected"),
    [
        (["weight_ais_gap=20"], {"weight_ais_gap": 20.0}),
        (["half_life_days=inf", "repeat_factor = 0.5"], {"half_life_days": float("inf"), "repeat_factor": 0.5}),
        (["sanctioning_strengths=imo,mmsi,name"], {"sanctioning_strengths": ("imo", "mmsi", "name")}),
        (["undecayed_kinds="], {"undecayed_kinds": ()}),
    ],
    ids=["number", "inf-and-spaces", "tuple", "empty-tuple"],
)
def test_overrides_parse_as_the_default_type(pairs: list[str], expected: dict[str, Any]) -> None:
    p = with_overrides(RiskParams(), pairs)
    assert {k: getattr(p, k) for k in expected} == expected


@pytest.mark.parametrize(
    ("pairs", "message"),
    [(["weight_ais_gap"], "give NAME=VALUE"), (["weight_nothing=3"], "give NAME=VALUE with NAME one of"),
     (["weight_ais_gap=much"], "weight_ais_gap = 'much': not a float"), (["kind_cap=0"], "kind_cap = 0.0")],
    ids=["no-value", "unknown-name", "not-a-number", "out-of-range"],
)
def test_bad_overrides_are_named(pairs: list[str], message: str) -> None:
    with pytest.raises(InputError, match=message):
        with_overrides(RiskParams(), pairs)


def test_docs_list_every_setting_with_its_default_and_every_label() -> None:
    text = DOC.read_text()
    rows = dict(re.findall(r"^\| `([a-z_]+)` \| `?([^|`]+?)`? \|", text, re.M))
    for f in fields(RiskParams):
        assert f.name in rows, f"docs/risk.md does not list {f.name}"
        default = getattr(RiskParams(), f.name)
        shown = ", ".join(default) if isinstance(default, tuple) else f"{default:g}"
        assert rows[f.name] == shown, f"docs/risk.md gives {f.name} = {rows[f.name]!r}, the code {shown!r}"
    for kind in LABELS:
        assert f"`{kind}`" in text, f"docs/risk.md does not explain {kind}"


def test_docs_points_per_severity_match_the_weights() -> None:
    p = RiskParams()
    rows = re.findall(r"^\| `([A-Z_]+)` \|\s*([\d.]*)\s*\|\s*([\d.]*)\s*\|", DOC.read_text(), re.M)
    assert {kind for kind, _, _ in rows} == set(LABELS)
    for kind, high, medium in rows:
        for shown, severity in ((high, "high"), (medium, "medium")):
            if shown:
                assert float(shown) == p.weight(kind) * p.factor(severity), (kind, severity)
