"""Outputs written piece by piece, as they are made, are byte for byte the outputs rendered whole."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import REPO
from qipp_rag.engine import AssessOptions, assess
from qipp_rag.output_files import write_atomically
from qipp_rag.reporters import REPORTERS, RenderOptions, chunked, renderer
from qipp_rag.results import _exact_numbers, json_chunks


@pytest.fixture(scope="module")
def assessment():
    return assess(AssessOptions(paths=(str(REPO / "plans"),), as_of=dt.date(2014, 9, 30), jobs=1))


def test_the_json_comes_a_plan_at_a_time_and_joins_to_the_one_piece_text(assessment) -> None:
    pieces = list(json_chunks(assessment))
    assert len(pieces) == len(assessment.plans) + 2  # the frame before the plans, each plan, the rest
    assert "".join(pieces) == _exact_numbers(assessment.model_dump_json(indent=2)) + "\n"


def test_the_json_pieces_are_made_only_as_they_are_asked_for(assessment, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[str] = []
    original = type(assessment.plans[0]).model_dump_json

    def counting(self, **kwargs):  # type: ignore[no-untyped-def]
        made.append(self.file)
        return original(self, **kwargs)

    monkeypatch.setattr(type(assessment.plans[0]), "model_dump_json", counting)
    pieces = json_chunks(assessment)
    next(pieces), next(pieces)
    assert made == [assessment.plans[0].file]


@pytest.mark.parametrize("name", list(REPORTERS))
def test_every_format_written_in_pieces_is_the_text_rendered_whole(assessment, name: str) -> None:
    options = RenderOptions(group_by="region")
    assert "".join(chunked(name)(assessment, options)) == renderer(name)(assessment, options)


def test_a_report_file_is_written_from_pieces(tmp_path: Path) -> None:
    asked: list[int] = []

    def pieces() -> Iterator[str]:
        for number in range(3):
            asked.append(number)
            yield f"piece {number} ≥\n"

    target = tmp_path / "report.txt"
    write_atomically([(str(target), pieces()), (str(tmp_path / "whole.txt"), "whole\n")])
    assert target.read_bytes() == "piece 0 ≥\npiece 1 ≥\npiece 2 ≥\n".encode()
    assert (tmp_path / "whole.txt").read_text() == "whole\n"
    assert asked == [0, 1, 2]


def test_a_report_that_fails_while_its_pieces_are_made_leaves_nothing_behind(tmp_path: Path) -> None:
    def pieces() -> Iterator[str]:
        yield "a start\n"
        raise OSError(28, "No space left on device")

    with pytest.raises(OSError):
        write_atomically([(str(tmp_path / "report.json"), pieces())])
    assert list(tmp_path.iterdir()) == []
