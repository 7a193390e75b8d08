"""The example plans in plans/: valid, realistic, consistent with the CCG list, and rated as their headers say.

Each example plan states the rating it is written to get in a header comment
(`# expected-rating: amber`, followed by a `# why:` line), so a change to the
rules or to a plan that moves a rating shows up here with the plan's name.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
import subprocess
import sys
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from qipp_rag.plan.models import Plan, consistency_problems
from qipp_rag.vocabulary import OrgType

REPO = Path(__file__).resolve().parents[1]
PLANS_DIR = REPO / "plans"
CCG_CSV = REPO / "tests" / "reference" / "ccgs-2013.csv"
PLAN_FILES = sorted(path for path in PLANS_DIR.rglob("*") if path.suffix in {".yaml", ".yml"})
RATINGS = ("green", "amber", "red")
EXPECTED_RE = re.compile(r"^# expected-rating: *(\S+) *$", re.MULTILINE)
CONFIDENCE_RE = re.compile(r"^# expected-confidence: *(\S+) *$", re.MULTILINE)
AS_OF_RE = re.compile(r"^# as-of: *(\d{4}-\d\d-\d\d) *$", re.MULTILINE)
SUBMISSION = "2014-03-31"  # the planning deadline: a plan with no `# as-of:` header is rated as submitted
DISTANCE_RE = re.compile(r"^# expected-distance: *(\S+) to_green (\S+) to_amber (\S+) in (\S+) *$", re.MULTILINE)
WAIVERS = REPO / "examples" / "waivers.yaml"  # the example waivers: part of every example run


class _DecimalLoader(yaml.SafeLoader):
    """Safe YAML whose floats are exact Decimals from their text, as the plan models require.

    Independent of the project's own loader, so the examples are checked
    against the models even if that loader changes.
    """


_DecimalLoader.add_constructor("tag:yaml.org,2002:float", lambda loader, node: Decimal(loader.construct_scalar(node)))


def _read(path: Path) -> Plan:
    data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
    return Plan.model_validate(data)


def _rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _expected(path: Path) -> str:
    found = EXPECTED_RE.findall(path.read_text(encoding="utf-8"))
    assert len(found) == 1, f"{_rel(path)}: needs exactly one `# expected-rating:` header line, found {len(found)}"
    return found[0]


def _as_of(path: Path) -> str:
    """The assessment date the plan's ratings are written for: its `# as-of:` header, else the planning deadline."""
    found = AS_OF_RE.findall(path.read_text(encoding="utf-8"))
    assert len(found) <= 1, f"{_rel(path)}: more than one `# as-of:` header line"
    return found[0] if found else SUBMISSION


def _expected_confidence(path: Path) -> str | None:
    found = CONFIDENCE_RE.findall(path.read_text(encoding="utf-8"))
    assert len(found) <= 1, f"{_rel(path)}: more than one `# expected-confidence:` header line"
    return found[0] if found else None


@pytest.fixture(scope="module")
def plans() -> dict[str, Plan]:
    return {_rel(path): _read(path) for path in PLAN_FILES}


@pytest.fixture(scope="module")
def reference() -> list[dict[str, str]]:
    with CCG_CSV.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# ---------------------------------------------------------------- the set as a whole


def test_there_are_enough_example_plans() -> None:
    assert len(PLAN_FILES) >= 12, f"only {len(PLAN_FILES)} example plans in plans/"


def test_every_region_has_plans(plans: dict[str, Plan]) -> None:
    regions = {plan.organisation.region.value for plan in plans.values()}
    assert regions == {"north", "midlands_and_east", "london", "south"}


def test_each_organisation_has_one_plan(plans: dict[str, Plan]) -> None:
    # Two plans for one organisation with overlapping years would be PF01 red on both.
    by_code: dict[str, list[str]] = defaultdict(list)
    for file, plan in plans.items():
        by_code[plan.organisation.code].append(file)
    assert {code: files for code, files in by_code.items() if len(files) > 1} == {}


def test_area_team_plans_list_exactly_the_ccg_plans_that_name_them(plans: dict[str, Plan]) -> None:
    naming: dict[str, set[str]] = defaultdict(set)
    for plan in plans.values():
        if plan.organisation.type is OrgType.ccg:
            naming[plan.organisation.area_team or ""].add(plan.organisation.code)
    area_teams = {plan.organisation.code: plan for plan in plans.values() if plan.organisation.type is OrgType.area_team}
    assert len(area_teams) >= 2
    for code, plan in area_teams.items():
        assert plan.organisation.ccgs is not None, f"area team {code} gives no `ccgs`"
        assert set(plan.organisation.ccgs) == naming[code], f"area team {code}: `ccgs` differ from the CCG plans naming it (PF02)"
        assert len(plan.organisation.ccgs) == len(set(plan.organisation.ccgs)), f"area team {code} lists a CCG twice"


