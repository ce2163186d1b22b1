"""Annotated corpora: reading and writing (formats.md, doccano, Label Studio), validation,
inter-annotator agreement and grouped, stratified splits."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ENTITY_LABELS = ("AGENCY", "YEAR", "COUNT")
STATEMENT_LABELS = ("MEASURE", "PROBLEM")
LABELS = ENTITY_LABELS + STATEMENT_LABELS
BRACKETS = re.compile(r"《[^《》]*》|〔[^〔〕]*〕")
SPLITS = ("train", "dev", "test")


@dataclass
class Problem:
    id: str
    message: str

    def __str__(self) -> str:
        return f"{self.id}: {self.message}"


# ---------------------------------------------------------------- files

def records_in_split(path: str | Path, split: str | None) -> list[dict[str, Any]]:
    """The records of a JSONL file whose ``meta.split`` is ``split`` (all of them for ``None``)."""
    return [r for r in read_jsonl(path) if split is None or r.get("meta", {}).get("split") == split]


def read_jsonl(path: str | Path) -> Iterator[dict[str, Any]]:
    with Path(path).open(encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as err:
                    raise ValueError(f"{path}:{n}: not a JSON line ({err.msg})") from None


def write_jsonl(path: str | Path, records: Iterable[dict[str, Any]]) -> int:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with path.open("w", encoding="utf-8") as f:
        for record in records:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
            n += 1
    return n


def read_pass(path: str | Path) -> list[dict[str, Any]]:
    """An annotation pass: one JSONL file, or every ``*.jsonl`` (not ``*.quotes.jsonl``) in a directory."""
    path = Path(path)
    if not path.is_dir():
        return list(read_jsonl(path))
    files = sorted(p for p in path.glob("*.jsonl") if not p.name.endswith(".quotes.jsonl"))
    return [record for file in files for record in read_jsonl(file)]


def entity_spans(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in record.get("spans", []) if s["label"] in ENTITY_LABELS]


def statement_spans(record: dict[str, Any]) -> list[dict[str, Any]]:
    return [s for s in record.get("spans", []) if s["label"] in STATEMENT_LABELS]


# ---------------------------------------------------------------- validation

def validate_record(record: dict[str, Any]) -> list[Problem]:
    """Every problem of one annotated record: offsets, labels, layer overlaps, the bracket rule."""
    uid = str(record.get("id", "?"))
    text = record.get("text")
    if not isinstance(text, str):
        return [Problem(uid, "missing or non-string 'text'")]
    if "spans" not in record:
        return []
    problems = []
    spans = record["spans"]
    if not isinstance(spans, list):
        return [Problem(uid, "'spans' is not a list")]
    bracketed = [(m.start(), m.end()) for m in BRACKETS.finditer(text)]
    for span in spans:
        problems.extend(_span_problems(uid, text, span, bracketed))
    valid = [s for s in spans if not _span_problems(uid, text, s, [])]
    for layer, labels in (("entity", ENTITY_LABELS), ("statement", STATEMENT_LABELS)):
        problems.extend(_overlaps(uid, [s for s in valid if s["label"] in labels], layer))
    return problems


def _span_problems(uid: str, text: str, span: Any, bracketed: list[tuple[int, int]]) -> list[Problem]:
    if not isinstance(span, dict) or not {"start", "end", "label"} <= span.keys():
        return [Problem(uid, f"span {span!r} lacks start/end/label")]
    start, end, label = span["start"], span["end"], span["label"]
    if not (isinstance(start, int) and isinstance(end, int)) or not 0 <= start < end <= len(text):
        return [Problem(uid, f"span {start}-{end} outside the text (length {len(text)}) or empty")]
    problems = []
    if label not in LABELS:
        problems.append(Problem(uid, f"span {start}-{end}: unknown label {label!r}"))
    if "text" in span and span["text"] != text[start:end]:
        problems.append(Problem(uid, f"span {start}-{end}: text {span['text']!r} != {text[start:end]!r}"))
    if text[start].isspace() or text[end - 1].isspace():
        problems.append(Problem(uid, f"span {start}-{end} {label}: starts or ends with white space"))
    for b_start, b_end in bracketed:
        if b_start < start and end < b_end or (b_start <= start and end <= b_end):
            problems.append(Problem(uid, f"span {start}-{end} {label} {text[start:end]!r} inside 《…》/〔…〕"))
            break
    return problems


def _overlaps(uid: str, spans: list[dict[str, Any]], layer: str) -> list[Problem]:
    spans = sorted(spans, key=lambda s: (s["start"], s["end"]))
    return [Problem(uid, f"{layer} spans overlap: {a['start']}-{a['end']} {a['label']} and "
                         f"{b['start']}-{b['end']} {b['label']}")
            for a, b in zip(spans, spans[1:]) if b["start"] < a["end"]]


def validate_file(path: str | Path) -> list[Problem]:
    problems, seen = [], Counter()
    for record in read_jsonl(path):
        seen[record.get("id")] += 1
        problems.extend(validate_record(record))
    problems.extend(Problem(str(uid), f"id appears {n} times") for uid, n in seen.items() if n > 1)
    return problems


# ---------------------------------------------------------------- interchange

def from_doccano(record: dict[str, Any]) -> dict[str, Any]:
    """doccano JSONL (``label: [[start, end, label]]`` or ``entities: [{start_offset, …}]``) → record."""
    if "entities" in record:
        spans = [{"start": e["start_offset"], "end": e["end_offset"], "label": e["label"]}
                 for e in record["entities"]]
    else:
        spans = [{"start": s, "end": e, "label": lab} for s, e, lab in record.get("label", [])]
    meta = {k: v for k, v in record.items() if k not in {"id", "text", "label", "entities"}}
    return {"id": str(record.get("id")), "text": record["text"], "spans": sorted(spans, key=_span_key),
            "meta": meta.get("meta", meta)}


def to_doccano(record: dict[str, Any]) -> dict[str, Any]:
    return {"id": record["id"], "text": record["text"],
            "label": [[s["start"], s["end"], s["label"]] for s in record.get("spans", [])],
            "meta": record.get("meta", {})}


def from_label_studio(task: dict[str, Any]) -> dict[str, Any]:
    """One task of a Label Studio JSON export (the latest annotation wins) → record."""
    text = task["data"]["text"]
    results = task["annotations"][-1]["result"] if task.get("annotations") else []
    spans = [{"start": r["value"]["start"], "end": r["value"]["end"], "label": r["value"]["labels"][0]}
             for r in results if r.get("type") == "labels"]
    meta = {k: v for k, v in task["data"].items() if k != "text"}
    uid = task["data"].get("id", task.get("id"))
    return {"id": str(uid), "text": text, "spans": sorted(spans, key=_span_key), "meta": meta.get("meta", meta)}


def to_label_studio(record: dict[str, Any]) -> dict[str, Any]:
    text = record["text"]
    result = [{"from_name": "label", "to_name": "text", "type": "labels",
               "value": {"start": s["start"], "end": s["end"], "text": text[s["start"]:s["end"]],
                         "labels": [s["label"]]}}
              for s in record.get("spans", [])]
    return {"data": {"id": record["id"], "text": text, "meta": record.get("meta", {})},
            "annotations": [{"result": result}]}


def import_file(path: str | Path, fmt: str) -> list[dict[str, Any]]:
    if fmt == "doccano":
        return [from_doccano(r) for r in read_jsonl(path)]
    if fmt == "label-studio":
        return [from_label_studio(t) for t in json.loads(Path(path).read_text(encoding="utf-8"))]
    raise ValueError(f"unknown annotation format {fmt!r}: use doccano or label-studio")


def export_file(records: list[dict[str, Any]], path: str | Path, fmt: str) -> None:
    if fmt == "doccano":
        write_jsonl(path, (to_doccano(r) for r in records))
    elif fmt == "label-studio":
        Path(path).write_text(json.dumps([to_label_studio(r) for r in records], ensure_ascii=False, indent=1),
                              encoding="utf-8")
    else:
        raise ValueError(f"unknown annotation format {fmt!r}: use doccano or label-studio")


def _span_key(span: dict[str, Any]) -> tuple[int, int, str]:
    return span["start"], span["end"], span["label"]


# ---------------------------------------------------------------- agreement

def agreement(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Exact span F1 between two passes over the same texts, per label (symmetric)."""
    by_id = {r["id"]: r for r in second}
    counts: dict[str, Counter] = defaultdict(Counter)
    for record in first:
        other = by_id.get(record["id"])
        if other is None:
            continue
        a = {_span_key(s) for s in record.get("spans", [])}
        b = {_span_key(s) for s in other.get("spans", [])}
        for label in LABELS:
            la = {s for s in a if s[2] == label}
            lb = {s for s in b if s[2] == label}
            counts[label].update(both=len(la & lb), first=len(la), second=len(lb))
    return {label: _f1(c["both"], c["first"], c["second"]) for label, c in counts.items()}


