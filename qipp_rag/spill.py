"""Spill files: records written to an anonymous temporary file one by one and read back by number.

A run holds each plan's results here instead of in memory, so its memory
stays flat however many plans it assesses.  Each record is pickled and
compressed on its own (zlib at its fastest level: the records are text-heavy
and shrink several times at little cost), and the offsets are kept in a
compact array, so any record can be read back alone.

The file has no name: it is opened as :func:`tempfile.TemporaryFile` opens
one, unnamed from the start on Linux (``O_TMPFILE``) and unlinked at once
elsewhere, so nothing is left behind whatever ends the run (an error, a
signal, even SIGKILL).  On Linux it is opened here directly, so that a run
does not import :mod:`tempfile` (and with it shutil, bz2, lzma and random);
:mod:`tempfile` is used where ``O_TMPFILE`` is not there or not supported by
the folder's file system.  Its folder is ``TMPDIR`` when that is set, with no
quiet fallback to another folder, else the system's temporary folder, found
as :func:`tempfile.gettempdir` finds it.  A folder that cannot hold it
(missing, read-only, full) raises :class:`SpillError`, whose message names
the folder and ``TMPDIR``.
"""

from __future__ import annotations

import os
import pickle
import zlib
from array import array
from collections.abc import Iterator
from types import TracebackType
from typing import IO, Any, cast

from .lazy import Item, LazySequence

_LEVEL = 1  # zlib's fastest: a run must cost little more than parsing its plans


def pack(record: Any) -> bytes:
    """``record`` as a spill file holds it: pickled, then compressed."""
    return zlib.compress(pickle.dumps(record, pickle.HIGHEST_PROTOCOL), _LEVEL)


def unpack(data: bytes) -> Any:
    return pickle.loads(zlib.decompress(data))


class SpillError(Exception):
    """The spill file cannot be created, written or read; the message says where and what to do."""


def spill_folder() -> str:
    """``TMPDIR`` when it is set (even to a folder that does not exist: that is the user's choice,
    reported as such), else the system's temporary folder."""
    chosen = os.environ.get("TMPDIR")
    if chosen:
        return chosen
    import tempfile  # only where no folder takes an unnamed file (see _system_folder)

    return tempfile.gettempdir()


def _error(folder: str, doing: str, error: OSError) -> SpillError:
    reason = error.strerror or str(error)
    return SpillError(
        f"cannot {doing} a temporary file in {folder} ({reason}); a run keeps its results there "
        "while it assesses, and the environment variable TMPDIR chooses the folder"
    )


# O_RDWR | O_EXCL | O_NOFOLLOW | O_TMPFILE, as tempfile.TemporaryFile opens an unnamed file
_UNNAMED = (os.O_RDWR | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0) | os.O_TMPFILE) if hasattr(os, "O_TMPFILE") else 0
_system: list[str] = []  # the system's temporary folder, once found


def _unnamed(folder: str) -> IO[bytes] | None:
    """An unnamed file in ``folder`` opened with ``O_TMPFILE``; None where that cannot be done, for
    :func:`tempfile.TemporaryFile` to try its way (and raise what it meets)."""
    if not _UNNAMED:
        return None
    try:
        descriptor = os.open(folder, _UNNAMED, 0o600)
    except OSError:  # not supported there (or an old kernel), or the folder cannot take it
        return None
    try:
        return open(descriptor, "w+b")  # closed by SpillStore.close
    except BaseException:
        os.close(descriptor)
        raise


def _system_folder() -> tuple[str, IO[bytes]] | None:
    """With no ``TMPDIR``: the first of the folders :func:`tempfile.gettempdir` tries (``TEMP``,
    ``TMP``, ``/tmp``, ``/var/tmp``, ``/usr/tmp``, the current folder) that takes an unnamed file,
    with that file; None when none does, for :mod:`tempfile` to find the folder."""
    if _system:
        opened = _unnamed(_system[0])
        return None if opened is None else (_system[0], opened)
    if not _UNNAMED or os.name == "nt":
        return None
    candidates = [os.environ[name] for name in ("TEMP", "TMP") if os.environ.get(name)]
    candidates += ["/tmp", "/var/tmp", "/usr/tmp"]
    try:
        candidates.append(os.getcwd())
    except OSError:
        return None
    for candidate in candidates:
        folder = os.path.abspath(candidate)
        opened = _unnamed(folder)
        if opened is not None:
            _system.append(folder)
            return folder, opened
    return None


class SpillStore:
    """Records appended one by one to an anonymous temporary file, read back by number.

    Writing goes through a buffer; the first read flushes it.  Use it as a
    context manager, or call :meth:`close`: the file's space is given back
    when it is closed.
    """

    def __init__(self) -> None:
        self._file: IO[bytes]
        found = None if os.environ.get("TMPDIR") else _system_folder()
        if found is not None:
            self.folder, self._file = found
        else:
            try:
                self.folder = spill_folder()
            except OSError as error:  # no folder of the system's can take a file
                raise _error("the system's temporary folder", "create", error) from None
            opened = _unnamed(self.folder)
            if opened is None:
                import tempfile  # no O_TMPFILE here: tempfile's own ways, and its errors

                try:
                    opened = tempfile.TemporaryFile(dir=self.folder)
                except OSError as error:
                    raise _error(self.folder, "create", error) from None
            self._file = opened
        self._offsets = array("Q", [0])  # record i lies between offsets i and i + 1
        self._dirty = False

    def __len__(self) -> int:
        return len(self._offsets) - 1

    def _write(self, data: bytes) -> None:
        self._file.write(data)

    def append(self, record: Any) -> int:
        """Write ``record`` (anything picklable); its number comes back."""
        return self.append_packed(pack(record))

    def append_packed(self, data: bytes) -> int:
        """Write a record :func:`pack` made (in a worker process, say); its number comes back."""
        try:
            self._write(data)
        except OSError as error:
            raise _error(self.folder, "write", error) from None
        self._offsets.append(self._offsets[-1] + len(data))
        self._dirty = True
        return len(self._offsets) - 2

    def __getitem__(self, number: int) -> Any:
        if not 0 <= number < len(self):
            raise IndexError(number)
        if self._dirty:
            try:
                self._file.flush()
            except OSError as error:
                raise _error(self.folder, "write", error) from None
            self._dirty = False
        start, end = self._offsets[number], self._offsets[number + 1]
        try:
            data = os.pread(self._file.fileno(), end - start, start)
        except OSError as error:
            raise _error(self.folder, "read", error) from None
        return unpack(data)

    def __iter__(self) -> Iterator[Any]:
        for number in range(len(self)):
            yield self[number]

    @property
    def closed(self) -> bool:
        return self._file.closed

    def close(self) -> None:
        try:
            self._file.close()
        except OSError:  # a buffer that could not be flushed: the file is gone either way
            pass

    def __enter__(self) -> SpillStore:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()


class SpilledSequence(LazySequence[Item]):
    """The records of a :class:`SpillStore` as a read-only sequence: each item is read from the file
    when it is asked for (a fresh object each time), so going through them holds one at a time."""

    def __init__(self, store: SpillStore) -> None:
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def _load(self, index: int) -> Item:
        return cast(Item, self._store[index])

    def __repr__(self) -> str:
        return f"<{len(self)} records spilled to {self._store.folder}>"

    def close(self) -> None:
        """Give back the spill file; the items cannot be read after."""
        self._store.close()
