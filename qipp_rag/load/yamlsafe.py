"""The strict YAML reader: bytes in, plain Python data and its node tree out.

Plans, rule packs, waivers and configuration are untrusted, so this reads
them with rules of its own rather than YAML 1.1's:

* Before libyaml sees the text: a size limit, UTF-8 only, no NUL or control
  characters, and a nesting bound (libyaml's composer recurses in C and
  would crash the process on ~100,000 nested brackets).
* libyaml composes the node tree (with line and column marks); Python data
  is then built from the nodes in one pass with our own scalar typing:
  quoted text stays text, ``yes``/``010``/``1e3`` and friends become
  :class:`~qipp_rag.load.scalars.Ambiguous` (so the field they land in can say
  "put it in quotes"), plain decimals become exact ``Decimal``, and
  ``YYYY-MM-DD`` a ``date``.
* Only the standard tags; no duplicate keys; aliases allowed but their
  expansion is bounded, and an alias that contains itself is an error.

Nothing here raises for bad input: every problem comes back as an
:class:`Issue`.
"""

from __future__ import annotations

import codecs
import datetime as dt
import gc
import re
from decimal import Decimal
from typing import Any, NamedTuple

from . import pyyaml  # noqa: F401 - before yaml: its regular expressions compiled when used

# isort: split

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .scalars import Ambiguous, clip

try:  # libyaml's parser is the fast one; the pure-Python one reads the same
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml.composer import Composer
    from yaml.parser import Parser
    from yaml.reader import Reader
    from yaml.scanner import Scanner

    _SAFE_COMPOSE_DEPTH = 200  # the pure-Python composer recurses in Python, within its recursion limit

    class _Parser(Reader, Scanner, Parser, Composer):  # type: ignore[no-redef]
        def __init__(self, stream: str) -> None:
            Reader.__init__(self, stream)
            Scanner.__init__(self)
            Parser.__init__(self)
            Composer.__init__(self)


MB = 1_000_000
MAX_BYTES = 5 * MB
MAX_DEPTH = 64  # levels of nested mappings and lists; plans need about 6
ALIAS_FLOOR = 100_000  # values an alias-heavy document may expand to ...
ALIAS_FACTOR = 20  # ... or this many times the values it writes out, whichever is more
_SAFE_COMPOSE_DEPTH = 2_000  # far below the depth at which the composer's recursion exhausts a thread's stack

CORE = "tag:yaml.org,2002:"
STR_TAG, MAP_TAG, SEQ_TAG = CORE + "str", CORE + "map", CORE + "seq"
PLAIN_TAG = "tag:qipp-rag,2014:plain"  # an untagged plain scalar, typed by our rules


# ---------------------------------------------------------------- results


class Issue(NamedTuple):
    """A problem in the YAML itself.  ``loc`` is the data path it belongs to
    (None for problems with the whole document); line and column are 1-based,
    0 for problems with the whole file."""

    message: str
    line: int
    column: int
    loc: tuple[str | int, ...] | None = None


class Parsed(NamedTuple):
    data: Any  # None when the document could not be read
    root: Node | None  # the node tree: the source map of ``data``
    text: str
    issues: list[Issue]


def parse(raw: bytes, what: str = "file") -> Parsed:
    """Read one YAML document that must be a mapping.  ``what`` names the input in messages."""
    # Reading makes tens of thousands of small objects and no reference cycles
    # (an alias cycle is refused, not built), so the cyclic garbage collector
    # would only scan them again and again; it is paused meanwhile.
    collecting = gc.isenabled()
    gc.disable()
    try:
        return _parse(raw, what)
    finally:
        if collecting:
            gc.enable()


def _parse(raw: bytes, what: str) -> Parsed:
    text, issue = decode(raw, what)
    if issue is not None:
        return Parsed(None, None, "", [issue])
    issue = check_nesting(text)
    if issue is not None:
        return Parsed(None, None, text, [issue])
    root, issue = compose(text, what)
    if issue is not None or root is None:
        return Parsed(None, None, text, [issue] if issue else [])
    builder = _Builder()
    try:
        data = builder.value(root, 1)
    except _Fatal as fatal:
        return Parsed(None, None, text, [Issue(fatal.message, *mark_of(fatal.node))])
    return Parsed(data, root, text, _placed(root, builder.issues))


