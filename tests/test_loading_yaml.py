"""The strict YAML reader (qipp_rag.yamlsafe): scalar typing, tags, duplicate
keys, aliases, nesting, size, encodings and the shape of the document."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from qipp_rag.load import yamlsafe
from qipp_rag.load.scalars import Ambiguous
from qipp_rag.load.yamlsafe import BadScalar, parse, type_plain


def read(text: str | bytes) -> yamlsafe.Parsed:
    return parse(text.encode("utf-8") if isinstance(text, str) else text)


def only_issue(text: str | bytes) -> yamlsafe.Issue:
    issues = read(text).issues
    assert len(issues) == 1, issues
    return issues[0]


# ---------------------------------------------------------------- plain scalars


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("", None),
        ("~", None),
        ("null", None),
        ("Null", None),
        ("NULL", None),
        ("true", True),
        ("True", True),
        ("TRUE", True),
        ("false", False),
        ("False", False),
        ("FALSE", False),
        ("0", 0),
        ("7", 7),
        ("-12", -12),
        ("+5", 5),
        ("1200", 1200),
        ("1200.5", Decimal("1200.5")),
        ("0.10", Decimal("0.10")),
        ("-1.5", Decimal("-1.5")),
        ("01.5", Decimal("1.5")),
        ("2014-04-01", dt.date(2014, 4, 1)),
        ("2016-02-29", dt.date(2016, 2, 29)),
        ("2014/15", "2014/15"),
        ("urgent_care", "urgent_care"),
        ("03Q", "03Q"),
        ("Q50", "Q50"),
        ("1.2.3", "1.2.3"),
        ("-", "-"),
        ("+44 1904 555555", "+44 1904 555555"),
        ("2014-4-1", "2014-4-1"),
        ("nan", "nan"),
        ("infinity", "infinity"),
    ],
)
def test_plain_scalars_are_typed_by_our_rules(text: str, value: object) -> None:
    typed = type_plain(text)
    assert typed == value
    assert type(typed) is type(value)


def test_decimals_are_built_from_the_text_never_a_float() -> None:
    assert str(type_plain("0.1")) == "0.1"
    assert type_plain("1200.10").as_tuple().exponent == -2
    assert type_plain("12345678901234567890.123456789") == Decimal("12345678901234567890.123456789")


def test_a_huge_integer_does_not_hit_pythons_digit_limit() -> None:
    assert type_plain("9" * 10_000) == Decimal("9" * 10_000)


@pytest.mark.parametrize(
    ("text", "reading"),
    [
        ("yes", "the boolean true"),
        ("Yes", "the boolean true"),
        ("YES", "the boolean true"),
        ("no", "the boolean false"),
        ("NO", "the boolean false"),
        ("on", "the boolean true"),
        ("Off", "the boolean false"),
        ("y", "the boolean true in YAML 1.1"),
        ("N", "the boolean false in YAML 1.1"),
        ("010", "the octal number 8"),
        ("-010", "the octal number -8"),
        ("00", "the octal number 0"),
        ("0o17", "the octal number 15"),
        ("0x1F", "the hexadecimal number 31"),
        ("0b101", "the binary number 5"),
        ("1_000", "the number 1000"),
        ("09", "the number 9"),
        ("1:20", "the sexagesimal (base 60) number 80"),
        ("-1:30", "the sexagesimal (base 60) number -90"),
        ("1e3", "the number 1000.0"),
        ("1.5e3", "the number 1500.0"),
        ("1.0E+3", "the number 1000.0"),
        (".5", "the number 0.5"),
        ("1.", "the number 1.0"),
        ("1_000.5", "the number 1000.5"),
        (".inf", "infinity"),
        ("-.inf", "minus infinity"),
        (".NaN", "not-a-number (NaN)"),
        ("2014-04-01T10:00:00Z", "a timestamp"),
        ("2014-04-01 10:00:00", "a timestamp"),
        ("2014-4-1 9:00:00", "a timestamp"),
    ],
)
def test_yaml_1_1_surprises_are_marked_ambiguous_with_their_reading(text: str, reading: str) -> None:
    typed = type_plain(text)
    assert isinstance(typed, Ambiguous)
    assert str(typed) == text
    assert typed.reading == reading


@pytest.mark.parametrize("text", ["2014-02-30", "2015-02-29", "2014-13-01", "2014-00-10", "0000-01-01"])
def test_an_impossible_date_is_an_error(text: str) -> None:
    typed = type_plain(text)
    assert isinstance(typed, BadScalar)
    assert "impossible date" in typed.message
    issue = only_issue(f"due: {text}\n")
    assert (issue.line, issue.column, issue.loc) == (1, 6, ("due",))


def test_quoted_scalars_are_always_text() -> None:
    data = read("a: '010'\nb: \"yes\"\nc: '1e3'\nd: '2014-04-01'\ne: 'null'\nf: |\n  1200\n").data
    assert data == {"a": "010", "b": "yes", "c": "1e3", "d": "2014-04-01", "e": "null", "f": "1200\n"}
    assert all(type(value) is str for value in data.values())


def test_mapping_keys_are_typed_like_values() -> None:
    data = read("2014/15: 1\n2014: 2\n'2015': 3\nyes: 4\n").data
    assert list(data) == ["2014/15", 2014, "2015", "yes"]
    assert isinstance(list(data)[3], Ambiguous)


# ---------------------------------------------------------------- tags


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("a: !!python/object:os.system x\n", "!!python/object:os.system"),
        ("a: !!python/object/apply:os.system ['true']\n", "!!python/object/apply:os.system"),
        ("a: !!python/name:os.system\n", "!!python/name:os.system"),
        ("a: !!binary aGVsbG8=\n", "!!binary"),
        ("a: !!set {x, y}\n", "!!set"),
        ("a: !!omap [x: 1]\n", "!!omap"),
        ("a: !!pairs [x: 1]\n", "!!pairs"),
        ("a: !foo bar\n", "!foo"),
        ("a: !<tag:example.com,2014:thing> bar\n", "tag:example.com,2014:thing"),
    ],
)
def test_tags_other_than_the_core_ones_are_errors_naming_the_tag_and_place(text: str, label: str) -> None:
    issue = only_issue(text)
    assert f"`{label}` is not allowed" in issue.message
    assert (issue.line, issue.column, issue.loc) == (1, 4, ("a",))


def test_core_tags_are_allowed_and_must_fit_their_value() -> None:
    parsed = read("a: !!str 010\nb: !!int 5\nc: !!float 1.5\nd: !!bool true\ne: !!null ''\nf: !!timestamp 2014-04-01\ng: !!map {x: 1}\nh: !!seq [1]\n")
    assert parsed.issues == []
    assert parsed.data == {
        "a": "010", "b": 5, "c": Decimal("1.5"), "d": True, "e": None,
        "f": dt.date(2014, 4, 1), "g": {"x": 1}, "h": [1],
    }  # fmt: skip
    issue = only_issue("a: !!int 0x1F\n")
    assert "does not fit its tag `!!int`" in issue.message


def test_a_tag_error_does_not_stop_the_rest_being_read() -> None:
    parsed = read("a: !!binary aGVsbG8=\nb: 2\nc: !foo x\n")
    assert [issue.line for issue in parsed.issues] == [1, 3]
    assert parsed.data == {"a": None, "b": 2, "c": None}


# ---------------------------------------------------------------- keys


def test_a_duplicate_key_names_both_lines_at_any_level() -> None:
    issue = only_issue("a:\n  b: 1\n  c: 2\n  b: 3\n")
    assert "the key `b` appears twice" in issue.message and "lines 2 and 4" in issue.message
    assert (issue.line, issue.column, issue.loc) == (4, 3, ("a", "b"))
    issue = only_issue("list:\n  - {k: 1, k: 2}\n")
    assert issue.loc == ("list", 0, "k")
    assert (issue.line, issue.column) == (2, 12)


def test_keys_that_mean_the_same_value_are_duplicates() -> None:
    issues = read("1: a\n01.0: b\n1.0: c\n").issues  # 01.0 and 1.0 are the number 1 too
    assert [(issue.line, "lines 1 and" in issue.message) for issue in issues] == [(2, True), (3, True)]


def test_both_duplicates_at_top_level_are_each_reported() -> None:
    parsed = read("a: 1\nb: 2\na: 3\nb: 4\n")
    assert [(issue.line, issue.loc) for issue in parsed.issues] == [(3, ("a",)), (4, ("b",))]


def test_a_key_that_is_a_mapping_or_list_is_an_error() -> None:
    issue = only_issue("? [a, b]\n: 1\n")
    assert "a key must be a plain value, not a list" in issue.message
    issue = only_issue("? {a: b}\n: 1\n")
    assert "not a mapping" in issue.message


def test_merge_keys_are_refused() -> None:
    issue = only_issue("base: &b {x: 1}\nc:\n  <<: *b\n")
    assert "merge keys" in issue.message
    assert issue.line == 3


# ---------------------------------------------------------------- aliases


def test_aliases_are_expanded() -> None:
    parsed = read("a: &x {k: [1, 2]}\nb: *x\nc: &s text\nd: *s\n")
    assert parsed.issues == []
    assert parsed.data == {"a": {"k": [1, 2]}, "b": {"k": [1, 2]}, "c": "text", "d": "text"}


def billion_laughs(levels: int = 10) -> str:
    lines = ['lol0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for level in range(1, levels):
        lines.append(f"lol{level}: &a{level} [" + ", ".join([f"*a{level - 1}"] * 10) + "]")
    return "\n".join(lines) + "\n"


def test_a_billion_laughs_is_stopped_by_the_alias_budget() -> None:
    text = billion_laughs()
    assert len(text.splitlines()) == 10
    parsed = read(text)
    assert parsed.data is None
    (issue,) = parsed.issues
    assert "aliases (`*name`) expand this document to more than" in issue.message
    assert 2 <= issue.line <= 10  # at the alias that takes the expansion past the budget


def test_moderate_reuse_of_aliases_is_fine() -> None:
    text = "base: &b {lead: PMO, meets: monthly}\n" + "".join(f"k{n}: *b\n" for n in range(500))
    parsed = read(text)
    assert parsed.issues == []
    assert parsed.data["k499"] == {"lead": "PMO", "meets": "monthly"}


@pytest.mark.parametrize("text", ["a: &x\n  b: *x\n", "a: &x [1, *x]\n", "a: &x [[[*x]]]\n"])
def test_an_alias_inside_its_own_anchor_is_a_clear_error(text: str) -> None:
    (issue,) = read(text).issues
    assert "alias (`*name`) to itself" in issue.message
    assert issue.line == 1


def test_an_undefined_alias_is_a_syntax_error() -> None:
    issue = only_issue("a: *nowhere\n")
    assert "not defined" in issue.message
    assert (issue.line, issue.column) == (1, 4)


# ---------------------------------------------------------------- nesting


def test_nesting_up_to_the_limit_is_read() -> None:
    depth = yamlsafe.MAX_DEPTH - 1  # the document's own mapping is the first level
    parsed = read("a: " + "[" * depth + "]" * depth + "\n")
    assert parsed.issues == []


def test_nesting_beyond_the_limit_is_an_error_with_its_place() -> None:
    depth = yamlsafe.MAX_DEPTH
    issue = only_issue("a: " + "[" * depth + "]" * depth + "\n")
    assert "nested more than 64 levels" in issue.message
    assert issue.line == 1 and issue.column == 3 + depth


def test_a_hundred_thousand_brackets_are_refused_before_the_composer_recurses() -> None:
    issue = only_issue("a: " + "[" * 100_000 + "]" * 100_000)
    assert "nested more than 64 levels" in issue.message


def test_deep_block_nesting_is_refused() -> None:
    text = "".join(" " * level + f"k{level}:\n" for level in range(80)) + " " * 80 + "v: 1\n"
    issue = only_issue(text)
    assert "nested more than 64 levels" in issue.message
    assert issue.line == 65


def test_compact_dash_nesting_is_refused() -> None:
    issue = only_issue("a:\n  " + "- " * 100_000 + "x\n")
    assert "nested more than 64 levels" in issue.message


def test_brackets_inside_text_do_not_count_as_nesting() -> None:
    text = "title: '" + "[" * 3_000 + "'\nnote: \"" + "{" * 3_000 + "\"\n"
    parsed = read(text)
    assert parsed.issues == []
    assert parsed.data["title"] == "[" * 3_000


# ---------------------------------------------------------------- bytes


def test_a_file_over_the_size_limit_is_refused_without_parsing() -> None:
    issue = only_issue(b"a: " + b"x" * (yamlsafe.MAX_BYTES + 1))
    assert "file is 5.0 MB" in issue.message and "at most 5 MB" in issue.message


def test_a_plans_size_message_speaks_of_plans() -> None:
    issue = yamlsafe.too_big(50 * yamlsafe.MB, "plan")
    assert issue.message == "file is 50.0 MB; plans are at most 5 MB"


def test_a_byte_order_mark_is_fine() -> None:
    parsed = read(b"\xef\xbb\xbfa: 1\n")
    assert parsed.issues == [] and parsed.data == {"a": 1}


@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_utf16_and_utf32_with_a_byte_order_mark_are_named(encoding: str) -> None:
    issue = only_issue("a: 1\n".encode(encoding))
    assert "UTF-16 or UTF-32" in issue.message


def test_utf16_without_a_byte_order_mark_is_caught_by_its_nul_bytes() -> None:
    issue = only_issue("a: 1\n".encode("utf-16-le"))
    assert "NUL byte" in issue.message
    assert (issue.line, issue.column) == (1, 2)


def test_latin1_bytes_are_not_utf8_with_the_place_of_the_first_bad_byte() -> None:
    issue = only_issue("a: 1\nname: Café Nero\n".encode("latin-1"))
    assert "not UTF-8" in issue.message and "0xE9" in issue.message
    assert (issue.line, issue.column) == (2, 10)


def test_the_column_of_a_bad_byte_counts_characters_not_bytes() -> None:
    issue = only_issue("name: £1 and \xe9".encode("utf-8")[:-2] + b"\xff")
    assert (issue.line, issue.column) == (1, 14)


def test_nul_and_control_characters_are_refused() -> None:
    issue = only_issue(b"a: 1\nb: x\x00y\n")
    assert "NUL byte" in issue.message and (issue.line, issue.column) == (2, 5)
    issue = only_issue(b"a: \x07\n")
    assert "U+0007" in issue.message


def test_random_binary_bytes_give_one_clear_issue() -> None:
    issue = only_issue(bytes(range(256)) * 4)
    assert issue.message.startswith("the file")


# ---------------------------------------------------------------- the document


@pytest.mark.parametrize(
    ("text", "message", "line"),
    [
        ("", "the file is empty", 0),
        ("# only a comment\n", "the file is empty", 0),
        ("- a\n- b\n", "the document is a list", 1),
        ("just text\n", "the document is a single value", 1),
        ("a: 1\n---\nb: 2\n", "more than one YAML document", 2),
        ("---\na: 1\n...\n---\nb: 2\n", "more than one YAML document", 4),
    ],
)
def test_a_document_must_be_exactly_one_mapping(text: str, message: str, line: int) -> None:
    issue = only_issue(text)
    assert message in issue.message
    assert issue.line == line


def test_an_explicit_single_document_is_fine() -> None:
    assert read("---\na: 1\n...\n").data == {"a": 1}


@pytest.mark.parametrize(
    ("text", "line", "column", "fragment"),
    [
        ("a: [1, 2\nb: 3\n", 2, 2, "did not find expected ',' or ']'"),
        ("a: b: c\n", 1, 4, 'the text of `a` holds a colon followed by a space, which YAML reads as the start of '
         'another key; put the text in quotes: a: "b: c"'),
        ("a:\n  b: 1\n c: 2\n", 3, 2, "wrong indentation: expected 2 spaces but found 1; it lines up with no key above it"),
        ("a:\n  b: 1\n  c: 2\n    d: 3\n", 4, 5, "wrong indentation: expected 2 spaces but found 4; `c` on line 3 already has a value"),
        ("governance:\n#  senior_responsible_owner:\n    name: CFO\n  clinical_lead:\n    name: Dr X\n", 3, 5,
         "wrong indentation: expected 2 spaces but found 4; the lines inside `governance` (line 1) are indented 2 spaces "
         "more than it. Line 2 above is a commented-out key"),
        ("schemes:\n  - id: A\n    notes: |\n      free: text\n  - id: B\n   title: x\n", 6, 4,
         "wrong indentation: expected 4 spaces but found 3"),
        ("a: 'unterminated\n", 2, 1, "found unexpected end of stream"),
        ("a:\n\tb: 1\n", 2, 1, "indented with spaces only"),
        ("a: @x\n", 1, 4, "cannot start any token"),
    ],
)
def test_syntax_errors_give_a_position_and_the_problem_in_plain_words(text: str, line: int, column: int, fragment: str) -> None:
    issue = only_issue(text)
    assert issue.message.startswith("YAML syntax error")
    assert fragment in issue.message
    assert (issue.line, issue.column) == (line, column)


def test_messages_never_echo_a_huge_input() -> None:
    key = "k" * 10_000
    parsed = read(f"{key}: 1\n{key}: 2\n")
    (issue,) = parsed.issues
    assert len(issue.message) < 200


@pytest.mark.parametrize(
    ("written", "says"),
    [
        ("£1,200", "write 1200 instead of `£1,200`"),
        ("'3,300'", "write 3300 instead of `3,300`"),
        ("3.3m", "write 3300 (3.3m is 3300 in £000)"),
        ("£250k", "write 250 (£250k is 250 in £000)"),
    ],
)
def test_money_written_as_text_says_what_to_write(written: str, says: str) -> None:
    from qipp_rag.plan.models import Plan
    from qipp_rag.load.loading import load_document
    import tempfile, os

    text = (
        "qipp_plan: 1\norganisation: {code: 03Q, name: NHS X, type: ccg, area_team: Q50, region: north}\n"
        f"period: [2014/15]\nallocation:\n  2014/15: {written}\ntarget:\n  2014/15: 100\nschemes: []\n"
    )
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "plan.yaml")
        with open(path, "w", encoding="utf-8") as handle:
            handle.write(text)
        _, problems = load_document(path, Plan, "plan")
    messages = [problem.message for problem in problems if problem.line == 5]
    assert messages and "money is written in £000 as a plain number" in messages[0] and says in messages[0], messages
