"""Loading the rule packs in force: the shipped pack, users' packs, and how they combine.

With no ``--rules``, the shipped ``green-criteria`` pack is in force.  Packs
given with ``--rules`` (files, or folders of ``*.yaml``/``*.yml`` files,
each file one pack) replace it; a pack that says ``extends: green-criteria``
builds on it: the shipped pack is then laid down once, first, whichever
pack says so and wherever it comes in the order, so a user's rule always
wins over the shipped rule of the same id.  Packs are taken in the order
given (a folder's files in sorted order), and a later pack's rule replaces
an earlier one's rule of the same id in place, so the rule order (and so
the order of findings) stays that of the pack that introduced it.

Every pack is read by the same strict loader as plans and validated by the
models in :mod:`qipp_rag.rulebook.models`; a pack file with any problem is left out
whole (a half-read pack must never rate a plan), and its problems are
returned with file, line and column.
"""

from __future__ import annotations

import fnmatch
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property
from pathlib import Path

from ..load.loading import load_document
from ..results import Problem, RuleInfo, RulePackInfo
from .compiled import load_compiled
from .metrics.figures import DEFAULT_STAGE_FACTORS
from .models import SHIPPED_PACK, RulePack, RuleSpec

SHIPPED_SOURCE = "shipped"  # how the shipped pack's source is shown: the same on every machine
PACK_SUFFIXES = (".yaml", ".yml")


@dataclass(frozen=True)
class Rulebook:
    """The rules in force, in order, with where each came from."""

    rules: tuple[RuleSpec, ...] = ()
    packs: tuple[RulePackInfo, ...] = ()
    origin: Mapping[str, str] = field(default_factory=dict)  # rule id -> name of the pack it comes from
    stage_factors: Mapping[str, Decimal] = field(default_factory=lambda: dict(DEFAULT_STAGE_FACTORS))

    def rule(self, rule_id: str) -> RuleSpec | None:
        return self._by_id.get(rule_id)

    @cached_property
    def _by_id(self) -> dict[str, RuleSpec]:
        return {rule.id: rule for rule in self.rules}

    def info(self, rule: RuleSpec) -> RuleInfo:
        return rule_info(rule, self.origin.get(rule.id, ""))

    def infos(self) -> list[RuleInfo]:
        return [self.info(rule) for rule in self.rules]


def rule_info(rule: RuleSpec, pack: str) -> RuleInfo:
    """What a renderer needs to know about a rule (the ``rules`` entries of the JSON)."""
    return RuleInfo(
        id=rule.id,
        title=rule.title,
        criterion=rule.criterion,
        measures=rule.measures,
        unit=rule.unit,
        critical=rule.critical,
        applies_to=[kind.value for kind in rule.applies_to],
        green=rule.green,
        amber=rule.amber,
        rationale=rule.rationale,
        remediation=rule.remediation,
        basis=rule.basis,
        pack=pack,
    )


def shipped_rules_dir() -> Path:
    """Where the shipped packs are: inside the installed package, else the repository's ``rules/``."""
    package = Path(__file__).resolve().parent.parent
    packaged = package / "rules"
    return packaged if packaged.is_dir() else package.parent / "rules"


def shipped_pack_file() -> Path:
    return shipped_rules_dir() / f"{SHIPPED_PACK}.yaml"


# ---------------------------------------------------------------- reading files


def _problem(message: str, file: str) -> Problem:
    return Problem(message=message, line=0, column=0, file=file)


def pack_files(path: str) -> tuple[list[str], list[Problem]]:
    """The pack files a ``--rules`` path names: the file itself, or a folder's YAML files in sorted order."""
    target = Path(path)
    if target.is_file():
        return [path], []
    if target.is_dir():
        try:
            found = _walk_packs(path)
        except OSError as error:
            return [], [_problem(f"cannot read the rule pack folder: {error.strerror or error}", path)]
        except _TooBig:
            return [], [
                _problem(
                    f"the folder holds more than {MAX_PACK_FOLDERS:,} folders: give the folder of the rule packs", path
                )
            ]
        if not found:
            return [], [_problem("the folder holds no rule pack (no *.yaml or *.yml file)", path)]
        return found, []
    if target.exists():
        return [], [_problem("a rule pack must be a YAML file or a folder of them", path)]
    return [], [_problem("no such rule pack file or folder", path)]


MAX_PACK_FOLDERS = 1000


class _TooBig(Exception):
    pass


def _walk_packs(top: str) -> list[str]:
    """A folder's pack files, in sorted order: hidden files and folders skipped, folder links not
    followed, and a file link only where it stays inside the folder (``rules: /usr`` is not a walk
    of the whole tree through every link)."""
    import os

    real_top = os.path.realpath(top)
    found: list[str] = []
    folders = 0
    for folder, dirs, names in os.walk(top, followlinks=False, onerror=_raise):
        folders += 1
        if folders > MAX_PACK_FOLDERS:
            raise _TooBig
        dirs[:] = [name for name in dirs if not name.startswith(".")]
        for name in names:
            if name.startswith(".") or not name.lower().endswith(PACK_SUFFIXES):
                continue
            file = os.path.join(folder, name)
            real = os.path.realpath(file)
            if os.path.isfile(real) and os.path.commonpath([real_top, real]) == real_top:
                found.append(file)
    return sorted(found)


