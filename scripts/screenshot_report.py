"""Render the HTML report and take PNG screenshots of it, to look at.

    python scripts/screenshot_report.py                  # assess plans/ through the CLI
    python scripts/screenshot_report.py --json saved.json  # render a saved assessment
    python scripts/screenshot_report.py --out shots --plan 03Q

Writes into the output folder (default ``screenshots/``, git-ignored):
``report.html`` (what was shot), ``summary.png``, ``plans-table.png``,
``plan-CODE.png`` (one plan's section: the first red plan unless ``--plan``
names one), ``summary-narrow.png`` (a 375-pixel-wide phone) and
``plan-CODE-print.png`` (the same section under the print stylesheet).

Needs Chromium (Debian's ``chromium`` package) and Playwright for Python.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run"]


def chromium_path() -> str | None:
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    return "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None


def _relative(path: Path) -> str:
    """Paths as a user in the repository would type them, so the report names files as they do."""
    try:
        return str(path.resolve().relative_to(REPO))
    except ValueError:
        return str(path.resolve())


def render_html(json_path: Path | None, plans: Path) -> str:
    """The report as the CLI writes it (exit 1, a failed gate, still writes the report)."""
    if json_path is not None:
        command = [sys.executable, "-m", "qipp_rag", "report", str(json_path.resolve()), "--format", "html"]
    else:
        command = [sys.executable, "-m", "qipp_rag", "assess", _relative(plans), "--format", "html"]
    done = subprocess.run(command, cwd=REPO, capture_output=True, text=True, encoding="utf-8", env={**os.environ, "NO_COLOR": "1"})
    if done.returncode not in (0, 1, 2) or not done.stdout.startswith("<!DOCTYPE html>"):
        raise SystemExit(f"the report could not be rendered (exit {done.returncode}):\n{done.stderr}")
    return done.stdout


def pick_plan(page, code: str | None) -> str:
    """The id of the plan section to shoot: the one for ``code``, else the first red plan, else the first."""
    return page.evaluate(
        """(code) => {
            const rows = Array.from(document.querySelectorAll('#plan-table tbody tr[data-r]'));
            const byCode = rows.find((row) => row.cells[1].textContent.trim() === code);
            const red = rows.find((row) => row.getAttribute('data-r') === 'red');
            const row = byCode || red || rows[0];
            return row ? row.querySelector('a').getAttribute('href').slice(1) : '';
        }""",
        code or "",
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="a saved assessment (assess --format json) to render instead of assessing")
    parser.add_argument("--plans", type=Path, default=REPO / "plans", help="plans to assess (default: plans/)")
    parser.add_argument("--out", type=Path, default=REPO / "screenshots", help="folder for the PNGs (default: screenshots/)")
    parser.add_argument("--plan", help="organisation code of the plan whose section to shoot")
    args = parser.parse_args(argv)

    from playwright.sync_api import sync_playwright

    executable = chromium_path()
    if executable is None:
        raise SystemExit("Chromium is not installed (apt-get install chromium)")
    args.out.mkdir(parents=True, exist_ok=True)
    report = args.out / "report.html"
    report.write_text(render_html(args.json, args.plans), encoding="utf-8")

    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1280, "height": 900})
            page.goto(report.resolve().as_uri())
            shots = [("summary.png", "#summary"), ("plans-table.png", "#plans")]
            anchor = pick_plan(page, args.plan)
            if anchor:
                code = page.locator(f"#{anchor} h3 .code").inner_text().strip() or anchor
                shots.append((f"plan-{code}.png", f"#{anchor}"))
            for name, selector in shots:
                page.locator(selector).screenshot(path=str(args.out / name))
                written.append(name)
            if anchor:
                # The whole section is long; its top (heading, charts, first findings) at full size too.
                box = page.evaluate(
                    "(id) => { const r = document.getElementById(id).getBoundingClientRect();"
                    " return {x: r.left + window.scrollX, y: r.top + window.scrollY, width: r.width, height: r.height}; }",
                    anchor,
                )
                clip = {"x": box["x"], "y": box["y"], "width": box["width"], "height": min(box["height"], 1100)}
                page.screenshot(path=str(args.out / f"plan-{code}-top.png"), clip=clip, full_page=True)
                written.append(f"plan-{code}-top.png")

            narrow = browser.new_page(viewport={"width": 375, "height": 800})
            narrow.goto(report.resolve().as_uri())
            narrow.locator("#summary").screenshot(path=str(args.out / "summary-narrow.png"))
            written.append("summary-narrow.png")

            if anchor:
                page.emulate_media(media="print")
                page.locator(f"#{anchor}").screenshot(path=str(args.out / f"plan-{code}-print.png"))
                written.append(f"plan-{code}-print.png")
        finally:
            browser.close()
    for name in written:
        print(args.out / name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
