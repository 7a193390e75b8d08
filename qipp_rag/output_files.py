"""Writing report files safely: all or nothing, never over what the tool does not own.

Every command that writes a file (``assess --report``, ``report --output``)
goes through :func:`write_atomically`:

- a regular file (or a new one) is written to a temporary file in its
  folder and moved into place only when every report is written, so a
  reader never sees half a report and a failed run leaves nothing behind;
- a character device, a pipe or a terminal (``/dev/null``, ``/dev/stdout``,
  a named pipe) is written straight into: renaming over it would turn it
  into an ordinary file;
- anything else that is not a regular file (a folder, a block device, a
  socket) is refused with a clear reason;
- a symbolic link is followed: the file it points to is written, the link
  stays;
- a report gets mode 0644 less the umask, whatever an earlier file at the
  path allowed (an executable bit is never kept).

:func:`check_target` is the same judgement made before any work is done.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import BinaryIO

CHUNK = 1 << 20  # characters written at a time: a national report is hundreds of MB
REPORT_MODE = 0o644


class TargetError(ValueError):
    """A report cannot be written at the path asked for; the message says why."""


def report_mode() -> int:
    """0644 less the process's umask."""
    mask = os.umask(0)
    os.umask(mask)
    return REPORT_MODE & ~mask


def _kind(target: str) -> str:
    """``missing``, ``file``, ``stream`` (written straight into) or a word naming what is refused."""
    if _is_descriptor(target):
        return "stream"
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        return "missing"
    except OSError:
        return "missing"  # the write itself reports what is wrong
    if stat.S_ISREG(mode):
        return "file"
    if stat.S_ISCHR(mode) or stat.S_ISFIFO(mode):
        return "stream"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISBLK(mode):
        return "a block device"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "not a regular file"


def _is_descriptor(target: str) -> bool:
    """``/dev/stdout``, ``/dev/fd/3`` and the like: an open descriptor, written into even when it is a file."""
    absolute = os.path.abspath(target)
    return absolute.startswith(("/dev/fd/", "/proc/self/fd/")) or absolute in ("/dev/stdout", "/dev/stderr")


def inside_working_folder(path: str | Path) -> bool:
    """Whether ``path`` (links resolved, as far as it exists) lies inside the current folder."""
    here = os.path.realpath(os.getcwd())
    real = os.path.realpath(path)
    return real == here or real.startswith(here.rstrip(os.sep) + os.sep)


def missing_folders(folder: str | Path) -> list[Path]:
    """The folders that would have to be made for ``folder`` to exist, outermost first."""
    missing: list[Path] = []
    current = Path(os.path.abspath(folder))
    while not os.path.lexists(current) and current != current.parent:
        missing.append(current)
        current = current.parent
    return list(reversed(missing))


def creatable(folder: str | Path) -> bool:
    """A missing report folder is made only inside the current folder, under a writable folder."""
    missing = missing_folders(folder)
    if not missing or not inside_working_folder(missing[-1]):
        return False
    parent = missing[0].parent
    return parent.is_dir() and os.access(parent, os.W_OK)


def make_folders(targets: Iterable[str], made: list[Path] | None = None) -> list[Path]:
    """Make the missing folders of ``targets`` (each :func:`creatable`), adding each to ``made``
    (outermost first) as it is made, so a caller can remove them if a later one fails."""
    made = [] if made is None else made
    for target in targets:
        folder = Path(target).parent
        if _is_descriptor(target) or folder.is_dir():
            continue
        if not creatable(folder):
            raise OSError(2, f"the folder {folder} does not exist", target)
        for missing in missing_folders(folder):
            try:
                missing.mkdir()
            except FileExistsError:
                continue
            except OSError as error:
                raise _named(error, target) from error
            made.append(missing)
    return made