def _raise(error: OSError) -> None:
    raise error


def read_pack(file: str) -> tuple[RulePack | None, list[Problem]]:
    """One pack file through the strict loader; any problem leaves the whole pack out."""
    pack, problems = load_document(file, RulePack)
    if problems:
        return None, problems
    return pack, []


def read_shipped_pack() -> tuple[RulePack | None, list[Problem]]:
    """The shipped pack: from its precompiled form when that was made from exactly this YAML
    (:mod:`qipp_rag.rulebook.compiled`), else read and validated like any other pack."""
    file = shipped_pack_file()
    if not file.is_file():
        return None, [_problem("the shipped rule pack is missing: reinstall qipp-rag", str(file))]
    try:
        source = file.read_bytes()
    except OSError:
        source = None
    if source is not None:
        compiled = load_compiled(source)
        if compiled is not None:
            return compiled, []
    pack, problems = read_pack(str(file))
    if problems:  # a broken shipped pack is the project's fault; say so plainly
        return None, [
            problem.model_copy(update={"message": f"shipped rule pack: {problem.message}"}) for problem in problems
        ]
    return pack, []


# ---------------------------------------------------------------- combining packs


class _Combiner:
    """Lays packs over one another in order: a later rule of the same id replaces the earlier in place."""

    def __init__(self) -> None:
        self.rules: dict[str, RuleSpec] = {}
        self.origin: dict[str, str] = {}
        self.packs: list[RulePackInfo] = []
        self.factors: dict[str, Decimal] = dict(DEFAULT_STAGE_FACTORS)
        self.names: set[str] = set()

    def add(self, pack: RulePack, source: str) -> None:
        for rule in pack.rules:
            self.rules[rule.id] = rule  # a dict keeps the first insertion's position on replacement
            self.origin[rule.id] = pack.pack
        for stage, factor in (pack.stage_factors or {}).items():
            self.factors[stage] = factor
        self.packs.append(RulePackInfo(name=pack.pack, source=source, rules=len(pack.rules)))
        self.names.add(pack.pack)

    def rulebook(self) -> Rulebook:
        return Rulebook(
            rules=tuple(self.rules.values()),
            packs=tuple(self.packs),
            origin=dict(self.origin),
            stage_factors=dict(self.factors),
        )


def load_rulebook(paths: Sequence[str] = ()) -> tuple[Rulebook, list[Problem]]:
    """The rules in force for ``--rules paths`` (none: the shipped pack), and every problem found.

    A pack with problems is left out; the others still combine, so that the
    run can report every plan, but any problem makes the run's exit 2.
    """
    combiner = _Combiner()
    problems: list[Problem] = []
    if not paths:
        shipped, found = read_shipped_pack()
        problems += found
        if shipped is not None:
            combiner.add(shipped, SHIPPED_SOURCE)
        return combiner.rulebook(), problems

    files: list[str] = []
    seen: set[Path] = set()
    for path in paths:
        found_files, found = pack_files(path)
        problems += found
        for file in found_files:
            resolved = Path(file).resolve()
            if resolved not in seen:  # the same pack named twice counts once
                seen.add(resolved)
                files.append(file)

    packs: list[tuple[RulePack, str]] = []
    for file in files:
        pack, found = read_pack(file)
        problems += found
        if pack is not None:
            packs.append((pack, file))
    # The shipped pack is the base: laid down once, first, whichever pack asks for it and
    # in whatever order the packs were read, so that a user's rule always wins over it.
    if any(pack.extends is not None for pack, _ in packs):
        base, base_problems = read_shipped_pack()
        problems += base_problems
        if base is not None:
            combiner.add(base, SHIPPED_SOURCE)
    for pack, file in packs:
        combiner.add(pack, file)
    return combiner.rulebook(), problems


# ---------------------------------------------------------------- selecting rules


def _matches(rule_id: str, pattern: str) -> bool:
    return fnmatch.fnmatchcase(rule_id.upper(), pattern.upper())


def select_rules(
    rules: Sequence[RuleSpec], only: Sequence[str] = (), skip: Sequence[str] = ()
) -> tuple[list[RuleSpec], list[str]]:
    """The rules ``--only``/``--skip`` leave in force (ids or globs, case-insensitive), and the
    patterns that match no rule at all (a typo the user should hear about)."""
    ids = [rule.id for rule in rules]
    unmatched = [pattern for pattern in (*only, *skip) if not any(_matches(rule_id, pattern) for rule_id in ids)]
    chosen = [
        rule
        for rule in rules
        if (not only or any(_matches(rule.id, pattern) for pattern in only))
        and not any(_matches(rule.id, pattern) for pattern in skip)
    ]
    return chosen, unmatched
