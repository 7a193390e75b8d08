"""`qipp-rag schema`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def _schema() -> None:
        """Not available yet."""
        typer.echo("qipp-rag schema: not available yet", err=True)
        raise typer.Exit(2)