def test_every_ccg_plan_has_its_area_team_plan(plans: dict[str, Plan]) -> None:
    # With area team plans in the run, a CCG naming an area team without one is PF04 amber.
    area_teams = {plan.organisation.code for plan in plans.values() if plan.organisation.type is OrgType.area_team}
    orphans = {file: plan.organisation.area_team for file, plan in plans.items() if plan.organisation.type is OrgType.ccg and plan.organisation.area_team not in area_teams}
    assert orphans == {}


def test_some_plans_are_in_delivery(plans: dict[str, Plan]) -> None:
    in_delivery = [file for file, plan in plans.items() if plan.delivery_as_of is not None and any(s.delivery is not None for s in plan.schemes)]
    assert len(in_delivery) >= 2, f"plans with delivery figures: {in_delivery}"


def test_examples_cover_each_rating_and_both_kinds_of_plan(plans: dict[str, Plan]) -> None:
    expected = {_rel(path): _expected(path) for path in PLAN_FILES}
    counts = {rating: sum(1 for value in expected.values() if value == rating) for rating in RATINGS}
    assert all(count >= 3 for count in counts.values()), counts
    assert {plans[file].organisation.type for file in expected} == {OrgType.ccg, OrgType.area_team}
    two_year = [file for file, plan in plans.items() if len(plan.period) == 2]
    assert 1 <= len(two_year) <= 2, two_year


