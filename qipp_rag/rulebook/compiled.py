"""The shipped rule pack, precompiled: what validating ``green-criteria.yaml`` gives, stored as tagged JSON.

Reading the shipped pack through the strict YAML loader and the pack models
is a fixed cost of every run, most noticeable when a pre-commit hook
assesses one plan.  ``shipped_pack.json`` (beside this module, in the
package) holds the validated pack, every model with the fields its file
gave, and the SHA-256 of the YAML it was made from.  A run uses it only
when that hash matches the shipped YAML it finds, so an edited pack is
always read from its YAML; ``scripts/compile_pack.py`` writes it again, and
a test fails while it is out of date.  It is read-only package data: no
cache folder, nothing written at run time.
"""

from __future__ import annotations

import hashlib
import json
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from ..vocabulary import OrgType
from .models import BandSpec, RulePack, RuleSpec

COMPILED_FILE = Path(__file__).with_name("shipped_pack.json")
FORMAT = 1  # of the JSON below; a file of another format is not used
_MODELS: dict[str, type[BaseModel]] = {model.__name__: model for model in (RulePack, RuleSpec, BandSpec)}
_ENUMS: dict[str, type[Enum]] = {OrgType.__name__: OrgType}


def source_hash(source: bytes) -> str:
    return hashlib.sha256(source).hexdigest()


# ---------------------------------------------------------------- writing


def encode(value: Any) -> Any:
    """``value`` as JSON, every type the pack models hold tagged so that :func:`decode` gives it back exactly."""
    if isinstance(value, BaseModel):
        name = type(value).__name__
        if _MODELS.get(name) is not type(value):
            raise TypeError(f"no compiled form for the model {name}")
        return {
            "$model": name,
            "set": sorted(value.model_fields_set),
            "fields": {field: encode(getattr(value, field)) for field in type(value).model_fields},
        }
    if isinstance(value, Enum):
        if _ENUMS.get(type(value).__name__) is not type(value):
            raise TypeError(f"no compiled form for the enum {type(value).__name__}")
        return {"$enum": type(value).__name__, "value": value.value}
    if isinstance(value, Decimal):
        return {"$decimal": str(value)}
    if isinstance(value, dict):
        return {"$dict": [[encode(key), encode(item)] for key, item in value.items()]}
    if isinstance(value, tuple):
        return {"$tuple": [encode(item) for item in value]}
    if isinstance(value, list):
        return [encode(item) for item in value]
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    raise TypeError(f"no compiled form for {type(value).__name__}")


def compiled_form(pack: RulePack, source: bytes) -> dict[str, Any]:
    return {"format": FORMAT, "source_sha256": source_hash(source), "pack": encode(pack)}


def compiled_text(pack: RulePack, source: bytes) -> str:
    return json.dumps(compiled_form(pack, source), ensure_ascii=False, indent=0) + "\n"


# ---------------------------------------------------------------- reading


def decode(value: Any) -> Any:
    if isinstance(value, list):
        return [decode(item) for item in value]
    if not isinstance(value, dict):
        return value
    if "$model" in value:
        model = _MODELS[value["$model"]]
        fields = {name: decode(item) for name, item in value["fields"].items()}
        return model.model_construct(_fields_set=set(value["set"]), **fields)
    if "$enum" in value:
        return _ENUMS[value["$enum"]](value["value"])
    if "$decimal" in value:
        return Decimal(value["$decimal"])
    if "$dict" in value:
        return {decode(key): decode(item) for key, item in value["$dict"]}
    if "$tuple" in value:
        return tuple(decode(item) for item in value["$tuple"])
    raise ValueError(f"unknown tag in the compiled pack: {sorted(value)}")


def load_compiled(source: bytes, file: Path = COMPILED_FILE) -> RulePack | None:
    """The shipped pack from its compiled form, or None when there is none for exactly this YAML
    (no file, another format, an unreadable file, or a YAML edited since it was compiled)."""
    try:
        data = json.loads(file.read_bytes())
    except (OSError, ValueError):
        return None
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("source_sha256") != source_hash(source):
        return None
    try:
        pack = decode(data["pack"])
    except (KeyError, TypeError, ValueError):
        return None
    return pack if isinstance(pack, RulePack) else None
