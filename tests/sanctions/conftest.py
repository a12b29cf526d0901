"""Where the sanctions tests find their files: the real lists beside the repository, and fixtures."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

#: the shared real lists (read-only, never copied into the repository)
SHARED_SANCTIONS = Path(__file__).resolve().parents[3] / "shared" / "data" / "sanctions"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "sanctions"


@pytest.fixture(scope="session")
def shared() -> Callable[[str], Path]:
    """The path of a real list under shared/data/sanctions; the test is skipped when it is absent."""

    def find(relative: str) -> Path:
        path = SHARED_SANCTIONS / relative
        if not path.is_file():
            pytest.skip(f"sanctions list {path} is absent (it lives beside the repository, in shared/data/sanctions)")
        return path

    return find


@pytest.fixture
def ftm_fixture() -> Path:
    return FIXTURES / "vessels.ftm.jsonl"
