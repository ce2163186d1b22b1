"""spaCy components of the xxgk pipeline, registered through factories and entry points.

- ``xxgk_structure``: sections, statistical tables and report-level fields (rules) → ``doc._.xxgk``
  (for docs the xxgk tokenizer did not make: it attaches them itself).
- ``xxgk.statement_candidates.v1``: a spancat suggester proposing the enumerated items and
  sentences of the problems-and-improvements sections (the guidelines' statement units).
- ``xxgk_statements``: keeps the best non-overlapping statement spans.
- ``xxgk_counts``: COUNT ``value``/``unit``/``approx`` and ``count_type`` from the table link.
"""

from __future__ import annotations

from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span
from spacy.util import registry
from thinc.api import Ops, get_current_ops
from thinc.types import Ragged

from .extraction import analyse_structure, link_model_counts
from .records import Document
from .records import Span as SpanRecord
from .tokenizer import text_of
from .weak_labels import count_attributes, statement_units, weak_annotate

STATEMENTS_KEY = "statements"
COUNT_ATTRS = ("value", "unit", "approx", "count_type")

for _name in ("xxgk", "grids"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)
for _name in COUNT_ATTRS:
    if not Span.has_extension(_name):
        Span.set_extension(_name, default=None)


@Language.factory("xxgk_structure")
def make_structure(nlp: Language, name: str) -> XxgkStructure:
    return XxgkStructure()


class XxgkStructure:
    """The rule-based structure analysis (sections, tables, report fields) of each doc; the xxgk
    tokenizer already attaches it, so this runs only for docs made another way."""

    def __call__(self, doc: Doc) -> Doc:
        if doc._.xxgk is None:
            document = Document(id="", source="", text=text_of(doc), grids=doc._.grids or [])
            doc._.xxgk = analyse_structure(document)
        return doc


@registry.misc("xxgk.statement_candidates.v1")
def build_statement_candidates() -> callable:
    """Suggester: one candidate per statement unit of the problems sections (items, sentences)."""

    def suggest(docs: Iterable[Doc], *, ops: Ops | None = None) -> Ragged:
        ops = ops or get_current_ops()
        spans, lengths = [], []
        for doc in docs:
            found = _doc_units(doc)
            spans.extend(found)
            lengths.append(len(found))
        data = ops.asarray2i(spans if spans else ops.xp.zeros((0, 2), dtype="i"), dtype="i")
        return Ragged(data, ops.asarray1i(lengths, dtype="i"))

    return suggest


def _doc_units(doc: Doc) -> list[tuple[int, int]]:
    analysis = doc._.xxgk
    sections = analysis.sections if analysis is not None else None
    units = []
    for start, end in statement_units(text_of(doc), sections):
        span = doc.char_span(start, end, alignment_mode="expand")
        if span is not None and len(span):
            units.append((span.start, span.end))
    return sorted(set(units))


@Language.factory("xxgk_statements", default_config={"spans_key": STATEMENTS_KEY})
def make_statements(nlp: Language, name: str, spans_key: str) -> ResolveStatements:
    return ResolveStatements(spans_key)


class ResolveStatements:
    """Keeps the highest-scoring statement spans that do not overlap each other."""

    def __init__(self, spans_key: str):
        self.spans_key = spans_key

    def __call__(self, doc: Doc) -> Doc:
        group = doc.spans.get(self.spans_key)
        if group is None or not len(group):
            return doc
        scores = group.attrs.get("scores")
        order = sorted(range(len(group)), key=lambda i: -_best_score(scores, i))
        taken: list[Span] = []
        for i in order:
            span = group[i]
            if all(span.end <= t.start or span.start >= t.end for t in taken):
                taken.append(span)
        doc.spans[self.spans_key] = sorted(taken, key=lambda s: s.start)
        return doc


