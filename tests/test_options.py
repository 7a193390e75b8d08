"""Every option is defined once (qipp_rag/options.py); the command line, the fast path, the
configuration file, the defaults, the settings and the engine's options all come from it."""

from __future__ import annotations

import ast
import dataclasses
import datetime as dt
from pathlib import Path
from typing import Any

import pytest
import typer
import typer.main
from typer.testing import CliRunner

from qipp_rag import cli, config, options
from qipp_rag.commands import assess
from qipp_rag.commands._options import takes
from qipp_rag.engine import AssessOptions
from qipp_rag.options import ASSESS, DEFAULTS, Option, Settings

PACKAGE = Path(__file__).resolve().parents[1] / "qipp_rag"
CONFIGURABLE = [option for option in ASSESS if option.configurable]


def sample(option: Option) -> str:
    """A value the option takes, as written on a command line."""
    if option.choices:
        return option.choices[-1]
    return {"count": "2", "date": "2014-06-01"}.get(option.kind, "html:out.html" if option.form == "report" else "Q71")


def click_command(app: typer.Typer, name: str) -> Any:
    return typer.main.get_command(app).commands[name]  # type: ignore[attr-defined]


def test_every_option_is_in_the_help_of_assess_as_defined() -> None:
    command = click_command(cli.build_app(), "assess")
    declared = {param.name: param for param in command.params if param.param_type_name == "option"}
    assert list(declared) == [option.parameter for option in ASSESS]
    for option in ASSESS:
        param = declared[option.parameter]
        assert tuple(param.opts + param.secondary_opts) == option.flags
        assert param.help == option.help
        assert param.multiple == option.repeatable
        assert param.is_flag == (option.kind == "flag")
        if option.kind != "flag":
            assert param.metavar == option.shown_metavar
    shown = " ".join(CliRunner().invoke(cli.build_app(), ["assess", "--help"], env={"COLUMNS": "400"}).output.split())
    for option in ASSESS:
        assert option.flag in shown and " ".join(option.help.split()) in shown


@pytest.mark.parametrize("option", ASSESS, ids=lambda option: option.name)
def test_every_option_is_known_to_the_fast_path(option: Option) -> None:
    line = ["plans", option.flag] if option.kind == "flag" else ["plans", option.flag, sample(option)]
    parsed = assess.parse_args_fast(line)
    assert parsed is not None
    paths, given = parsed
    assert paths == ["plans"]
    if not option.configurable:
        assert given == {}
    elif option.kind == "flag":
        assert given == {option.name: True}
    elif option.repeatable:
        assert given == {option.name: [sample(option)]}
    else:
        assert given == {option.name: 2 if option.kind == "count" else sample(option)}


@pytest.mark.parametrize("option", CONFIGURABLE, ids=lambda option: option.name)
def test_every_configurable_option_is_a_key_of_the_configuration_file(option: Option) -> None:
    assert option.name in config.KEYS
    value: Any = sample(option)
    value = {"flag": True, "count": 2, "date": dt.date(2014, 6, 1)}.get(option.kind, value)
    value = [value] if option.repeatable else value
    model = config.ConfigFile.model_validate({option.name: value})
    assert model.model_fields_set == {option.name.replace("-", "_")}


def test_the_configuration_file_takes_exactly_the_configurable_options() -> None:
    assert config.KEYS == tuple(option.name for option in CONFIGURABLE)
    assert "debug" not in config.KEYS


def test_defaults_settings_and_engine_options_agree_with_the_definitions() -> None:
    settings = {item.name: item for item in dataclasses.fields(Settings)}
    assert list(settings) == ["paths", *(option.attribute for option in CONFIGURABLE)]
    assert list(DEFAULTS) == [option.name for option in CONFIGURABLE]
    blank = Settings(paths=[])
    for option in CONFIGURABLE:
        assert DEFAULTS[option.name] == option.initial() == getattr(blank, option.attribute)
    engine = AssessOptions(paths=())
    fields = [item.name for item in dataclasses.fields(AssessOptions)]
    assert fields == ["paths", *(option.attribute for option in ASSESS if option.engine), "not_plans"]
    for option in ASSESS:
        if option.engine:
            expected = dt.date.today() if option.kind == "date" else () if option.repeatable else option.default
            assert getattr(engine, option.attribute) == expected
    assert options.AssessOptions is AssessOptions  # the engine's name for it is the same class
    assert type(assess.merge(["plans"], {}, {})) is Settings
    assert config.config_model() is config.config_model(ASSESS) is config.ConfigFile


def test_merged_settings_reach_the_engine_options() -> None:
    given = {"rules": ["a.yaml"], "jobs": 2, "as-of": "2014-06-01", "area-team": " q71 ", "region": "London"}
    settings = assess.merge(["plans"], given, {"skip": ["GV*"], "quiet": True})
    engine = AssessOptions(paths=tuple(settings.paths), **options.engine_values(settings))
    assert (engine.rules, engine.skip, engine.jobs, engine.as_of) == (("a.yaml",), ("GV*",), 2, dt.date(2014, 6, 1))
    assert (engine.area_team, engine.region, settings.quiet, settings.format) == ("Q71", "london", True, "table")


# ---------------------------------------------------------------- nothing is written out twice

OPTION_WORDS = {option.name for option in ASSESS} | {option.attribute for option in ASSESS}


def _package_sources() -> list[tuple[Path, ast.AST]]:
    return [(path, ast.parse(path.read_text(encoding="utf-8"))) for path in sorted(PACKAGE.rglob("*.py"))]


