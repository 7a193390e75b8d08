"""Run the SIGINT and SIGTERM tests many times and report how many passed.

    python scripts/stress_signals.py              # 50 rounds of each signal
    python scripts/stress_signals.py --rounds 10

A race between a signal and the worker pool starting lost about 1 run in 16,
so the normal suite (one round) cannot show that it is gone; this loop can.
Each round interrupts a real ``qipp-rag assess`` in a process group of its own,
with a watchdog that kills the group, so a hang is a failure and leaves nothing
behind.  Exits 0 only when every round of both signals passed.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=50, help="rounds of each signal (default 50)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as scratch:
        junit = Path(scratch) / "signals.xml"
        command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
                   "tests/test_faults.py", "-k", "test_a_signal_mid_run_stops_cleanly_without_a_report"]  # fmt: skip
        env = {**os.environ, "QIPP_SIGNAL_ROUNDS": str(args.rounds)}
        subprocess.run(command, cwd=REPO, env=env, check=False)
        if not junit.exists():
            print("signal stress: pytest wrote no results", file=sys.stderr)
            return 2
        cases = ET.parse(junit).getroot().iter("testcase")
        by_signal: dict[str, list[bool]] = {"SIGINT": [], "SIGTERM": []}
        for case in cases:
            name = case.get("name", "")
            passed = not any(child.tag in ("failure", "error", "skipped") for child in case)
            for signame, outcomes in by_signal.items():
                if f"[{signame}-" in name:
                    outcomes.append(passed)
    for signame, outcomes in by_signal.items():
        print(f"signal stress: {signame} {sum(outcomes)}/{args.rounds} rounds passed")
    complete = all(len(outcomes) == args.rounds and all(outcomes) for outcomes in by_signal.values())
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
