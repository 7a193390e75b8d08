"""The CCGs of England (April 2013) with their area teams and regions.

Read from the packaged ``data/ccgs-2013.csv`` (Open Government Licence v3.0;
see ``data/README.md``) the first time it is asked for, so commands that
never need it do not pay for it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from functools import cache
from types import MappingProxyType
from typing import NamedTuple

DATA_FILE = "ccgs-2013.csv"


class CcgRecord(NamedTuple):
    code: str
    name: str
    area_team_code: str
    area_team_name: str
    region: str  # north, midlands_and_east, london or south


class AreaTeamRecord(NamedTuple):
    code: str
    name: str
    region: str
    ccgs: tuple[str, ...]  # codes of the CCGs it assures, sorted


def _read_text() -> str:
    """The file beside the package's modules; through importlib.resources only where the package is
    not a folder (a zip), since importing that costs every run a few milliseconds."""
    import os

    try:
        with open(os.path.join(os.path.dirname(__file__), "data", DATA_FILE), encoding="utf-8") as handle:
            return handle.read()
    except FileNotFoundError:
        from importlib import resources

        return resources.files("qipp_rag").joinpath("data", DATA_FILE).read_text(encoding="utf-8")


@cache
def ccgs() -> Mapping[str, CcgRecord]:
    """CCG code -> its record, in the order of the file."""
    records: dict[str, CcgRecord] = {}
    for row in csv.DictReader(io.StringIO(_read_text())):
        record = CcgRecord(
            code=row["ccg_code"].strip(),
            name=row["ccg_name"].strip(),
            area_team_code=row["area_team_code"].strip(),
            area_team_name=row["area_team_name"].strip(),
            region=row["region"].strip(),
        )
        records[record.code] = record
    return MappingProxyType(records)


@cache
def area_teams() -> Mapping[str, AreaTeamRecord]:
    """Area team code -> its record, sorted by code."""
    members: dict[str, list[CcgRecord]] = {}
    for record in ccgs().values():
        members.setdefault(record.area_team_code, []).append(record)
    teams = {
        code: AreaTeamRecord(
            code=code,
            name=group[0].area_team_name,
            region=group[0].region,
            ccgs=tuple(sorted(record.code for record in group)),
        )
        for code, group in sorted(members.items())
    }
    return MappingProxyType(teams)


def ccg(code: str) -> CcgRecord | None:
    """The CCG with this ODS code, or None when the list does not know it."""
    return ccgs().get(code)


def area_team(code: str) -> AreaTeamRecord | None:
    """The area team with this ODS code, or None when the list does not know it."""
    return area_teams().get(code)
