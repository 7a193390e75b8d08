"""`qipp-rag rules`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("rules")
    def _rules() -> None:
        """Not available yet."""
        typer.echo("qipp-rag rules: not available yet", err=True)
        raise typer.Exit(2)
