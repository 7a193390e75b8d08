"""`qipp-rag assess`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("assess")
    def _assess() -> None:
        """Not available yet."""
        typer.echo("qipp-rag assess: not available yet", err=True)
        raise typer.Exit(2)
