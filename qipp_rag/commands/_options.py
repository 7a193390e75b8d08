"""Typer parameters made from :class:`~qipp_rag.options.Option` definitions.

A command writes its arguments in its signature as usual and names its
options with :func:`takes`; typer then sees one parameter per option
(flags, metavar, help from the definition), and the command receives their
values as keyword arguments named by :attr:`Option.parameter`.  typer itself
is imported only when a command is registered, so that the plain ``assess``
path never loads it.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from typing import Any, TypeVar

from ..options import Option

Command = TypeVar("Command", bound=Callable[..., Any])


def python_type(option: Option) -> Any:
    """The type typer converts the option's value to."""
    if option.kind == "flag":
        return bool
    if option.repeatable:
        return list[str] | None
    if option.show_default:
        return int if option.kind == "count" else str
    return int | None if option.kind == "count" else str | None


def parameter_info(option: Option) -> Any:
    """The ``typer.Option(...)`` of the option."""
    import typer

    if option.kind == "flag":
        return typer.Option(False, *option.flags, help=option.help)
    if option.show_default:
        return typer.Option(option.default, *option.flags, metavar=option.shown_metavar, help=option.help)
    return typer.Option(None, *option.flags, metavar=option.shown_metavar, help=option.help, show_default=False)


def parameter(option: Option) -> inspect.Parameter:
    return inspect.Parameter(
        option.parameter, inspect.Parameter.KEYWORD_ONLY, default=parameter_info(option), annotation=python_type(option)
    )


def takes(*options: Option) -> Callable[[Command], Command]:
    """The command also takes these options, in this order, after the parameters it writes out."""

    def decorate(command: Command) -> Command:
        written = inspect.signature(command, eval_str=True)
        explicit = [item for item in written.parameters.values() if item.kind is not inspect.Parameter.VAR_KEYWORD]
        signature = written.replace(parameters=[*explicit, *(parameter(option) for option in options)])

        @functools.wraps(command)
        def with_options(*args: Any, **values: Any) -> Any:
            return command(*args, **values)

        with_options.__signature__ = signature  # type: ignore[attr-defined]
        with_options.__annotations__ = {
            name: item.annotation for name, item in signature.parameters.items() if item.annotation is not item.empty
        }
        return with_options  # type: ignore[return-value]

    return decorate
