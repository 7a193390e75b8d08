"""Plain words for the YAML slips people make most, where the parser's own message is cryptic.

- An unquoted ``: `` inside text (``title: Frail elderly: rapid response``):
  say to quote the text.
- A line indented wrongly, often after a commented-out key: point at the line
  where the structure broke and say what was expected, as yamllint does
  ("wrong indentation: expected 4 but found 6").

Used only to explain a syntax error the parser found; a file that parses is
never judged on its style.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_KEY = re.compile(r"(?P<indent> *)(?P<dash>(?:-(?: +|$))*)(?P<key>[^\s#:'\"{\[][^:#]*?|\"[^\"]*\"|'[^']*')?:(?: +|$)")
_OPENER = re.compile(r":\s*(?:#.*)?$")
_BLOCK_TEXT = re.compile(r":\s*[|>][-+0-9]*\s*(?:#.*)?$")
_COMMENTED_KEY = re.compile(r"\s*#\s*-?\s*[\w\"'][^:]*:\s*(?:#.*)?$")
INDENTATION_PROBLEMS = (
    "did not find expected key",
    "mapping values are not allowed in this context",
    "did not find expected '-' indicator",
    "expected <block end>",
    "could not find expected ':'",
)


@dataclass(frozen=True)
class Hint:
    message: str
    line: int  # 1-based
    column: int  # 1-based


def explain(problem: str, text: str, line: int, column: int) -> Hint | None:
    """Plain words for a YAML syntax error at ``line``:``column`` (1-based), or None to keep the parser's."""
    lines = text.splitlines()
    if problem.startswith("mapping values are not allowed") and 0 < line <= len(lines):
        hint = colon_in_text(lines[line - 1], line, column)
        if hint is not None:
            return hint
    if problem.startswith(INDENTATION_PROBLEMS):
        return indentation(lines[: max(line, 0)], _unit(lines))
    return None


def colon_in_text(text: str, line: int, column: int) -> Hint | None:
    """An unquoted ``: `` inside a value: the colon YAML stopped at lies after the line's own key."""
    match = _KEY.match(text)
    if match is None or not match.group("key") or "{" in text or "[" in text:
        return None
    start = match.end()
    value = text[start:].split(" #", 1)[0].strip()
    if column - 1 <= start or not value or value[0] in "\"'":
        return None
    key = match.group("key").strip()
    quoted = '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return Hint(
        f"the text of `{key}` holds a colon followed by a space, which YAML reads as the start of another key; "
        f"put the text in quotes: {key}: {quoted}",
        line,
        start + 1,
    )


def _unit(lines: list[str]) -> int:
    """The file's indentation step: the commonest step from a key to the first line of its block
    (the smaller on a tie; 2 when there is none)."""
    steps: Counter[int] = Counter()
    previous: tuple[int, bool] | None = None
    for raw in lines:
        stripped = raw.strip()
        if not stripped or stripped.startswith("#"):
            continue
        indent = len(raw) - len(raw.lstrip(" "))
        if previous is not None and previous[1] and indent > previous[0]:
            steps[indent - previous[0]] += 1
        previous = (indent, bool(_OPENER.search(raw)) and not stripped.startswith("-"))
    if not steps:
        return 2
    return min(steps, key=lambda step: (-steps[step], step))


def indentation(lines: list[str], unit: int = 2) -> Hint | None:
    """The first of ``lines`` whose indentation breaks the structure, and why, in plain words."""
    levels = [0]
    parent: tuple[int, str, int] | None = None  # indent, key and line of a key waiting for its block
    last: tuple[str, int] = ("", 0)  # the key and line of the last key with a value
    text_above: int | None = None  # lines deeper than this are the text of a `|` or `>` block
    comment_above = 0  # the line of a commented-out key just above, if any
    for number, raw in enumerate(lines, 1):
        stripped = raw.strip()
        indent = len(raw) - len(raw.lstrip(" "))
        if text_above is not None and (not stripped or indent > text_above):
            continue
        text_above = None
        if not stripped or stripped in ("---", "..."):
            continue
        if stripped.startswith("#"):
            comment_above = number if _COMMENTED_KEY.match(raw) else comment_above
            continue
        match = _KEY.match(raw)
        dash = bool(match and match.group("dash")) or stripped.startswith("- ") or stripped == "-"
        content = indent + (len(match.group("dash")) if match else 0)
        key = (match.group("key") or "").strip() if match else ""
        if parent is not None:
            above, opener, opener_line = parent
            parent = None
            if indent > above:
                want = above + unit
                if indent != want:
                    return _wrong(number, want, indent, f"the lines inside `{opener}` (line {opener_line}) are "
                                  f"indented {unit} spaces more than it", comment_above)
                levels.append(indent)
            elif dash and indent == above:
                levels.append(indent)
        if indent > levels[-1]:
            name, line = last
            why = (f"`{name}` on line {line} already has a value, so nothing can be nested under it: line this up "
                   f"with `{name}`, or move the value" if name else "it lines up with no key above it")
            return _wrong(number, levels[-1], indent, why, comment_above)
        popped = None
        while indent < levels[-1]:
            popped = levels.pop()
        if indent != levels[-1]:
            want = popped if popped is not None else levels[-1]
            return _wrong(number, want, indent, "it lines up with no key above it", comment_above)
        comment_above = 0
        if dash:
            levels.append(content)
        if _BLOCK_TEXT.search(raw):
            text_above = indent
            last = (key, number)
        elif _OPENER.search(raw) and (key or stripped == "-"):
            parent = (content, key or "-", number)
        elif key:
            last = (key, number)
    return None


def _wrong(line: int, want: int, found: int, why: str, comment_above: int) -> Hint:
    message = f"wrong indentation: expected {want} spaces but found {found}; {why}"
    if comment_above:
        message += (f". Line {comment_above} above is a commented-out key: if these lines belonged to it, comment "
                    "them out too, or put the key back")
    return Hint(message, line, found + 1)
