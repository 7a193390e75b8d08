"""The plan format as a JSON Schema (draft 2020-12)."""

from __future__ import annotations

from typing import Any

from .fields import FORMAT_VERSION
from .objects import Plan

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
SCHEMA_ID = f"urn:qipp-rag:schema:plan:{FORMAT_VERSION}"


def json_schema() -> dict[str, Any]:
    """The plan format as a JSON Schema (draft 2020-12), for editors and other tools.

    It accepts every valid plan as a YAML 1.2 reader presents it (dates as
    ``YYYY-MM-DD`` strings, money as numbers).  Checks that tie one field to
    another (years against ``period``, profiles that add up) are not in it:
    ``qipp-rag validate`` makes those.
    """
    generated = Plan.model_json_schema(mode="validation")
    generated.pop("title", None)
    _close_per_year_maps(generated)
    return {
        "$schema": SCHEMA_DIALECT,
        "$id": SCHEMA_ID,
        "title": f"QIPP plan, format version {FORMAT_VERSION}",
        "description": (
            "One commissioner's QIPP savings plan for a run of financial years. Money is in £000, "
            "written in plain decimal notation; financial years are written YYYY/YY; dates YYYY-MM-DD."
        ),
        **generated,
    }


def _close_per_year_maps(schema: Any) -> None:
    """A per-year mapping allows no key but a financial year (pydantic leaves others open)."""
    if isinstance(schema, dict):
        if "patternProperties" in schema and "properties" not in schema:
            schema.setdefault("additionalProperties", False)
        for value in schema.values():
            _close_per_year_maps(value)
    elif isinstance(schema, list):
        for value in schema:
            _close_per_year_maps(value)
