"""Plain typed records passed between the stages of xxgk."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

import orjson


@dataclass
class Grid:
    """A table as a grid of cell texts, row/col spans resolved (spanned cells repeat the text)."""

    rows: list[list[str]]
    start: int | None = None
    end: int | None = None
    # (start, end) in ``Document.text`` of the cell text at each grid position, when known
    offsets: list[list[tuple[int, int] | None]] = field(default_factory=list)


@dataclass
class Document:
    """One report as read from its source; offsets elsewhere refer to ``text``."""

    id: str
    source: str
    text: str
    kind: str = "txt"  # txt | html | docx | pdf | record
    encoding: str | None = None
    grids: list[Grid] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    meta: dict[str, Any] = field(default_factory=dict)


@dataclass
class ReadFailure:
    """An input that could not be read; ``error`` names the file (or row) and the problem."""

    id: str
    source: str
    error: str


@dataclass
class Section:
    heading: str
    type: (
        str  # overview | active_disclosure | applications | review_litigation | problems_improvements | other
    )
    start: int
    end: int

    def to_json(self) -> dict[str, Any]:
        return {"heading": self.heading, "type": self.type, "start": self.start, "end": self.end}


@dataclass
class Check:
    """One arithmetic identity evaluated on parsed table cells."""

    rule: str
    ok: bool
    cells: dict[str, float | int | None] = field(default_factory=dict)
    message: str = ""

    def to_json(self) -> dict[str, Any]:
        return {"rule": self.rule, "ok": self.ok, "cells": dict(self.cells), "message": self.message}


@dataclass
class CellEvidence:
    """Where a parsed table cell came from."""

    raw: str
    start: int | None = None
    end: int | None = None


@dataclass
class TableResult:
    """Parsed statistical tables of one report, in the table-key scheme of formats.md."""

    format: str | None = None  # "2019" | "2021" | "mixed" | None
    tables: dict[str, Any] = field(default_factory=dict)
    tables_raw: dict[str, str] = field(default_factory=dict)
    evidence: dict[str, CellEvidence] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # Cells of local additions kept out of the standard keys (法人或其他组织小计 column, group
    # subtotal rows), nested like ``tables``; used only as extra checks.
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Span:
    start: int
    end: int
    label: str
    text: str = ""
    attrs: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "label": self.label, "text": self.text, **self.attrs}


def to_json(record: Any) -> Any:
    """Dataclass (or nested structure of them) to plain JSON-able data."""
    if hasattr(record, "to_json"):
        return record.to_json()
    if hasattr(record, "__dataclass_fields__"):
        return asdict(record)
    return record


def json_line(record: dict[str, Any]) -> str:
    """``record`` as one compact JSON line (no newline), non-ASCII text as is. orjson writes it;
    what orjson refuses (an integer beyond 64 bits, a lone surrogate) goes through ``json``."""
    try:
        return orjson.dumps(record).decode()
    except TypeError:  # orjson.JSONEncodeError is a TypeError
        return json.dumps(record, ensure_ascii=False, separators=(",", ":"))
