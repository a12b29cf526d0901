"""docs/tables.md names every stored column, and no column that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

from shadowtrace.models.stored import TABLES

DOC = Path(__file__).parents[2] / "docs" / "tables.md"


def test_every_column_is_documented() -> None:
    documented = set(re.findall(r"`([a-z_0-9]+)`", DOC.read_text()))
    for table, spec in TABLES.items():
        missing = set(spec.schema.names) - documented
        assert not missing, f"{table}: columns missing from docs/tables.md: {sorted(missing)}"


def test_every_reject_cause_and_ignore_rule_is_documented() -> None:
    from shadowtrace.ingest.stats import IGNORE_RULES, REJECT_CAUSES

    text = (DOC.parent / "ingest.md").read_text()
    for name in [*REJECT_CAUSES, *IGNORE_RULES]:
        assert f"`{name}`" in text, f"docs/ingest.md does not explain {name!r}"
