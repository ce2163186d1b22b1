"""Arithmetic identities of the statistical tables, declared in ``templates/tables.toml``.

An identity is evaluated wherever all of its cells are present numbers, so a partial table never
fails a check for a missing cell.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

from .records import Check

_TOLERANCE = 1e-6
_TERMS = {"column": "row", "row": "column"}  # what an identity's terms are, by what it runs over
_NUMBERS = (int, float)


@dataclass(frozen=True, eq=False)  # hashed by identity, for the cells and rule caches
class Identity:
    """``sum(left) = sum(right)`` for every column (``each = "column"``) or row of a table."""

    table: str
    each: str  # column | row
    left: tuple[str, ...]
    right: tuple[str, ...]

    @lru_cache(maxsize=4096)  # noqa: B019 (identities are few and live as long as the process)
    def cells(self, instance: str, side: str) -> tuple[str, ...]:
        terms = self.left if side == "left" else self.right
        if self.each == "column":
            return tuple(f"{self.table}.{term}.{instance}" for term in terms)
        return tuple(f"{self.table}.{instance}.{term}" for term in terms)

    @lru_cache(maxsize=4096)  # noqa: B019
    def rule(self, instance: str) -> str:
        return f"{self.table}.{instance}: {' + '.join(self.left)} = {' + '.join(self.right)}"


@lru_cache(maxsize=1)
def load_identities() -> tuple[Identity, ...]:
    """The identities declared in ``templates/tables.toml``."""
    text = resources.files("xxgk").joinpath("templates/tables.toml").read_text("utf8")
    return tuple(
        Identity(spec["table"], spec["each"], tuple(spec["left"]), tuple(spec["right"]))
        for spec in tomllib.loads(text)["identities"]
    )


def flatten(tree: dict[str, Any], prefix: str = "") -> dict[str, Any]:
    """Nested table cells as ``{dotted key: value}``."""
    flat: dict[str, Any] = {}
    for key, value in tree.items():
        path = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(flatten(value, path + "."))
        else:
            flat[path] = value
    return flat


def run_checks(tables: dict[str, Any], extra: dict[str, Any] | None = None) -> list[Check]:
    """Every declared identity whose cells are all present numbers in ``tables`` (and ``extra``,
    the cells of local subtotal columns and rows), evaluated."""
    flat = _checked_cells(tables, extra or {})
    instances = _instances(flat)
    checks = []
    for identity in load_identities():
        if identity.left[0] not in instances.get((identity.table, _TERMS[identity.each]), ()):
            continue  # cheap: no instance has its first cell
        for instance in instances.get((identity.table, identity.each), ()):
            check = _evaluate(identity, instance, flat)
            if check is not None:
                checks.append(check)
    return checks


@lru_cache(maxsize=1)
def _checked_tables() -> tuple[str, ...]:
    """The tables that identities are declared for."""
    return tuple(dict.fromkeys(identity.table for identity in load_identities()))


def _checked_cells(tables: dict[str, Any], extra: dict[str, Any]) -> dict[str, Any]:
    """``{dotted key: value}`` of the tables that identities are declared for (表二 has none), the
    cells of ``extra`` after those of ``tables`` (and over them, for the same key)."""
    flat: dict[str, Any] = {}
    for tree in (tables, extra):
        for table in _checked_tables():
            if isinstance(tree.get(table), dict):
                flat.update(flatten(tree[table], table + "."))
    return flat


def _instances(flat: dict[str, Any]) -> dict[tuple[str, str], dict[str, None]]:
    """By (table, ``column`` or ``row``): the table's columns (or rows) that hold cells, in order
    of appearance. One pass over the cells for every identity: this runs on every report."""
    seen: dict[tuple[str, str], dict[str, None]] = {}
    for key in flat:
        table, dot, cell = key.partition(".")
        if dot:
            row, _, column = cell.rpartition(".")
            seen.setdefault((table, "column"), {})[column] = None
            seen.setdefault((table, "row"), {})[row] = None
    return seen


def _evaluate(identity: Identity, instance: str, flat: dict[str, Any]) -> Check | None:
    left = identity.cells(instance, "left")
    if type(flat.get(left[0])) not in _NUMBERS:
        return None
    right = identity.cells(instance, "right")
    values = {}
    for key in left + right:
        value = flat.get(key)
        if type(value) not in _NUMBERS:
            return None
        values[key] = value
    left_sum, right_sum = sum(values[k] for k in left), sum(values[k] for k in right)
    ok = abs(left_sum - right_sum) <= _TOLERANCE
    message = (
        ""
        if ok
        else (
            f"{' + '.join(identity.left)} = {_number(left_sum)} but "
            f"{' + '.join(identity.right)} = {_number(right_sum)} (differ by {_number(left_sum - right_sum)})"
        )
    )
    return Check(identity.rule(instance), ok, values, message)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
