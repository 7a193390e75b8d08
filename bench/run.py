"""The qipp-rag benchmark: one command, every measurement side by side.

    python bench/run.py                      # 1,000 and 10,000 plans, seed 1
    python bench/run.py --sizes 1000 --repeat 3
    python bench/run.py --check              # exit 1 when a target is missed

For each corpus size it generates (once; cached under ``bench/out/``) a
corpus of synthetic plans with ``bench/generate.py`` and times, in
separate processes and in one run so that the ratios compare like with like:

  (a) the floor: reading and parsing the same files with PyYAML's C loader
      (``yaml.load(f, Loader=yaml.CSafeLoader)``) and nothing else;
  (b) ``qipp-rag validate``;
  (c) ``qipp-rag assess --format json`` with ``--jobs 1`` and ``--jobs 2``;
  (d) ``assess`` writing JSON, HTML and SARIF in one run;
  (e) the nearest peer: ``check-jsonschema`` against ``qipp-rag schema``;
  (f) cold starts: ``qipp-rag --version`` and assessing one plan, against
      ``python -c pass`` (several runs, median).

Wall time is measured around each process; peak memory is the largest
resident set of the process and any worker it waited for (``ru_maxrss``
from ``os.wait4``).  Each measurement is the median of ``--repeat`` runs,
taken round-robin so that drift in the machine touches every command alike.
The report goes to standard output as Markdown tables, with PASS or FAIL
for every target; the raw numbers go to ``bench/out/last-run.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (the sibling module, not an installed package)

DEFAULT_OUT = HERE / "out"

# The floor: what any tool that reads these files must at least do.
FLOOR_SCRIPT = """
import os, sys, yaml
count = 0
for root, dirs, files in os.walk(sys.argv[1]):
    dirs.sort()
    for name in sorted(files):
        if name.endswith((".yaml", ".yml")):
            with open(os.path.join(root, name), "rb") as handle:
                try:
                    yaml.load(handle, Loader=yaml.CSafeLoader)
                except yaml.YAMLError:
                    pass
            count += 1
print(count)
"""


# ---------------------------------------------------------------- measuring one process


@dataclass
class Run:
    seconds: float  # wall time
    cpu_seconds: float  # user + system time of the process and the workers it waited for
    peak_mb: float
    exit_code: int


# Each command is started by this small launcher rather than by the benchmark
# itself: Linux keeps a process's peak memory across exec, so a command forked
# straight from this (larger) process would report at least this process's size.
LAUNCHER = """
import json, os, sys, time
out, err, cwd, argv = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
if cwd:
    os.chdir(cwd)
