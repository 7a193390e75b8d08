"""JUnit XML output: valid against the JUnit XSD, counts right, everything escaped."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ci_fixtures import (
    amber_plan,
    assessment,
    broken_plan,
    clean_assessment,
    finding,
    green_plan,
    hostile_assessment,
    mixed_assessment,
    organisation,
    plan,
    red_plan,
)
from qipp_rag.reporters import RenderOptions
from qipp_rag.reporters.junit import INPUTS_SUITE, render
from qipp_rag.results import Problem, from_json, to_json

XSD = Path(__file__).resolve().parent / "reference" / "junit-10.xsd"


def parse(assessment_, **options) -> ET.Element:
    return ET.fromstring(render(assessment_, RenderOptions(**options)).encode("utf-8"))


def suite(root: ET.Element, name: str) -> ET.Element:
    found = [s for s in root.findall("testsuite") if s.get("name") == name]
    assert len(found) == 1, name
    return found[0]


def case(suite_: ET.Element, rule: str) -> ET.Element:
    found = [c for c in suite_.findall("testcase") if c.get("name", "").split(" ")[0] == rule]
    assert len(found) == 1, rule
    return found[0]


@pytest.fixture(scope="module")
def schema():
    import xmlschema

    return xmlschema.XMLSchema(str(XSD))


@pytest.mark.parametrize("fail_on", ["red", "amber", "never"])
@pytest.mark.parametrize("build", [mixed_assessment, clean_assessment, hostile_assessment, lambda: assessment([])])
def test_output_is_valid_against_the_junit_xsd(schema, build, fail_on):
    schema.validate(render(build(), RenderOptions(fail_on=fail_on)))


def test_one_suite_per_plan_one_case_per_finding():
    root = parse(mixed_assessment())
    assert [s.get("name") for s in root.findall("testsuite")] == ["plans/london/07L.yaml", "plans/north/02N.yaml", "plans/north/03Q.yaml", "plans/south/09C.yaml"]
    red = suite(root, "plans/london/07L.yaml")
    assert [c.get("name") for c in red.findall("testcase")][:2] == ["SP01 A savings plan exists", "SP02 Identified savings cover the target"]
    assert {c.get("classname") for c in red.findall("testcase")} == {"07L"}
    properties = {p.get("name"): p.get("value") for p in red.find("properties")}
    assert properties["organisation.name"] == "NHS Barking & Dagenham CCG"
    assert properties["rating"] == "red"


def test_red_fails_amber_passes_with_message_and_na_waived_skip():
    root = parse(mixed_assessment())
    red = suite(root, "plans/london/07L.yaml")
    failure = case(red, "SP02").find("failure")
    assert failure.get("type") == "red"
    assert failure.get("message") == "identified savings are 85.50 % of the target in the worst year, 2015/16"
    assert "plans/london/07L.yaml:9:3" in failure.text
    assert "What to change in the plan to meet SP02" in failure.text
    amber = case(red, "TR01")
    assert amber.find("failure") is None
    assert "target is 5.50 %" in amber.find("system-out").text
    assert case(red, "DL01").find("skipped").get("message") == "n/a: no scheme has delivery figures yet"
    waived = case(suite(root, "plans/south/09C.yaml"), "GV07").find("skipped")
    assert waived.get("message").startswith("waived: Contingency agreed with the area team")
    assert "would be amber" in waived.get("message")


def test_amber_fails_under_fail_on_amber():
    root = parse(mixed_assessment(), fail_on="amber")
    tr01 = case(suite(root, "plans/london/07L.yaml"), "TR01").find("failure")
    assert tr01 is not None and tr01.get("type") == "amber"


def test_error_plan_is_one_error_case_listing_every_problem():
    broken = suite(parse(mixed_assessment()), "plans/north/03Q.yaml")
    cases = broken.findall("testcase")
    assert len(cases) == 1
    error = cases[0].find("error")
    assert error.get("message").startswith("2 problems in plans/north/03Q.yaml")
    assert error.text.splitlines() == [
        "plans/north/03Q.yaml:6:1: unknown key `alocation`; did you mean `allocation`? (alocation)",
        "plans/north/03Q.yaml:11:1: `target` gives no value for 2016/17; it must cover every year of `period` (target)",
    ]


@pytest.mark.parametrize("fail_on", ["red", "amber"])
def test_counts_add_up(fail_on):
    root = parse(mixed_assessment(), fail_on=fail_on)
    totals = {"tests": 0, "failures": 0, "errors": 0}
    for s in root.findall("testsuite"):
        cases = s.findall("testcase")
        counted = {
            "tests": len(cases),
            "failures": sum(c.find("failure") is not None for c in cases),
            "errors": sum(c.find("error") is not None for c in cases),
            "skipped": sum(c.find("skipped") is not None for c in cases),
        }
        assert {key: int(s.get(key)) for key in counted} == counted
        for key in totals:
            totals[key] += counted[key]
    assert {key: int(root.get(key)) for key in totals} == totals
    # by hand: 07L has 3 red (+1 amber under --fail-on amber), 09C 2 amber; one error plan
    assert totals == {"tests": 25, "failures": 3 + (3 if fail_on == "amber" else 0), "errors": 1}


def test_problems_outside_plans_get_their_own_suite():
    problems = [Problem(message="unknown key `reson`", line=3, column=5, file="waivers.yaml"), Problem(message="no plan files were found", line=1, column=1)]
    root = parse(assessment([green_plan()], errors=problems))
    inputs = suite(root, INPUTS_SUITE)
    assert [c.get("name") for c in inputs.findall("testcase")] == ["QIPP-ERROR waivers.yaml is valid", "QIPP-ERROR (command line) is valid"]
    assert inputs.get("errors") == "2"


def test_hostile_text_is_escaped_and_control_characters_made_visible():
    text = render(hostile_assessment())
    root = ET.fromstring(text.encode("utf-8"))
    hostile = root.findall("testsuite")[0]
    assert hostile.get("name") == "plans/odd name, with: colon%.yaml"
    sp02 = case(hostile, "SP02").find("failure")
    assert sp02.get("message") == 'line one, with: colon and 50%\r\nline two <b>&amp;</b> "quoted" ]]>'
    gv01 = case(hostile, "GV01").find("failure")
    assert gv01.get("message") == "+cmd|' /C calc'!A0\\x07 bell \\x1b[31m escape \\x00 nul"
    assert "\x1b" not in text and "\x00" not in text and "\x07" not in text


def test_deterministic_and_the_same_from_saved_json():
    original = mixed_assessment()
    assert render(original) == render(original)
    assert render(from_json(to_json(original))) == render(original)
    assert "timestamp" not in render(original)


def _visible(text: str) -> str:
    """What XML 1.0 can carry of ``text``, written out apart from the reporter: tab, line feed, carriage
    return and the ranges #x20-#xD7FF, #xE000-#xFFFD, #x10000-#x10FFFF stay; any other character
    shows as a \\xNN (below 256) or \\uNNNN escape."""
    out = []
    for char in text:
        code = ord(char)
        if char in "\t\n\r" or 0x20 <= code <= 0xD7FF or 0xE000 <= code <= 0xFFFD or code >= 0x10000:
            out.append(char)
        else:
            out.append(f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}")
    return "".join(out)


def test_the_visible_escapes_as_written_here():
    assert _visible("a\x00b\x1bc\ud800\ufffe\t\n") == "a\\x00b\\x1bc\\ud800\\ufffe\t\n"


@settings(max_examples=150, deadline=None)
@given(message=st.text(), name=st.text(max_size=30))
def test_any_text_gives_well_formed_xml_that_reads_back(message, name):
    one = plan("plans/x.yaml", organisation("02N", name or None), "red", [finding("SP02", "red", "50", message, line=2)])
    root = ET.fromstring(render(assessment([one])).encode("utf-8"))
    failure = root.find("testsuite/testcase/failure")
    assert failure.get("message") == _visible(message)
    name_property = [p.get("value") for p in root.find("testsuite/properties") if p.get("name") == "organisation.name"]
    assert name_property == ([_visible(name)] if name else [])


def test_every_rating_of_a_plan_is_reported():
    root = parse(assessment([red_plan(), amber_plan(), green_plan(), broken_plan()]))
    ratings = [{p.get("name"): p.get("value") for p in s.find("properties")}["rating"] for s in root.findall("testsuite")]
    assert ratings == ["red", "amber", "green", "error"]
