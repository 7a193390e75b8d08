"""Write qipp_rag/rulebook/shipped_pack.json, the precompiled form of rules/green-criteria.yaml.

    python scripts/compile_pack.py

Run it after any change to the shipped pack (a test fails until it is run).
The pack is read through the strict loader and validated first; a pack with
problems is not compiled.
"""

from __future__ import annotations

import sys

from qipp_rag.rulebook.compiled import COMPILED_FILE, compiled_text
from qipp_rag.rulebook.packs import read_pack, shipped_pack_file


def main() -> int:
    file = shipped_pack_file()
    pack, problems = read_pack(str(file))
    if pack is None or problems:
        for problem in problems:
            print(f"{problem.file}:{problem.line}:{problem.column}: {problem.message}", file=sys.stderr)
        return 1
    COMPILED_FILE.write_text(compiled_text(pack, file.read_bytes()), encoding="utf-8")
    print(f"wrote {COMPILED_FILE} from {file}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
