"""Scale cases: many waivers and a large rule pack, where lookups done by scanning a list grow
with the square of the input.

    python bench/scale.py                          # 10,000 waivers over 200 plans; 10 plans under 10,000 more rules
    python bench/scale.py --waivers 10000 --plans 200 --rules 36000 --pack-plans 10

Times, in separate processes: ``assess`` with the waivers (table), and
``assess`` with the large pack in csv, junit and github, and ``diff`` of
two such assessments.  Each should take about as long as the table with the
same input; a lookup in a list inside a loop shows as a ratio far above 1.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
import generate  # noqa: E402  (the sibling module)

RULE = """  - id: {id}
    title: Live schemes, copy {n}
    criterion: savings_plan
    measures: count of live schemes
    unit: count
    metric: live_scheme_count
    green: {{min: 1}}
    rationale: scale
    remediation: scale
"""


def waivers_file(path: Path, count: int, codes: list[str]) -> None:
    lines = ["waivers:"]
    for index in range(count):
        code = codes[index % len(codes)]
        rule = f"GV0{1 + index % 9}"
        lines += [f"  - rule: {rule}", f"    plan: '{code}'", f"    reason: reason {index}", "    approved_by: area team", "    expires: 2099-03-31"]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def big_pack(path: Path, count: int) -> None:
    body = "".join(RULE.format(id=f"X{n:05d}", n=n) for n in range(count))
    path.write_text(f"pack: scale\nextends: green-criteria\nrules:\n{body}", encoding="utf-8")


def timed(argv: list[str], cwd: Path) -> float:
    start = time.perf_counter()
    subprocess.run(argv, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
    return time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Time qipp-rag with many waivers and a large rule pack.")
    parser.add_argument("--plans", type=int, default=200)
    parser.add_argument("--waivers", type=int, default=10_000)
    parser.add_argument("--rules", type=int, default=10_000)
    parser.add_argument("--pack-plans", type=int, default=10, help="plans assessed under the large pack")
    parser.add_argument("--out", type=Path, default=HERE / "out" / "scale")
    args = parser.parse_args(argv)

    out: Path = args.out
    plans = out / f"plans-{args.plans}"
    if not plans.is_dir():
        generate.write_corpus(plans, args.plans, seed=1, invalid_rate=0.0)
    codes = sorted({line.split(":", 1)[1].strip().strip("'\"") for file in plans.rglob("*.yaml")
                    for line in file.read_text(encoding="utf-8").splitlines()[:12] if line.startswith("  code:")})
    waivers_file(out / "waivers.yaml", args.waivers, codes or ["03Q"])
    big_pack(out / "pack.yaml", args.rules)
    few = out / f"plans-{args.pack_plans}"
    if not few.is_dir():
        generate.write_corpus(few, args.pack_plans, seed=1, invalid_rate=0.0)

    qipp = [sys.executable, "-m", "qipp_rag"]
    base = [*qipp, "assess", str(plans), "--jobs", "1", "--fail-on", "never"]
    rows = [
        (f"table, {args.plans} plans", base),
        (f"table, {args.plans} plans, {args.waivers:,} waivers", [*base, "--waivers", str(out / "waivers.yaml")]),
    ]
    base = [*qipp, "assess", str(few), "--jobs", "1", "--fail-on", "never", "--rules", str(out / "pack.yaml")]
    rows += [(f"{fmt}, {args.pack_plans} plans, {args.rules:,} more rules", [*base, "--format", fmt]) for fmt in ("table", "csv", "junit", "github")]
    print("| case | seconds |\n|---|---:|", flush=True)
    for label, command in rows:
        print(f"| {label} | {timed(command, out):.1f} |", flush=True)
    saved = out / "a.json"
    subprocess.run([*base, "--report", f"json:{saved}"], cwd=out, capture_output=True, check=False)
    print(f"| diff, {args.rules:,} more rules | {timed([*qipp, 'diff', str(saved), str(saved)], out):.1f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
