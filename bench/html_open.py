"""How long the HTML report of a national round takes to open and to sort in Chromium.

    python bench/html_open.py                    # 240 generated plans (211 CCGs and 25 area teams)
    python bench/html_open.py --count 250 --repeat 5
    python bench/html_open.py --report saved.html

Generates the corpus with ``bench/generate.py`` (into ``bench/out/``), writes the
report with ``qipp-rag assess --report html:...``, then opens it in Chromium
(Debian's ``chromium``, through Playwright) ``--repeat`` times in fresh pages.
"Open" is the wall time from navigation until the load event has fired and the
first frame after it is painted (the page is laid out and on screen); "sort" is
the wall time from clicking the Rating heading until the next frame is painted.
The median of the runs is printed against the 3-second goal.  A figure, not a
test: a busy machine is slower, and nothing here fails a build.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
GOAL_SECONDS = 3.0
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
NEXT_FRAME = "() => new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def build_report(count: int, out: Path) -> Path:
    plans = out / f"html-plans-{count}"
    if not plans.is_dir():
        subprocess.run(
            [sys.executable, str(HERE / "generate.py"), "--count", str(count), "--out", str(plans)], check=True
        )
    report = out / f"html-report-{count}.html"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "qipp_rag",
            "assess",
            plans.name,
            "--as-of",
            "2014-10-31",
            "--report",
            f"html:{report}",
            "--quiet",
        ],
        cwd=out,
        capture_output=True,
        text=True,
    )
    if done.returncode not in (0, 1, 2) or not report.is_file():
        raise SystemExit(f"the report was not written (exit {done.returncode}): {done.stderr[-500:]}")
    return report


def measure(report: Path, repeat: int) -> tuple[list[float], list[float]]:
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium") or "/usr/bin/chromium"
    opens, sorts = [], []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            for _ in range(repeat):
                context = browser.new_context(viewport={"width": 1440, "height": 900}, bypass_csp=True)
                page = context.new_page()
                start = time.perf_counter()
                page.goto(report.resolve().as_uri(), wait_until="load")
                page.evaluate(NEXT_FRAME)
                opens.append(time.perf_counter() - start)
                button = page.locator("#plan-table thead th[data-k=rank] button").first
                start = time.perf_counter()
                button.click()
                page.evaluate(NEXT_FRAME)
                sorts.append(time.perf_counter() - start)
                context.close()
        finally:
            browser.close()
    return opens, sorts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=240, help="plans in the generated corpus (default 240)")
    parser.add_argument(
        "--repeat", type=int, default=3, help="times to open the report; the median is shown (default 3)"
    )
    parser.add_argument("--report", type=Path, help="an HTML report to time instead of generating one")
    parser.add_argument(
        "--out", type=Path, default=HERE / "out", help="cache of corpora and reports (default bench/out)"
    )
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.report or build_report(args.count, args.out.resolve())
    opens, sorts = measure(report, max(1, args.repeat))
    size = report.stat().st_size / 1e6
    print(f"report: {report} ({size:.1f} MB)")
    print(
        f"open: median {statistics.median(opens):.2f} s over {len(opens)} runs ({', '.join(f'{s:.2f}' for s in opens)})"
    )
    print(f"sort: median {statistics.median(sorts):.2f} s ({', '.join(f'{s:.2f}' for s in sorts)})")
    verdict = "within" if statistics.median(opens) < GOAL_SECONDS else "OVER"
    print(f"goal: open in under {GOAL_SECONDS:.0f} s: {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
