"""Mutation testing: plant one small bug at a time and check that some test fails.

    python scripts/mutate.py                       # every group, up to 60 mutants
    python scripts/mutate.py --max 200 --group rating --group waivers
    python scripts/mutate.py --list                # the mutants it would try, without running them

Self-contained (the standard library and the project's own test suite; no
network).  The repository is copied to a scratch folder once; each mutant
changes one expression in one module of that copy and runs the tests of its
group there (``pytest -x``, with ``PYTHONPATH`` pointing at the copy, so the
CLI the tests start runs the mutant too).  A mutant is *killed* when a test
fails, *survives* when every test passes, and *timed out* (counted as
killed: the tests noticed something) when the tests run past ``--timeout``.

Groups, what they mutate, and the tests that must notice:

- ``metrics``: the rule metrics (``rulebook/metrics``);
- ``rating``: banding a value (``RuleSpec.rate``, ``Band.holds``) and a
  plan's rating (``plan_rating``);
- ``exit-codes``: the exit code and the gate (``exit_code``, ``gate_fails``);
- ``escaping``: control characters, XML and formula escapes in the reporters;
- ``loader``: the strict YAML loader's checks (``load/yamlsafe``, ``load/loading``);
- ``waivers``: matching and applying waivers.

Mutations: comparison operators (``<`` and ``<=``, ``==`` and ``!=``,
``in`` and ``not in``), ``and``/``or``, a dropped ``not``, ``+``/``-`` and
``*``/``/``, integer constants ±1, ``True``/``False``, the rating words
(``"red"``, ``"amber"``, ``"green"``), and ``return`` of a boolean negated.
Mutants are spread evenly over the modules of a group and chosen the same
way every time (``--seed``).  The report lists every survivor with its file,
line and change; ``--out`` also writes it as JSON.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COPIED = ("qipp_rag", "tests", "rules", "templates", "plans", "docs", "README.md", "pyproject.toml")


@dataclass(frozen=True)
class Group:
    name: str
    modules: tuple[str, ...]  # globs under the repository
    functions: tuple[str, ...]  # function names to mutate in those modules; empty: every function
    tests: tuple[str, ...]  # test files (globs under tests/) that must notice
    constants: tuple[str, ...] = ()  # module-level names whose text (patterns, tables) is mutated too


GROUPS = (
    Group("metrics", ("qipp_rag/**/metrics/*.py",), (), ("test_metrics_*.py", "test_portfolio_rules.py", "test_outputs_by_hand.py")),
    Group("rating", ("qipp_rag/**/models.py", "qipp_rag/rating.py", "qipp_rag/engine.py", "qipp_rag/results.py"), ("rate", "holds", "contains", "plan_rating"),
          ("test_engine.py", "test_engine_packs.py", "test_metrics_rules.py", "test_properties.py", "test_plan_models.py")),
    Group("exit-codes", ("qipp_rag/results.py", "qipp_rag/engine.py"), ("exit_code", "gate_fails"),
          ("test_engine.py", "test_junit.py", "test_sarif.py", "test_github.py", "test_assess_cli.py")),
    Group("escaping", ("qipp_rag/reporters/*.py",), ("visible", "printable_path", "_escape", "xml_text", "safe_cell", "escape", "escape_data", "escape_property", "_visible", "md", "_md", "code_spans"),
          ("test_junit.py", "test_csv_report.py", "test_sarif.py", "test_github.py", "test_html_report.py", "test_outputs_by_hand.py",
           "test_assess_reporters.py", "test_hostile_security.py"),
          ("_NOT_XML", "_CONTROL", "_SURROGATE", "_NAMED", "_FORMULA_START", "_PLAIN_NUMBER", "_SPECIAL", "_MARKDOWN_ENTITIES")),
    Group("loader", ("qipp_rag/load/yamlsafe.py", "qipp_rag/load/loading.py"), (),
          ("test_loading_yaml.py", "test_loading_plans.py", "test_fuzz_loader.py", "test_validate_cases.py")),
    Group("waivers", ("qipp_rag/waivers.py",), (), ("test_waivers.py",)),
)  # fmt: skip

RATINGS = ("green", "amber", "red")
COMPARE_SWAPS: dict[type, type] = {
    ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt,
    ast.Eq: ast.NotEq, ast.NotEq: ast.Eq, ast.In: ast.NotIn, ast.NotIn: ast.In, ast.Is: ast.IsNot, ast.IsNot: ast.Is,
}  # fmt: skip
BINOP_SWAPS: dict[type, type] = {ast.Add: ast.Sub, ast.Sub: ast.Add, ast.Mult: ast.Div, ast.Div: ast.Mult, ast.FloorDiv: ast.Mult}


@dataclass(frozen=True)
class Mutant:
    group: str
    file: str  # relative to the repository
    line: int
    column: int
    function: str
    change: str
    index: int  # which mutation point of the file, in walk order

    def where(self) -> str:
        return f"{self.file}:{self.line}:{self.column + 1} in {self.function}()"


def _points(tree: ast.AST, functions: tuple[str, ...], constants: tuple[str, ...] = ()) -> list[tuple[ast.AST, str, str]]:
    """(node, enclosing function or constant, description) for every mutation point, in a stable order."""
    found: list[tuple[ast.AST, str, str]] = []

    def visit(node: ast.AST, function: str) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            function = node.name
        if isinstance(node, ast.Assign) and not function and any(isinstance(t, ast.Name) and t.id in constants for t in node.targets):
            function = next(t.id for t in node.targets if isinstance(t, ast.Name))
        wanted = bool(function) and (function in constants or not functions or function in functions)
        if wanted:
            description = _describe(node, text=bool(constants))
            if description is not None:
                found.append((node, function, description))
        for child in ast.iter_child_nodes(node):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and child in node.decorator_list:
                continue
            if isinstance(child, ast.JoinedStr):
                continue  # f-strings: their text is not behaviour worth a mutant
            if isinstance(child, ast.Expr) and isinstance(child.value, ast.Constant):
                continue  # docstrings
            visit(child, function)

    visit(tree, "")
    return found


def _describe(node: ast.AST, text: bool = False) -> str | None:
    if isinstance(node, ast.Compare) and len(node.ops) == 1 and type(node.ops[0]) in COMPARE_SWAPS:
        return f"{type(node.ops[0]).__name__} -> {COMPARE_SWAPS[type(node.ops[0])].__name__}"
    if isinstance(node, ast.BoolOp):
        return f"{type(node.op).__name__} -> {'Or' if isinstance(node.op, ast.And) else 'And'}"
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
        return "drop `not`"
    if isinstance(node, ast.BinOp) and type(node.op) in BINOP_SWAPS:
        return f"{type(node.op).__name__} -> {BINOP_SWAPS[type(node.op)].__name__}"
    if isinstance(node, ast.Constant):
        if isinstance(node.value, bool):
            return f"{node.value} -> {not node.value}"
        if isinstance(node.value, int) and node.value in (0, 1, 2, 3, 100):
            return f"{node.value} -> {node.value + 1}"
        if isinstance(node.value, str) and node.value in RATINGS:
            return f"{node.value!r} -> {RATINGS[(RATINGS.index(node.value) + 1) % 3]!r}"
        if text and isinstance(node.value, str) and node.value:
            return f"{node.value!r} -> {_shortened(node.value)!r}"
    if isinstance(node, ast.Return) and isinstance(node.value, (ast.Compare, ast.BoolOp)):
        return "return not (...)"
    return None


def _shortened(value: str) -> str:
    """Text with one character dropped: the second (the first inside a ``[...]`` class), or the only one."""
    return value[:1] + value[2:] if len(value) > 1 else ""


class _Apply(ast.NodeTransformer):
    """Applies the mutation at one mutation point, found again by its walk index."""

    def __init__(self, target: ast.AST) -> None:
        self.target = target

    def generic_visit(self, node: ast.AST) -> ast.AST:
        node = super().generic_visit(node)
        if node is not self.target:
            return node
        if isinstance(node, ast.Compare):
            node.ops = [COMPARE_SWAPS[type(node.ops[0])]()]
        elif isinstance(node, ast.BoolOp):
            node.op = ast.Or() if isinstance(node.op, ast.And) else ast.And()
        elif isinstance(node, ast.UnaryOp):
            return node.operand
        elif isinstance(node, ast.BinOp):
            node.op = BINOP_SWAPS[type(node.op)]()
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool):
                node.value = not node.value
            elif isinstance(node.value, int):
                node.value = node.value + 1
            elif node.value in RATINGS:
                node.value = RATINGS[(RATINGS.index(node.value) + 1) % 3]
            else:
                node.value = _shortened(node.value)
        elif isinstance(node, ast.Return):
            node.value = ast.UnaryOp(op=ast.Not(), operand=node.value)
        return node


def _module_files(group: Group, base: Path) -> list[Path]:
    files: set[Path] = set()
    for pattern in group.modules:
        files.update(path for path in base.glob(pattern) if path.name != "__init__.py" and "__pycache__" not in path.parts)
    return sorted(files)


def enumerate_mutants(groups: list[Group], base: Path = REPO) -> list[Mutant]:
    """Every mutation point of the groups' modules under ``base`` (the scratch copy, once it is made:
    the working tree may change while a long run goes on)."""
    mutants = []
    for group in groups:
        for path in _module_files(group, base):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for index, (node, function, change) in enumerate(_points(tree, group.functions, group.constants)):
                relative = path.relative_to(base).as_posix()
                mutants.append(Mutant(group.name, relative, node.lineno, node.col_offset, function, change, index))  # type: ignore[attr-defined]
    return mutants


def choose(mutants: list[Mutant], limit: int, seed: int) -> list[Mutant]:
    """Up to ``limit`` mutants, shared evenly between groups and, within a group, between its files."""
    rng = random.Random(seed)
    by_group: dict[str, dict[str, list[Mutant]]] = {}
    for mutant in mutants:
        by_group.setdefault(mutant.group, {}).setdefault(mutant.file, []).append(mutant)
    for files in by_group.values():
        for found in files.values():
            rng.shuffle(found)
    chosen: list[Mutant] = []
    while len(chosen) < limit and any(found for files in by_group.values() for found in files.values()):
        for files in by_group.values():
            group_files = [found for found in files.values() if found]
            if group_files and len(chosen) < limit:
                chosen.append(group_files[len(chosen) % len(group_files)].pop())
    return sorted(chosen, key=lambda m: (m.group, m.file, m.line, m.column, m.index))


def mutated_source(mutant: Mutant, root: Path) -> str:
    source = (root / mutant.file).read_text(encoding="utf-8")
    group = next(group for group in GROUPS if group.name == mutant.group)
    tree = ast.parse(source)
    node, _, _ = _points(tree, group.functions, group.constants)[mutant.index]
    return ast.unparse(ast.fix_missing_locations(_Apply(node).visit(tree)))


def _copy_repository(scratch: Path) -> Path:
    root = scratch / "repo"
    root.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", ".hypothesis")
    for name in COPIED:
        source = REPO / name
        if source.is_dir():
            shutil.copytree(source, root / name, ignore=ignore)
        elif source.exists():
            shutil.copy2(source, root / name)
    return root


ALWAYS = ("test_mutation_survivors.py",)  # tests written for mutants that once survived, run with every group


def _test_files(group: Group, root: Path) -> list[str]:
    files: set[str] = set()
    for pattern in (*group.tests, *ALWAYS):
        files.update(path.relative_to(root).as_posix() for path in (root / "tests").glob(pattern))
    return sorted(files)


def run_tests(root: Path, tests: list[str], timeout: float) -> tuple[str, float, str]:
    """('killed' | 'survived' | 'timeout', seconds, the first failing test)."""
    env = {**os.environ, "PYTHONPATH": str(root), "PYTHONDONTWRITEBYTECODE": "1", "NO_COLOR": "1"}
    env.pop("QIPP_SIGNAL_ROUNDS", None)
    command = [sys.executable, "-m", "pytest", "-x", "-q", "-p", "no:cacheprovider", "-p", "no:randomly", "--no-header", "-m", "not browser", *tests]
    started = time.monotonic()
    try:
        done = subprocess.run(command, cwd=root, env=env, capture_output=True, text=True, timeout=timeout, start_new_session=True)
    except subprocess.TimeoutExpired:
        return "timeout", time.monotonic() - started, ""
    failed = next((line.split(" ", 2)[1] for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))), "")
    return ("survived" if done.returncode == 0 else "killed"), time.monotonic() - started, failed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--group", action="append", choices=[group.name for group in GROUPS], help="only these groups (repeatable)")
    parser.add_argument("--max", type=int, default=60, help="mutants to run at most (default 60)")
    parser.add_argument("--seed", type=int, default=18, help="which mutants are chosen (default 18)")
    parser.add_argument("--timeout", type=float, default=600, help="seconds for one mutant's tests (default 600)")
    parser.add_argument("--only", action="append", help="run only mutants whose 'file:line' contains this text (repeatable)")
    parser.add_argument("--list", action="store_true", help="list the chosen mutants and stop")
    parser.add_argument("--no-baseline", action="store_true", help="do not first check that the unmutated tests pass")
    parser.add_argument("--out", type=Path, help="also write the results as JSON here")
    args = parser.parse_args(argv)

    groups = [group for group in GROUPS if not args.group or group.name in args.group]
    every = enumerate_mutants(groups)
    chosen = choose(every, args.max, args.seed)
    if args.only:
        chosen = [mutant for mutant in chosen if any(text in f"{mutant.file}:{mutant.line}:" for text in args.only)]
    print(f"mutate: {len(every)} mutation points in {len({m.file for m in every})} modules; running {len(chosen)}", flush=True)
    if args.list:
        for mutant in chosen:
            print(f"  [{mutant.group}] {mutant.where()}: {mutant.change}")
        return 0

    results = []
    with tempfile.TemporaryDirectory(prefix="qipp-rag-mutate-") as scratch:
        root = _copy_repository(Path(scratch))
        if enumerate_mutants(groups, root) != every:
            print("mutate: the working tree changed while it was being copied; run again", file=sys.stderr)
            return 2
        if not args.no_baseline:
            baseline_tests = sorted({test for group in groups for test in _test_files(group, root)})
            status, seconds, failed = run_tests(root, baseline_tests, args.timeout * 2)
            if status != "survived":
                print(f"mutate: the unmutated tests do not pass ({status}, {failed or 'see pytest'}); nothing to measure", file=sys.stderr)
                return 2
            print(f"mutate: unmutated tests pass in {seconds:.0f} s", flush=True)
        for number, mutant in enumerate(chosen, 1):
            target = root / mutant.file
            original = target.read_text(encoding="utf-8")
            target.write_text(mutated_source(mutant, root), encoding="utf-8")
            try:
                group = next(group for group in GROUPS if group.name == mutant.group)
                status, seconds, failed = run_tests(root, _test_files(group, root), args.timeout)
            finally:
                target.write_text(original, encoding="utf-8")
            results.append({**asdict(mutant), "status": status, "seconds": round(seconds, 1), "failed": failed})
            print(f"  {number:3}/{len(chosen)} {status:8} [{mutant.group}] {mutant.where()}: {mutant.change} {failed}", flush=True)

    killed = sum(1 for result in results if result["status"] != "survived")
    survivors = [result for result in results if result["status"] == "survived"]
    print(f"\nmutate: {len(results)} mutants, {killed} killed ({sum(1 for r in results if r['status'] == 'timeout')} by timeout), {len(survivors)} survived")
    for group in groups:
        mine = [result for result in results if result["group"] == group.name]
        if mine:
            print(f"  {group.name:10} {sum(1 for r in mine if r['status'] != 'survived')}/{len(mine)} killed")
    for result in survivors:
        print(f"  SURVIVED [{result['group']}] {result['file']}:{result['line']}:{result['column'] + 1} in {result['function']}(): {result['change']}")
    if args.out:
        args.out.write_text(json.dumps({"results": results, "killed": killed, "survived": len(survivors)}, indent=2) + "\n", encoding="utf-8")
    return 1 if survivors else 0


if __name__ == "__main__":
    sys.exit(main())
