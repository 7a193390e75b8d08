"""`qipp-rag init`: skeletons that validate, for a known CCG, an area team and an unknown code."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from qipp_rag.commands.init import InitError, Organisation, financial_year_containing, organisation, plan_years, skeleton, yaml_quote
from qipp_rag.load.loading import LoadedPlan, load_plan


def loaded(path: Path) -> LoadedPlan:
    result = load_plan(str(path))
    assert isinstance(result, LoadedPlan), getattr(result, "problems", result)
    return result


def uncommented(text: str) -> str:
    """The skeleton with its example sections switched on, as a user fills it in."""
    out, block = [], None
    for line in text.splitlines():
        if re.match(r"^# (assumptions|governance|engagement):$", line):
            block = "top"
        elif line.startswith("#  - id:"):
            block = "scheme"
        elif not line.startswith("#"):
            block = None
        if block == "top":
            line = line[2:]
        elif block == "scheme":
            line = line[1:]
        out.append("schemes:" if line == "schemes: []" else line)
    return "\n".join(out) + "\n"


def test_known_ccg(cli, tmp_path):
    result = cli("init", "03q", "--period", "2014/15", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "wrote 03Q.yaml" in result.stderr
    plan = loaded(tmp_path / "03Q.yaml").plan
    org = plan.organisation
    assert (org.code, org.name, org.type.value, org.area_team, org.region.value) == ("03Q", "NHS Vale of York", "ccg", "Q50", "north")
    assert plan.period == ["2014/15", "2015/16", "2016/17"]
    assert set(plan.allocation) == set(plan.target) == set(plan.period)
    assert plan.schemes == []


def test_area_team_lists_its_ccgs(cli, tmp_path):
    from qipp_rag import reference

    result = cli("init", "Q52", "--period", "2015/16", "--output", "wy.yaml", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    plan = loaded(tmp_path / "wy.yaml").plan
    org = plan.organisation
    assert (org.type.value, org.name, org.region.value, org.area_team) == ("area_team", "NHS England West Yorkshire Area Team", "north", None)
    assert org.ccgs == list(reference.area_team("Q52").ccgs)
    assert "02N" in org.ccgs and "03Q" not in org.ccgs
    assert plan.period == ["2015/16", "2016/17", "2017/18"]


def test_unknown_code_needs_region_and_area_team(cli, tmp_path):
    refused = cli("init", "99X", cwd=tmp_path)
    assert refused.returncode == 2
    assert "99X is not a CCG or area team" in refused.stderr and "--region" in refused.stderr and "--area-team" in refused.stderr
    assert not (tmp_path / "99X.yaml").exists()
    made = cli("init", "99X", "--region", "south", "--area-team", "q70", "--period", "2014/15", cwd=tmp_path)
    assert made.returncode == 0, made.stderr
    text = (tmp_path / "99X.yaml").read_text(encoding="utf-8")
    assert "not in the April 2013 list" in text
    org = loaded(tmp_path / "99X.yaml").plan.organisation
    assert (org.code, org.type.value, org.area_team, org.region.value, org.name) == ("99X", "ccg", "Q70", "south", "99X (name to be completed)")


def test_unknown_area_team_needs_only_a_region():
    org = organisation("Q99", org_type="area_team", region="london", name="NHS England Somewhere Area Team")
    assert (org.type, org.area_team, org.ccgs, org.known) == ("area_team", None, (), False)
    with pytest.raises(InitError, match="--region"):
        organisation("Q99", org_type="area_team")


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"code": "3q"}, "not an organisation code"),
        ({"code": "03Q", "region": "wales"}, "--region 'wales'"),
        ({"code": "03Q", "org_type": "trust"}, "--type 'trust'"),
        ({"code": "03Q", "area_team": "q 5"}, "--area-team"),
        ({"code": "03Q", "name": "  "}, "--name cannot be blank"),
    ],
)
def test_bad_options(kwargs, message):
    code = kwargs.pop("code")
    with pytest.raises(InitError, match=re.escape(message)):
        organisation(code, **kwargs)


def test_options_override_the_list():
    org = organisation("03Q", name="NHS Vale of York CCG", area_team="Q52")
    assert (org.name, org.area_team, org.region) == ("NHS Vale of York CCG", "Q52", "north")


def test_does_not_overwrite_without_force(cli, tmp_path):
    target = tmp_path / "03Q.yaml"
    target.write_text("mine\n", encoding="utf-8")
    refused = cli("init", "03Q", cwd=tmp_path)
    assert refused.returncode == 2 and "already exists" in refused.stderr
    assert target.read_text(encoding="utf-8") == "mine\n"
    forced = cli("init", "03Q", "--force", "--period", "2014/15", cwd=tmp_path)
    assert forced.returncode == 0, forced.stderr
    assert loaded(target).plan.organisation.code == "03Q"


def test_standard_output_and_bad_targets(cli, tmp_path):
    shown = cli("init", "02N", "--period", "2014/15", "-o", "-", cwd=tmp_path)
    assert shown.returncode == 0 and shown.stdout.startswith("# NHS Airedale, Wharfedale and Craven: QIPP plan 2014/15 to 2016/17")
    assert list(tmp_path.iterdir()) == []
    (tmp_path / "here").mkdir()
    outside = cli("init", "02N", "-o", "../missing/02N.yaml", cwd=tmp_path / "here")
    assert outside.returncode == 2 and "missing folders are made only inside the current folder" in outside.stderr
    assert not (tmp_path / "missing").exists()
    made = cli("init", "02N", "-o", "new/deeper/02N.yaml", cwd=tmp_path / "here")
    assert made.returncode == 0 and (tmp_path / "here/new/deeper/02N.yaml").is_file()
    (tmp_path / "here/new/deeper/02N.yaml").unlink()
    (tmp_path / "here/new/deeper").rmdir()
    (tmp_path / "here/new").rmdir()
    (tmp_path / "here").rmdir()
    assert cli("init", "02N", "-o", ".", cwd=tmp_path).returncode == 2
    bad_period = cli("init", "02N", "--period", "2014/16", cwd=tmp_path)
    assert bad_period.returncode == 2 and "--period '2014/16'" in bad_period.stderr


def test_validate_command_accepts_the_skeleton(cli, tmp_path):
    assert cli("init", "03Q", "--period", "2014/15", cwd=tmp_path).returncode == 0
    checked = cli("validate", "03Q.yaml", cwd=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr


def test_examples_in_the_comments_are_valid_when_switched_on(tmp_path):
    for code in ("03Q", "Q52"):
        target = tmp_path / f"{code}.yaml"
        target.write_text(uncommented(skeleton(organisation(code), plan_years("2014/15"))), encoding="utf-8")
        plan = loaded(target).plan
        assert plan.governance is not None and plan.governance.pmo is not None
        assert plan.engagement is not None and plan.assumptions is not None
        assert [scheme.id for scheme in plan.schemes] == [f"{code}-01"]


@pytest.mark.parametrize(
    ("day", "year"),
    [(dt.date(2014, 4, 1), "2014/15"), (dt.date(2015, 3, 31), "2014/15"), (dt.date(2014, 3, 31), "2013/14"), (dt.date(1999, 12, 31), "1999/00")],
)
def test_financial_year_containing(day, year):
    assert financial_year_containing(day) == year


def test_default_period_starts_at_the_year_containing_today():
    assert plan_years(None, today=dt.date(2014, 5, 1)) == ["2014/15", "2015/16", "2016/17"]
    assert plan_years("2097/98") == ["2097/98", "2098/99", "2099/00"]  # the century turns inside the range


def test_output_is_deterministic():
    org = organisation("03Q")
    assert skeleton(org, plan_years("2014/15")) == skeleton(org, plan_years("2014/15"))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60).filter(str.strip))
def test_any_name_reads_back_exactly(tmp_path, name):
    target = tmp_path / "plan.yaml"
    org = Organisation("03Q", name, "ccg", "north", "Q52")
    target.write_text(skeleton(org, plan_years("2014/15")), encoding="utf-8")
    assert loaded(target).plan.organisation.name == name


def test_yaml_quote_escapes_what_yaml_would_fold():
    assert yaml_quote('a "b" \\ c') == '"a \\"b\\" \\\\ c"'
    assert yaml_quote("x\u2028y\x85z\tw") == '"x\\u2028y\\u0085z\\u0009w"'


@pytest.mark.parametrize("code", ["03Q", "Q50", "99X"])
def test_the_skeletons_comments_line_up(code: str) -> None:
    from qipp_rag.commands.init import organisation, skeleton

    extra = {"name": "NHS Somewhere \"Quoted\" # not a comment", "region": "north", "area_team": "Q50"} if code == "99X" else {}
    org = organisation(code, **extra)
    text = skeleton(org, ["2014/15", "2015/16", "2016/17"], f"{code}.yaml")
    groups = [
        ("# a clinical commissioning group", "# an NHS England area team", "# the NHS England area team", "# north, midlands"),
        ("# GV01", "# GV02", "# GV03", "# GV04", "# GV05", "# GV06", "# GV07"),
        ("# unique within the plan", "# e.g. urgent_care", "# continuing_care", "# false for a one-off", "# GV09: a named",
         "# positive, neutral or negative", "# QL04"),
        ("# savings are in the contracts", "# checked against providers'"),
    ]
    for marks in groups:
        columns = {line.index(mark) for line in text.splitlines() for mark in marks if mark in line}
        assert len(columns) == 1, (marks, columns)
    assert "Quoted\\\" # not a comment\"" in text or code != "99X"
