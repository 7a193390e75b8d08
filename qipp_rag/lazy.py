"""A read-only sequence whose items are loaded when asked for, one fresh object each time.

Plans spilled to disk during a run and plans of a saved assessment are both
read this way, so that going through them holds one at a time.
"""

from __future__ import annotations

from abc import abstractmethod
from collections.abc import Iterator, Sequence
from typing import TypeVar, overload

Item = TypeVar("Item")


class LazySequence(Sequence[Item]):
    """Indexing, slicing, iteration and list-like equality over :meth:`_load`; subclasses say how many
    items there are and how one is loaded."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def _load(self, index: int) -> Item:
        """Item ``index`` (0 <= index < len), freshly read."""

    @overload
    def __getitem__(self, index: int) -> Item: ...
    @overload
    def __getitem__(self, index: slice) -> list[Item]: ...

    def __getitem__(self, index: int | slice) -> Item | list[Item]:
        if isinstance(index, slice):
            return [self._load(number) for number in range(*index.indices(len(self)))]
        if index < 0:
            index += len(self)
        if not 0 <= index < len(self):
            raise IndexError("index out of range")
        return self._load(index)

    def __iter__(self) -> Iterator[Item]:
        for index in range(len(self)):
            yield self._load(index)

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, (str, bytes)):
            return NotImplemented
        return len(self) == len(other) and all(mine == theirs for mine, theirs in zip(self, other, strict=True))

    __hash__ = None  # type: ignore[assignment]  # equal to a list of the same items, so unhashable like one