actions = [
    (os.POSIX_SPAWN_OPEN, 0, os.devnull, os.O_RDONLY, 0),
    (os.POSIX_SPAWN_OPEN, 1, out, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
    (os.POSIX_SPAWN_OPEN, 2, err, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644),
]
start = time.perf_counter()
pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=actions)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - start
kb = usage.ru_maxrss / 1024 if sys.platform == "darwin" else usage.ru_maxrss
cpu = usage.ru_utime + usage.ru_stime
print(json.dumps({"seconds": seconds, "cpu_seconds": cpu, "peak_mb": kb / 1024, "exit_code": os.waitstatus_to_exitcode(status)}))
"""


def measure(argv: Sequence[str], cwd: Path | None = None, stdout: Path | None = None, stderr: Path | None = None) -> Run:
    """Wall time, peak resident memory (MB) and exit code of one process.

    Peak memory is ``ru_maxrss`` from ``os.wait4``: the largest resident set
    of the process or of any worker process it waited for.
    """
    launcher = [sys.executable, "-S", "-c", LAUNCHER, str(stdout or os.devnull), str(stderr or os.devnull), str(cwd or ""), *argv]
    done = subprocess.run(launcher, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"could not start {argv[0]}: {done.stderr.strip()[-500:]}")
    return Run(**json.loads(done.stdout))


@dataclass
class Measurement:
    key: str
    label: str
    argv: list[str]
    runs: list[Run] = field(default_factory=list)
    ok_codes: tuple[int, ...] = (0,)
    note: str = ""

    @property
    def seconds(self) -> float:
        return statistics.median(run.seconds for run in self.runs)

    @property
    def cpu_seconds(self) -> float:
        return statistics.median(run.cpu_seconds for run in self.runs)

    @property
    def peak_mb(self) -> float:
        return statistics.median(run.peak_mb for run in self.runs)

    @property
    def ok(self) -> bool:
        return bool(self.runs) and all(run.exit_code in self.ok_codes for run in self.runs)

    @property
    def exit_codes(self) -> list[int]:
        return sorted({run.exit_code for run in self.runs})


def run_round_robin(measurements: Sequence[Measurement], repeat: int, cwd: Path | None, outputs: Path | None) -> None:
    """Each command ``repeat`` times, in turn; standard output and error kept under ``outputs``."""
    for _ in range(repeat):
        for item in measurements:
            out = err = None
            if outputs is not None:
                out, err = outputs / f"{item.key}.out", outputs / f"{item.key}.err"
            item.runs.append(measure(item.argv, cwd=cwd, stdout=out, stderr=err))


# ---------------------------------------------------------------- the programs under test


def console_script() -> list[str]:
    """The installed ``qipp-rag`` of this interpreter's environment, else ``python -m qipp_rag``."""
    beside = shutil.which("qipp-rag", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("qipp-rag")
    return [found] if found else [sys.executable, "-m", "qipp_rag"]


def peer_command() -> list[str] | None:
    beside = shutil.which("check-jsonschema", path=str(Path(sys.executable).parent))
    found = beside or shutil.which("check-jsonschema")
    return [found] if found else None


def tool_version(qipp: list[str]) -> str:
    done = subprocess.run([*qipp, "--version"], capture_output=True, text=True)
    return done.stdout.strip() or f"(--version exited {done.returncode})"


def write_schema(qipp: list[str], out: Path) -> tuple[Path, str]:
    """The plan format's JSON Schema as ``qipp-rag schema`` prints it."""
    path = out / "plan.schema.json"
    done = subprocess.run([*qipp, "schema"], capture_output=True, text=True)
    try:
        json.loads(done.stdout)
        path.write_text(done.stdout, encoding="utf-8")
        return path, "qipp-rag schema"
    except ValueError:
        # Until `qipp-rag schema` exists, the same models give the same schema.
        from qipp_rag.plan.models import Plan

        path.write_text(json.dumps(Plan.model_json_schema(), indent=2), encoding="utf-8")
        return path, "Plan.model_json_schema() (qipp-rag schema was unavailable)"


# ---------------------------------------------------------------- corpora


@dataclass
class Corpus:
    size: int
    folder: Path
    files: list[str]
    invalid: dict[str, str]  # file -> the kind of mistake in it
    megabytes: float


def corpus(out: Path, size: int, seed: int, invalid_rate: float) -> Corpus:
    """The generated corpus, reused when a matching one is already on disk."""
    folder = out / f"plans-{size}-seed{seed}-invalid{invalid_rate:g}"
    manifest_path = folder / generate.MANIFEST
    manifest: dict[str, Any] | None = None
    if manifest_path.exists():
        try:
            manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        except ValueError:
            manifest = None
        wanted = {"generator_version": generate.GENERATOR_VERSION, "count": size, "seed": seed, "invalid_rate": invalid_rate}
        if manifest is None or any(manifest.get(key) != value for key, value in wanted.items()) or not all((folder / name).exists() for name in manifest["files"]):
            manifest = None
    if manifest is None:
        if folder.exists():
            shutil.rmtree(folder)
        print(f"generating {size:,} plans in {folder} ...", file=sys.stderr)
        manifest = generate.write_corpus(folder, size, seed, invalid_rate)
    size_bytes = sum((folder / name).stat().st_size for name in manifest["files"])
    return Corpus(size=size, folder=folder, files=manifest["files"], invalid=manifest["invalid"], megabytes=size_bytes / 1e6)


# ---------------------------------------------------------------- the benchmark


@dataclass
class SizeResult:
    corpus: Corpus
    rows: dict[str, Measurement]
    checks: dict[str, str]  # label -> what the output check found


LABELS = {
    "floor": "(a) floor: `yaml.load` with `CSafeLoader`, nothing else",
    "validate": "(b) `qipp-rag validate`",
    "assess1": "(c) `qipp-rag assess --format json --jobs 1`",
    "assess2": "(c) `qipp-rag assess --format json --jobs 2`",
    "reports": "(d) `assess` JSON + HTML + SARIF, `--jobs 1`",
    "peer": "(e) peer: `check-jsonschema` with the plan schema",
}


def bench_size(item: Corpus, qipp: list[str], schema: Path, repeat: int, out: Path, with_peer: bool, only: Sequence[str] = ()) -> SizeResult:
    results = out / f"results-{item.size}"
    results.mkdir(parents=True, exist_ok=True)
    folder = str(item.folder)
    # With invalid plans in the corpus, validate and assess exit 2 by design; 3 (internal error) never passes.
    checked = (0, 2) if item.invalid else (0,)
    assessed = (0, 1, 2) if item.invalid else (0, 1)
    assess = [*qipp, "assess", folder, "--format", "json"]
    rows = [
        Measurement("floor", LABELS["floor"], [sys.executable, "-c", FLOOR_SCRIPT, folder]),
        Measurement("validate", LABELS["validate"], [*qipp, "validate", folder], ok_codes=checked),
        Measurement("assess1", LABELS["assess1"], [*assess, "--jobs", "1"], ok_codes=assessed),
        Measurement("assess2", LABELS["assess2"], [*assess, "--jobs", "2"], ok_codes=assessed),
        Measurement(
            "reports",
            LABELS["reports"],
            [*assess, "--jobs", "1", "--report", f"html:{results / 'report.html'}", "--report", f"sarif:{results / 'report.sarif'}"],
            ok_codes=assessed,
        ),
    ]
    if only:
        rows = [row for row in rows if row.key in only]
    peer = peer_command()
    if with_peer and peer and not only:
        # Paths relative to the corpus keep the command line short; it exits 1 on the invalid plans.
        rows.append(Measurement("peer", LABELS["peer"], [*peer, "--schemafile", str(schema), *item.files], ok_codes=(0, 1) if item.invalid else (0,)))
    run_round_robin(rows, repeat, item.folder, results)
    checks = {row.key: check_output(row.key, results, item) for row in rows}
    return SizeResult(corpus=item, rows={row.key: row for row in rows}, checks=checks)


PLANS_OPEN = b'  "plans": [\n'
PLAN_OPEN = b"    {\n"  # a plan of the JSON's `plans` list, as qipp-rag indents it
PLAN_ERROR = (b'      "rating": "error",\n', b'      "rating": "error"\n')


def count_plans(path: Path) -> tuple[int, int] | None:
    """(plans, plans rated error) in a JSON assessment, read line by line: at 100,000 plans the file
    is several gigabytes, more than this process should parse at once.  The counts are cross-checked
    with a full parse when the file is small; None when it is not a qipp-rag JSON assessment."""
    if not path.exists():
        return None
    plans = errors = 0
    with path.open("rb") as handle:
        if handle.readline() != b"{\n":
            return None
        for line in handle:  # to the plans list (the rules, waivers and errors lists indent alike)
            if line == PLANS_OPEN:
                break
        for line in handle:
            if line == PLAN_OPEN:
                plans += 1
            elif line in PLAN_ERROR:
                errors += 1
            elif not line.startswith(b"    "):  # the list's end
                break
    if path.stat().st_size <= 200_000_000:
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except ValueError:
            return None
        listed = data.get("plans", [])
        parsed = (len(listed), sum(plan.get("rating") == "error" for plan in listed))
        if parsed != (plans, errors):
            return None
    return plans, errors


def check_output(key: str, results: Path, item: Corpus) -> str:
    """Did the command do the whole job? (A fast run that skipped plans proves nothing.)"""

    def read(suffix: str) -> str:
        path = results / f"{key}.{suffix}"
        return path.read_text(encoding="utf-8", errors="replace") if path.exists() else ""

    if key == "floor":
        return "ok" if read("out").strip() == str(len(item.files)) else f"read {read('out').strip() or 'nothing'}"
    if key in ("validate", "peer"):
        said = read("out") + read("err")
        missed = [name for name in item.invalid if name not in said]
        return "ok" if not missed else f"did not name {len(missed)} of the {len(item.invalid)} invalid files"
    counted = count_plans(results / f"{key}.out")
    if counted is None:
        return "no JSON on standard output"
    plans, errors = counted
    if plans != len(item.files):
        return f"{plans} plans in the JSON, {len(item.files)} on disk"
    if errors != len(item.invalid):
        return f"{errors} plans rated error, {len(item.invalid)} generated invalid"
    if key == "reports":
        for name in ("report.html", "report.sarif"):
            if not (results / name).exists() or (results / name).stat().st_mtime < (results / "reports.out").stat().st_mtime - 600:
                return f"no fresh {name}"
    return "ok"


def bench_cold(qipp: list[str], one_plan: Path, repeat: int) -> dict[str, Measurement]:
    python = sys.executable
    one = [str(one_plan), "--format", "json", "--jobs", "1"]
    rows = [
        Measurement("python", "`python -c pass`", [python, "-c", "pass"]),
        Measurement("version", "`qipp-rag --version`", [*qipp, "--version"]),
        Measurement("version_m", "`python -m qipp_rag --version`", [python, "-m", "qipp_rag", "--version"]),
        Measurement("one", "`qipp-rag assess ONE.yaml --format json`", [*qipp, "assess", *one], ok_codes=(0, 1)),
        Measurement("one_m", "`python -m qipp_rag assess ONE.yaml --format json`", [python, "-m", "qipp_rag", "assess", *one], ok_codes=(0, 1)),
    ]
    for row in rows:  # one untimed run each, so that every program starts from a warm disk cache
        measure(row.argv)
    run_round_robin(rows, repeat, None, None)
    return {row.key: row for row in rows}


# ---------------------------------------------------------------- targets


@dataclass
class Target:
    name: str
    value: float | None  # the measured ratio; None when it could not be measured
    limit: float
    strict: bool = False  # "<" rather than "≤"
    note: str = ""

    @property
    def passed(self) -> bool:
        if self.value is None:
            return False
        return self.value < self.limit if self.strict else self.value <= self.limit


def targets(sizes: list[SizeResult], cold: dict[str, Measurement]) -> list[Target]:
    large = sizes[-1]
    rows = large.rows
    n = f"{large.corpus.size:,} plans"

    def ratio(top: Measurement | None, bottom: Measurement | None, valid: Callable[[], bool] = lambda: True) -> float | None:
        if top is None or bottom is None or not (top.ok and bottom.ok and valid()):
            return None
        return top.seconds / bottom.seconds

    assessed_ok = lambda key: large.checks.get(key) == "ok"  # noqa: E731
    out = [
        Target(f"(c) `--jobs 1` ≤ 1.2 × floor at {n}", ratio(rows["assess1"], rows["floor"], lambda: assessed_ok("assess1")), 1.2),
        Target(f"(c) `--jobs 2` < floor at {n}", ratio(rows["assess2"], rows["floor"], lambda: assessed_ok("assess2")), 1.0, strict=True),
    ]
    peer = rows.get("peer")
    speedup = None
    if peer is not None and peer.ok and rows["assess1"].ok and assessed_ok("assess1"):
        speedup = peer.seconds / rows["assess1"].seconds
    out.append(Target(f"(c) `--jobs 1` ≥ 5 × faster than check-jsonschema at {n} (shown: time of (c) ÷ time of (e))", None if speedup is None else 1 / speedup, 0.2))
    out.append(Target("`qipp-rag --version` ≤ 8 × `python -c pass`", ratio(cold["version"], cold["python"]), 8))
    out.append(Target("assessing one plan ≤ 15 × `python -c pass`", ratio(cold["one"], cold["python"]), 15))
    out += memory_targets(sizes)
    return out


MEMORY_ROWS = {"assess1": "(c) JSON, `--jobs 1`", "reports": "(d) JSON + HTML + SARIF"}
MEMORY_GROWTH = 1.5  # peak memory at the largest size ÷ at the smallest
MEMORY_CEILING_MB = 300  # at the largest size
HUGE_SIZE = 100_000
HUGE_CEILING_MB = 1000


def memory_targets(sizes: list[SizeResult]) -> list[Target]:
    """Peak memory that stays flat as the run grows: a ratio between sizes, and a ceiling."""
    large, small = sizes[-1], sizes[0]
    n = f"{large.corpus.size:,} plans"
    out: list[Target] = []
    for key, label in MEMORY_ROWS.items():
        big, little = large.rows.get(key), small.rows.get(key)
        if len(sizes) > 1 and big is not None and little is not None and big.ok and little.ok:
            growth: float | None = big.peak_mb / little.peak_mb
        else:
            growth = None
        note = "" if len(sizes) > 1 else "needs two sizes, each assessed in full"
        out.append(Target(f"peak memory of {label} at {n} ≤ {MEMORY_GROWTH} × at {small.corpus.size:,}", growth, MEMORY_GROWTH, note=note))
        ceiling = big.peak_mb / MEMORY_CEILING_MB if big is not None and big.ok else None
        out.append(Target(f"peak memory of {label} at {n} < {MEMORY_CEILING_MB} MB (shown: MB ÷ {MEMORY_CEILING_MB})", ceiling, 1.0, strict=True))
    return out


def huge_target(huge: SizeResult | None) -> list[Target]:
    """``--huge``: a national archive of plan versions completes within a fixed memory ceiling."""
    if huge is None:
        return []
    row = huge.rows["assess1"]
    value = row.peak_mb / HUGE_CEILING_MB if row.ok and huge.checks.get("assess1") == "ok" else None
    name = f"(--huge) (c) `--jobs 1` at {huge.corpus.size:,} plans completes under {HUGE_CEILING_MB:,} MB (shown: MB ÷ {HUGE_CEILING_MB:,})"
    return [Target(name, value, 1.0, strict=True)]


# ---------------------------------------------------------------- the report


def machine() -> str:
    model = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.0f} GB RAM"
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"{platform.system()} {platform.machine()}, {model}, {cores} cores{memory}; Python {platform.python_version()}"


