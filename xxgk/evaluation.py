"""Scoring predictions against gold records (formats.md): entities exact, statements exact and
overlap (one-to-one, at least half of the longer span shared), table cells, report fields, and
an error report that sorts every false positive and false negative by kind."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy.optimize import linear_sum_assignment

from .annotations import ENTITY_LABELS, STATEMENT_LABELS

Spans = list[tuple[int, int, str]]


@dataclass
class PRF:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def p(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 0.0

    @property
    def r(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 0.0

    @property
    def f(self) -> float:
        return 2 * self.p * self.r / (self.p + self.r) if self.p + self.r else 0.0

    def add(self, other: PRF) -> None:
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    def to_json(self) -> dict[str, float]:
        return {"p": round(self.p, 4), "r": round(self.r, 4), "f": round(self.f, 4),
                "tp": self.tp, "fp": self.fp, "fn": self.fn}


def overlaps_enough(a: tuple[int, int], b: tuple[int, int]) -> bool:
    """True when the spans share at least half of the longer span's characters."""
    shared = min(a[1], b[1]) - max(a[0], b[0])
    return shared > 0 and 2 * shared >= max(a[1] - a[0], b[1] - b[0])


def exact_counts(gold: Spans, pred: Spans) -> PRF:
    g, p = set(gold), set(pred)
    return PRF(tp=len(g & p), fp=len(p - g), fn=len(g - p))


def overlap_counts(gold: Spans, pred: Spans) -> PRF:
    """One-to-one matching of same-label spans that overlap enough (maximum matching)."""
    tp = 0
    for label in {s[2] for s in gold} | {s[2] for s in pred}:
        g = [s for s in gold if s[2] == label]
        p = [s for s in pred if s[2] == label]
        if not g or not p:
            continue
        allowed = np.array([[overlaps_enough(a[:2], b[:2]) for b in p] for a in g], dtype=float)
        rows, cols = linear_sum_assignment(-allowed)
        tp += int(allowed[rows, cols].sum())
    return PRF(tp=tp, fp=len(pred) - tp, fn=len(gold) - tp)


@dataclass
class Scores:
    """Per-label counts for one predictor over one gold set."""

    entities: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    statements_exact: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    statements_overlap: dict[str, PRF] = field(default_factory=lambda: defaultdict(PRF))
    cells: Counter = field(default_factory=Counter)
    report: Counter = field(default_factory=Counter)

    def add_record(self, gold: Spans, pred: Spans) -> None:
        for label in ENTITY_LABELS:
            self.entities[label].add(exact_counts(_only(gold, label), _only(pred, label)))
        for label in STATEMENT_LABELS:
            g, p = _only(gold, label), _only(pred, label)
            self.statements_exact[label].add(exact_counts(g, p))
            self.statements_overlap[label].add(overlap_counts(g, p))

    def to_json(self) -> dict[str, Any]:
        out = {"entities": _layer(self.entities, ENTITY_LABELS),
               "statements_exact": _layer(self.statements_exact, STATEMENT_LABELS),
               "statements_overlap": _layer(self.statements_overlap, STATEMENT_LABELS)}
        if self.cells["total"]:
            out["table_cells"] = {"accuracy": round(self.cells["correct"] / self.cells["total"], 4),
                                  **dict(self.cells)}
        for name in ("agency", "year"):
            if self.report[f"{name}_total"]:
                out[f"report_{name}"] = {"accuracy": round(self.report[f"{name}_correct"]
                                                           / self.report[f"{name}_total"], 4),
                                         "total": self.report[f"{name}_total"]}
        return out


def _only(spans: Spans, label: str) -> Spans:
    return [s for s in spans if s[2] == label]


def _layer(counts: dict[str, PRF], labels: Iterable[str]) -> dict[str, Any]:
    per_label = {label: counts[label] for label in labels}
    micro = PRF()
    for prf in per_label.values():
        micro.add(prf)
    macro_f = sum(p.f for p in per_label.values()) / len(per_label)
    return {"per_label": {k: v.to_json() for k, v in per_label.items()}, "micro": micro.to_json(),
            "macro_f": round(macro_f, 4)}


def gold_spans(record: dict[str, Any]) -> Spans:
    return [(s["start"], s["end"], s["label"]) for s in record.get("spans", [])]


