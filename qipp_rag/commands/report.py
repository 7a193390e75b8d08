"""`qipp-rag report`."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("report")
    def _report() -> None:
        """Not available yet."""
        typer.echo("qipp-rag report: not available yet", err=True)
        raise typer.Exit(2)