def _best_score(scores, i: int) -> float:
    """A span's score: spancat stores one score per span (or a row per span and label)."""
    if scores is None:
        return 1.0
    row = scores[i]
    return float(row.max()) if getattr(row, "ndim", 0) else float(row)


@Language.factory(
    "xxgk_rule_entities",
    default_config={"rule_labels": [], "model_labels": None, "prefer": "model", "statements": "model"},
)
def make_rule_entities(nlp: Language, name: str, rule_labels: list[str], model_labels: list[str] | None,
                       prefer: str, statements: str) -> RuleEntities:
    return RuleEntities(rule_labels, model_labels, prefer, statements)


class RuleEntities:
    """Combines the trained components' spans with the weak labellers', as the config says.

    ``rule_labels``: entity labels the labelling functions contribute; ``model_labels``: those the
    NER contributes (``null``: all). Where a rule span and a model span overlap, ``prefer``
    (``rules`` or ``model``) decides. ``statements``: ``model`` (spancat only), ``rules``
    (labelling functions only), or ``union`` (both, ``prefer`` deciding overlaps).
    """

    def __init__(self, rule_labels: list[str], model_labels: list[str] | None, prefer: str, statements: str):
        if prefer not in {"rules", "model"} or statements not in {"model", "rules", "union"}:
            raise ValueError(f"xxgk_rule_entities: bad prefer={prefer!r} or statements={statements!r}")
        self.rule_labels = set(rule_labels)
        self.model_labels = None if model_labels is None else set(model_labels)
        self.prefer = prefer
        self.statements = statements

    def __call__(self, doc: Doc) -> Doc:
        if not self.rule_labels and self.model_labels is None and self.statements == "model":
            return doc
        weak = doc._.weak or weak_annotate(text_of(doc))
        rules = _aligned(doc, [s for s in weak.entities if s.label in self.rule_labels])
        model = [e for e in doc.ents if self.model_labels is None or e.label_ in self.model_labels]
        doc.ents = self._combine(model, rules)
        if self.statements != "model":
            rule_statements = _aligned(doc, weak.statements)
            model = [] if self.statements == "rules" else list(doc.spans.get(STATEMENTS_KEY, []))
            doc.spans[STATEMENTS_KEY] = self._combine(model, rule_statements)
        return doc

    def _combine(self, model: list[Span], rules: list[Span]) -> list[Span]:
        first, second = (rules, model) if self.prefer == "rules" else (model, rules)
        return sorted(first + [s for s in second if not any(_touch(s, f) for f in first)], key=lambda s: s.start)


def _aligned(doc: Doc, spans: list[SpanRecord]) -> list[Span]:
    out = []
    for span in spans:
        aligned = doc.char_span(span.start, span.end, label=span.label)
        if aligned is not None:
            out.append(aligned)
    return out


def _touch(a: Span, b: Span) -> bool:
    return a.start < b.end and b.start < a.end


@Language.factory("xxgk_counts")
def make_counts(nlp: Language, name: str) -> CountAttributes:
    return CountAttributes()


class CountAttributes:
    """COUNT value/unit/approx from the span text, count_type and warnings from the table link."""

    def __call__(self, doc: Doc) -> Doc:
        analysis = doc._.xxgk
        text = text_of(doc)
        entities = [_entity_record(text, ent) for ent in doc.ents]
        if analysis is not None:
            analysis.entities = entities
            link_model_counts(analysis, text)
            entities = analysis.entities
        by_offsets = {(e.start, e.end): e for e in entities}
        for ent in doc.ents:
            record = by_offsets.get((ent.start_char, ent.end_char))
            for attr in COUNT_ATTRS:
                ent._.set(attr, record.attrs.get(attr) if record else None)
        return doc


def _entity_record(text: str, ent: Span) -> SpanRecord:
    attrs = count_attributes(text, ent.start_char, ent.end_char) if ent.label_ == "COUNT" else {}
    return SpanRecord(ent.start_char, ent.end_char, ent.label_, ent.text, attrs)

