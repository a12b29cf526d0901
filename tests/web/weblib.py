"""Helpers of the web tests: the hostile vessel's texts and its decoded-CSV feed; a watched browser page."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: texts a transmitter can broadcast that would run, link or break out as markup if not escaped
HOSTILE = {
    "name": "<script>alert(1)</script>",
    "renamed": "</name><![CDATA[x]]>",
    "callsign": '=HYPERLINK("http://x","y")',
    "destination": "javascript:alert(1)",
}
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
HOSTILE_MMSI = 273999990
HOSTILE_IMO = 9301237  # a valid check digit
DMA_HEADER = (
    "# Timestamp,Type of mobile,MMSI,Latitude,Longitude,Navigational status,ROT,SOG,COG,Heading,IMO,Callsign,"
    "Name,Ship type,Cargo type,Width,Length,Type of position fixing device,Draught,Destination,ETA,"
    "Data source type"
)


def write_hostile_csv(path: Path) -> None:
    """Two days of the hostile vessel steaming east at 12 kn across the Sea of Japan, every 5 minutes:
    renamed after a 15 h silence, one fix 1.5 degrees off its track."""
    start = dt.datetime(2017, 10, 1, 6, tzinfo=dt.UTC)
    with path.open("w", newline="") as fh:
        fh.write(DMA_HEADER + "\n")
        out = csv.writer(fh, lineterminator="\n")
        for i in range(48 * 12):
            hours = i * 5 / 60
            if 12 <= hours < 27:
                continue  # dark
            lat = 40.0 + (1.5 if i == 100 else 0.0)
            lon = 131.5 + hours * 12 / (60 * 0.766)
            name = HOSTILE["name"] if hours < 20 else HOSTILE["renamed"]
            out.writerow([
                (start + dt.timedelta(minutes=5 * i)).strftime("%d/%m/%Y %H:%M:%S"), "Class A", HOSTILE_MMSI,
                f"{lat:.5f}", f"{lon:.5f}", "Under way using engine", "0", "12.0", "90.0", "90", HOSTILE_IMO,
                HOSTILE["callsign"], name, "Tanker", "", "20", "120", "GPS",
                "8.0" if i % 2 else "8.1",  # a new static report every row, so the new name is seen to hold
                HOSTILE["destination"], "", "AIS",
            ])


@dataclass
class Watched:
    """A browser page and everything it did that a clean page must not do."""

    page: Any
    base: str
    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)
    outside: list[str] = field(default_factory=list)

    def visit(self, path: str) -> Any:
        """Open ``path``, wait until the network is idle, check it answered 200 and did nothing wrong."""
        response = self.page.goto(self.base + path, wait_until="networkidle")
        assert response is not None and response.status == 200, (path, response and response.status)
        self.assert_clean()
        return self.page

    def assert_clean(self) -> None:
        assert not self.console_errors, f"console errors: {self.console_errors}"
        assert not self.page_errors, f"page errors: {self.page_errors}"
        assert not self.dialogs, f"dialogs opened: {self.dialogs}"
        assert not self.outside, f"requests left localhost: {self.outside}"
