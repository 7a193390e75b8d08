"""The source map: data paths to 1-based line and column."""

from __future__ import annotations

import pickle

import pytest

from qipp_rag.load import sourcemap, yamlsafe
from qipp_rag.load.sourcemap import NodeSourceMap

TEXT = """\
qipp_plan: 1
organisation:
  code: "03Q"
  region: north
allocation: {2014/15: 100, 2015/16: 200}
schemes:
  - id: A
    savings:
      2014/15: 10
  - id: B
    kpis:
      - name: k
        domain: quality
    flag: true
    amount: 1.50
    1: one
empty:
"""


@pytest.fixture
def source() -> NodeSourceMap:
    parsed = yamlsafe.parse(TEXT.encode())
    assert parsed.issues == []
    return NodeSourceMap(parsed.text, parsed.root)


@pytest.mark.parametrize(
    ("loc", "position"),
    [
        ((), (1, 1)),
        (("qipp_plan",), (1, 12)),
        (("organisation",), (3, 3)),  # a block mapping starts at its first key
        (("organisation", "code"), (3, 9)),
        (("allocation", "2015/16"), (5, 37)),
        (("schemes", 0), (7, 5)),
        (("schemes", 0, "savings", "2014/15"), (9, 16)),
        (("schemes", 1, "kpis", 0, "domain"), (13, 17)),
        (("schemes", 1, "1"), (16, 8)),
        (("schemes", 1, 1), (16, 8)),  # a key that was the number 1
        (("empty",), (17, 7)),
    ],
)
def test_locate_finds_the_value(source: NodeSourceMap, loc: tuple, position: tuple[int, int]) -> None:
    assert source.locate(loc) == position


@pytest.mark.parametrize(
    ("loc", "position"),
    [
        (("organisation", "code"), (3, 3)),
        (("allocation", "2015/16"), (5, 28)),
        (("schemes", 1), (10, 5)),  # a list item has no key: the item itself
        (("schemes", 1, "flag"), (14, 5)),
        ((), (1, 1)),
    ],
)
def test_locate_key_finds_the_key(source: NodeSourceMap, loc: tuple, position: tuple[int, int]) -> None:
    assert source.locate_key(loc) == position


@pytest.mark.parametrize(
    ("loc", "position"),
    [
        (("organisation", "name"), (3, 3)),  # missing key: its mapping
        (("schemes", 7), (7, 3)),  # no such item: the list
        (("schemes", 0, "savings", "2014/15", "deeper"), (9, 16)),  # below a scalar: the scalar
        (("qipp_plan", 0), (1, 12)),
    ],
)
def test_a_path_that_does_not_exist_gives_its_nearest_ancestor(source: NodeSourceMap, loc: tuple, position: tuple[int, int]) -> None:
    assert source.locate(loc) == position
    assert source.locate_key(loc) == position


def test_keys_written_another_way_are_found_by_value(source: NodeSourceMap) -> None:
    from decimal import Decimal

    text = "a:\n  true: x\n  1.50: y\n"
    parsed = yamlsafe.parse(text.encode())
    other = NodeSourceMap(parsed.text, parsed.root)
    assert other.locate(("a", True)) == (2, 9)
    assert other.locate(("a", Decimal("1.5"))) == (3, 9)


def test_a_map_still_answers_after_its_tree_was_dropped(source: NodeSourceMap) -> None:
    expected = source.locate(("schemes", 1, "kpis", 0, "domain"))
    for _ in range(sourcemap._KEEP + 3):  # newer maps push its tree out
        parsed = yamlsafe.parse(b"x: 1\n")
        NodeSourceMap(parsed.text, parsed.root)
    assert source.locate(("schemes", 1, "kpis", 0, "domain")) == expected


def test_a_map_crosses_a_process_boundary_as_its_text(source: NodeSourceMap) -> None:
    data = pickle.dumps(source)
    assert len(data) < len(TEXT) + 200  # no node tree in it
    copy = pickle.loads(data)
    assert copy.locate(("schemes", 0, "savings", "2014/15")) == (9, 16)
    assert copy.locate_key(("allocation", "2015/16")) == (5, 28)


def test_paths_to_finds_nodes_and_their_first_place_when_aliased() -> None:
    parsed = yamlsafe.parse(b"a: &x {k: [1, 2]}\nb: *x\n")
    root = parsed.root
    assert root is not None
    shared = root.value[0][1]
    deep = shared.value[0][1].value[1]
    assert yamlsafe.paths_to(root, [shared, deep, root]) == {id(shared): ("a",), id(deep): ("a", "k", 1), id(root): ()}