def test_typer_options_are_made_only_from_the_definitions() -> None:
    """No command declares a typer.Option by hand: each comes from an Option through commands/_options.py.
    (cli.py's --version belongs to the program, not to a command.)"""
    by_hand = []
    for path, tree in _package_sources():
        if path in (PACKAGE / "commands" / "_options.py", PACKAGE / "cli.py"):
            continue
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "Option":
                if getattr(node.func.value, "id", None) == "typer":
                    by_hand.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert by_hand == []


def test_option_names_and_defaults_are_not_listed_again() -> None:
    """A dict, tuple, list or set, or a class's fields, that is mostly option names (four or more) outside
    options.py is a copy of the definitions that would drift: DEFAULTS, Settings, a values dict,
    AssessOptions, the configuration model."""
    allowed = {
        # What the reporters take (colour, width, group_by, fail_on, sort, show_na), owned by the reporters;
        # `assess` fills it from the settings of the same names.
        ("reporters/__init__.py", "RenderOptions"),
    }
    copies = []
    for path, tree in _package_sources():
        if path == PACKAGE / "options.py":
            continue
        where = str(path.relative_to(PACKAGE))
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                words = {item.value for item in node.elts if isinstance(item, ast.Constant)}
            elif isinstance(node, ast.Dict):
                words = {key.value for key in node.keys if isinstance(key, ast.Constant)}
            elif isinstance(node, ast.ClassDef) and (where, node.name) not in allowed:
                words = {item.target.id for item in node.body if isinstance(item, ast.AnnAssign)
                         and isinstance(item.target, ast.Name)}
            else:
                continue
            named = OPTION_WORDS & {word for word in words if isinstance(word, str)}
            if len(named) >= 4 and len(named) > len(words) / 2:
                copies.append(f"{where}:{node.lineno}")
    assert copies == []


def test_choices_are_not_written_out_again() -> None:
    """The full list of an option's choices (gates, groupings, orders, formats, regions) is written only
    where it is defined: in options.py, the vocabulary or the reporter registry."""
    choice_sets = {frozenset(option.choices) for option in ASSESS if len(option.choices) >= 2}
    choice_sets.add(frozenset(options.ROLL_UPS))
    homes = (PACKAGE / "options.py", PACKAGE / "vocabulary.py", PACKAGE / "reporters" / "__init__.py")
    known = {  # the table draws its roll-up groups in its own order
        ("reporters/table_draw.py", frozenset(options.ROLL_UPS)),
    }
    copies = []
    for path, tree in _package_sources():
        if path in homes:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
                words = frozenset(item.value for item in node.elts if isinstance(item, ast.Constant))
                if words in choice_sets and (str(path.relative_to(PACKAGE)), words) not in known:
                    copies.append(f"{path.relative_to(PACKAGE.parent)}:{node.lineno}")
    assert copies == []


# ---------------------------------------------------------------- a new option touches one file


NEW = Option("max-red", "Fail when more than N plans are red.", metavar="N", kind="count")


def test_a_new_definition_reaches_help_fast_path_configuration_and_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    extended = (*ASSESS, NEW)
    # The command line: help and parsing, through the real `assess` command.
    monkeypatch.setattr(assess, "ASSESS", extended)
    monkeypatch.setattr(assess, "SETTINGS", options.settings_of(extended))
    seen: list[dict[str, Any]] = []
    monkeypatch.setattr(assess, "run", lambda paths, given: seen.append(given) or 0)
    runner = CliRunner()
    shown = " ".join(runner.invoke(cli.build_app(), ["assess", "--help"], env={"COLUMNS": "400"}).output.split())
    assert "--max-red" in shown and "Fail when more than N plans are red." in shown
    assert runner.invoke(cli.build_app(), ["assess", "plans", "--max-red", "3"]).exit_code == 0
    assert seen == [{"max-red": 3}]
    assert assess.parse_args_fast(["plans", "--max-red", "3"], extended) == (["plans"], {"max-red": 3})
    # The configuration file: a key with its checks.
    model = config.config_model(extended)
    assert model.model_validate({"max-red": 2}).max_red == 2  # type: ignore[attr-defined]
    with pytest.raises(ValueError, match="whole number"):
        model.model_validate({"max-red": 0})
    assert "max-red" in config.keys(extended)
    # Defaults and settings: the file's value, the command line's over it.
    assert options.defaults(extended)["max-red"] is None
    assert assess.merge(["plans"], {}, {"max-red": 2}, extended).max_red == 2
    assert assess.merge(["plans"], {"max-red": 4}, {"max-red": 2}, extended).max_red == 4
    with pytest.raises(assess.InputError, match="--max-red"):
        assess.merge(["plans"], {"max-red": 0}, {}, extended)
    # The engine takes it when it says so.
    engine = options.engine_options_class((*ASSESS, NEW.but(engine=True)))
    assert engine(paths=()).max_red is None  # type: ignore[attr-defined]


def test_commands_share_one_definition_of_an_option() -> None:
    """--no-color, --debug, --rules, --format ... are the same definitions in every command that takes them."""
    app = cli.build_app()

    @app.command("probe")
    @takes(options.NO_COLOR, options.RULES.but(help="Packs."))
    def probe(**values: Any) -> None:
        raise typer.Exit(0 if values == {"no_color": True, "rules": ["a", "b"]} else 1)

    assert CliRunner().invoke(app, ["probe", "--no-color", "--rules", "a", "--rules", "b"]).exit_code == 0
    helps = {}
    for name in ("assess", "validate", "report"):
        params = {param.name: param for param in click_command(app, name).params}
        helps[name] = params["no_color"].help
    assert set(helps.values()) == {options.NO_COLOR.help}
