"""Write a deterministic corpus of hostile plan files, each one mutation of a valid plan.

    python scripts/make_hostile_corpus.py OUT_FOLDER

The base is ``tests/fixtures/valid/full-plan.yaml``.  Every scalar field of
it is mutated in turn (YAML 1.1 surprises, tags, alias bombs, deep nesting,
huge scalars, wrong types, impossible dates, absurd money, duplicate keys),
and the whole file is mangled too (encodings, NUL bytes, truncation,
malformed syntax).  Files go to ``OUT/hostile/`` (each must be rated
`error`) and ``OUT/valid/`` (byte-level variants that are still valid plans:
CRLF line ends, a UTF-8 byte order mark).  ``OUT/MANIFEST.txt`` lists every
case with what was done to it.  Same base, same bytes, every time.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

BASE = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "valid" / "full-plan.yaml"

# `key: value` on one line, optionally as a list item; value is a plain scalar (not a flow collection).
FIELD = re.compile(r"^(?P<indent> *(?:- )?)(?P<key>[A-Za-z_0-9/]+): (?P<value>[^\s\[{#][^#]*?)\s*$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
NUMBER = re.compile(r"^-?\d+(\.\d+)?$")
YEAR = re.compile(r"^\d{4}/\d{2}$")
BOOLEAN = ("true", "false")

# Plain scalars that YAML 1.1 reads as something other than the text written.
COERCIONS = ("NO", "yes", "on", "off", "Y", "010", "0o17", "0x1F", "1e3", "1_000", "12:30:00", "2014-01-01", ".nan", "+.inf", "n", "0b101")
# Every tag that is not one of the core tags a plan may use, and core tags that cannot fit.
TAGS = (
    '!!python/object/apply:os.system ["echo pwned"]',
    "!!python/object:builtins.dict {}",
    "!!python/name:os.system ''",
    "!!python/tuple [1, 2]",
    "!!binary aGVsbG8=",
    "!!set {a, b}",
    "!!omap [a: 1, b: 2]",
    "!!pairs [a: 1]",
    "!!timestamp 2014-01-01T10:00:00Z",
    "!local value",
    "!<tag:example.com,2014:thing> value",
    "!!int not-a-number",
    "!!float twelve",
    "!!bool maybe",
    "!!null something",
)
WRONG_TYPES = ("[1, 2, 3]", "{a: 1}", "''", "[]", "{}")  # null is fine in an optional field
MONEY = (".nan", "NaN", ".inf", "-.inf", "-5", "1e400", "99999999999999999999999999999999", "0.0000001", "1_000", "£100", "1,000")
DATES = ("2014-02-30", "2014-13-01", "2014-00-10", "2013-02-29", "0000-01-01", "2014-1-5", "20140101", "2014-02-30T10:00:00")
BOOLEANS = ("yes", "no", "on", "off", "Y", "1", "0", "'true'", "True-ish")
YEARS = ("2014/16", "2014-15", "14/15", "2014/1", "1999/00x")
MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str
    data: bytes
    what: str
    valid: bool = False


def kind_of(value: str) -> str:
    value = value.strip().strip('"')
    if DATE.match(value):
        return "date"
    if value in BOOLEAN:
        return "bool"
    if YEAR.match(value):
        return "year"
    if NUMBER.match(value):
        return "number"
    return "text"


def fields(lines: list[str]) -> Iterator[tuple[int, re.Match[str]]]:
    for number, line in enumerate(lines):
        match = FIELD.match(line)
        if match and not line.lstrip().startswith("#"):
            yield number, match


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-")[:40] or "x"


def alias_bomb(levels: int = 9, width: int = 9) -> str:
    """A billion laughs written as one flow value: each anchor lists the previous one `width` times."""
    parts = ["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    for level in range(1, levels):
        parts.append(f"&l{level} [" + ", ".join([f"*l{level - 1}"] * width) + "]")
    return "[" + ", ".join(parts) + "]"


def rotate(options: tuple[str, ...], index: int, count: int) -> list[tuple[int, str]]:
    """``count`` of ``options`` for the ``index``-th field, turning round so every option is used."""
    return [((index * count + step) % len(options), options[(index * count + step) % len(options)]) for step in range(count)]


def field_cases(base: str) -> Iterator[Case]:
    """Each scalar field of the base, mutated several ways: every field gets an alias
    bomb, a duplicate and its kind's hostile values; tags, wrong types and deep
    nesting turn round the fields so each is used on many."""
    lines = base.splitlines(keepends=True)
    for index, (number, match) in enumerate(fields(lines)):
        indent, key, value = match["indent"], match["key"], match["value"]
        kind = kind_of(value)
        where = f"L{number + 1:03d}-{slug(key)}"

        def replaced(new_value: str, extra: str = "") -> bytes:
            new_line = f"{indent}{key}: {new_value}\n"
            return "".join(lines[:number] + [new_line + extra] + lines[number + 1 :]).encode("utf-8")

        values: list[tuple[str, str]] = []
        if kind == "text":
            values += [(f"coerce-{i:02d}-{slug(v)}", v) for i, v in rotate(COERCIONS, index, 4)]
            values += [("huge-scalar", "x" * 100_000) if index % 2 else ("long-line", '"' + "word " * 20_000 + '"')]
        elif kind == "number":
            negative_allowed = key in ("value", "baseline", "target") and not YEAR.match(key)
            money = tuple(v for v in MONEY if not (negative_allowed and v == "-5"))
            values += [(f"money-{i:02d}-{slug(v)}", v) for i, v in rotate(money, index, 4)]
        elif kind == "date":
            values += [(f"date-{i:02d}-{slug(v)}", v) for i, v in rotate(DATES, index, 3)]
        elif kind == "year":
            values += [(f"year-{i:02d}-{slug(v)}", v) for i, v in rotate(YEARS, index, 3)]
        elif kind == "bool":
            values += [(f"bool-{i:02d}-{slug(v)}", v) for i, v in rotate(BOOLEANS, index, 4)]
        values += [(f"tag-{i:02d}-{slug(tag.split()[0])}", tag) for i, tag in rotate(TAGS, index, 2)]
        values += [(f"wrong-type-{i}", wrong) for i, wrong in rotate(WRONG_TYPES, index, 1) if not (kind == "text" and wrong == "''")]
        values += [("alias-bomb", alias_bomb())]
        dup_indent = " " * len(indent)
        deep_kind = index % 3
        if deep_kind == 0:
            values += [("deep-flow-seq", "[" * 500 + "]" * 500)]
        elif deep_kind == 1:
            values += [("deep-flow-map", "{a: " * 300 + "1" + "}" * 300)]
        for label, new_value in values:
            yield Case(f"field-{where}-{label}", replaced(new_value), f"{key} (line {number + 1}) set to {label}")
        if deep_kind == 2:  # deep block nesting under the key
            deep = "".join(f"{dup_indent}{'  ' * (level + 1)}k{level}:\n" for level in range(120)) + f"{dup_indent}{'  ' * 121}end: 1\n"
            yield Case(f"field-{where}-deep-block", "".join(lines[:number] + [f"{indent}{key}:\n", deep] + lines[number + 1 :]).encode(), f"{key} nested 120 mappings deep")
        # The same key twice in its mapping.
        yield Case(f"field-{where}-duplicate-key", replaced(value, f"{dup_indent}{key}: {value}\n"), f"{key} (line {number + 1}) written twice")


def whole_file_cases(base: str) -> Iterator[Case]:
    data = base.encode("utf-8")
    lines = base.splitlines(keepends=True)
    yield Case("file-empty", b"", "an empty file")
    yield Case("file-only-comments", b"# nothing here\n# at all\n", "comments only")
    yield Case("file-only-bom", b"\xef\xbb\xbf", "a byte order mark and nothing else")
    yield Case("file-null-document", b"null\n", "the document is null")
    yield Case("file-scalar-document", b"just some text\n", "the document is a scalar")
    yield Case("file-list-document", b"- qipp_plan: 1\n- organisation: {}\n", "the document is a list")
    yield Case("file-two-documents", data + b"---\n" + data, "two documents")
    yield Case("file-three-dashes-only", b"---\n", "an empty explicit document")
    yield Case("file-utf16-le-bom", base.encode("utf-16"), "UTF-16 with a byte order mark")
    yield Case("file-utf16-be-nobom", base.encode("utf-16-be"), "UTF-16 big-endian without a byte order mark")
    yield Case("file-utf16-le-nobom", base.encode("utf-16-le"), "UTF-16 little-endian without a byte order mark")
    yield Case("file-utf32-bom", base.encode("utf-32"), "UTF-32 with a byte order mark")
    latin = base.replace("NHS Vale of York CCG", "NHS Vale of York CCG caf\u00e9 \u00a3")
    yield Case("file-latin1", latin.encode("latin-1"), "Latin-1 bytes, not UTF-8")
    yield Case("file-cp1252-quotes", base.replace("Rachel Potts", "\u201cRachel\u201d Potts").encode("cp1252"), "Windows-1252 curly quotes")
    yield Case("file-random-binary", bytes((index * 73 + 41) % 256 for index in range(4096)), "binary noise")
    yield Case("file-gzip-header", b"\x1f\x8b\x08\x00" + data[:200], "a gzip header")
    yield Case("file-over-size-limit", b"# " + b"x" * (MAX_BYTES + 10) + b"\n", "over the 5 MB limit")
    for where in (0, len(data) // 3, len(data) // 2, len(data) - 2):
        yield Case(f"file-nul-at-{where:05d}", data[:where] + b"\x00" + data[where:], f"a NUL byte at offset {where}")
    for char in ("\x01", "\x07", "\x1b", "\x7f", "\x85", "\ufffe", "\ud800"):
        text = base.replace("Rachel Potts", f"Rachel{char}Potts")
        yield Case(f"file-control-{ord(char):04x}", text.encode("utf-8", "surrogatepass"), f"control character U+{ord(char):04X} in a name")
    yield Case("file-bom-in-middle", data[:300] + b"\xef\xbb\xbf" + data[300:], "a byte order mark in the middle")
    # Malformed syntax of many kinds.
    syntax = {
        "tab-indent": base.replace("  code:", "\tcode:", 1),
        "unclosed-double-quote": base.replace('"03Q"', '"03Q', 1),
        "unclosed-single-quote": base.replace("name: NHS Vale", "name: 'NHS Vale", 1),
        "unclosed-flow-seq": base.replace("period: [2014/15, 2015/16, 2016/17]", "period: [2014/15, 2015/16, 2016/17", 1),
        "unclosed-flow-map": base.replace("savings: {2015/16: 800}", "savings: {2015/16: 800", 1),
        "bad-indent": base.replace("  name: NHS Vale", "   name: NHS Vale", 1),
        "dedent-in-mapping": base.replace("  type: ccg", "type: ccg", 1) + "  stray: 1\n",
        "missing-colon": base.replace("  type: ccg", "  type ccg", 1),
        "value-colon-value": base.replace("  type: ccg", "  type: ccg: pct", 1),
        "undefined-alias": base.replace("  type: ccg", "  type: *nowhere", 1),
        "alias-self-cycle": base.replace("organisation:\n", "organisation: &org\n  self: *org\n", 1),
        "merge-key": base.replace("  type: ccg", "  <<: {type: ccg}", 1),
        "complex-key": base.replace("  type: ccg", "  ? [type]\n  : ccg", 1),
        "mapping-key-mapping": base.replace("  type: ccg", "  {a: 1}: ccg", 1),
        "null-key": base.replace("  type: ccg", "  ~: ccg", 1),
        "numeric-key": base.replace("  type: ccg", "  12: ccg", 1),
        "directive-yaml-99": "%YAML 9.9\n---\n" + base,
        "directive-tag": "%TAG ! tag:evil.example,2014:\n---\n" + base.replace("type: ccg", "type: !x ccg"),
        "stray-document-end": base.replace("governance:\n", "...\ngovernance:\n", 1),
        "block-scalar-bad": base.replace("  name: NHS Vale of York CCG", "  name: |\nNHS Vale", 1),
        "anchor-no-node": base.replace("  type: ccg", "  type: &a", 1) + "extra: *a\n",
        "flow-in-block-mess": base.replace("  type: ccg", "  type: [ccg, {pct: ]", 1),
        "reserved-indicator": base.replace("  type: ccg", "  type: @ccg", 1),
        "backtick": base.replace("  type: ccg", "  type: `ccg`", 1),
        "list-in-mapping": base.replace("  type: ccg", "  - ccg", 1),
        "mapping-in-list": base.replace("  - id: PR-01", "  id: PR-01", 1),
        "dash-no-space": base.replace("  - id: PR-01", "  -id: PR-01", 1),
        "escaped-bad": base.replace('"03Q"', '"03\\Q"', 1),
        "hundred-thousand-brackets": base + "extra: " + "[" * 100_000 + "\n",
        "deep-seq-of-dashes": base + "extra:\n" + "".join("  " * level + "-\n" for level in range(200)),
        "top-level-alias-bomb": base + "extra: " + alias_bomb(12, 10) + "\n",
        "many-unknown-keys": base + "".join(f"unknown_{index}: {index}\n" for index in range(20_000)),
        "many-duplicate-keys": base + "".join("qipp_plan: 1\n" for _ in range(5_000)),
                "million-line-list": base.replace("schemes:\n", "padding: [" + ", ".join(["1"] * 200_000) + "]\nschemes:\n", 1),
    }
    for label, text in syntax.items():
        yield Case(f"syntax-{label}", text.encode("utf-8"), f"malformed YAML: {label}")
    for cut in (1, 3, 5, 12, 56, 60, len(lines) - 3):
        yield Case(f"truncated-at-line-{cut:03d}", "".join(lines[:cut]).encode(), f"the file cut after {cut} lines")
    for cut in (37, 1001, len(data) - 7):
        yield Case(f"truncated-at-byte-{cut:05d}", data[:cut], f"the file cut at byte {cut}")
    cut_utf8 = base.replace("NHS Vale of York CCG", "NHS \u00a3\u00a3").encode("utf-8")
    yield Case("truncated-mid-utf8", cut_utf8[: cut_utf8.index(b"\xc2\xa3") + 1] + b"\n", "a character cut in half")
    # Structural wrong types at the top level and in collections.
    for key in ("organisation", "allocation", "target", "assumptions", "governance", "engagement", "schemes", "period"):
        for label, value in (("scalar", "7"), ("list", "[1, 2]"), ("map", "{x: 1}"), ("null", "null")):
            mutated = re.sub(rf"^{key}:.*(?:\n(?: .*)?)*?(?=^\S)", f"{key}: {value}\n", base, count=1, flags=re.M)
            if mutated != base and not (key in ("assumptions", "engagement", "governance") and label == "null"):
                yield Case(f"structure-{key}-as-{label}", mutated.encode(), f"{key} replaced by a {label}")
    # Duplicate keys at every level: each whole top-level section written twice.
    for match in re.finditer(r"^(\w+):.*(?:\n(?: .*)?)*?(?=^\S|\Z)", base, flags=re.M):
        section = match.group(0)
        if not section.endswith("\n"):
            section += "\n"
        yield Case(f"duplicate-section-{slug(match.group(1))}", (base + section).encode(), f"top-level `{match.group(1)}` written twice")


def valid_cases(base: str) -> Iterator[Case]:
    data = base.encode("utf-8")
    yield Case("crlf", data.replace(b"\n", b"\r\n"), "CRLF line ends", valid=True)
    yield Case("bom", b"\xef\xbb\xbf" + data, "a UTF-8 byte order mark", valid=True)
    yield Case("bom-crlf", b"\xef\xbb\xbf" + data.replace(b"\n", b"\r\n"), "a byte order mark and CRLF", valid=True)
    yield Case("no-final-newline", data.rstrip(b"\n"), "no newline at the end", valid=True)
    yield Case("huge-comment-line", ("# " + "z" * 4_000_000 + "\n" + base).encode(), "a 4 MB comment, under the size limit", valid=True)
    yield Case("unicode-text", base.replace("Rachel Potts", "Zo\u00eb Ng\u0169y\u1ec5n \U0001f600").encode(), "non-ASCII names", valid=True)


def cases(base: str | None = None) -> list[Case]:
    """Every case, in a fixed order, with unique names."""
    text = BASE.read_text(encoding="utf-8") if base is None else base
    out = [*field_cases(text), *whole_file_cases(text), *valid_cases(text)]
    names = [case.name for case in out]
    repeated = sorted({name for name in names if names.count(name) > 1})
    assert not repeated, f"case names must be unique: {repeated[:5]}"
    return out


def write(folder: Path, chosen: Callable[[Case], bool] = lambda case: True) -> list[Case]:
    written = []
    for case in cases():
        if not chosen(case):
            continue
        target = folder / ("valid" if case.valid else "hostile") / f"{case.name}.yaml"
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(case.data)
        written.append(case)
    manifest = "".join(f"{'valid' if case.valid else 'hostile'}/{case.name}.yaml\t{case.what}\n" for case in written)
    (folder / "MANIFEST.txt").write_text(manifest, encoding="utf-8")
    return written


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: make_hostile_corpus.py OUT_FOLDER", file=sys.stderr)
        return 2
    written = write(Path(argv[0]))
    hostile = sum(1 for case in written if not case.valid)
    print(f"{hostile} hostile and {len(written) - hostile} valid cases written to {argv[0]}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
