#!/usr/bin/env python3
"""The package's shape in a few figures, for a note on its architecture.

    python scripts/architecture_figures.py            # the working tree
    python scripts/architecture_figures.py --rev REV  # the package as committed at REV (git)

Prints:

- modules: every ``.py`` file under ``qipp_rag/`` (``__init__`` and ``__main__`` included),
  their median and the largest, in lines;
- import loops: groups of modules that import each other, directly or through others, in the
  graph of the package's own imports that run when a module is imported (``if TYPE_CHECKING:``
  imports left out; importing a submodule runs every package above it), the graph and its cycles
  found as ``tests/test_architecture.py`` finds them;
- the files a new output format and a new rule touch, derived from where an existing one is
  named: a format's name (``sarif``) as a word in the package's code, and a rule's metric
  (GV05's ``approved_on_time``) in the package's code and the shipped pack.  Files that only
  describe (docs, tests) are not counted.
"""

from __future__ import annotations

import argparse
import ast
import importlib.util
import io
import re
import statistics
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FORMAT = "sarif"  # a format with no options of its own: what any new format costs
RULE = "GV05"  # a rule with a metric of its own: what a new rule with a new metric costs


def _architecture_tests() -> object:
    """tests/test_architecture.py as a module, for its import graph and its loop finder."""
    spec = importlib.util.spec_from_file_location("architecture_tests", ROOT / "tests" / "test_architecture.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def module_sizes(package: Path) -> dict[str, int]:
    return {
        str(path.relative_to(package.parent)): len(path.read_text(encoding="utf-8").splitlines())
        for path in sorted(package.rglob("*.py"))
    }


def _code_words(path: Path) -> set[str]:
    """Identifiers and the words of string constants in a module, docstrings and comments left out."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef))
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and id(node) not in docstrings:
            words.update(re.findall(r"[A-Za-z_][A-Za-z0-9_]*", node.value))
        elif isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
        elif isinstance(node, ast.alias):
            words.update(node.name.split("."))
    return words


def files_naming(root: Path, word: str, also: tuple[str, ...] = ()) -> list[str]:
    """The package's modules (and the files ``also`` names) that name ``word``."""
    package = root / "qipp_rag"
    found = [str(path.relative_to(root)) for path in sorted(package.rglob("*.py")) if word in _code_words(path)]
    stem = f"{word}.py"
    found += [name for name in also if (root / name).exists() and word in (root / name).read_text(encoding="utf-8")]
    return sorted(set(found) | {str(path.relative_to(root)) for path in package.rglob(stem)})


def rule_metric(root: Path, rule: str) -> str:
    text = (root / "rules" / "green-criteria.yaml").read_text(encoding="utf-8")
    block = text.split(f"- id: {rule}", 1)[1].split("- id:", 1)[0]
    match = re.search(r"^\s*metric:\s*(\S+)", block, re.MULTILINE)
    assert match is not None, f"no metric for {rule}"
    return match.group(1)


def tangles(graph: dict[str, set[str]]) -> list[list[str]]:
    """The groups of modules that import each other, directly or not (strongly connected components
    of more than one module, Tarjan's algorithm): each is one import loop however many cycles run in it."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(module: str) -> None:
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for target in sorted(graph.get(module, ())):
            if target not in index:
                visit(target)
                low[module] = min(low[module], low[target])
            elif target in on_stack:
                low[module] = min(low[module], index[target])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                groups.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph):
        if module not in index:
            visit(module)
    return sorted(groups)


def figures(root: Path) -> list[str]:
    package = root / "qipp_rag"
    sizes = module_sizes(package)
    largest = max(sizes, key=lambda name: sizes[name])
    tests = _architecture_tests()
    graph = tests.import_graph(package)  # type: ignore[attr-defined]
    cycles = tests.import_loops(graph)  # type: ignore[attr-defined]
    groups = tangles(graph)
    format_files = files_naming(root, FORMAT)
    metric = rule_metric(root, RULE)
    rule_files = files_naming(root, metric, also=("rules/green-criteria.yaml",))
    lines = [
        f"modules: {len(sizes)}; median {statistics.median(sizes.values()):g} lines; "
        f"largest {largest.removeprefix('qipp_rag/').removesuffix('.py')} {sizes[largest]} lines",
        f"import loops: {len(groups)} (groups of modules importing each other; {len(cycles)} cycles found in them)",
        *(f"  {len(group)} modules: {', '.join(name.removeprefix('qipp_rag.') for name in group)}" for group in groups),
        f"a new output format (as {FORMAT}) touches {len(format_files)} files: {', '.join(format_files)}",
        f"a new rule with its own metric (as {RULE}, {metric}) touches {len(rule_files)} files: "
        f"{', '.join(rule_files)}",
    ]
    return lines


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rev", help="a git revision to measure instead of the working tree")
    arguments = parser.parse_args(argv)
    if arguments.rev is None:
        print("\n".join(figures(ROOT)))
        return 0
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", arguments.rev, "qipp_rag", "rules"], capture_output=True, check=True
    ).stdout
    with tempfile.TemporaryDirectory() as folder:
        with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
            tar.extractall(folder, filter="data")
        print("\n".join(figures(Path(folder))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
