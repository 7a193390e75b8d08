"""Render the HTML report and take PNG screenshots of it, to look at.

    python scripts/screenshot_report.py                  # assess plans/ through the CLI
    python scripts/screenshot_report.py --json saved.json  # render a saved assessment
    python scripts/screenshot_report.py --out shots --plan 03Q

Writes into the output folder (default ``screenshots/``, git-ignored):
``report.html`` (what was shot), ``first-screen.png`` (what a director sees
on opening it, 1440 by 900), ``needs-action.png``, ``failures.png``,
``plans-table.png``, ``plan-CODE.png`` (the top of one plan's section: the
first red plan unless ``--plan`` names one), ``phone-first-screen.png``,
``phone-plans.png`` and ``phone-plan-CODE.png`` (320 pixels wide),
``print-1.png`` to ``print-3.png`` (the first printed A4 pages, drawn at the
printed width under the print stylesheet) and ``report.pdf`` (the whole
print, with its page count printed).

Needs Chromium (Debian's ``chromium`` package) and Playwright for Python.
"""

from __future__ import annotations

import argparse
import os
import re
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


A4_WIDTH_PX = 703  # 210 mm less 2 x 12 mm margins, at 96 pixels to the inch
A4_HEIGHT_PX = 1017  # 297 mm less 2 x 14 mm margins


def _top(page, selector: str, path: Path, height: int) -> None:
    """The top ``height`` pixels of an element (a whole section of 240 plans would be a poster)."""
    box = page.locator(selector).bounding_box()
    if box is None:
        return
    clip = {"x": box["x"], "y": box["y"] + page.evaluate("window.scrollY"), "width": box["width"], "height": min(box["height"], height)}
    page.screenshot(path=str(path), clip=clip, full_page=True)


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
    url = report.resolve().as_uri()

    written: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 900})
            page.goto(url)
            page.screenshot(path=str(args.out / "first-screen.png"))
            written.append("first-screen.png")
            anchor = pick_plan(page, args.plan)
            code = page.locator(f"#{anchor} h3 .code").inner_text().strip() if anchor else ""
            shots = [("needs-action.png", "#action", 1400), ("failures.png", "#failures", 1000), ("plans-table.png", "#plans", 1400)]
            if anchor:
                shots.append((f"plan-{code}.png", f"#{anchor}", 1600))
            for name, selector, height in shots:
                if page.locator(selector).count():
                    _top(page, selector, args.out / name, height)
                    written.append(name)

            phone = browser.new_page(viewport={"width": 320, "height": 640})
            phone.goto(url)
            phone.screenshot(path=str(args.out / "phone-first-screen.png"))
            written.append("phone-first-screen.png")
            _top(phone, "#plans", args.out / "phone-plans.png", 1400)
            written.append("phone-plans.png")
            if anchor:
                _top(phone, f"#{anchor}", args.out / f"phone-plan-{code}.png", 1800)
                written.append(f"phone-plan-{code}.png")

            # The first three printed pages: a viewport three pages tall, so a national round's long print need not be drawn whole.
            printed = browser.new_page(viewport={"width": A4_WIDTH_PX, "height": 3 * A4_HEIGHT_PX})
            printed.goto(url)
            printed.emulate_media(media="print")
            height = printed.evaluate("document.documentElement.scrollHeight")
            for number in range(1, 4):
                top = (number - 1) * A4_HEIGHT_PX
                if top >= height:
                    break
                clip = {"x": 0, "y": top, "width": A4_WIDTH_PX, "height": min(A4_HEIGHT_PX, height - top)}
                printed.screenshot(path=str(args.out / f"print-{number}.png"), clip=clip, timeout=120_000)
                written.append(f"print-{number}.png")
            pdf = printed.pdf(format="A4", print_background=True)
            (args.out / "report.pdf").write_bytes(pdf)
            written.append("report.pdf")
            pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
        finally:
            browser.close()
    for name in written:
        print(args.out / name)
    print(f"printed: {pages} A4 page{'' if pages == 1 else 's'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
