"""Every format renders plan by plan: over a plan sequence that gives a fresh copy on every access
(as the engine's spilled one does), no more than a few plans are alive at once, and the output is
byte for byte the output captured before the reporters streamed."""

from __future__ import annotations

import json

import pytest
from plan_stream_support import (
    HASHES,
    OPTIONS,
    FreshPlans,
    cases,
    corpus_assessment,
    digest,
    example_assessment,
    streamed,
)

from qipp_rag.reporters import RenderOptions, chunked, renderer
from qipp_rag.results import Assessment

MOST_ALIVE = 3  # the plan being written, and at most a neighbour or two being compared with it
STREAMED = ("json", "csv", "junit", "sarif", "github", "markdown", "table", "html")


@pytest.fixture(scope="module")
def assessments(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Assessment]:
    return {
        "examples": example_assessment(),
        "corpus": corpus_assessment(tmp_path_factory.mktemp("corpus") / "plans"),
    }


@pytest.mark.parametrize("label", ["examples", "corpus"])
def test_every_format_is_as_captured_when_read_plan_by_plan(assessments: dict[str, Assessment], label: str) -> None:
    expected = json.loads(HASHES.read_text())
    differ = []
    for name, fmt, options in cases():
        lazy, _ = streamed(assessments[label], collect_above=MOST_ALIVE)
        if digest("".join(chunked(fmt)(lazy, options))) != expected[f"{label}.{name}"]:
            differ.append(name)
    assert differ == []


@pytest.mark.parametrize("options", list(OPTIONS), ids=list(OPTIONS))
@pytest.mark.parametrize("fmt", STREAMED)
def test_no_format_holds_more_than_a_few_plans(assessments: dict[str, Assessment], fmt: str, options: str) -> None:
    plain = assessments["corpus"]
    lazy, plans = streamed(plain, collect_above=MOST_ALIVE)
    chosen = OPTIONS[options] if fmt != "table" else RenderOptions(width=100, group_by=OPTIONS[options].group_by)
    text = []
    for piece in chunked(fmt)(lazy, chosen):
        text.append(piece)
        assert plans.live_within(MOST_ALIVE) <= MOST_ALIVE  # nothing kept between pieces
    assert len(plain.plans) >= 60 and plans.handed_out >= len(plain.plans)
    assert plans.peak <= MOST_ALIVE, f"{fmt} had {plans.peak} plans alive at once"
    whole = "".join(text)
    assert whole == renderer(fmt)(plain, chosen) == renderer(fmt)(lazy, chosen)
    # written as it is made: a piece (at least) for every plan, none of them a large part of the whole
    assert len(text) >= len(plain.plans)
    assert max(len(piece) for piece in text) < len(whole) / 10


def test_the_copies_are_counted(assessments: dict[str, Assessment]) -> None:
    # More plans than MOST_ALIVE, each new peak counted after a full collection (slow in a large process)
    plans = FreshPlans(assessments["examples"].plans[: MOST_ALIVE + 2])
    held = list(plans)
    assert plans.peak == len(held) == plans.live
    del held
    assert plans.live == 0
    one = plans[0]
    assert plans[0] is not one and plans[0] == one
