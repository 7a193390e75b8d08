"""The table is drawn without rich's Console, byte for byte as rich drew it: cells measured as rich
measures them, lines written as its Console writes them (plain or in its standard colours), and a
one-plan ``assess`` that writes the table does not import rich at all."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from conftest import run_then
from hypothesis import given, settings
from hypothesis import strategies as st
from rich.cells import cell_len as rich_cell_len
from rich.cells import get_character_cell_size
from rich.color import ColorSystem
from rich.console import Console
from rich.style import Style
from rich.text import Text

from qipp_rag.reporters.table_draw import CODES, STYLES, Run, Screen
from qipp_rag.reporters.table_layout import ONE_CELL, cell_len

REPO = Path(__file__).resolve().parents[1]

try:
    from rich._unicode_data._versions import VERSIONS
except ImportError:  # a rich without per-version tables measures one way
    VERSIONS = ("auto",)

# what plans and the reports hold: Latin text, punctuation, CJK, Hangul, emoji with joiners and
# variation selectors, combining marks, zero-width and bidirectional controls, tabs and control codes
ALPHABET = st.one_of(
    st.characters(),
    st.sampled_from(sorted(ONE_CELL)),
    st.sampled_from("東京医療全角ＮＨＳ한국어ᄀ👩‍⚕️❤️🏥\u0301\u0308\u200b\u200d\ufe0f\u2060\u202e\u05e9\t\n\r\x07\x08\x0b\x0c\x1b\xad"),
)
TEXT = st.text(ALPHABET, max_size=40)


def test_every_character_counted_as_one_cell_is_one_cell_in_every_unicode_version() -> None:
    wrong = [(char, version) for char in ONE_CELL for version in (*VERSIONS, "auto", "latest")
             if get_character_cell_size(char, version) != 1]
    assert wrong == []


@given(TEXT)
@settings(max_examples=400, deadline=None)
def test_cells_are_measured_as_rich_measures_them(text: str) -> None:
    assert cell_len(text) == rich_cell_len(text)


def test_the_colours_are_richs_standard_ones() -> None:
    assert set(STYLES.values()) | {"bold"} == set(CODES)
    for style, code in CODES.items():
        assert Style.parse(style).render("x", color_system=ColorSystem.STANDARD) == f"\x1b[{code}mx\x1b[0m"


def drawn_by_rich(runs: list[Run], color: bool, width: int, soft_wrap: bool, rstrip: bool) -> str:
    """The line as the table report drew it with rich: a Text of styled pieces printed by a Console."""
    console = Console(file=io.StringIO(), force_terminal=color, no_color=not color,
                      color_system="standard" if color else None, width=width, highlight=False, emoji=False,
                      markup=False, legacy_windows=False)
    text = Text()
    for piece, style in runs:
        text.append(Text(piece, style=style) if color else Text(piece))
    if rstrip:
        text.rstrip()
    console.print(text, soft_wrap=soft_wrap)
    return console.file.getvalue()  # type: ignore[attr-defined]


RUNS = st.lists(st.tuples(TEXT, st.sampled_from(["", *CODES])), max_size=6)


@given(RUNS, st.booleans(), st.sampled_from([20, 60, 80, 10_000]), st.booleans())
@settings(max_examples=400, deadline=None)
def test_a_line_is_written_as_richs_console_wrote_it(runs: list[Run], color: bool, width: int, rstrip: bool) -> None:
    screen = Screen(color, width)
    screen.line(runs, rstrip=rstrip)
    assert screen.taken() == drawn_by_rich(runs, color, width, soft_wrap=True, rstrip=rstrip)


@given(TEXT, st.booleans(), st.sampled_from([8, 20, 60, 10_000]))
@settings(max_examples=300, deadline=None)
def test_a_foldable_line_is_written_as_richs_console_wrote_it(text: str, color: bool, width: int) -> None:
    screen = Screen(color, width)
    screen.text(text)
    screen.blank()
    assert screen.taken() == drawn_by_rich([(text, "")], color, width, soft_wrap=False, rstrip=False) + "\n"


@pytest.mark.parametrize("args", [[], ["--no-color"], ["--group-by", "provider", "--show-na"]])
def test_a_one_plan_table_does_not_import_rich(tmp_path, args: list[str]) -> None:
    plan = REPO / "plans" / "north" / "Q50" / "02Y-east-riding.yaml"
    done = run_then(
        ["assess", str(plan), *args],
        "print(sorted(name for name in sys.modules if name.split('.')[0] == 'rich'), file=sys.stderr)",
        cwd=tmp_path,
    )
    assert "Results that are not green" in done.stdout and "AMBER" in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "[]", done.stderr


def test_the_tables_classes_are_not_dataclasses() -> None:
    """A dataclass execs generated code as it is defined: the table's nine cost a one-plan run that draws
    the table over half of Python's own start, so they are named tuples and plain slotted classes."""
    import ast

    found = []
    for path in sorted((REPO / "qipp_rag" / "reporters").glob("*.py")):
        if not path.name.startswith(("table", "tally")):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for decorator in node.decorator_list:
                    target = decorator.func if isinstance(decorator, ast.Call) else decorator
                    if getattr(target, "id", getattr(target, "attr", None)) == "dataclass":
                        found.append(f"{path.name}:{node.name}")
    assert found == []