def _cell(row: Measurement, floor: Measurement | None, check: str) -> list[str]:
    if not row.runs:
        return ["—"] * 4
    if not row.ok:
        return [f"failed (exit {', '.join(map(str, row.exit_codes))})", "—", "—", f"{row.peak_mb:.0f}"]
    flag = "" if check == "ok" else f" ⚠ {check}"
    relative = f"{row.seconds / floor.seconds:.2f}" if floor is not None and floor.ok else "—"
    return [f"{row.seconds:.2f}{flag}", relative, f"{row.cpu_seconds:.2f}", f"{row.peak_mb:.0f}"]


def report(sizes: list[SizeResult], cold: dict[str, Measurement], goals: list[Target], header: dict[str, str]) -> str:
    lines = [f"qipp-rag benchmark: {header['tool']}", "", f"- machine: {header['machine']}"]
    lines.append(f"- command: `{header['command']}`")
    for result in sizes:
        item = result.corpus
        lines.append(f"- corpus of {item.size:,} plans: {item.megabytes:.1f} MB of YAML, {len(item.invalid)} with a deliberate mistake ({item.folder.name})")
    lines.append(f"- schema for the peer: {header['schema']}")
    lines += [
        "",
        "Wall seconds (median of runs), as a multiple of the floor's; CPU seconds (user + system, workers included); peak memory (MB):",
        "",
    ]
    head = "| command |"
    rule = "|---|"
    for result in sizes:
        size = f"{result.corpus.size:,}"
        head += f" s @ {size} | × floor | CPU s | MB |"
        rule += "---:|---:|---:|---:|"
    lines += [head, rule]
    for key, label in LABELS.items():
        cells: list[str] = []
        present = False
        for result in sizes:
            row = result.rows.get(key)
            if row is None:
                cells += ["not run", "—", "—", "—"]
            else:
                present = True
                cells += _cell(row, result.rows.get("floor"), result.checks.get(key, "ok"))
        if present:
            lines.append(f"| {label} | " + " | ".join(cells) + " |")
    base = cold["python"]
    lines += ["", f"Cold start (median of {len(base.runs)} runs):", "", "| command | s | × `python -c pass` | CPU s | MB |", "|---|---:|---:|---:|---:|"]
    for row in cold.values():
        if row.ok:
            lines.append(f"| {row.label} | {row.seconds:.3f} | {row.seconds / base.seconds:.1f} | {row.cpu_seconds:.3f} | {row.peak_mb:.0f} |")
        else:
            lines.append(f"| {row.label} | failed (exit {', '.join(map(str, row.exit_codes))}) | — | — | — |")
    lines += ["", "Targets:", ""]
    for goal in goals:
        shown = "not measured" if goal.value is None else f"{goal.value:.2f}"
        note = f" ({goal.note})" if goal.note else ""
        lines.append(f"- {'PASS' if goal.passed else 'FAIL'}: {goal.name}: {shown}{note}")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- main


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark qipp-rag against the YAML floor and check-jsonschema.")
    parser.add_argument("--sizes", default="1000,10000", help="corpus sizes, comma-separated (default 1000,10000)")
    parser.add_argument("--seed", type=int, default=1, help="generator seed (default 1)")
    parser.add_argument("--invalid-rate", type=float, default=0.03, help="share of deliberately broken plans (default 0.03)")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each corpus command; the median is shown (default 1)")
    parser.add_argument("--cold-repeat", type=int, default=7, help="runs of each cold-start command (default 7)")
    parser.add_argument("--no-peer", action="store_true", help="skip check-jsonschema (slow at 10,000 plans)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="cache of corpora and outputs (default bench/out)")
    parser.add_argument("--check", action="store_true", help="exit 1 when any target is missed")
    parser.add_argument("--huge", action="store_true", help=f"also assess {HUGE_SIZE:,} plans once (JSON, --jobs 1), for its peak memory")
    args = parser.parse_args(argv)
    try:
        sizes = sorted({int(part) for part in args.sizes.split(",") if part.strip()})
    except ValueError:
        parser.error("--sizes takes whole numbers separated by commas, e.g. 1000,10000")
    if not sizes or sizes[0] < 1 or args.repeat < 1 or args.cold_repeat < 1:
        parser.error("sizes, --repeat and --cold-repeat must be 1 or more")

    out = args.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    qipp = console_script()
    schema, schema_source = write_schema(qipp, out)
    corpora = [corpus(out, size, args.seed, args.invalid_rate) for size in sizes]
    header = {
        "tool": tool_version(qipp),
        "machine": machine(),
        "command": "python bench/run.py " + " ".join(argv if argv is not None else sys.argv[1:]),
        "schema": schema_source,
    }
    results: list[SizeResult] = []
    for item in corpora:
        print(f"timing {item.size:,} plans ...", file=sys.stderr)
        results.append(bench_size(item, qipp, schema, args.repeat, out, with_peer=not args.no_peer))
    huge: SizeResult | None = None
    if args.huge:
        big = corpus(out, HUGE_SIZE, args.seed, args.invalid_rate)
        print(f"assessing {big.size:,} plans once ...", file=sys.stderr)
        huge = bench_size(big, qipp, schema, 1, out, with_peer=False, only=("assess1",))
    one_plan = next(item.folder / name for item in corpora for name in item.files if name not in item.invalid)
    print("timing cold starts ...", file=sys.stderr)
    cold = bench_cold(qipp, one_plan, args.cold_repeat)
    goals = targets(results, cold) + huge_target(huge)
    text = report(results + ([huge] if huge is not None else []), cold, goals, header)
    sys.stdout.write(text)
    raw = {
        "header": header,
        "sizes": [
            {"size": r.corpus.size, "megabytes": r.corpus.megabytes, "invalid": len(r.corpus.invalid), "checks": r.checks, "rows": {k: {"label": m.label, "runs": [asdict(x) for x in m.runs]} for k, m in r.rows.items()}}
            for r in results + ([huge] if huge is not None else [])
        ],
        "cold": {k: {"label": m.label, "runs": [asdict(x) for x in m.runs]} for k, m in cold.items()},
        "targets": [{"name": g.name, "value": g.value, "limit": g.limit, "passed": g.passed} for g in goals],
    }
    (out / "last-run.json").write_text(json.dumps(raw, indent=1) + "\n", encoding="utf-8")
    (out / "last-run.md").write_text(text, encoding="utf-8")
    return 1 if args.check and not all(goal.passed for goal in goals) else 0


if __name__ == "__main__":
    sys.exit(main())
