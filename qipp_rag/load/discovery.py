"""Finding plan files under the paths a user gives.

Folders are walked recursively for ``*.yaml`` and ``*.yml``; a file named
explicitly is taken whatever its name.  Hidden files and folders (``.git``,
``.qipp-rag.yaml``) are not plans.  Symbolic links are followed only where
they stay inside the folder given, and a folder link inside it is not
followed at all (the folder it points to is walked in its own place), so a
walk can never leave the tree or go round a loop.  Nothing is skipped
silently: a link that leads out is reported.
"""

from __future__ import annotations

import fnmatch
import os
from collections.abc import Sequence
from pathlib import Path, PurePath

from ..results import Problem

PLAN_SUFFIXES = (".yaml", ".yml")
STDIN = "<stdin>"  # how the plan read from standard input (the path ``-``) is named in messages


def _problem(message: str, file: str) -> Problem:
    return Problem(message=message, line=0, column=0, file=file)


def _reason(error: OSError) -> str:
    return (error.strerror or type(error).__name__).lower()


class _Found:
    """Files found so far, keyed by the file on disk so each is listed once."""

    def __init__(self) -> None:
        self.by_real: dict[str, tuple[bool, tuple[str, ...], str]] = {}
        self.named: set[str] = set()  # files named on the command line: the name given first stays

    def add(self, shown: PurePath, real: str, via_link: bool) -> None:
        if real in self.named:
            return
        candidate = (via_link, shown.parts, str(shown))
        known = self.by_real.get(real)
        if known is None or candidate < known:  # prefer a file's own name to a link's, then path order
            self.by_real[real] = candidate

    def add_named(self, shown: PurePath, real: str) -> None:
        """A file named on the command line, under the first name it was given by."""
        if real not in self.named:
            self.named.add(real)
            self.by_real.setdefault(real, (False, shown.parts, str(shown)))  # a folder given earlier keeps its name

    def files(self) -> list[str]:
        return [shown for _, _, shown in sorted(self.by_real.values(), key=lambda item: item[1])]


def discover(
    paths: Sequence[str], exclude: Sequence[str] = (), not_plans: Sequence[str] = ()
) -> tuple[list[str], list[Problem]]:
    """Plan files under ``paths`` in path order, each once, and the problems met.

    ``exclude`` holds globs matched against paths relative to each folder given (a file named on
    the command line is always read); ``not_plans`` holds files and folders that are inputs of
    another kind (rule packs, waivers, configuration), never read as plans wherever they lie.
    """
    found = _Found()
    problems: list[Problem] = []
    for given in paths:
        shown = PurePath(given)
        if given == "-":
            found.by_real.setdefault(STDIN, (False, (STDIN,), STDIN))
        elif not os.path.lexists(given):
            problems.append(_problem("no such file or folder", given))
        elif os.path.isdir(given):
            inside = _Found()
            _walk(shown, os.path.realpath(given), shown, inside, problems)
            for real, (via_link, _, file) in inside.by_real.items():
                if not excluded(PurePath(file).relative_to(shown), exclude):
                    found.add(PurePath(file), real, via_link)
        elif os.path.exists(given):
            found.add_named(shown, os.path.realpath(given))
        else:
            problems.append(_problem("a symbolic link to a file that does not exist", given))
    others = [os.path.realpath(path) for path in not_plans]
    for real in list(found.by_real):
        if real != STDIN and any(_inside(real, other) for other in others):
            del found.by_real[real]
    return found.files(), problems


def excluded(relative: PurePath, patterns: Sequence[str]) -> bool:
    """Whether a path relative to its folder matches a glob: the whole path (``drafts/*.yaml``),
    one of its folders (``drafts``, ``drafts/``), or, for a glob without ``/``, its name (``*-old.yaml``)."""
    text = relative.as_posix()
    folders = [PurePath(*relative.parts[:end]).as_posix() for end in range(1, len(relative.parts))]
    for pattern in patterns:
        glob = pattern.strip().rstrip("/").removeprefix("./")
        if not glob:
            continue
        if fnmatch.fnmatchcase(text, glob) or any(fnmatch.fnmatchcase(folder, glob) for folder in folders):
            return True
        if "/" not in glob and fnmatch.fnmatchcase(relative.name, glob):
            return True
    return False


def _inside(real: str, top: str) -> bool:
    return real == top or real.startswith(top.rstrip(os.sep) + os.sep)


def _walk(folder: PurePath, top: str, top_shown: PurePath, found: _Found, problems: list[Problem]) -> None:
    try:
        with os.scandir(folder) as listing:
            entries = sorted(listing, key=lambda entry: entry.name)
    except OSError as error:
        problems.append(_problem(f"cannot read this folder: {_reason(error)}", str(folder)))
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        shown = folder / entry.name
        try:
            if entry.is_symlink():
                _link(shown, top, top_shown, found, problems)
            elif entry.is_dir(follow_symlinks=False):
                _walk(shown, top, top_shown, found, problems)
            elif entry.is_file(follow_symlinks=False) and entry.name.lower().endswith(PLAN_SUFFIXES):
                found.add(shown, os.path.realpath(shown), via_link=False)
            elif entry.name.lower().endswith(PLAN_SUFFIXES):  # a pipe, socket or device: reading could block for ever
                problems.append(
                    _problem(
                        "not a regular file, so it is not read; name it on the command line to read it", str(shown)
                    )
                )
        except OSError as error:
            problems.append(_problem(f"cannot be read: {_reason(error)}", str(shown)))


def _link(shown: PurePath, top: str, top_shown: PurePath, found: _Found, problems: list[Problem]) -> None:
    real = os.path.realpath(shown)
    if not _inside(real, top):
        problems.append(
            _problem(
                (f"a symbolic link that leads outside {top_shown}, so it is not followed; name its target to check it"),
                str(shown),
            )
        )
        return
    if not shown.name.lower().endswith(PLAN_SUFFIXES):
        return
    target = Path(real)
    if target.is_file():
        found.add(shown, real, via_link=True)
    elif not target.exists():
        problems.append(_problem("a symbolic link to a file that does not exist", str(shown)))
    # A link to a folder inside the tree is not followed: the folder is walked where it is.
