"""The reference files under tests/reference are the published ones, unedited, and each has its note."""

from __future__ import annotations

import hashlib
import re

from conftest import REFERENCE, REPO


def test_each_schema_matches_the_checksum_its_note_gives() -> None:
    note = (REFERENCE / "README.md").read_text(encoding="utf-8")
    sums = dict((name, digest) for digest, name in re.findall(r"^([0-9a-f]{64})  (\S+)$", note, re.MULTILINE))
    assert sorted(sums) == ["junit-10.xsd", "sarif-schema-2.1.0.json"]
    for name, digest in sums.items():
        assert hashlib.sha256((REFERENCE / name).read_bytes()).hexdigest() == digest, name


def test_the_ccg_list_is_the_one_the_package_ships() -> None:
    assert (REFERENCE / "ccgs-2013.csv").read_bytes() == (REPO / "qipp_rag" / "data" / "ccgs-2013.csv").read_bytes()


def test_every_reference_file_has_a_source_and_licence_in_the_note() -> None:
    note = (REFERENCE / "README.md").read_text(encoding="utf-8")
    files = sorted(path.name for path in REFERENCE.iterdir() if path.name != "README.md")
    assert files == ["ccgs-2013.csv", "junit-10.xsd", "sarif-schema-2.1.0.json"]
    rows = {line.split("|")[1].strip(" `"): line for line in note.splitlines() if line.startswith("| `")}
    assert sorted(rows) == files
    for name, row in rows.items():
        assert row.count("|") == 5 and "http" in row, name  # what, where from (with an address) and licence