def predicted_spans(output: dict[str, Any]) -> Spans:
    return [(s["start"], s["end"], s["label"]) for s in output.get("entities", []) + output.get("statements", [])]


def score(gold_records: list[dict[str, Any]], outputs: list[dict[str, Any]]) -> Scores:
    """Scores of extraction outputs (same order as the gold records)."""
    from .checks import flatten

    scores = Scores()
    for record, output in zip(gold_records, outputs):
        if "spans" in record:
            scores.add_record(gold_spans(record), predicted_spans(output))
        if record.get("tables"):
            predicted = flatten(output.get("tables", {}))
            for key, value in flatten(record["tables"]).items():
                scores.cells["total"] += 1
                scores.cells["correct"] += int(key in predicted and predicted[key] == value)
        meta = record.get("meta", {})
        for name in ("agency", "year"):
            if meta.get(name) is not None:
                scores.report[f"{name}_total"] += 1
                scores.report[f"{name}_correct"] += int(output.get(name) == meta[name])
    return scores


def error_report(gold_records: list[dict[str, Any]], outputs: list[dict[str, Any]],
                 context: int = 20) -> dict[str, dict[str, list[dict[str, Any]]]]:
    """Every false positive and false negative, grouped by label then by kind:
    ``boundary`` (same label, overlapping, other boundaries), ``label`` (same or overlapping
    extent, other label), ``spurious`` (predicted, nothing gold there), ``missed`` (gold, nothing
    predicted there)."""
    report: dict[str, dict[str, list]] = defaultdict(lambda: defaultdict(list))
    for record, output in zip(gold_records, outputs):
        if "spans" not in record:
            continue
        text = record["text"]
        gold, pred = set(gold_spans(record)), set(predicted_spans(output))
        for side, mine, theirs in (("fp", pred - gold, gold), ("fn", gold - pred, pred)):
            for span in sorted(mine):
                kind = _error_kind(span, theirs, side)
                report[span[2]][kind].append({
                    "id": record["id"], "error": side, "start": span[0], "end": span[1],
                    "text": text[span[0]:span[1]],
                    "context": text[max(0, span[0] - context):span[1] + context]})
    return {label: dict(kinds) for label, kinds in report.items()}


def _error_kind(span: tuple[int, int, str], others: set[tuple[int, int, str]], side: str) -> str:
    touching = [o for o in others if o[0] < span[1] and span[0] < o[1]]
    if any(o[2] == span[2] for o in touching):
        return "boundary"
    if touching:
        return "label"
    return "spurious" if side == "fp" else "missed"


def predict_records(records: list[dict[str, Any]], pipeline: str | None = None,
                    rules_only: bool = False) -> list[dict[str, Any]]:
    """Extraction outputs for gold records (their texts), in their order."""
    from .batch import Processor, Task, batched
    from .reading import document_from_text

    processor = Processor(pipeline=pipeline, rules_only=rules_only)
    tasks = [Task(uid=str(r["id"]), source=str(r["id"]),
                  document=document_from_text(r["text"], str(r["id"]), str(r["id"]))) for r in records]
    return [out for batch in batched(tasks, 32) for out in processor.process(batch)]


def format_table(named_scores: dict[str, dict[str, Any]]) -> str:
    """A readable side-by-side table (F1 per label, micro, macro) of several predictors."""
    names = list(named_scores)
    lines = [f"{'layer':20} {'label':9} " + " ".join(f"{n[:14]:>14}" for n in names)]
    first = named_scores[names[0]]
    for layer in ("entities", "statements_exact", "statements_overlap"):
        for label in [*first[layer]["per_label"], "micro", "macro"]:
            cells = []
            for n in names:
                block = named_scores[n][layer]
                value = block["macro_f"] if label == "macro" else (
                    block["micro"]["f"] if label == "micro" else block["per_label"][label]["f"])
                cells.append(f"{value:14.3f}")
            lines.append(f"{layer:20} {label:9} " + " ".join(cells))
    for extra in ("table_cells", "report_agency", "report_year"):
        if extra in first:
            lines.append(f"{extra:20} {'accuracy':9} " + " ".join(
                f"{named_scores[n].get(extra, {}).get('accuracy', 0.0):14.3f}" for n in names))
    return "\n".join(lines)
