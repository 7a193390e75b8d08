"""PyYAML, imported with its regular expressions compiled only when one is first used.

Importing the ``yaml`` package runs every module of its pure-Python reader,
scanner, resolver and constructor, which compile about 30 regular
expressions as they are defined; one of them, the reader's check for
non-printable characters (a class over all of Unicode), costs more to compile
than the rest of the package together.  This tool reads YAML with libyaml's
parser and its own scalar typing (:mod:`.yamlsafe`) and uses none of them.
So while ``yaml`` is imported here, each ``re.compile`` made by a module of
the ``yaml`` package returns a :class:`Deferred` pattern, compiled the first
time it is used: PyYAML's own loaders and dumpers, should anything in the
process use them, work as before.

Import this module before ``yaml``; when ``yaml`` is already imported, it
does nothing.
"""

from __future__ import annotations

import re
import sys
from typing import Any


class Deferred:
    """A regular expression compiled the first time any of its attributes (``match``, ``search``,
    ``pattern`` ...) is asked for."""

    __slots__ = ("_pattern", "_flags", "_compiled")

    def __init__(self, pattern: Any, flags: int) -> None:
        self._pattern = pattern
        self._flags = flags
        self._compiled: re.Pattern[Any] | None = None

    def __getattr__(self, name: str) -> Any:
        compiled = self._compiled
        if compiled is None:
            compiled = self._compiled = _compile(self._pattern, self._flags)
        return getattr(compiled, name)

    @property
    def compiled(self) -> bool:
        return self._compiled is not None


_compile = re.compile


def _import_yaml() -> None:
    if "yaml" in sys.modules:
        return

    def compile_when_used(pattern: Any, flags: int = 0) -> Any:
        caller = sys._getframe(1).f_globals.get("__name__", "")
        if caller == "yaml" or caller.startswith("yaml."):
            return Deferred(pattern, flags)
        return _compile(pattern, flags)

    setattr(re, "compile", compile_when_used)  # noqa: B010 - while yaml is imported, then put back
    try:
        import yaml  # noqa: F401
    finally:
        setattr(re, "compile", _compile)  # noqa: B010


_import_yaml()
