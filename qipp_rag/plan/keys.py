"""The keys a mapping in a plan (or any model-shaped file) allows, for "did you mean" hints."""

from __future__ import annotations

import types
import typing
from typing import Annotated, Any

from pydantic import (
    BaseModel,
)

from ..vocabulary import Loc
from .objects import Plan


def valid_keys_at(loc: Loc) -> list[str] | None:
    """The keys allowed in the plan mapping that ``loc`` (a path ending in a key) sits in.

    Walks the model types along the path, so an unknown key anywhere in a
    plan can be answered with the nearest valid one.
    """
    return model_keys_at(Plan, loc)


def model_keys_at(root: type[BaseModel], loc: Loc) -> list[str] | None:
    """The keys allowed in the mapping that ``loc`` sits in, for any model ``root``
    (a plan, a rule pack, waivers, configuration).  Keys are as written in the
    file: a field's alias where it has one."""
    annotation: Any = root
    for part in loc[:-1]:
        annotation = _step(annotation, part)
        if annotation is None:
            return None
    model = _unwrap_model(annotation)
    return [_written_name(name, field) for name, field in model.model_fields.items()] if model is not None else None


def _written_name(name: str, field: Any) -> str:
    alias = field.validation_alias if isinstance(field.validation_alias, str) else field.alias
    return alias or name


def _field(model: type[BaseModel], key: str) -> Any:
    for name, field in model.model_fields.items():
        if key in (name, _written_name(name, field)):
            return field
    return None


def _strip(annotation: Any) -> Any:
    """``Annotated[X, ...]`` and ``X | None`` both mean X for walking a path."""
    while True:
        origin = typing.get_origin(annotation)
        if origin is Annotated:
            annotation = typing.get_args(annotation)[0]
        elif origin in (typing.Union, types.UnionType):
            members = [arg for arg in typing.get_args(annotation) if arg is not type(None)]
            if len(members) > 1:  # `str | list[Item]`: only the member with keys or items can be walked
                members = [arg for arg in members if _walkable(arg)]
            if len(members) != 1:
                return None
            annotation = members[0]
        else:
            return annotation


def _walkable(annotation: Any) -> bool:
    inner = _strip(annotation)
    return typing.get_origin(inner) in (list, dict) or (isinstance(inner, type) and issubclass(inner, BaseModel))


def _unwrap_model(annotation: Any) -> type[BaseModel] | None:
    annotation = _strip(annotation)
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def _step(annotation: Any, part: str | int) -> Any:
    model = _unwrap_model(annotation)
    if model is not None:
        field = _field(model, str(part))
        return field.annotation if field is not None else None
    annotation = _strip(annotation)
    origin, args = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is list and args:
        return args[0]
    if origin is dict and len(args) == 2:
        return args[1]
    return None
