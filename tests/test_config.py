"""The configuration file: which one is found, what it may say, and how its problems are reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from qipp_rag import config
from qipp_rag.config import find_config, load_config, suggest


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def tree(tmp_path, monkeypatch):
    """A project folder with a plans subfolder; the current folder is the plans folder."""
    root = tmp_path / "project"
    (root / "plans" / "north").mkdir(parents=True)
    monkeypatch.chdir(root / "plans")
    return root


# ---------------------------------------------------------------- which file


def test_no_file_gives_nothing(tree):
    assert load_config(tree / "plans") == ({}, [])
    assert config.LAST_SOURCE is None


def test_found_from_a_subfolder_upwards(tree):
    found = write(tree / ".qipp-rag.yaml", "fail-on: amber\n")
    assert find_config(tree / "plans" / "north") == found
    assert find_config(tree / "plans" / "north" / "x.yaml") == found  # a file's folder counts
    assert load_config(tree / "plans" / "north") == ({"fail-on": "amber"}, [])
    assert config.LAST_SOURCE == str(found)


def test_pyproject_without_the_table_does_not_count(tree):
    write(tree / "plans" / "pyproject.toml", "[project]\nname = 'plans'\n")
    found = write(tree / ".qipp-rag.yaml", "fail-on: never\n")
    assert find_config(tree / "plans") == found


def test_nearest_folder_wins(tree):
    write(tree / ".qipp-rag.yaml", "fail-on: never\n")
    near = write(tree / "plans" / "pyproject.toml", '[tool.qipp-rag]\nfail-on = "amber"\n')
    assert find_config(tree / "plans" / "north") == near
    assert load_config(tree / "plans")[0] == {"fail-on": "amber"}


def test_in_one_folder_the_yaml_file_wins(tree):
    write(tree / "pyproject.toml", '[tool.qipp-rag]\nfail-on = "amber"\n')
    found = write(tree / ".qipp-rag.yaml", "fail-on: never\n")
    assert find_config(tree / "plans") == found
    assert load_config(tree / "plans")[0] == {"fail-on": "never"}


def test_broken_pyproject_counts_only_when_it_mentions_the_tool(tree):
    write(tree / ".qipp-rag.yaml", "quiet: true\n")
    write(tree / "plans" / "pyproject.toml", "[project\nname = 'x'\n")
    assert load_config(tree / "plans") == ({"quiet": True}, [])
    broken = write(tree / "plans" / "pyproject.toml", '[tool.qipp-rag]\nfail-on = "amber\n')
    values, problems = load_config(tree / "plans")
    assert values == {}
    assert [(p.file, p.line) for p in problems] == [("pyproject.toml", 2)]
    assert problems[0].message.startswith("not valid TOML")
    assert broken.is_file()


# ---------------------------------------------------------------- values


def test_every_option_read_from_yaml_with_paths_resolved_against_the_file(tree):
    write(
        tree / ".qipp-rag.yaml",
        "\n".join(
            [
                "rules: [packs/local.yaml, /opt/packs/shared.yaml]",
                "format: github",
                "report: ['sarif:out/qipp.sarif', 'junit:out/qipp.xml']",
                "fail-on: amber",
                "only: ['GV*', SP02]",
                "skip: TR07",
                "waivers: waivers.yaml",
                "as-of: 2014-06-30",
                "jobs: 4",
                "quiet: true",
                "no-color: false",
                "group-by: area_team",
                "area-team: Q52",
                "region: north",
                "",
            ]
        ),
    )
    values, problems = load_config(Path.cwd())
    assert problems == []
    assert values == {
        "rules": ["../packs/local.yaml", "/opt/packs/shared.yaml"],
        "format": "github",
        "report": ["sarif:../out/qipp.sarif", "junit:../out/qipp.xml"],
        "fail-on": "amber",
        "only": ["GV*", "SP02"],
        "skip": ["TR07"],
        "waivers": "../waivers.yaml",
        "as-of": dt.date(2014, 6, 30),
        "jobs": 4,
        "quiet": True,
        "no-color": False,
        "group-by": "area_team",
        "area-team": "Q52",
        "region": "north",
    }
    assert (Path.cwd() / values["waivers"]).resolve() == (tree / "waivers.yaml").resolve()


def test_toml_gives_the_same_values(tree):
    write(
        tree / "pyproject.toml",
        '[project]\nname = "plans"\n\n[tool.qipp-rag]\nrules = "packs"\nfail-on = "never"\nas-of = 2014-09-30\nskip = ["GV*"]\njobs = 2\n',
    )
    values, problems = load_config(Path.cwd())
    assert problems == []
    assert values == {"rules": ["../packs"], "fail-on": "never", "as-of": dt.date(2014, 9, 30), "skip": ["GV*"], "jobs": 2}


def test_empty_yaml_file_sets_nothing(tree):
    write(tree / ".qipp-rag.yaml", "# nothing yet\n")
    assert load_config(Path.cwd()) == ({}, [])


# ---------------------------------------------------------------- problems


def test_unknown_yaml_key_has_line_column_and_a_suggestion(tree):
    write(tree / ".qipp-rag.yaml", "quiet: true\nfail_on: amber\n")
    values, problems = load_config(Path.cwd())
    assert values == {}
    assert len(problems) == 1
    problem = problems[0]
    assert (problem.line, problem.column) == (2, 1)
    assert "fail_on" in problem.message
    assert "did you mean `fail-on`" in problem.message
    assert problem.file and problem.file.endswith(".qipp-rag.yaml")


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        ("fail-on: maybe\n", 1, "fail-on"),
        ("quiet: yes\n", 1, "quiet"),
        ("jobs: 0\n", 1, "jobs"),
        ("report: [html]\n", 1, "F:PATH"),
        ("report: ['pdf:x.pdf']\n", 1, "unknown format 'pdf'"),
        ("as-of: 30/06/2014\n", 1, "as-of"),
        ("only: []\n", 1, "only"),
        ("- a list\n", 1, ""),
    ],
)
def test_bad_yaml_values_are_problems_with_lines(tree, text, line, fragment):
    write(tree / ".qipp-rag.yaml", text)
    values, problems = load_config(Path.cwd())
    assert values == {}
    assert problems, text
    assert problems[0].line == line
    assert fragment in problems[0].message or fragment in problems[0].path


def test_unknown_toml_key_names_file_key_line_and_suggestion(tree):
    write(tree / "pyproject.toml", '[project]\nname = "x"\n\n[tool.qipp-rag]\nquiet = true\n  failon = "amber"\n\n[tool.other]\nfailon = 1\n')
    values, problems = load_config(Path.cwd())
    assert values == {}
    assert [(p.file, p.line, p.column, p.path) for p in problems] == [(str(tree / "pyproject.toml"), 6, 3, "failon")]
    assert problems[0].message == "unknown key `failon` in [tool.qipp-rag]; did you mean `fail-on`?"


@pytest.mark.parametrize(
    ("body", "line", "fragment"),
    [
        ('fail-on = "maybe"', 5, "`fail-on`"),
        ('quiet = "true"', 5, "`quiet`"),
        ("jobs = 2.5", 5, "`jobs`"),
        ("jobs = true", 5, "`jobs`"),
        ('as-of = "2014-13-01"', 5, "`as-of`"),
        ("skip = [1, 2]", 5, "`skip`"),
    ],
)
def test_bad_toml_values_are_problems(tree, body, line, fragment):
    write(tree / "pyproject.toml", f'[project]\nname = "x"\n\n[tool.qipp-rag]\n{body}\n')
    values, problems = load_config(Path.cwd())
    assert values == {}
    assert [p.line for p in problems] == [line]
    assert fragment in problems[0].message


def test_tool_entry_that_is_not_a_table(tree):
    write(tree / "pyproject.toml", '[tool]\n"qipp-rag" = "amber"\n')
    values, problems = load_config(Path.cwd())
    assert values == {}
    assert "must be a table" in problems[0].message


@pytest.mark.parametrize(("typed", "expected"), [("fail_on", "fail-on"), ("failon", "fail-on"), ("rule", "rules"), ("waiver", "waivers"), ("colour", "no-color"), ("xyzzy", None), ("asof", "as-of")])
def test_suggestions(typed, expected):
    assert suggest(typed) == expected


def test_format_choices_are_the_registered_reporters():
    from pydantic import ValidationError

    from qipp_rag.config import ConfigFile
    from qipp_rag.reporters import REPORTERS

    for name in REPORTERS:
        assert ConfigFile.model_validate({"format": name}).format == name
    with pytest.raises(ValidationError, match="Input should be 'table', "):
        ConfigFile.model_validate({"format": "pdf"})


@pytest.mark.parametrize(
    "table",
    ['[tool.qipp-rag]\nfail-on = "amber"\n', '[tool."\\u0071ipp-rag"]\nfail-on = "amber"\n'],  # an escape spells it too
)
def test_a_pyproject_naming_the_table_counts_however_it_is_spelt(tree, table):
    found = write(tree / "plans" / "pyproject.toml", table)
    assert find_config(tree / "plans") == found
    assert load_config(tree / "plans") == ({"fail-on": "amber"}, [])


def test_a_near_miss_spelt_apart_is_still_a_warning(tree):
    write(tree / "plans" / "pyproject.toml", '[tool."QIPP rag"]\nfail-on = "amber"\n')
    assert find_config(tree / "plans") is None
    assert config.LAST_WARNINGS and "[tool.QIPP rag] is not read" in config.LAST_WARNINGS[0]


def test_another_projects_pyproject_is_not_parsed(tree):
    """A pyproject.toml that cannot name the table (no `qipprag` however spelt) is passed over unread,
    and the TOML parser is not even imported: a cold start in a Python project pays nothing for it."""
    import subprocess
    import sys

    write(tree / "plans" / "pyproject.toml", "[project]\nname = 'plans'\n[tool.ruff]\nline-length = 99\n")
    code = (
        "import sys\nfrom qipp_rag.config import find_config\n"
        "print(find_config('.'), 'tomllib' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tree / "plans", check=True)
    assert done.stdout.split() == ["None", "False"]
