"""Plain YAML scalars that YAML 1.1 reads as something other than text.

The loader never lets YAML 1.1 silently turn ``NO`` into false, ``010`` into
eight or ``1e3`` into a float.  Such a scalar reaches validation as an
:class:`Ambiguous` string that remembers what YAML would have made of it, so
that the field it lands in can say "put it in quotes" (text fields) or
"write plain decimal notation" (money fields).
"""

from __future__ import annotations


class Ambiguous(str):
    """An unquoted scalar whose YAML 1.1 reading is not what it looks like.

    ``reading`` says what YAML would have read, e.g. ``"the boolean false"``.
    """

    __slots__ = ("reading",)
    reading: str

    def __new__(cls, text: str, reading: str) -> Ambiguous:
        obj = super().__new__(cls, text)
        obj.reading = reading
        return obj

    def __reduce__(self):  # keeps the reading across process boundaries
        return (Ambiguous, (str(self), self.reading))


def describe(value: object) -> str:
    """How an unexpected value reads to a user, shortened so that errors
    never echo a huge input back."""
    if isinstance(value, Ambiguous):
        return f"unquoted `{clip(str(value))}` (YAML reads it as {value.reading})"
    if value is None:
        return "nothing (an empty value)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, str):
        return f"text `{clip(value)}`"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    kind = type(value).__name__
    names = {"int": "the number", "Decimal": "the number", "float": "the number", "date": "the date"}
    return f"{names.get(kind, kind)} {clip(str(value))}"


def clip(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