# ---------------------------------------------------------------- each plan


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_plan_matches_the_format(path: Path) -> None:
    plan = _read(path)
    assert consistency_problems(plan) == []
    assert plan.period[0] == "2014/15"
    assert 6 <= len(plan.schemes) <= 15


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_plan_loads_with_the_strict_loader(path: Path) -> None:
    from qipp_rag.load import loading

    outcome = loading.load_plan(str(path))
    assert isinstance(outcome, loading.LoadedPlan), [problem.message for problem in getattr(outcome, "problems", [])]


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_plan_says_what_rating_it_expects_and_why(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert _expected(path) in RATINGS
    header = text.split("\nqipp_plan:", 1)[0]
    assert re.search(r"^# why: \S", header, re.MULTILINE), f"{_rel(path)}: no `# why:` line in the header comment"


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_plan_is_filed_by_region_and_area_team(path: Path) -> None:
    org = _read(path).organisation
    area_team = org.code if org.type is OrgType.area_team else org.area_team
    parts = path.relative_to(PLANS_DIR).parts
    assert parts[:2] == (org.region.value, area_team), f"{_rel(path)} belongs under plans/{org.region.value}/{area_team}/"
    assert parts[2].startswith(f"{org.code}-")


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_codes_are_quoted(path: Path) -> None:
    # Codes are text; the examples quote them so none can be misread (an unquoted 010 is the number 8).
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.match(r"^  (code|area_team): *(.*?) *$", line)
        if match:
            assert re.fullmatch(r"'[A-Z0-9]+'", match.group(2)), f"{_rel(path)}: `{line.strip()}` should be quoted"


@pytest.mark.parametrize("path", PLAN_FILES, ids=_rel)
def test_plan_figures_look_like_a_commissioner(path: Path) -> None:
    plan = _read(path)
    first = plan.first_year
    for year in plan.period:
        share = plan.target[year] / plan.allocation[year] * 100
        assert Decimal("0.5") <= share <= 10, f"{_rel(path)}: target is {share:.2f} % of allocation in {year}"
    for scheme in plan.schemes:
        for year, saving in scheme.savings.items():
            assert saving % 10 == 0, f"{_rel(path)}: scheme {scheme.id} saves {saving} in {year}; examples use round £000"
        assert scheme.saving(first) <= plan.target[first], f"{_rel(path)}: scheme {scheme.id} is larger than the whole target"


def test_ccg_allocations_are_in_a_realistic_range(plans: dict[str, Plan]) -> None:
    # £1,100-£1,400 a head for 150,000 to 800,000 people, in £000 (area team budgets are not per head of a CCG).
    low, high = Decimal(150_000 * 1_100 // 1000), Decimal(800_000 * 1_400 // 1000)
    checked = {file: plan.allocation[plan.first_year] for file, plan in plans.items() if plan.organisation.type is OrgType.ccg}
    assert checked
    assert {file: allocation for file, allocation in checked.items() if not low <= allocation <= high} == {}


def test_organisations_match_the_ccg_list(plans: dict[str, Plan], reference: list[dict[str, str]]) -> None:
    ccgs = {row["ccg_code"]: row for row in reference}
    teams = {row["area_team_code"]: row for row in reference}
    for file, plan in plans.items():
        org = plan.organisation
        if org.type is OrgType.ccg:
            row = ccgs.get(org.code)
            assert row is not None, f"{file}: {org.code} is not a CCG in the list"
            assert (org.name, org.area_team, org.region.value) == (row["ccg_name"], row["area_team_code"], row["region"]), file
        else:
            row = teams.get(org.code)
            assert row is not None, f"{file}: {org.code} is not an area team in the list"
            assert org.region.value == row["region"], file
            assert row["area_team_name"] in org.name, f"{file}: name should include {row['area_team_name']!r}"
            for code in org.ccgs or []:
                assert ccgs[code]["area_team_code"] == org.code, f"{file}: {code} is not assured by {org.code}"


def _as_json(value: object) -> object:
    """Plan data as an editor sees it in JSON: dates as text, numbers as numbers."""
    if isinstance(value, dict):
        return {str(key): _as_json(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_as_json(item) for item in value]
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return value


def test_examples_match_the_published_json_schema() -> None:
    # Editors check plans against `qipp-rag schema`; the examples must pass there too.
    import jsonschema
    result = subprocess.run([sys.executable, "-m", "qipp_rag", "schema"], cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=120)
    assert result.returncode == 0, result.stderr
    schema = json.loads(result.stdout)
    validator = jsonschema.validators.validator_for(schema)(schema)
    problems = {}
    for path in PLAN_FILES:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_DecimalLoader)  # noqa: S506 - a SafeLoader subclass
        errors = [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(_as_json(data))]
        if errors:
            problems[_rel(path)] = errors[:3]
    assert problems == {}


# ---------------------------------------------------------------- ratings, from the real command line


def test_validate_command_accepts_every_example() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "qipp_rag", "validate", "plans", "--format", "json"],
        cwd=REPO, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    files = json.loads(result.stdout)["files"]
    assert {Path(entry["file"]).as_posix() for entry in files} == {_rel(path) for path in PLAN_FILES}
    assert [entry["file"] for entry in files if not entry["valid"] or entry["errors"]] == []




def _assess(*extra: str, paths: tuple[str, ...] = ("plans",)) -> dict:
    result = subprocess.run(
        [sys.executable, "-m", "qipp_rag", "assess", *paths, "--format", "json", "--fail-on", "never", "--waivers", str(WAIVERS), *extra],
        cwd=REPO,
        capture_output=True,
        text=True,
        encoding="utf-8",
        timeout=300,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.fixture(scope="module")
def assessments() -> dict[str, dict]:
    # DL04 and DL05 are judged on the assessment date, so each plan is rated at the date its header gives:
    # the whole folder is assessed once per date, so the cross-plan rules see every plan each time.
    dates = sorted({_as_of(path) for path in PLAN_FILES} | {SUBMISSION})
    return {date: _assess("--as-of", date) for date in dates}


def _own_date(assessments: dict[str, dict]) -> dict[str, dict]:
    """Each plan's entry from the run at its own assessment date."""
    by_date = {date: {Path(entry["file"]).as_posix(): entry for entry in run["plans"]} for date, run in assessments.items()}
    return {_rel(path): by_date[_as_of(path)][_rel(path)] for path in PLAN_FILES}


def test_every_plan_gets_its_expected_rating_and_confidence(assessments: dict[str, dict]) -> None:
    for run in assessments.values():
        assert {Path(entry["file"]).as_posix() for entry in run["plans"]} == {_rel(path) for path in PLAN_FILES}
    results = _own_date(assessments)
    wrong = {}
    for path in PLAN_FILES:
        entry = results[_rel(path)]
        confidence = _expected_confidence(path)
        if entry["rating"] != _expected(path) or (confidence is not None and entry["confidence"] != confidence):
            off = [f"{f['rule']} {f['rating']}" for f in entry["findings"] if f["rating"] in ("amber", "red")]
            wrong[_rel(path)] = (f"expected {_expected(path)}/{confidence}, got {entry['rating']}/{entry['confidence']}", off)
    assert wrong == {}


def _expected_distances(path: Path) -> set[tuple[str, Decimal, Decimal | None, str]]:
    return {
        (rule, Decimal(to_green), None if to_amber == "null" else Decimal(to_amber), year)
        for rule, to_green, to_amber, year in DISTANCE_RE.findall(path.read_text(encoding="utf-8"))
    }


def test_every_plan_gets_its_expected_distances(assessments: dict[str, dict]) -> None:
    """Each `# expected-distance:` header line is one amber or red finding's distance, and there are no others."""
    results = _own_date(assessments)
    wrong = {}
    for path in PLAN_FILES:
        found = {
            (f["rule"], Decimal(str(f["distance"]["to_green"])), None if f["distance"]["to_amber"] is None else Decimal(str(f["distance"]["to_amber"])), f["distance"]["year"])
            for f in results[_rel(path)]["findings"]
            if f.get("distance") is not None
        }
        if found != _expected_distances(path):
            wrong[_rel(path)] = sorted(found, key=str)
    assert wrong == {}


def test_every_plan_states_its_confidence(assessments: dict[str, dict]) -> None:
    assert [_rel(path) for path in PLAN_FILES if _expected_confidence(path) is None] == []


def test_the_example_stories_are_told(assessments: dict[str, dict]) -> None:
    """Missing returns, a re-phased plan, an over-optimistic forecast and a refused self-approved waiver."""
    results = _own_date(assessments)

    def rated(code: str, rule: str) -> str:
        entry = next(entry for entry in results.values() if entry["organisation"]["code"] == code)
        return next(f["rating"] for f in entry["findings"] if f["rule"] == rule)

    assert rated("03D", "DL04") == "red" and rated("03D", "DL01") == "n/a"
    assert (rated("07W", "DL06"), rated("07W", "DL01")) == ("red", "green")
    assert (rated("04J", "DL07"), rated("04J", "DL02")) == ("red", "green")
    waivers = {(w["rule"], w["plan"]): w for w in assessments[SUBMISSION]["waivers"]}
    assert waivers[("DL04", "03D")]["status"] == "refused" and "own organisation" in waivers[("DL04", "03D")]["refused_because"]
    assert waivers[("QL01", "03F")]["status"] == "applied"
    hull = next(entry for entry in results.values() if entry["organisation"]["code"] == "03F")
    assert hull["waived"] == 1


def test_the_examples_are_green_amber_and_red(assessments: dict[str, dict]) -> None:
    ratings = {entry["rating"] for entry in _own_date(assessments).values()}
    assert ratings == set(RATINGS)


def test_no_cross_plan_rule_fires_on_the_examples(assessments: dict[str, dict]) -> None:
    # The set is consistent: no duplicates (PF01), area team lists match (PF02),
    # no double-counted schemes (PF03), every CCG's area team has a plan (PF04).
    fired = [
        (entry["file"], finding["rule"], finding["rating"])
        for run in assessments.values()
        for entry in run["plans"]
        for finding in entry["findings"]
        if finding["rule"].startswith("PF") and finding["rating"] not in ("green", "n/a")
    ]
    assert fired == []


def test_delivery_examples_show_one_on_track_and_one_behind(assessments: dict[str, dict], plans: dict[str, Plan]) -> None:
    results = _own_date(assessments)
    findings = {file: {f["rule"]: f["rating"] for f in entry["findings"]} for file, entry in results.items()}
    delivering = {file: findings[file].get("DL01") for file, plan in plans.items() if plan.delivery_as_of is not None}
    assert "green" in delivering.values(), delivering
    assert {"amber", "red"} & set(delivering.values()), delivering


def test_delivery_dates_lie_in_the_first_year(plans: dict[str, Plan]) -> None:
    for file, plan in plans.items():
        if plan.delivery_as_of is not None:
            assert dt.date(2014, 4, 1) <= plan.delivery_as_of <= dt.date(2015, 3, 31), file


@pytest.mark.parametrize("region", ["north", "midlands_and_east", "london", "south"])
def test_each_region_folder_is_self_contained(region: str, assessments: dict[str, dict]) -> None:
    # Every CCG's area team plan sits in the same folder, so a region assessed alone rates as in the whole run.
    assessment = _assess("--as-of", SUBMISSION, paths=(f"plans/{region}",))
    ratings = {Path(entry["file"]).as_posix(): (entry["rating"], entry["confidence"]) for entry in assessment["plans"]}
    whole = {
        Path(entry["file"]).as_posix(): (entry["rating"], entry["confidence"])
        for entry in assessments[SUBMISSION]["plans"]
        if Path(entry["file"]).relative_to("plans").parts[0] == region
    }
    assert ratings == whole
