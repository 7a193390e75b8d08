"""`qipp-rag diff` on two real assessments of the same plan a quarter apart."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from conftest import PLANS

IN_DELIVERY = PLANS / "south" / "Q69" / "10Q-oxfordshire.yaml"  # delivery to 2014-09-30, green


def next_quarter(text: str) -> str:
    """Three months on: delivery figures to 31 December, with only half the planned savings delivered."""
    text = text.replace("delivery_as_of: 2014-09-30", "delivery_as_of: 2014-12-31")
    return re.sub(r"actual_to_date: (\d+)", lambda m: f"actual_to_date: {int(m.group(1)) // 2}", text)


@pytest.fixture
def quarters(cli, tmp_path):
    text = IN_DELIVERY.read_text(encoding="utf-8")
    assert "delivery_as_of: 2014-09-30" in text and "actual_to_date" in text
    (tmp_path / "plans").mkdir()
    shutil.copy(IN_DELIVERY, tmp_path / "plans" / "10Q.yaml")
    first = cli("assess", "plans", "--as-of", "2014-09-30", "--format", "json", cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    (tmp_path / "q2.json").write_text(first.stdout, encoding="utf-8")
    (tmp_path / "plans" / "10Q.yaml").write_text(next_quarter(text), encoding="utf-8")
    second = cli("assess", "plans", "--as-of", "2014-12-31", "--format", "json", cwd=tmp_path)
    assert second.returncode == 1, second.stderr  # DL01 is critical: the plan is now red
    (tmp_path / "q3.json").write_text(second.stdout, encoding="utf-8")
    return tmp_path


def test_slipping_delivery_shows_as_worse(cli, quarters):
    shown = cli("diff", "q2.json", "q3.json", "--format", "json", "--fail-on-worse", cwd=quarters)
    assert shown.returncode == 1, shown.stderr
    diff = json.loads(shown.stdout)
    assert (diff["old_as_of"], diff["new_as_of"]) == ("2014-09-30", "2014-12-31")
    [change] = diff["changed"]
    assert (change["key"], change["old_rating"], change["new_rating"], change["direction"]) == ("10Q", "green", "red", "worse")
    dl01 = next(rule for rule in change["rules"] if rule["rule"] == "DL01")
    assert (dl01["old_rating"], dl01["new_rating"]) == ("green", "red")
    assert dl01["new_value"] < 60 < 95 <= dl01["old_value"]
    table = cli("diff", "q2.json", "q3.json", cwd=quarters)
    assert table.returncode == 0
    assert "WORSE   10Q NHS Oxfordshire (plans/10Q.yaml): green -> red" in table.stdout


def test_the_other_way_round_is_better(cli, quarters):
    back = cli("diff", "q3.json", "q2.json", "--fail-on-worse", cwd=quarters)
    assert back.returncode == 0, back.stderr
    assert "BETTER  10Q" in back.stdout
