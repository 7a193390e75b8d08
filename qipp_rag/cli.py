"""The command line: options in, exit code out.

Each command lives in its own module under ``qipp_rag.commands`` and is
registered here; none of them holds domain logic.  Any exception that
escapes a command is an internal error: one line and exit 3, never a bare
traceback (``--debug`` shows it).
"""

from __future__ import annotations

import sys

from . import __version__

ISSUES_URL = "https://github.com/qipp-rag/qipp-rag/issues"
EXIT_INTERNAL = 3


def build_app():  # -> typer.Typer, imported lazily so `--version` starts fast
    import typer

    from .commands import assess, diff, init, report, rules, schema, validate

    app = typer.Typer(
        name="qipp-rag",
        help="Assure NHS commissioners' QIPP savings plans against green criteria and rate each red, amber or green.",
        add_completion=False,
        no_args_is_help=True,
        pretty_exceptions_enable=False,
        context_settings={"help_option_names": ["-h", "--help"]},
    )

    @app.callback()
    def _root(
        version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
    ) -> None:
        if version:
            print(f"qipp-rag {__version__}")
            raise typer.Exit(0)

    for module in (assess, validate, rules, schema, init, diff, report):
        module.register(app)
    return app


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``qipp-rag`` console script and ``python -m qipp_rag``."""
    args = sys.argv[1:] if argv is None else argv
    if args == ["--version"]:  # the commonest cold start: answer before importing anything heavy
        print(f"qipp-rag {__version__}")
        sys.exit(0)
    debug = "--debug" in args
    try:
        app = build_app()
        app(args=args, prog_name="qipp-rag", standalone_mode=True)
    except SystemExit:
        raise
    except KeyboardInterrupt:
        print("qipp-rag: interrupted; no report was written", file=sys.stderr)
        sys.exit(130)
    except BaseException as error:  # noqa: BLE001 - the last line of defence
        if debug:
            import traceback

            traceback.print_exc()
        print(
            f"qipp-rag: internal error: {type(error).__name__}: {str(error)[:200]}. "
            f"Please report it at {ISSUES_URL} (run again with --debug for the traceback).",
            file=sys.stderr,
        )
        sys.exit(EXIT_INTERNAL)
