"""The shipped pack's precompiled form: up to date with the YAML, identical to validating it, used
only for exactly the YAML it was made from."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from qipp_rag.rulebook import compiled, packs
from qipp_rag.rulebook.compiled import COMPILED_FILE, compiled_text, encode, load_compiled
from qipp_rag.rulebook.packs import read_pack, read_shipped_pack, shipped_pack_file


def validated_pack():  # type: ignore[no-untyped-def]
    pack, problems = read_pack(str(shipped_pack_file()))
    assert problems == [] and pack is not None
    return pack


def test_the_compiled_pack_is_up_to_date_with_the_yaml() -> None:
    expected = compiled_text(validated_pack(), shipped_pack_file().read_bytes())
    assert COMPILED_FILE.read_text(encoding="utf-8") == expected, (
        "qipp_rag/rulebook/shipped_pack.json is out of date with rules/green-criteria.yaml: "
        "run `python scripts/compile_pack.py` and commit the file"
    )


def test_the_shipped_pack_comes_from_the_compiled_form_identical_to_validating_the_yaml(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    expected = validated_pack()

    def no_yaml(file: str) -> None:
        raise AssertionError("the shipped pack was read from its YAML")

    monkeypatch.setattr(packs, "read_pack", no_yaml)
    pack, problems = read_shipped_pack()
    assert problems == []
    assert pack == expected
    assert encode(pack) == encode(expected)  # the same types and the same fields set, all the way down
    assert [type(rule) for rule in pack.rules] == [type(rule) for rule in expected.rules]


def test_an_edited_shipped_yaml_is_read_from_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    edited = tmp_path / "green-criteria.yaml"
    text = shipped_pack_file().read_text(encoding="utf-8")
    assert "title: A savings plan exists\n" in text
    edited.write_text(text.replace("title: A savings plan exists\n", "title: A plan exists\n"), encoding="utf-8")
    monkeypatch.setattr(packs, "shipped_pack_file", lambda: edited)
    pack, problems = read_shipped_pack()
    assert problems == [] and pack is not None
    assert pack.rules[0].title == "A plan exists"


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not json",
        b"[]",
        json.dumps({"format": 999, "source_sha256": "", "pack": {}}).encode(),
        None,  # the right hash, a pack the reader does not know
    ],
)
def test_a_broken_or_foreign_compiled_file_is_not_used(tmp_path: Path, content: bytes | None) -> None:
    source = shipped_pack_file().read_bytes()
    file = tmp_path / "shipped_pack.json"
    if content is None:
        content = json.dumps(
            {"format": compiled.FORMAT, "source_sha256": compiled.source_hash(source), "pack": {"$what": 1}}
        ).encode()
    file.write_bytes(content)
    assert load_compiled(source, file) is None
    assert load_compiled(source, tmp_path / "absent.json") is None


def test_a_run_with_the_shipped_pack_validates_no_pack() -> None:
    """The pack models are built on first validation, which a run on the shipped pack never asks for."""
    import subprocess
    import sys

    code = (
        "from qipp_rag.rulebook.packs import load_rulebook\n"
        "from qipp_rag.rulebook.models import BandSpec, RulePack, RuleSpec\n"
        "book, problems = load_rulebook()\n"
        "assert not problems and book.rules\n"
        "print([m.__pydantic_complete__ for m in (RulePack, RuleSpec, BandSpec)])\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[False, False, False]"
