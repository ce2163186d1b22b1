"""Output formats besides JSONL: Parquet (nested, typed) and CSV (one flat row per report).

Both are written to a temporary name and renamed, so a killed run never leaves a broken file.
"""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .annotations import read_jsonl
from .checks import flatten

SPAN = pa.struct([("start", pa.int64()), ("end", pa.int64()), ("label", pa.string()), ("text", pa.string()),
                  ("value", pa.float64()), ("unit", pa.string()), ("approx", pa.bool_()),
                  ("count_type", pa.string())])
SECTION = pa.struct([("heading", pa.string()), ("type", pa.string()), ("start", pa.int64()), ("end", pa.int64())])
CHECK = pa.struct([("rule", pa.string()), ("ok", pa.bool_()), ("message", pa.string()), ("cells", pa.string())])
SCHEMA = pa.schema([
    ("id", pa.string()), ("source", pa.string()), ("error", pa.string()), ("agency", pa.string()),
    ("year", pa.int64()), ("format", pa.string()), ("script", pa.string()), ("encoding", pa.string()),
    ("chars", pa.int64()), ("sections", pa.list_(SECTION)), ("entities", pa.list_(SPAN)),
    ("statements", pa.list_(SPAN)), ("tables", pa.string()), ("tables_raw", pa.string()),
    ("checks", pa.list_(CHECK)), ("warnings", pa.list_(pa.string())), ("pipeline", pa.string()),
])
MAIN_FIELDS = ["id", "source", "error", "agency", "year", "format", "script", "encoding", "chars"]


def convert_output(jsonl: Path, out: Path, fmt: str) -> None:
    """Write the records of ``jsonl`` to ``out`` as Parquet or CSV (atomically)."""
    if fmt not in ("parquet", "csv"):
        raise ValueError(f"unknown output format {fmt!r}")
    tmp = out.with_name(f".{out.name}.tmp")
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        if fmt == "parquet":
            write_parquet(read_jsonl(jsonl), tmp)
        else:
            write_csv(list(read_jsonl(jsonl)), tmp)
        os.replace(tmp, out)
    except BaseException:  # an interrupted conversion leaves the previous file and no temporary one
        tmp.unlink(missing_ok=True)
        raise


def parquet_row(record: dict[str, Any]) -> dict[str, Any]:
    """A record in the typed Parquet schema: nested tables as JSON text, spans as structs."""
    return {
        **{key: record.get(key) for key in MAIN_FIELDS},
        "sections": record.get("sections", []),
        "entities": [_span_row(s) for s in record.get("entities", [])],
        "statements": [_span_row(s) for s in record.get("statements", [])],
        "tables": json.dumps(record.get("tables", {}), ensure_ascii=False),
        "tables_raw": json.dumps(record.get("tables_raw", {}), ensure_ascii=False),
        "checks": [{**c, "cells": json.dumps(c.get("cells", {}), ensure_ascii=False)}
                   for c in record.get("checks", [])],
        "warnings": record.get("warnings", []),
        "pipeline": json.dumps(record.get("pipeline", {}), ensure_ascii=False),
    }


def _span_row(span: dict[str, Any]) -> dict[str, Any]:
    value = span.get("value")
    return {**{f: span.get(f) for f in SPAN.names}, "value": None if value is None else float(value)}


def write_parquet(records, path: Path, batch: int = 1000) -> None:
    with pq.ParquetWriter(path, SCHEMA) as writer:
        rows = []
        for record in records:
            rows.append(parquet_row(record))
            if len(rows) == batch:
                writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))
                rows = []
        if rows:
            writer.write_table(pa.Table.from_pylist(rows, schema=SCHEMA))


def csv_row(record: dict[str, Any]) -> dict[str, Any]:
    checks = record.get("checks", [])
    return {
        **{key: record.get(key) for key in MAIN_FIELDS},
        "n_entities": len(record.get("entities", [])),
        "n_statements": len(record.get("statements", [])),
        "checks_failed": sum(1 for c in checks if not c.get("ok")),
        "warnings": " | ".join(record.get("warnings", [])),
        **flatten(record.get("tables", {})),
    }


def write_csv(records: list[dict[str, Any]], path: Path) -> None:
    rows = [csv_row(r) for r in records]
    columns = list(dict.fromkeys(key for row in rows for key in row))
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
