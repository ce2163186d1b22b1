"""Per-report analysis and output records (formats.md "Extraction output").

``analyse_rules`` is the rules-only path (sections, tables, weak labels, report fields, no model);
``record_from_doc`` turns a Doc processed by the trained pipeline into the same record shape.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import __version__
from .checks import load_identities
from .records import Document, Section, Span, TableResult, to_json
from .report_fields import report_agency, report_format, report_script, report_year
from .script import load_tables
from .sectioning import find_sections, load_vocabulary, locate_boilerplate
from .tables import load_templates, parse_tables
from .weak_labels import agency_patterns, count_links, link_counts, weak_annotate

RULES_PIPELINE = {"name": "xxgk_rules", "version": __version__}


@dataclass
class Analysis:
    """Everything xxgk says about one report, before serialisation."""

    sections: list[Section]
    tables: TableResult
    entities: list[Span]
    statements: list[Span]
    agency: str | None
    year: int | None
    format: str
    script: str
    boilerplate: list[tuple[int, int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def load_resources() -> None:
    """Load the templates, gazetteer patterns and script tables of the rules now (each is cached;
    ~0.4 s): before worker processes are forked, so that they share them instead of each loading
    its own at its first report."""
    load_tables()
    load_vocabulary()
    load_templates()
    load_identities()
    agency_patterns()
    count_links()


def analyse_structure(document: Document) -> Analysis:
    """Sections, tables and report-level fields: the rule-based part shared by both paths."""
    text = document.text
    sections = find_sections(text)
    tables = parse_tables(text, document.grids or None)
    year = report_year(text)
    return Analysis(
        sections=sections,
        tables=tables,
        entities=[],
        statements=[],
        agency=report_agency(text),
        year=year,
        format=report_format(tables.format, year),
        script=report_script(text),
        boilerplate=locate_boilerplate(text),
        warnings=[*document.warnings, *tables.warnings],
    )


def analyse_rules(document: Document) -> Analysis:
    """The rules-only analysis: structure plus the combined weak labels."""
    analysis = analyse_structure(document)
    weak = weak_annotate(document.text, sections=analysis.sections, tables=analysis.tables)
    analysis.entities = weak.entities
    analysis.statements = weak.statements
    analysis.warnings.extend(weak.warnings)
    return analysis


def link_model_counts(analysis: Analysis, text: str) -> None:
    """Attach ``count_type`` and mismatch warnings to model-predicted COUNT entities."""
    counts = [s for s in analysis.entities if s.label == "COUNT"]
    linked, warnings = link_counts(text, counts, analysis.tables)
    by_offsets = {(s.start, s.end): s for s in linked}
    analysis.entities = [by_offsets.get((s.start, s.end), s) for s in analysis.entities]
    analysis.warnings.extend(warnings)


def build_record(document: Document, analysis: Analysis, pipeline: dict[str, str]) -> dict[str, Any]:
    """The formats.md output record of one report."""
    text = document.text
    return {
        "id": document.id,
        "source": document.source,
        "agency": analysis.agency,
        "year": analysis.year,
        "format": analysis.format,
        "script": analysis.script,
        "encoding": document.encoding,
        "chars": len(text),
        "sections": [to_json(s) for s in analysis.sections],
        "entities": [_span_json(s, text) for s in analysis.entities],
        "statements": [_span_json(s, text) for s in analysis.statements],
        "tables": analysis.tables.tables,
        "tables_raw": analysis.tables.tables_raw,
        "checks": [to_json(c) for c in analysis.tables.checks],
        "warnings": analysis.warnings,
        "pipeline": pipeline,
    }


def error_record(uid: str, source: str, error: str) -> dict[str, Any]:
    return {"id": uid, "source": source, "error": error}


def _span_json(span: Span, text: str) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "label": span.label, "text": text[span.start : span.end],
            **span.attrs}
