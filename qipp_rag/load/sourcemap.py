"""Where a value sits in its file: data path -> (line, column).

A source map keeps the document's text and finds positions in its node
tree.  Node trees are large next to the data they describe, so only the
trees of the few most recently used maps are kept; a map used again later
(a cross-plan finding placed after every plan was read, or a map sent to
another process, which carries only the text) composes its tree again.
"""

from __future__ import annotations

import itertools
import threading
from collections import OrderedDict
from typing import Any

from . import pyyaml  # noqa: F401 - before yaml: its regular expressions compiled when used

# isort: split

from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ..vocabulary import Loc
from . import yamlsafe

# Trees kept: the engine places all of a plan's findings before it reads the next; more would cost the
# garbage collector dearly.
_KEEP = 2
_recent: OrderedDict[int, tuple[Node, dict[int, dict[str, tuple[Node, Node]]]]] = OrderedDict()
_lock = threading.Lock()
_tokens = itertools.count()


class NodeSourceMap:
    """Positions of the values of one YAML document (see :class:`qipp_rag.load.loading.SourceMap`)."""

    __slots__ = ("text", "_token")

    def __init__(self, text: str, root: Node | None = None) -> None:
        self.text = text
        self._token = next(_tokens)
        if root is not None:
            self._remember(root)

    def __getstate__(self) -> str:  # only the text crosses a process boundary
        return self.text

    def __setstate__(self, text: str) -> None:
        self.text = text
        self._token = next(_tokens)

    def __repr__(self) -> str:
        return f"NodeSourceMap({len(self.text)} characters)"

    # -------------------------------------------------------------- public

    def locate(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the value at ``loc``, or of the nearest
        ancestor that exists."""
        root, keys = self._tree()
        if root is None:
            return 1, 1
        node, _ = _walk(root, keys, loc)
        return yamlsafe.mark_of(node)

    def locate_key(self, loc: Loc) -> tuple[int, int]:
        """1-based (line, column) of the key ``loc`` ends in (of the item, for a
        list index); falls back to :meth:`locate`."""
        root, keys = self._tree()
        if root is None:
            return 1, 1
        node, key_node = _walk(root, keys, loc)
        return yamlsafe.mark_of(key_node if key_node is not None else node)

    # -------------------------------------------------------------- trees

    def _remember(self, root: Node) -> tuple[Node, dict[int, dict[str, tuple[Node, Node]]]]:
        entry: tuple[Node, dict[int, dict[str, tuple[Node, Node]]]] = (root, {})
        with _lock:
            _recent[self._token] = entry
            while len(_recent) > _KEEP:
                _recent.popitem(last=False)
        return entry

    def _tree(self) -> tuple[Node | None, dict[int, dict[str, tuple[Node, Node]]]]:
        with _lock:
            entry = _recent.get(self._token)
            if entry is not None:
                _recent.move_to_end(self._token)
                return entry
        root, _ = yamlsafe.compose(self.text)  # the text was read once already, so it composes
        if root is None:
            return None, {}
        return self._remember(root)


def _walk(root: Node, keys: dict[int, dict[str, tuple[Node, Node]]], loc: Loc) -> tuple[Node, Node | None]:
    """The node at ``loc`` (or its nearest existing ancestor) and, when the last
    step was found, the key node it hangs from (the item itself for a list)."""
    node, key_node = root, None
    for part in loc:
        kind = node.__class__
        if kind is MappingNode:
            pair = _find_key(node, keys, part)  # type: ignore[arg-type]  # a MappingNode: `kind is` is the fast test
            if pair is None:
                return node, None
            key_node, node = pair
        elif (
            kind is SequenceNode
            and isinstance(part, int)
            and not isinstance(part, bool)
            and 0 <= part < len(node.value)
        ):
            node = key_node = node.value[part]
        else:
            return node, None
    return node, key_node


def _find_key(node: MappingNode, keys: dict[int, dict[str, tuple[Node, Node]]], part: Any) -> tuple[Node, Node] | None:
    index = keys.get(id(node))
    if index is None:
        index = {}
        for key_node, value_node in node.value:
            if key_node.__class__ is ScalarNode:
                index.setdefault(key_node.value, (key_node, value_node))
        keys[id(node)] = index
    pair = index.get(part if isinstance(part, str) else str(part))
    if pair is not None:
        return pair
    for key_node, value_node in node.value:  # a key written another way: `1.50` for 1.5, `True` for true
        if key_node.__class__ is ScalarNode and yamlsafe.scalar_value(key_node) == part:
            return key_node, value_node
    return None
