"""`qipp-rag schema`: print the JSON Schema of the plan format.

The schema comes from the plan models themselves, so it cannot drift from
what ``validate`` and ``assess`` accept; its text is the same on every run.
"""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    @app.command("schema")
    def schema_command() -> None:
        """Print the JSON Schema (draft 2020-12) of the plan format, for editors and other tools."""
        typer.echo(schema_text(), nl=False)


def schema_text() -> str:
    import json

    from ..plan.models import json_schema

    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
