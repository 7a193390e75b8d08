"""`qipp-rag init`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("init")
    def _init() -> None:
        """Not available yet."""
        typer.echo("qipp-rag init: not available yet", err=True)
        raise typer.Exit(2)