def check_target(target: str) -> None:
    """Raise :class:`TargetError` when ``target`` cannot take a report (checked before any work)."""
    if target == "-":
        raise TargetError(f"{target}: standard output takes --format, not a report path; give a file path")
    kind = _kind(target)
    if kind not in ("missing", "file", "stream"):
        raise TargetError(f"{target} is {kind}; give the path of a regular file")
    if kind == "missing":
        folder = Path(target).parent
        if not folder.is_dir():
            if creatable(folder):
                return  # made when the report is written
            raise TargetError(
                f"cannot write {target}: the folder {folder} does not exist (missing folders are made only inside "
                "the current folder)"
            )
        if not os.access(folder, os.W_OK):
            raise TargetError(f"cannot write {target}: the folder {folder} is not writable")


def same_file(target: str, others: Iterable[str]) -> str | None:
    """The first of ``others`` that is the file ``target`` names (through links, ``./`` or any spelling)."""
    try:
        mine = os.stat(target)
    except OSError:
        return None
    for other in others:
        try:
            theirs = os.stat(other)
        except OSError:
            continue
        if (mine.st_dev, mine.st_ino) == (theirs.st_dev, theirs.st_ino):
            return other
    return None


def _named(error: OSError, target: str) -> OSError:
    return OSError(error.errno, error.strerror, target)


def _write_chunks(stream: BinaryIO, text: str | Iterable[str]) -> None:
    """Write a text, or the pieces of one as a reporter makes them, as UTF-8 a megabyte at a time."""
    for piece in (text,) if isinstance(text, str) else text:
        for start in range(0, len(piece), CHUNK):
            stream.write(piece[start : start + CHUNK].encode("utf-8"))


def write_atomically(files: Sequence[tuple[str, str | Iterable[str]]]) -> None:
    """Write every (path, text) as UTF-8, all or nothing as far as the file system allows.

    A text may be given as an iterable of pieces (a reporter's ``chunks``),
    written as they are made, so that no report needs to be whole in memory.

    Raises ``OSError`` naming the target on failure (and removes every
    temporary file); :class:`TargetError` for a target that is not a regular
    file, a device or a pipe.
    """
    for target, _ in files:
        kind = _kind(target)
        if kind not in ("missing", "file", "stream"):
            raise TargetError(f"{target} is {kind}; give the path of a regular file")
    mode = report_mode()
    staged: list[tuple[str, str]] = []
    streams: list[tuple[str, str | Iterable[str]]] = []
    made: list[Path] = []
    done = False
    try:
        make_folders((target for target, _ in files if _kind(target) == "missing"), made)
        for target, text in files:
            if _kind(target) == "stream":
                streams.append((target, text))
                continue
            real = os.path.realpath(target)  # a link stays a link: the file it names is replaced
            import tempfile  # only when a report file is written

            try:
                handle, temp = tempfile.mkstemp(prefix=f".{Path(real).name}.", suffix=".tmp", dir=Path(real).parent)
            except OSError as error:
                raise _named(error, target) from error
            staged.append((temp, real))
            try:
                with os.fdopen(handle, "wb") as stream:
                    _write_chunks(stream, text)
                os.chmod(temp, mode)
            except OSError as error:  # a full disk names no file: name the report
                raise _named(error, target) from error
        for temp, real in staged:
            try:
                os.replace(temp, real)
            except OSError as error:
                raise _named(error, real) from error
        for target, text in streams:
            try:
                with open(target, "wb") as stream:  # no rename, no new file: straight into the device or pipe
                    _write_chunks(stream, text)
            except OSError as error:
                raise _named(error, target) from error
        done = True
    finally:
        for temp, _ in staged:
            if os.path.lexists(temp):
                os.unlink(temp)
        if not done:  # a failed run leaves no folder it made behind
            for folder in reversed(made):
                try:
                    folder.rmdir()
                except OSError:
                    pass


def write_stdout(text: str | Iterable[str]) -> None:
    """The text on standard output as UTF-8, whatever the locale; a reader that stops early
    (``| head``) is not an error.  Any other failure (a full disk) raises ``OSError``."""
    import sys

    try:
        sys.stdout.flush()
        _write_chunks(sys.stdout.buffer, text)  # no second whole copy as bytes
        sys.stdout.buffer.flush()
    except BrokenPipeError:
        silence_stdout()


def silence_stdout() -> None:
    """Point standard output at nothing, so that Python's flush at exit cannot fail (and complain) again."""
    import sys

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass
