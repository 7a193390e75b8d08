"""`qipp-rag validate`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("validate")
    def _validate() -> None:
        """Not available yet."""
        typer.echo("qipp-rag validate: not available yet", err=True)
        raise typer.Exit(2)
