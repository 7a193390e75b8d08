"""`qipp-rag diff`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("diff")
    def _diff() -> None:
        """Not available yet."""
        typer.echo("qipp-rag diff: not available yet", err=True)
        raise typer.Exit(2)
