"""`assess` command lines parsed without typer give exactly what typer gives, or are left to typer."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import pytest

from qipp_rag import cli
from qipp_rag.commands import assess

LINES = [
    ["plans"],
    ["a.yaml", "b.yaml", "--format", "json"],
    ["--format=csv", "plans", "-q"],
    ["plans", "--rules", "one.yaml", "--rules=two", "--only", "GV*", "--skip", "TR01", "--skip", "QL*"],
    ["plans", "--report", "html:r.html", "--report", "sarif:r.sarif", "--fail-on", "amber", "--no-color"],
    ["plans", "--jobs", "3", "--as-of", "2014-06-01", "--waivers", "w.yaml", "--debug", "--quiet"],
    ["plans", "--group-by", "region", "--area-team", "q71", "--region", "london", "--format", "json", "--format", "table"],
    ["-", "--jobs=0"],
    ["plans", "--area-team", "-q"],  # an option's value is the next item, whatever it looks like
    ["--format", "json", "--", "-odd.yaml", "--rules=x.yaml", "--debug", "--"],  # the pre-commit hook's form
    ["--", "a.yaml"],
]
LEFT_TO_TYPER = [
    [],
    ["--format", "json"],
    ["plans", "--help"],
    ["plans", "-h"],
    ["plans", "--formt", "json"],
    ["plans", "--format"],
    ["plans", "--jobs", "two"],
    ["plans", "--jobs", "٣"],
    ["plans", "--quiet=yes"],
    ["plans", "-qq"],
    ["plans", "--rules", "--", "a.yaml"],
    ["--"],
]


def _through_typer(args: list[str], monkeypatch: pytest.MonkeyPatch) -> tuple[list[str], dict[str, Any]]:
    seen: list[tuple[list[str], dict[str, Any]]] = []
    monkeypatch.setattr(assess, "run", lambda paths, given: seen.append((paths, given)) or 0)
    app = cli.build_app()
    with pytest.raises(SystemExit) as stopped:
        app(args=["assess", *args], prog_name="qipp-rag", standalone_mode=True)
    assert stopped.value.code == 0
    return seen[0]


@pytest.mark.parametrize("args", LINES)
def test_the_fast_parser_gives_what_typer_gives(args: list[str], monkeypatch: pytest.MonkeyPatch) -> None:
    assert assess.parse_args_fast(args) == _through_typer(args, monkeypatch)


@pytest.mark.parametrize("args", LEFT_TO_TYPER)
def test_unusual_lines_are_left_to_typer(args: list[str]) -> None:
    assert assess.parse_args_fast(args) is None


def test_every_option_of_the_command_is_known_to_the_fast_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    import typer.main

    command = typer.main.get_command(cli.build_app()).commands["assess"]  # type: ignore[attr-defined]
    names = {opt[2:] for param in command.params for opt in param.opts if opt.startswith("--")}
    assert names == set(assess.DEFAULTS) | {"debug"}


def test_a_plain_assess_does_not_import_typer(tmp_path) -> None:
    code = (
        "import sys\nfrom qipp_rag.cli import main\n"
        "try:\n    main(['assess', 'nothing-here', '-q', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(sorted(name for name in sys.modules if name.split('.')[0] in ('typer', 'click')))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False)
    assert done.stdout.strip().splitlines()[-1] == "[]", done.stderr


def _plugins_setting(env_value: str | None, tmp_path) -> str:
    import os

    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    if env_value is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = env_value
    code = (
        "import os\nfrom qipp_rag.cli import main\n"
        "try:\n    main(['assess', 'nothing-here', '-q', '--format', 'json'])\nexcept SystemExit:\n    pass\n"
        "print(os.environ.get('PYDANTIC_DISABLE_PLUGINS'))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    return done.stdout.strip().splitlines()[-1]


def test_pydantic_plugins_are_not_searched_for_unless_the_user_says_otherwise(tmp_path) -> None:
    assert _plugins_setting(None, tmp_path) == "__all__"
    assert _plugins_setting("logfire", tmp_path) == "logfire"


def _after_assess(code: str, tmp_path, env_value: str | None = None) -> str:
    import os

    env = {key: value for key, value in os.environ.items() if key != "PYDANTIC_DISABLE_PLUGINS"}
    if env_value is not None:
        env["PYDANTIC_DISABLE_PLUGINS"] = env_value
    script = (
        "import sys\nfrom qipp_rag.cli import main\n"
        "try:\n    main(['assess', 'nothing-here', '-q', '--format', 'json'])\nexcept SystemExit:\n    pass\n" + code
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, cwd=tmp_path, env=env, check=False)
    return done.stdout.strip().splitlines()[-1]


def test_with_plugins_off_importlib_metadata_is_not_imported(tmp_path) -> None:
    loaded = "print('importlib.metadata' in sys.modules, hasattr(sys.modules['pydantic.plugin._loader'], '__file__'))"
    assert _after_assess(loaded, tmp_path) == "False False"
    assert _after_assess(loaded, tmp_path, "logfire") == "True True"  # plugins the user asked for are still found


def test_the_plugin_loader_stand_in_answers_as_pydantics_own(tmp_path) -> None:
    check = (
        "import os\nfrom pydantic.plugin import _loader\n"
        "stand_in = _loader.get_plugins()\n"
        "group = _loader.PYDANTIC_ENTRY_POINT_GROUP\n"  # any other name brings pydantic's own loader in
        "real = sys.modules['pydantic.plugin._loader']\n"
        "print(stand_in == (), tuple(real.get_plugins()) == (), group, hasattr(real, '__file__'))"
    )
    assert _after_assess(check, tmp_path) == "True True pydantic True"
