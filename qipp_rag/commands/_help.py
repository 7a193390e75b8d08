"""The command line's help and usage errors, as people read them.

typer prints parameter types in its own notation (``<bool>``,
``<list[str]>``) and required arguments in braces (``{PATH}...``); help here
shows each option's metavar and usage lines in the usual form (``PATH...``,
``[ID]``).  A usage error (a missing argument, an unknown option, a bad
value) is one line naming what is wrong and where the help is, not the help
itself.
"""

from __future__ import annotations

from typing import Any


def tidy_help() -> None:
    """Help without typer's internal type names, and usage lines written ``PATH...`` and ``[ID]``."""
    from typer import core

    parameter = getattr(core, "_TyperParameter", None)
    if parameter is not None and hasattr(parameter, "display_type"):
        parameter.display_type = _no_type
    argument = getattr(core, "TyperArgument", None)
    if argument is not None and hasattr(argument, "_usage_display_name"):
        argument._usage_display_name = _usage_name


def _no_type(self: Any, ctx: Any) -> str | None:
    return None


def _usage_name(self: Any) -> str:
    name = str(getattr(self, "metavar", None) or self.name.upper())
    name = name if self.required or name.startswith("[") else f"[{name}]"
    return name + ("..." if self.nargs != 1 else "")


def usage_error_types() -> tuple[type[BaseException], ...]:
    """The usage error class of the click that typer runs on (its own copy, or click itself)."""
    found: list[type[BaseException]] = []
    try:
        from typer._click.exceptions import UsageError as Vendored

        found.append(Vendored)
    except ImportError:
        pass
    try:
        from click.exceptions import UsageError

        found.append(UsageError)
    except ImportError:
        pass
    return tuple(found)


def usage_line(error: Any) -> str:
    """``qipp-rag assess: missing argument PATH (see qipp-rag assess --help)``: one line."""
    ctx = getattr(error, "ctx", None)
    command = getattr(ctx, "command_path", None) or "qipp-rag"
    param = getattr(error, "param", None)
    if type(error).__name__ == "MissingParameter" and param is not None:
        kind = "argument" if getattr(param, "param_type_name", "") == "argument" else "option"
        named = kind == "option" and getattr(param, "opts", None)
        shown = param.opts[0] if named else (param.metavar or param.name.upper())
        message = f"missing {kind} {shown}"
    else:
        message = " ".join(str(error.format_message()).split())
        message = message[:1].lower() + message[1:]
    return f"{command}: {message} (see {command} --help)"