def _f1(both: int, first: int, second: int) -> dict[str, float]:
    return {"f1": 2 * both / (first + second) if first + second else 1.0, "both": both,
            "first": first, "second": second}


def disagreements(first: list[dict[str, Any]], second: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Spans that one pass has and the other has not, with context, for adjudication."""
    by_id = {r["id"]: r for r in second}
    for record in first:
        other = by_id.get(record["id"], {})
        a = {_span_key(s) for s in record.get("spans", [])}
        b = {_span_key(s) for s in other.get("spans", [])}
        text = record["text"]
        for start, end, label in sorted(a ^ b):
            yield {"id": record["id"], "start": start, "end": end, "label": label,
                   "in": "first" if (start, end, label) in a else "second", "text": text[start:end],
                   "context": text[max(0, start - 20):end + 20]}


# ---------------------------------------------------------------- splits

def assign_splits(records: list[dict[str, Any]], seed: int = 0) -> dict[str, str]:
    """id → train/dev/test: grouped by agency (no agency in two splits), stratified by section type.

    ``StratifiedGroupKFold`` with 7 folds: one fold is test, one dev, five train (≈ 70/15/15).
    """
    from sklearn.model_selection import StratifiedGroupKFold

    groups = [group_key(r) for r in records]
    strata = [r.get("meta", {}).get("section") or r.get("meta", {}).get("section_guess") or "none"
              for r in records]
    folds = StratifiedGroupKFold(n_splits=7, shuffle=True, random_state=seed)
    split = {}
    for fold, (_, held) in enumerate(folds.split(records, strata, groups)):
        name = "test" if fold == 0 else "dev" if fold == 1 else "train"
        for i in held:
            split[records[i]["id"]] = name
    return split


def group_key(record: dict[str, Any]) -> str:
    """The agency a record belongs to: its meta agency, else the issuer named in its text, else its
    source site, else its report id (folded to Simplified so scripts do not split one agency)."""
    from .report_fields import report_agency
    from .script import fold

    meta = record.get("meta", {})
    agency = meta.get("agency") or meta.get("agency_guess") or report_agency(record.get("text", ""))
    if agency:
        return fold(agency).replace(" ", "")
    source = meta.get("source") or ""
    match = re.match(r"\w+://([^/]+)", source)
    return match.group(1) if match else str(record["id"]).split("#")[0]


def label_counts(records: Iterable[dict[str, Any]], split: dict[str, str]) -> dict[str, Counter]:
    counts: dict[str, Counter] = {name: Counter() for name in SPLITS}
    for record in records:
        name = split.get(record["id"], record.get("meta", {}).get("split", "train"))
        counts[name]["records"] += 1
        counts[name].update(s["label"] for s in record.get("spans", []))
    return counts
