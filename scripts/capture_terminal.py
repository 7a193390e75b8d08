#!/usr/bin/env python3
"""Capture what ``qipp-rag assess plans/`` shows on a terminal of a given width, as text.

The command runs on a pseudo-terminal sized like a real one (no COLUMNS in
its environment: it asks the terminal), colour on; the capture keeps the
text and drops the colour codes.  One file per width:

    python scripts/capture_terminal.py                  # 80 and 120 columns into docs/captures/
    python scripts/capture_terminal.py --columns 100 --out /tmp/captures -- plans/ --group-by region

The as-of date is fixed (2014-06-01) so that captures are the same every day.
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import struct
import subprocess
import sys
import termios
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")
AS_OF = "2014-06-01"
ROWS = 50


def run_on_terminal(arguments: list[str], columns: int, cwd: Path = ROOT, timeout: float = 300) -> tuple[int, str]:
    """Run ``python -m qipp_rag ARGUMENTS`` on a pseudo-terminal ``columns`` wide: (exit code, text shown)."""
    main, child = pty.openpty()
    fcntl.ioctl(child, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, columns, 0, 0))
    env = {key: value for key, value in os.environ.items() if key not in ("COLUMNS", "LINES", "NO_COLOR")}
    env["TERM"] = "xterm-256color"
    process = subprocess.Popen(
        [sys.executable, "-m", "qipp_rag", *arguments],
        cwd=cwd, stdin=subprocess.DEVNULL, stdout=child, stderr=child, env=env,
    )
    os.close(child)
    chunks: list[bytes] = []
    while True:
        try:
            chunk = os.read(main, 65536)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        chunks.append(chunk)
    code = process.wait(timeout=timeout)
    os.close(main)
    text = b"".join(chunks).decode("utf-8", "replace").replace("\r\n", "\n")
    return code, ANSI.sub("", text)


def capture(columns: int, paths: list[str], out: Path) -> Path:
    arguments = ["assess", *paths, "--as-of", AS_OF]
    _, text = run_on_terminal(arguments, columns)
    target = out / f"assess-{columns}-columns.txt"
    target.write_text(f"$ qipp-rag {' '.join(arguments)}\n{text}", encoding="utf-8")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--columns", type=int, action="append", help="terminal width; repeatable (default 80 and 120)")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "captures", help="folder for the captures")
    parser.add_argument("paths", nargs="*", default=["plans/"], help="what to assess (default plans/)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for columns in args.columns or [80, 120]:
        print(capture(columns, args.paths, args.out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
