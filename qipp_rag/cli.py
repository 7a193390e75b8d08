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
EXIT_USAGE = 2
POOL_MODULE = "qipp_rag.pool"  # holds the worker pool a signal must stop


def build_app():  # -> typer.Typer, imported lazily so `--version` starts fast
    import typer

    from .commands import assess, diff, init, report, rules, schema, validate
    from .commands._help import tidy_help

    tidy_help()
    app = typer.Typer(
        name="qipp-rag",
        help="Assure NHS commissioners' QIPP savings plans against green criteria and rate each red, amber or green.",
        add_completion=True,
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


class Interrupted(BaseException):
    """SIGINT or SIGTERM arrived.  Not a KeyboardInterrupt, which typer turns into a silent exit."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def _raise_interrupted(signum: int, frame: object) -> None:
    # Looked up, not imported: the signal may come while the engine is importing multiprocessing, and
    # a worker (forked from a process that had it whole) always finds it.
    parent_process = getattr(sys.modules.get("multiprocessing"), "parent_process", None)
    if parent_process is not None and parent_process() is not None:  # a worker: its parent decides
        return
    # Looked up, not imported: no pool runs before the engine has imported its module, and importing
    # here could meet that module half-imported if the signal came in the middle of the import.
    stop_pool = getattr(sys.modules.get(POOL_MODULE), "stop_pool", None)
    if stop_pool is not None and stop_pool():
        # Plans were still being measured, so no report file is open yet.  Unwinding through the
        # process pool can hang or print a traceback from its threads: the workers are gone, so leave.
        import os

        print(_interrupted_message(signum), file=sys.stderr, flush=True)
        os._exit(128 + signum)
    raise Interrupted(signum)  # unwinds through `finally`, which removes any temporary report files


def _interrupted_message(signum: int) -> str:
    import signal

    return f"qipp-rag: interrupted by {signal.Signals(signum).name}; no report was written"


def _catch_signals() -> None:
    """Turn SIGINT and SIGTERM into :class:`Interrupted`, so the run stops the same clear way for
    both: temporary report files are removed on the way out and one line says what happened."""
    import signal

    for signum in (signal.SIGINT, signal.SIGTERM):
        if signal.getsignal(signum) is not signal.SIG_IGN:  # a shell's `cmd &` ignores SIGINT: keep it so
            signal.signal(signum, _raise_interrupted)


def _tune_garbage_collector() -> None:
    """Collect cycles rarely: a run builds millions of small objects (parse trees, models,
    findings) and almost none of them form reference cycles, so the default
    thresholds only make the cyclic collector rescan them, about a quarter of
    the CPU time of a large run.  Workers inherit the setting."""
    import gc

    gc.set_threshold(100_000, 50, 1000)


def _run(app: object, args: list[str]) -> int:
    """Run the app; a usage error (a missing argument, an unknown option) is one line on standard error, exit 2."""
    from .commands._help import usage_error_types, usage_line

    try:
        code = app(args=args, prog_name="qipp-rag", standalone_mode=False)  # type: ignore[operator]
    except usage_error_types() as error:
        print(usage_line(error), file=sys.stderr)
        return EXIT_USAGE
    except _abort_types():
        print("qipp-rag: aborted", file=sys.stderr)
        return 1
    return code if isinstance(code, int) else 0


def _abort_types() -> tuple[type[BaseException], ...]:
    found: list[type[BaseException]] = []
    for module in ("typer._click.exceptions", "click.exceptions"):
        try:
            found.append(__import__(module, fromlist=["Abort"]).Abort)
        except (ImportError, AttributeError):
            continue
    return tuple(found)


def _without_pydantic_plugins() -> None:
    """pydantic looks for plugins (observability hooks) through every installed package's entry
    points the first time a model is built: a few milliseconds of every cold start, more in a
    large environment, for hooks this tool does not use.  A value the user set is kept."""
    import os

    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    if os.environ["PYDANTIC_DISABLE_PLUGINS"] in PLUGINS_OFF and PLUGIN_LOADER not in sys.modules:
        # pydantic's plugin loader imports importlib.metadata (and with it email, zipfile, csv, ...)
        # only to find plugins that, so set, it would not load: a stand-in answers for it.
        sys.modules[PLUGIN_LOADER] = _no_plugin_loader()


PLUGIN_LOADER = "pydantic.plugin._loader"
PLUGINS_OFF = ("__all__", "1", "true")  # the values for which pydantic's own loader returns no plugins


def _no_plugin_loader():  # -> types.ModuleType, not imported at module level: `--version` starts without it
    """A module answering ``get_plugins()`` with no plugins, as pydantic's loader does when plugins are
    off; any other name is looked up in pydantic's own loader, which then takes its place."""
    from types import ModuleType

    def get_plugins() -> tuple[()]:
        return ()

    def __getattr__(name: str) -> object:
        if name.startswith("__"):  # what the import system asks of any module (`__path__`, ...)
            raise AttributeError(name)
        import importlib.machinery
        import importlib.util

        import pydantic.plugin

        spec = importlib.machinery.PathFinder.find_spec(PLUGIN_LOADER, list(pydantic.plugin.__path__))
        if spec is None or spec.loader is None:
            raise AttributeError(name)
        real = importlib.util.module_from_spec(spec)
        sys.modules[PLUGIN_LOADER] = real
        spec.loader.exec_module(real)
        return getattr(real, name)

    module = ModuleType(PLUGIN_LOADER)
    module.get_plugins = get_plugins  # type: ignore[attr-defined]
    module.__getattr__ = __getattr__  # type: ignore[method-assign]  # a module's attribute hook
    return module


def main(argv: list[str] | None = None) -> None:
    """Entry point of the ``qipp-rag`` console script and ``python -m qipp_rag``."""
    args = sys.argv[1:] if argv is None else argv
    options = args[: args.index("--")] if "--" in args else args  # after `--` every argument is a path
    if args == ["--version"]:  # the commonest cold start: answer before importing anything heavy
        try:
            print(f"qipp-rag {__version__}", flush=True)
        except OSError as error:
            os_error_exit(error)
        sys.exit(0)
    debug = "--debug" in options
    _tune_garbage_collector()
    _without_pydantic_plugins()
    try:
        _catch_signals()
        if args[:1] == ["assess"]:  # the pre-commit hook's command: parsed without importing typer when it can be
            from .commands.assess import parse_args_fast, run

            parsed = parse_args_fast(args[1:])
            if parsed is not None:
                try:
                    fast_code = run(*parsed)
                finally:
                    sys.stdout.flush()  # a full disk shows here, inside the handlers, not at exit
                sys.exit(fast_code)
        app = build_app()
        try:
            code = _run(app, args)
        finally:
            sys.stdout.flush()  # a full disk shows here, inside the handlers, not at exit
        sys.exit(code)
    except SystemExit:
        raise
    except OSError as error:
        import errno

        if error.errno not in (errno.ENOSPC, errno.EFBIG, errno.EDQUOT, errno.EIO) or error.filename:
            _internal_error(error, debug)
        os_error_exit(error)
    except (KeyboardInterrupt, Interrupted) as error:
        import signal

        signum = error.signum if isinstance(error, Interrupted) else signal.SIGINT
        print(_interrupted_message(signum), file=sys.stderr)
        sys.exit(128 + signum)
    except BaseException as error:  # noqa: BLE001 - the last line of defence
        _internal_error(error, debug)


def os_error_exit(error: OSError) -> None:
    """Standard output could not be written (a full disk): one line, exit 2."""
    from .output_files import silence_stdout

    silence_stdout()  # Python's own flush at exit would fail again
    print(f"qipp-rag: cannot write the output: {error.strerror or error}", file=sys.stderr)
    sys.exit(2)


def _internal_error(error: BaseException, debug: bool) -> None:
    if debug:
        import traceback

        traceback.print_exc()
    print(
        f"qipp-rag: internal error: {type(error).__name__}: {str(error)[:200]}. "
        f"Please report it at {ISSUES_URL} (run again with --debug for the traceback).",
        file=sys.stderr,
    )
    sys.exit(EXIT_INTERNAL)
