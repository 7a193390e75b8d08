"""PyYAML is imported with its regular expressions compiled only when used (qipp_rag/load/pyyaml.py):
a run, which reads YAML with libyaml and its own scalar typing, compiles none of them, and PyYAML's own
loaders and dumpers give what they give when it is imported the usual way."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from conftest import run_then
from hypothesis import given, settings
from hypothesis import strategies as st

from qipp_rag.load.pyyaml import Deferred

REPO = Path(__file__).resolve().parents[1]
PLAN = REPO / "plans" / "north" / "Q50" / "02Y-east-riding.yaml"

# PyYAML's own readings: timestamps, YAML 1.1 numbers and booleans, merge keys, non-printable text
USE_PYYAML = r"""
import json, sys, yaml
docs = [open(sys.argv[1], encoding="utf-8").read(),
        "a: 2001-12-14t21:59:43.10-05:00\nb: 1e3\nc: yes\nd: 0x1F\ne: .nan\nf: 1_000\ng: 0o17\nh: 190:20:30\n",
        "base: &b {x: 1}\nmore:\n  <<: *b\n  y: [~, null, Off, -.inf, 2014-06-01]\n",
        "bell: \"\x07\"\n", "tab:\t1\n", "- !!binary aGVsbG8=\n- !!float 1\n"]
out = []
for doc in docs:
    for loader in (yaml.SafeLoader, yaml.CSafeLoader, yaml.FullLoader):
        try:
            out.append(repr(yaml.load(doc, Loader=loader)))
        except yaml.YAMLError as error:
            out.append(f"{type(error).__name__}: {error}")
out.append(yaml.safe_dump({"x": [1, "yes", None, "2014-06-01", "1e3", "\u00e9\x85"]}, allow_unicode=False))
out.append(yaml.dump({"when": __import__("datetime").date(2014, 6, 1), "n": 1.5}))
print(json.dumps(out))
"""


def _pyyaml_outputs(first: str) -> list[str]:
    code = first + "\n" + USE_PYYAML
    done = subprocess.run([sys.executable, "-c", code, str(PLAN)], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def test_pyyaml_reads_and_writes_as_when_imported_the_usual_way() -> None:
    assert _pyyaml_outputs("import qipp_rag.load.yamlsafe") == _pyyaml_outputs("import yaml")


def test_a_one_plan_run_compiles_none_of_pyyamls_expressions(tmp_path: Path) -> None:
    after = (
        "import yaml.reader, yaml.resolver, yaml.constructor\n"
        "from qipp_rag.load.pyyaml import Deferred\n"
        "found = [yaml.reader.Reader.NON_PRINTABLE, yaml.constructor.SafeConstructor.timestamp_regexp]\n"
        "found += [r for v in yaml.resolver.Resolver.yaml_implicit_resolvers.values() for _, r in v]\n"
        "print(re.compile is compile, len(found), all(isinstance(r, Deferred) for r in found),\n"
        "      sum(r.compiled for r in found), file=sys.stderr)"
    )
    done = run_then(["assess", str(PLAN), "--format", "json"], after, cwd=tmp_path,
                    before="import re, sys\ncompile = re.compile")
    assert '"rating": "amber"' in done.stdout
    put_back, count, deferred, compiled = done.stderr.strip().splitlines()[-1].split()
    assert (put_back, deferred, compiled) == ("True", "True", "0") and int(count) > 20


NON_PRINTABLE = "[^\x09\x0A\x0D\x20-\x7E\x85\xA0-\uD7FF\uE000-\uFFFD\U00010000-\U0010ffff]"


@given(st.text(st.characters(), max_size=30))
@settings(max_examples=200, deadline=None)
def test_a_deferred_pattern_finds_what_the_compiled_one_finds(text: str) -> None:
    deferred, compiled = Deferred(NON_PRINTABLE, 0), re.compile(NON_PRINTABLE)
    found, expected = deferred.search(text), compiled.search(text)
    assert (found and found.span()) == (expected and expected.span())
    assert deferred.pattern == compiled.pattern and deferred.compiled


def test_the_characters_a_stream_may_not_hold_are_yamls_non_printable_ones() -> None:
    from qipp_rag.load.yamlsafe import _FORBIDDEN_CHAR

    every = "".join(map(chr, range(0x110000)))
    forbidden = [match.start() for match in _FORBIDDEN_CHAR.finditer(every)]
    assert forbidden == [match.start() for match in re.finditer(NON_PRINTABLE, every)]
