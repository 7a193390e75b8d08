"""No pydantic field of the package takes a builtin (``list``, ``dict`` ...) as its default factory:
pydantic reads a factory's signature, a builtin's is parsed from its text by the tokenize module, and
that first parse costs a one-plan run's start about a third of Python's own start."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import run_then

REPO = Path(__file__).resolve().parents[1]
BUILTINS = {"list", "dict", "set", "tuple", "frozenset"}


def test_no_field_has_a_builtin_default_factory() -> None:
    found = []
    for path in sorted((REPO / "qipp_rag").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Field":
                for keyword in node.keywords:
                    if keyword.arg == "default_factory" and getattr(keyword.value, "id", None) in BUILTINS:
                        found.append(f"{path.relative_to(REPO)}:{node.lineno}")
    assert found == []


def test_a_one_plan_run_tokenizes_no_signature(tmp_path: Path) -> None:
    plan = REPO / "plans" / "north" / "Q50" / "02Y-east-riding.yaml"
    done = run_then(
        ["assess", str(plan), "--format", "json"],
        "print(tokenize._compile.cache_info().currsize, file=sys.stderr)",
        cwd=tmp_path, before="import sys, tokenize",
    )
    assert '"rating": "amber"' in done.stdout
    assert done.stderr.strip().splitlines()[-1] == "0", done.stderr