# ---------------------------------------------------------------- bytes to text


def too_big(size: int, what: str) -> Issue:
    plural = "plans are" if what == "plan" else "YAML inputs are"
    return Issue(f"file is {size / MB:.1f} MB; {plural} at most {MAX_BYTES // MB} MB", 0, 0)


_UTF16_32 = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
# Characters YAML does not allow in a stream: all but tab, line breaks and printable Unicode
# ([^\t\n\r\x20-\x7e\x85\xa0-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]), listed rather than negated:
# the same characters (tests/test_yaml_import.py checks every one), fifty times cheaper to compile.
_FORBIDDEN_CHAR = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")


def decode(raw: bytes, what: str = "file") -> tuple[str, Issue | None]:
    """UTF-8 text (a byte-order mark is dropped), or the reason it is not."""
    if len(raw) > MAX_BYTES:
        return "", too_big(len(raw), what)
    if raw.startswith(codecs.BOM_UTF8):
        raw = raw[3:]
    elif raw.startswith(_UTF16_32):
        return "", Issue("the file is UTF-16 or UTF-32 text, not UTF-8; save it as UTF-8", 1, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        before = raw[: error.start].decode("utf-8", "replace")
        line, column = _position(before, len(before))
        byte = raw[error.start]
        return "", Issue(
            (
                f"the file is not UTF-8: byte 0x{byte:02X} cannot start or continue a UTF-8 character; save the "
                "file as UTF-8"
            ),
            line,
            column,
        )
    bad = _FORBIDDEN_CHAR.search(text)
    if bad is not None:
        line, column = _position(text, bad.start())
        char = bad.group()
        if char == "\x00":
            message = "the file contains a NUL byte; it is binary, or text saved as UTF-16 (save it as UTF-8)"
        else:
            message = f"the file contains the control character U+{ord(char):04X}, which YAML does not allow"
        return "", Issue(message, line, column)
    return text, None


def _position(text: str, index: int) -> tuple[int, int]:
    """1-based line and column of character ``index`` (the end of ``text`` if beyond it)."""
    index = min(index, len(text))
    line_start = text.rfind("\n", 0, index) + 1
    return text.count("\n", 0, index) + 1, index - line_start + 1


# ---------------------------------------------------------------- nesting


_LEADING_INDICATORS = re.compile(r"^[ \t?:-]+", re.MULTILINE)


def check_nesting(text: str) -> Issue | None:
    """Refuse text nested deeper than libyaml's composer can safely recurse.

    Block nesting needs a new column per level (two levels per column at
    most, for a list directly under a key) and every flow level an opening
    bracket, so ``2 * (longest run of indentation and indicators) + brackets``
    bounds the depth without parsing.  Only when that cheap bound is large is
    the depth measured exactly, from libyaml's event stream, which is not
    recursive.  Depths up to :data:`MAX_DEPTH` are then checked, with a
    location, while building.
    """
    leading = max(map(len, _LEADING_INDICATORS.findall(text)), default=0)
    bound = 2 * leading + 4 + text.count("[") + text.count("{")
    if bound <= _SAFE_COMPOSE_DEPTH:
        return None
    depth = 0
    try:
        for event in yaml.parse(text, Loader=_Composer):  # type: ignore[arg-type]  # a parser is all parse() uses
            kind = type(event)
            if kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
                depth += 1
                if depth > MAX_DEPTH:
                    mark = event.start_mark
                    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
                    return Issue(too_deep_message(), line, column)
            elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
                depth -= 1
    except yaml.YAMLError:
        return None  # compose reports the syntax error with its position
    return None


def too_deep_message() -> str:
    return f"mappings and lists are nested more than {MAX_DEPTH} levels deep here; no valid input needs that"


# ---------------------------------------------------------------- text to nodes


class _Composer(_Parser):
    """libyaml's parser and composer, resolving tags our way: a plain scalar
    is marked for our typing, anything quoted or tagged ``!`` is text."""

    def resolve(self, kind: type, value: Any, implicit: tuple[bool, bool]) -> str:
        if kind is ScalarNode:
            return PLAIN_TAG if implicit[0] else STR_TAG
        return MAP_TAG if kind is MappingNode else SEQ_TAG

    def descend_resolver(self, *args: Any) -> None:
        pass

    def ascend_resolver(self, *args: Any) -> None:
        pass


def compose(text: str, what: str = "file") -> tuple[Node | None, Issue | None]:
    """The node tree of the one document in ``text``, which must be a mapping."""
    composer = _Composer(text)
    try:
        root = composer.get_single_node()
    except yaml.MarkedYAMLError as error:
        return None, _syntax_issue(error, text)
    except yaml.YAMLError as error:  # a reader error: a position but no mark
        return None, Issue(f"YAML cannot read this file: {clip(str(error), 120)}", 0, 0)
    finally:
        composer.dispose()
    expected = (
        "a plan is a YAML mapping of keys to values, starting `qipp_plan: 1`"
        if what == "plan"
        else "it must be a YAML mapping of keys to values"
    )
    if root is None:
        return None, Issue(f"the file is empty (or only comments); {expected}", 0, 0)
    if type(root) is not MappingNode:
        kind = "a list" if type(root) is SequenceNode else "a single value"
        line, column = mark_of(root)
        return None, Issue(f"the document is {kind}; {expected}", line, column)
    return root, None


def _syntax_issue(error: yaml.MarkedYAMLError, text: str) -> Issue:
    mark = error.problem_mark or error.context_mark
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (0, 0)
    problem = error.problem or "cannot be read"
    if problem.startswith("exceeded maximum nesting depth"):  # libyaml 0.2.6 and later has its own limit
        return Issue(too_deep_message(), line, column)
    if mark is not None and _char_at(text, mark.line, mark.column) == "\t":
        return Issue("YAML syntax error: a tab character here; YAML is indented with spaces only", line, column)
    if problem == "but found another document":
        return Issue(
            "the file holds more than one YAML document (a second `---` or `...`); it must hold exactly one",
            line,
            column,
        )
    if problem == "found undefined alias":
        return Issue(
            "YAML syntax error: an alias (`*name`) refers to an anchor (`&name`) that is not defined before it",
            line,
            column,
        )
    from .yaml_hints import explain

    hint = explain(problem, text, line, column)
    if hint is not None:
        return Issue(f"YAML syntax error: {hint.message}", hint.line, hint.column)
    message = f"YAML syntax error: {problem}"
    if error.context and error.context_mark is not None and error.context_mark is not mark:
        message += f" ({error.context} at line {error.context_mark.line + 1}, column {error.context_mark.column + 1})"
    return Issue(message, line, column)


def _char_at(text: str, line: int, column: int) -> str:
    """The character at 0-based ``line`` and ``column`` ('' beyond the text)."""
    start = 0
    for _ in range(line):
        start = text.find("\n", start) + 1
        if start == 0:
            return ""
    return text[start + column : start + column + 1]


def mark_of(node: Node) -> tuple[int, int]:
    mark = node.start_mark
    return mark.line + 1, mark.column + 1


# ---------------------------------------------------------------- scalars


class BadScalar:
    """A plain scalar that cannot be read at all (``2014-02-30``)."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


_TRUE = ("true", "True", "TRUE")
_FALSE = ("false", "False", "FALSE")
_WORDS: dict[str, Any] = {word: None for word in ("null", "Null", "NULL", "~", "")}
_WORDS.update({word: True for word in _TRUE})
_WORDS.update({word: False for word in _FALSE})
for _word, _meaning in (("yes", "true"), ("no", "false"), ("on", "true"), ("off", "false")):
    for _spelling in (_word, _word.capitalize(), _word.upper()):
        _WORDS[_spelling] = Ambiguous(_spelling, f"the boolean {_meaning}")
for _spelling, _meaning in (("y", "true"), ("Y", "true"), ("n", "false"), ("N", "false")):
    _WORDS[_spelling] = Ambiguous(_spelling, f"the boolean {_meaning} in YAML 1.1")

_NUMBER_START = frozenset("0123456789+-.")
# Our three number-like forms, tried in one match: a canonical integer, a plain decimal, a date.
_OURS = re.compile(r"([-+]?(?:0|[1-9][0-9]*))|([-+]?[0-9]+\.[0-9]+)|([0-9]{4}-[0-9]{2}-[0-9]{2})")
_BINARY = re.compile(r"[-+]?0b[01_]+")
_HEX = re.compile(r"[-+]?0x[0-9a-fA-F_]+")
_OCTAL_12 = re.compile(r"[-+]?0o[0-7_]+")
_OCTAL_11 = re.compile(r"[-+]?0[0-7_]+")
_SEXAGESIMAL = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\.[0-9_]*)?")
_OTHER_INT = re.compile(r"[-+]?[0-9][0-9_]*")
_FLOAT = re.compile(r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][-+]?[0-9]+)?")
_INFINITY = re.compile(r"[-+]?\.(?:inf|Inf|INF)")
_NAN = re.compile(r"\.(?:nan|NaN|NAN)")
_TIMESTAMP = re.compile(
    r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt]|[ \t]+)[0-9]{1,2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]*)?"
    r"(?:[ \t]*(?:Z|[-+][0-9]{1,2}(?::[0-9]{2})?))?"
)
_YAML_NUMBERS = (_BINARY, _HEX, _OCTAL_12, _OCTAL_11, _SEXAGESIMAL, _OTHER_INT, _FLOAT, _INFINITY, _NAN, _TIMESTAMP)
# Any of them, in one match, so that text such as `2014/15` is let through at once.
_ANY_YAML_NUMBER = re.compile("|".join(f"(?:{pattern.pattern})" for pattern in _YAML_NUMBERS))


def type_plain(text: str) -> Any:
    """The value of an unquoted scalar under our rules (see the module docstring)."""
    if text[:1] not in _NUMBER_START:
        return _WORDS.get(text, text)  # most keys and text values end here
    ours = _OURS.fullmatch(text)
    if ours is not None:
        kind = ours.lastindex
        if kind == 1:
            return int(text) if len(text) < 20 else Decimal(text)  # int() refuses thousands of digits
        if kind == 2:
            return Decimal(text)
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            return BadScalar(
                f"`{text}` is an impossible date (no such day in the calendar); write a real date YYYY-MM-DD, "
                "or put it in quotes if it is text"
            )
    if _ANY_YAML_NUMBER.fullmatch(text) is None:
        return text
    return Ambiguous(text, _yaml11_reading(text))


def _yaml11_reading(text: str) -> str:
    """What YAML 1.1 (or 1.2) makes of a number-like plain scalar."""
    digits = text.replace("_", "")
    try:
        if _BINARY.fullmatch(text):
            return f"the binary number {int(digits.replace('0b', ''), 2)}"
        if _HEX.fullmatch(text):
            return f"the hexadecimal number {int(digits.replace('0x', ''), 16)}"
        if _OCTAL_12.fullmatch(text):
            return f"the octal number {int(digits.replace('0o', ''), 8)}"
        if _OCTAL_11.fullmatch(text):
            return f"the octal number {int(digits, 8)}"
        if _SEXAGESIMAL.fullmatch(text):
            return f"the sexagesimal (base 60) number {_sexagesimal(digits)}"
        if _OTHER_INT.fullmatch(text):
            return f"the number {int(digits)}"
        if _FLOAT.fullmatch(text):
            return f"the number {float(digits)!r}"
    except ValueError:  # a number too long to print; say what kind it is
        return "a number"
    if _INFINITY.fullmatch(text):
        return "minus infinity" if text.startswith("-") else "infinity"
    if _NAN.fullmatch(text):
        return "not-a-number (NaN)"
    return "a timestamp"


def _sexagesimal(digits: str) -> str:
    sign = -1 if digits.startswith("-") else 1
    total: float = 0
    for part in digits.lstrip("+-").split(":"):
        total = total * 60 + float(part)
    total *= sign
    return str(int(total)) if total == int(total) and "." not in digits else repr(total)


_SCALAR_TAGS = {CORE + "null", CORE + "bool", CORE + "int", CORE + "float", CORE + "timestamp"}


def _typed_by_tag(node: ScalarNode) -> Any:
    """An explicitly tagged core scalar (``!!int 5``): typed by our rules, and the
    tag must agree with what the text is."""
    tag, text = node.tag, node.value
    value = type_plain(text)
    kind = tag[len(CORE) :]
    fits = {
        "null": value is None,
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "float": isinstance(value, (int, Decimal)) and not isinstance(value, bool),
        "timestamp": isinstance(value, dt.date),
    }[kind]
    if kind == "float" and isinstance(value, int):
        value = Decimal(value)
    if fits:
        return value
    return BadScalar(f"`{clip(text)}` does not fit its tag `!!{kind}`; drop the tag and write the value plainly")


def tag_label(tag: str) -> str:
    return "!!" + tag[len(CORE) :] if tag.startswith(CORE) else tag


def _bad_tag_message(tag: str) -> str:
    return (
        f"the tag `{clip(tag_label(tag))}` is not allowed; write plain YAML without tags (quote a value to "
        "make it text)"
    )


def scalar_value(node: ScalarNode) -> Any:
    """A scalar node's value as the builder makes it (used again to match keys)."""
    tag = node.tag
    if tag == PLAIN_TAG:
        return type_plain(node.value)
    if tag == STR_TAG:
        return node.value
    if tag in _SCALAR_TAGS:
        return _typed_by_tag(node)
    return BadScalar(_bad_tag_message(tag))


# ---------------------------------------------------------------- nodes to data


class _Fatal(Exception):
    def __init__(self, message: str, node: Node) -> None:
        super().__init__(message)
        self.message = message
        self.node = node


class _PendingIssue(NamedTuple):
    """An issue whose data path is found only if it is reported (errors are rare)."""

    message: str
    at: Node  # where it points
    owner: Node  # the node whose path it belongs to
    key: str | None = None  # for key problems: the key, appended to the owner's path


def paths_to(root: Node, targets: list[Node]) -> dict[int, tuple[Any, ...]]:
    """The data paths of several nodes (by ``id``) in one walk of the tree."""
    wanted = {id(target) for target in targets}
    found: dict[int, tuple[Any, ...]] = {}
    seen: set[int] = set()
    stack: list[tuple[Node, tuple[Any, ...]]] = [(root, ())]
    while stack and len(found) < len(wanted):
        node, loc = stack.pop()
        if id(node) in seen:
            continue
        seen.add(id(node))
        if id(node) in wanted:
            found[id(node)] = loc
        if node.__class__ is MappingNode:
            children = [(key.value if key.__class__ is ScalarNode else "?", value) for key, value in node.value]
        elif node.__class__ is SequenceNode:
            children = list(enumerate(node.value))
        else:
            continue
        stack.extend((child, (*loc, part)) for part, child in reversed(children))
    return found


def _placed(root: Node, pending: list[_PendingIssue]) -> list[Issue]:
    if not pending:
        return []
    paths = paths_to(root, [issue.owner for issue in pending])
    issues = []
    for issue in pending:
        loc = paths.get(id(issue.owner))
        if loc is not None and issue.key is not None:
            loc = (*loc, issue.key)
        issues.append(Issue(issue.message, *mark_of(issue.at), loc))
    return issues


_BUILDING = object()


class _Builder:
    """Builds Python data from the node tree in one pass.

    An aliased mapping or list is built once and shared; each further use
    counts its full size against the alias budget, so a "billion laughs"
    stops at once, and a node met again while still being built is an alias
    that contains itself.
    """

    __slots__ = ("issues", "memo", "values", "written")

    def __init__(self) -> None:
        self.issues: list[_PendingIssue] = []
        self.memo: dict[int, Any] = {}
        self.values = 0  # values the data holds, aliases expanded
        self.written = 0  # values written out in the text

    def value(self, node: Node, depth: int) -> Any:
        kind = node.__class__
        if kind is ScalarNode:
            if node.tag == PLAIN_TAG:
                value = type_plain(node.value)
            elif node.tag == STR_TAG:
                return node.value
            else:
                value = scalar_value(node)  # type: ignore[arg-type]  # a ScalarNode: `kind is` is the fast test
            if value.__class__ is BadScalar:
                self.issues.append(_PendingIssue(value.message, node, node))
                return None
            return value
        memo = self.memo
        known = memo.get(id(node))
        if known is not None:
            return self._alias(node, known)
        if depth > MAX_DEPTH:
            raise _Fatal(too_deep_message(), node)
        memo[id(node)] = _BUILDING
        before = self.values
        children = node.value
        self.values += len(children) + 1
        self.written += len(children) + 1
        if kind is MappingNode:
            built: Any = self._mapping(node, children, depth)  # type: ignore[arg-type]  # a MappingNode
            if node.tag != MAP_TAG:
                self.issues.append(_PendingIssue(_bad_tag_message(node.tag), node, node))
        else:
            built = [self.value(child, depth + 1) for child in children]
            if node.tag != SEQ_TAG:
                self.issues.append(_PendingIssue(_bad_tag_message(node.tag), node, node))
        memo[id(node)] = (built, self.values - before)
        return built

    def _mapping(self, node: MappingNode, pairs: list[tuple[Node, Node]], depth: int) -> dict[Any, Any]:
        out: dict[Any, Any] = {}
        first_keys: dict[Any, Node] | None = None  # built at the first duplicate, to name where each key first was
        for key_node, value_node in pairs:
            if key_node.__class__ is not ScalarNode:
                kind = "a mapping" if key_node.__class__ is MappingNode else "a list"
                self.issues.append(_PendingIssue(f"a key must be a plain value, not {kind}", key_node, node))
                continue
            tag = key_node.tag
            key = (
                type_plain(key_node.value)
                if tag == PLAIN_TAG
                else key_node.value
                if tag == STR_TAG
                else scalar_value(key_node)
            )
            if key.__class__ is BadScalar:
                self.issues.append(_PendingIssue(key.message, key_node, node, key_node.value))
                continue
            if key == "<<" and tag == PLAIN_TAG:
                self.issues.append(
                    _PendingIssue(
                        "merge keys (`<<: *name`) are not supported; write the keys out", key_node, node, "<<"
                    )
                )
                continue
            if key in out:
                if first_keys is None:
                    first_keys = _first_keys(pairs)
                first = first_keys[key]
                self.issues.append(
                    _PendingIssue(
                        f"the key `{clip(key_node.value)}` appears twice in one mapping (lines "
                        f"{first.start_mark.line + 1} and "
                        f"{key_node.start_mark.line + 1}); keep one",
                        key_node,
                        node,
                        key_node.value,
                    )
                )
                continue
            out[key] = self.value(value_node, depth + 1)
        return out

    def _alias(self, node: Node, known: Any) -> Any:
        if known is _BUILDING:
            raise _Fatal("this mapping or list contains an alias (`*name`) to itself, which would repeat forever", node)
        built, size = known
        self.values += size
        limit = max(ALIAS_FLOOR, ALIAS_FACTOR * self.written)
        if self.values > limit:
            raise _Fatal(
                f"aliases (`*name`) expand this document to more than {limit:,} values; "
                "it is too large to read (a deliberate 'billion laughs' looks like this)",
                node,
            )
        return built


def _first_keys(pairs: list[tuple[Node, Node]]) -> dict[Any, Node]:
    """Each key of a mapping and the key node where it first appears."""
    firsts: dict[Any, Node] = {}
    for key_node, _ in pairs:
        if key_node.__class__ is ScalarNode:
            key = scalar_value(key_node)
            if key.__class__ is not BadScalar:
                firsts.setdefault(key, key_node)
    return firsts
