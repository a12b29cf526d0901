"""Settings of the track layer: declared once with unit and help, frozen, checked on creation."""

from __future__ import annotations

import dataclasses
from typing import Any

import pytest

from shadowtrace.errors import InputError
from shadowtrace.models.events import params_hash
from shadowtrace.tracks import CleanParams, PortCallParams, TrackParams, VoyageParams

KINDS = [CleanParams, PortCallParams, VoyageParams]


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_every_setting_has_a_unit_and_a_help(kind: type) -> None:
    for f in dataclasses.fields(kind):
        assert f.metadata.get("unit"), f.name
        assert len(f.metadata.get("help", "")) > 20, f.name


@pytest.mark.parametrize("kind", KINDS, ids=lambda k: k.__name__)
def test_settings_are_frozen(kind: type) -> None:
    params = kind()
    name = dataclasses.fields(kind)[0].name
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(params, name, getattr(params, name))


BAD = [
    pytest.param(CleanParams, {"max_speed_kn": 0}, "max_speed_kn", id="zero-max-speed"),
    pytest.param(CleanParams, {"max_speed_kn": float("nan")}, "max_speed_kn", id="nan-max-speed"),
    pytest.param(CleanParams, {"jump_tolerance_m": -1}, "jump_tolerance_m", id="negative-tolerance"),
    pytest.param(CleanParams, {"max_gap_h": -24}, "max_gap_h", id="negative-gap"),
    pytest.param(CleanParams, {"vessel_msg_types": ()}, "vessel_msg_types", id="no-message-types"),
    pytest.param(CleanParams, {"noise_speeds_kn": (300.0,)}, "noise_speeds_kn", id="noise-speed-out-of-range"),
    pytest.param(PortCallParams, {"exit_radius_km": 2.0}, "exit_radius_km", id="exit-inside-entry"),
    pytest.param(PortCallParams, {"resume_speed_kn": 0.1}, "resume_speed_kn", id="resume-below-stop"),
    pytest.param(PortCallParams, {"entry_radius_km": 0}, "entry_radius_km", id="zero-entry-radius"),
    pytest.param(PortCallParams, {"min_confidence": 5}, "min_confidence", id="confidence-5"),
    pytest.param(PortCallParams, {"arrival_radius_m": -5}, "arrival_radius_m", id="negative-arrival-radius"),
    pytest.param(VoyageParams, {"declaration_tolerance_h": 0}, "declaration_tolerance_h", id="zero-tolerance"),
    pytest.param(TrackParams, {"clean": PortCallParams()}, "clean", id="wrong-part"),
]


@pytest.mark.parametrize(("kind", "change", "name"), BAD)
def test_bad_settings_name_themselves(kind: type, change: dict[str, Any], name: str) -> None:
    with pytest.raises(InputError, match=name):
        kind(**change)


def test_equal_settings_hash_alike_and_changes_show() -> None:
    assert params_hash(TrackParams()) == params_hash(TrackParams())
    assert params_hash(PortCallParams()) != params_hash(PortCallParams(entry_radius_km=2.5))
