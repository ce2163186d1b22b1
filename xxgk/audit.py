"""Audit a corpus: consistency checks within and across reports, with evidence.

``audit_records`` runs every per-report check (table identities, narrative counts vs table cells,
sections five and six, fees, title year, table format vs report year) and every cross-report check
(carried-over vs last year's carried-forward, parent body vs the sum of its subordinate bodies,
year-over-year text reuse) over extraction output records (formats.md). Each result is a
``CheckResult`` with a status (``pass`` / ``fail`` / ``uncertain`` / ``not_assessable``), a message
and the evidence it read: table cells (key, value, offsets) and text spans (offsets, text).

Records carry no report text; checks that need it (section content, wording, years, reuse, cell
offsets) read it again from ``record["source"]`` (a report file, or ``<record file>#<row>``) or
take it from the ``texts`` given, and are ``not_assessable`` with the reason when it is missing.

Design decisions (documented here because they are judgement calls):

- Section five missing: ``fail`` for 2019/2021-format reports (the national format requires it);
  ``uncertain`` for pre-2019 reports (the 2007 Regulation asked for it too, but local formats
  often merged it into other sections); ``not_assessable`` when no section heading was found at
  all (a fragment, or a report without recognisable structure). Empty or ``无``: ``fail``.
- Section six ``无``: ``fail`` from 2021 on (the 2021 format asks for the 信息处理费 statement),
  ``uncertain`` before (the 2019 format asks for nothing specific there).
- Fees: 行政事业性收费 of table 二 (八) are an agency's administrative charges, not the
  信息处理费 of disclosure, so "未收取信息处理费" with 16.856 万元 in (八) is consistent (``pass``).
  A no-charge statement that names no disclosure fee while (八) reports fees is ``uncertain``.
  Table 三 (六)2 (applications dropped because a fee notice went unpaid) > 0 means fee notices
  were issued: ``fail`` when section six denies any fee notice, else ``uncertain`` ("未收取"
  may only mean that nothing was paid).
- Parent vs children: a report of ``XX人民政府`` or of a bare region name is taken as the summary
  of region ``XX``; its children are the corpus reports of the same year whose normalised name
  starts with ``XX`` and that have no nearer region in between. Children summing to more than the
  parent is a ``fail``; to less, ``uncertain`` (the corpus rarely holds every subordinate body).
"""

from __future__ import annotations

import hashlib
import html
import json
import os
import re
import tomllib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from functools import cached_property, lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

from rapidfuzz import fuzz, process

from .annotations import read_jsonl
from .checks import flatten
from .reading import ReadError, iter_records, read_path
from .records import Document, Grid, TableResult
from .report_fields import report_title
from .script import fold, remove_pinyin
from .sectioning import locate_boilerplate
from .tables import parse_tables
from .weak_labels import count_attributes, count_links

STATUSES = ("pass", "fail", "uncertain", "not_assessable")
REVIEW_STATUSES = ("confirmed", "dismissed")
PER_REPORT_CHECKS = (
    "table_identity",
    "narrative_count",
    "section_five",
    "section_six",
    "fees",
    "title_year",
    "table_format",
)
CROSS_REPORT_CHECKS = ("carry_over", "parent_children", "text_reuse")
_YEAR = re.compile(r"(?<![\d.])(\d{4}|[〇○零一二三四五六七八九]{4})\s*年")
_CN_DIGITS = str.maketrans("〇○零一二三四五六七八九", "000123456789")
_QUOTED = re.compile(r"《[^》]*》|〔[^〕]*〕|\[[^\]]*\]")
_SENTENCE = re.compile(r"[^。!?;\n]+[。!?;]?")
_SPACE = re.compile(r"\s+")
_DATE = re.compile(
    r"(?:\d{4}|[〇○零一二三四五六七八九]{4})\s*年\s*[\d一二三四五六七八九十]{1,3}\s*月\s*[\d一二三四五六七八九十]{1,3}\s*日"
)
TAIL_CHARS = 300
_DIGITS = re.compile(r"\d+(?:\.\d+)?|[〇○零一二三四五六七八九]{4}")


# ---------------------------------------------------------------- records


@dataclass
class Evidence:
    """What a check read: a table cell (``key`` = dotted key) or a text span (``key`` = a label)."""

    kind: str  # cell | span
    key: str
    value: Any
    start: int | None = None
    end: int | None = None
    report_id: str | None = None  # the report the evidence is in, when not the checked one
    note: str = ""


@dataclass
class CheckResult:
    check_id: str
    report_id: str
    check: str
    status: str  # pass | fail | uncertain | not_assessable
    message: str
    evidence: list[Evidence] = field(default_factory=list)
    subject: str = ""
    review: dict[str, str] | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class AuditSummary:
    """Counts per check and status, and where the outputs went."""

    reports: int = 0
    errors: int = 0
    unreadable: int = 0
    results: int = 0
    counts: dict[str, dict[str, int]] = field(default_factory=dict)
    out: Path | None = None
    html: Path | None = None
    reviews: Path | None = None


@dataclass(frozen=True)
class Settings:
    """The contents of ``templates/audit.toml``, compiled."""

    title_year_share: float
    unit_checked: tuple[str, ...]
    decision_units: frozenset[str]
    six_headings: tuple[str, ...]
    fee_headings: tuple[str, ...]
    empty: frozenset[str]
    punctuation: re.Pattern
    no_charge: tuple[re.Pattern, ...]
    disclosure_scope: tuple[str, ...]
    no_notice: re.Pattern
    notice_cells: tuple[str, ...]
    administrative_cells: tuple[str, ...]
    format_markers: dict[str, tuple[str, ...]]
    drop: tuple[re.Pattern, ...]
    government: tuple[str, ...]
    region_levels: tuple[str, ...]
    summed_cells: tuple[str, ...]
    min_sentence: int
    sentence_similarity: float
    min_narrative: int
    narrative_types: frozenset[str]


@lru_cache(maxsize=1)
def load_settings() -> Settings:
    data = tomllib.loads(resources.files("xxgk").joinpath("templates/audit.toml").read_text("utf-8"))
    fees, agencies, reuse, sections = data["fees"], data["agencies"], data["reuse"], data["sections"]
    return Settings(
        title_year_share=data["title_year"]["min_share"],
        unit_checked=tuple(data["narrative_count"]["unit_checked"]),
        decision_units=frozenset(data["narrative_count"]["decision_units"]),
        six_headings=tuple(sections["six_headings"]),
        fee_headings=tuple(fees["headings"]),
        empty=frozenset(sections["empty"]),
        punctuation=re.compile(sections["punctuation"]),
        no_charge=tuple(re.compile(p) for p in fees["no_charge"]),
        disclosure_scope=tuple(fees["disclosure_scope"]),
        no_notice=re.compile(fees["no_notice"]),
        notice_cells=tuple(fees["notice_cells"]),
        administrative_cells=tuple(fees["administrative_cells"]),
        format_markers={name: tuple(keys) for name, keys in data["table_format"].items()},
        drop=tuple(re.compile(p) for p in agencies["drop"]),
        government=tuple(sorted(agencies["government"], key=len, reverse=True)),
        region_levels=tuple(sorted(agencies["region_levels"], key=len, reverse=True)),
        summed_cells=tuple(agencies["summed_cells"]),
        min_sentence=reuse["min_sentence"],
        sentence_similarity=reuse["sentence_similarity"],
        min_narrative=reuse["min_narrative"],
        narrative_types=frozenset(reuse["narrative_types"]),
    )


@dataclass
class Report:
    """One extraction record with what the checks derive from it (text when available)."""

    record: dict[str, Any]
    text: str | None
    text_problem: str = ""
    cells: dict[str, Any] = field(default_factory=dict)
    parsed: TableResult | None = None

    @property
    def id(self) -> str:
        return str(self.record["id"])

    @cached_property
    def folded(self) -> str:
        """``fold(text)``: same length and offsets as the text."""
        return fold(self.text or "")

    def cell(self, key: str, report_id: str | None = None, note: str = "", value: Any = None) -> Evidence:
        """Evidence for a table cell (its value in the tables unless given), with its offsets in
        the text when known."""
        found = self.parsed.evidence.get(key) if self.parsed else None
        start, end = (found.start, found.end) if found else (None, None)
        value = self.cells.get(key) if value is None else value
        return Evidence("cell", key, value, start, end, report_id, note)

    def span(
        self, label: str, start: int, end: int, report_id: str | None = None, note: str = ""
    ) -> Evidence:
        value = self.text[start:end] if self.text is not None else None
        return Evidence("span", label, value, start, end, report_id, note)


def make_report(
    record: dict[str, Any], text: str | None, text_problem: str = "", grids: list[Grid] | None = None
) -> Report:
    """A ``Report``; with the text, its tables are parsed again for the cells' offsets."""
    report = Report(record, text, text_problem, cells=flatten(record.get("tables") or {}))
    if text is not None:
        report.parsed = parse_tables(text, grids or None)
    return report


def check_id(report_id: str, check: str, subject: str) -> str:
    """Stable id of a check result: the same report, check and subject give the same id."""
    return hashlib.sha1(f"{report_id}\x1f{check}\x1f{subject}".encode()).hexdigest()[:16]


def _result(
    report: Report,
    check: str,
    subject: str,
    status: str,
    message: str,
    evidence: list[Evidence] | None = None,
) -> CheckResult:
    return CheckResult(
        check_id(report.id, check, subject), report.id, check, status, message, evidence or [], subject
    )


def _no_text(report: Report, check: str, subject: str = "") -> CheckResult:
    return _result(
        report, check, subject, "not_assessable", f"report text unavailable: {report.text_problem}"
    )


# ---------------------------------------------------------------- per-report checks


def check_table_identities(report: Report) -> list[CheckResult]:
    """Every table identity the extraction evaluated, with the cells it read."""
    checks = report.record.get("checks") or []
    if not checks:
        reason = "no identity has all its cells present" if report.cells else "no national statistical table"
        return [_result(report, "table_identity", "", "not_assessable", reason)]
    results = []
    for check in checks:
        evidence = [report.cell(key, value=value) for key, value in check.get("cells", {}).items()]
        status = "pass" if check.get("ok") else "fail"
        message = check.get("message") or ("holds" if check.get("ok") else "does not hold")
        results.append(
            _result(report, "table_identity", check["rule"], status, f"{check['rule']}: {message}", evidence)
        )
    return results


def check_narrative_counts(report: Report) -> list[CheckResult]:
    """Every narrative COUNT linked to a table cell (``count_type``) against that cell."""
    counts = [
        e for e in report.record.get("entities", []) if e.get("label") == "COUNT" and e.get("count_type")
    ]
    if not counts:
        return [
            _result(
                report, "narrative_count", "", "not_assessable", "no narrative count linked to a table cell"
            )
        ]
    return [_narrative_count(report, entity) for entity in counts]


def _narrative_count(report: Report, entity: dict[str, Any]) -> CheckResult:
    name, start, end = entity["count_type"], entity["start"], entity["end"]
    subject = f"{name}@{start}"
    keys = _link_keys(name)
    evidence = [
        Evidence("span", "COUNT", entity.get("text"), start, end),
        *(report.cell(key) for key in keys if key in report.cells),
    ]
    cells = [report.cells.get(key) for key in keys]
    value = entity.get("value")
    if value is None and report.text is not None:
        value = count_attributes(report.text, start, end).get("value")
    if value is None or not cells or not all(isinstance(c, (int, float)) for c in cells):
        return _result(
            report,
            "narrative_count",
            subject,
            "not_assessable",
            f"{entity.get('text')}: no number to compare (narrative {value}, table {cells})",
            evidence,
        )
    table = sum(cells)
    said = f"narrative says {entity.get('text')} ({_number(value)}), table {name} = {_number(table)}"
    if abs(float(value) - float(table)) <= 1e-6:
        return _result(report, "narrative_count", subject, "pass", said, evidence)
    doubt = _count_doubt(name, entity)
    return _result(
        report, "narrative_count", subject, "uncertain" if doubt else "fail", said + doubt, evidence
    )


def _count_doubt(name: str, entity: dict[str, Any]) -> str:
    """Why a differing narrative count may not contradict the table ("" when it does)."""
    if entity.get("approx"):
        return " (the narrative number is approximate)"
    settings = load_settings()
    unit = fold(str(entity.get("unit") or ""))
    if name.startswith(settings.unit_checked) and unit and unit not in settings.decision_units:
        return f" (the narrative counts {unit}, the table counts decisions)"
    return ""


def _link_keys(name: str) -> tuple[str, ...]:
    """The table keys a ``count_type`` stands for (a sum of several for some links)."""
    for link in count_links():
        if link.name == name and link.sum:
            return link.keys
    return (name,)


def _sections(report: Report) -> list[dict[str, Any]]:
    return report.record.get("sections") or []


def _is_national(report: Report) -> bool:
    return report.record.get("format") in ("2019", "2021", "mixed")


def _content(report: Report, section: dict[str, Any]) -> str:
    """A section's text after its heading, folded, without punctuation and whitespace."""
    start = section["start"] + len(section.get("heading") or "")
    body = remove_pinyin(report.folded[start : section["end"]])
    return load_settings().punctuation.sub("", _SPACE.sub("", body))


def check_section_five(report: Report) -> CheckResult:
    """Section 五 (problems and improvements) present and not empty."""
    sections = _sections(report)
    five = next((s for s in sections if s["type"] == "problems_improvements"), None)
    if not sections:
        return _result(report, "section_five", "", "not_assessable", "no section heading found in the report")
    if five is None:
        complete = _section_six(report) is not None or _looks_complete(report)
        return _missing(report, "section_five", "no section on problems and improvements", complete)
    evidence = [_heading_span(report, five)]
    if report.text is None:
        return _no_text(report, "section_five")
    content = _content(report, five)
    if content in load_settings().empty:
        return _result(
            report,
            "section_five",
            "",
            "fail",
            f"section {five['heading']!r} is empty ({content!r})",
            evidence,
        )
    return _result(
        report, "section_five", "", "pass", f"{five['heading']!r}: {len(content)} characters", evidence
    )


def _missing(report: Report, check: str, what: str, complete: bool) -> CheckResult:
    """A missing section: a fail in a national-format report that reaches its end, else uncertain."""
    fmt = report.record.get("format")
    if not _is_national(report):
        return _result(report, check, "", "uncertain", f"{what} ({fmt} format: local formats were freer)")
    if not complete:
        return _result(
            report, check, "", "uncertain", f"{what}, but the text may be a fragment (no end seen)"
        )
    return _result(report, check, "", "fail", f"{what} ({fmt} format)")


def _looks_complete(report: Report) -> bool:
    """The text reaches the report's end: a date or page footer after the last section heading."""
    if report.text is None:
        return False
    last = max((s["start"] for s in _sections(report)), default=0)
    if any(start > last for start, _ in locate_boilerplate(report.text)):
        return True
    return _DATE.search(report.folded, max(last, len(report.text) - TAIL_CHARS)) is not None


def _heading_span(report: Report, section: dict[str, Any]) -> Evidence:
    return report.span("heading", section["start"], section["start"] + len(section.get("heading") or ""))


def _section_six(report: Report) -> dict[str, Any] | None:
    words = load_settings().six_headings
    return next((s for s in _sections(report) if _heading_has(s, words)), None)


def _heading_has(section: dict[str, Any], words: Iterable[str]) -> bool:
    heading = fold(section.get("heading") or "")
    return any(word in heading for word in words)


def check_section_six(report: Report) -> CheckResult:
    """Section 六 (其他需要报告的事项) present and not empty."""
    sections = _sections(report)
    six = _section_six(report)
    if not sections:
        return _result(report, "section_six", "", "not_assessable", "no section heading found in the report")
    if six is None:
        return _missing(report, "section_six", "no section 其他需要报告的事项", _looks_complete(report))
    if report.text is None:
        return _no_text(report, "section_six")
    evidence = [_heading_span(report, six)]
    content = _content(report, six)
    if content == "":
        return _result(report, "section_six", "", "fail", f"section {six['heading']!r} is empty", evidence)
    if content in load_settings().empty:
        year = report.record.get("year")
        status = "fail" if year is not None and year >= 2021 else "uncertain"
        return _result(
            report,
            "section_six",
            "",
            status,
            f"section {six['heading']!r} says only {content!r}; from 2021 it should state whether "
            "信息处理费 was charged",
            evidence,
        )
    return _result(
        report, "section_six", "", "pass", f"{six['heading']!r}: {len(content)} characters", evidence
    )


def check_fees(report: Report) -> CheckResult:
    """Fees in the tables vs a statement in section six (or, in old reports, in a section on
    fees) that no fee was charged."""
    settings = load_settings()
    six = _section_six(report)
    places = [s for s in _sections(report) if s is six or _heading_has(s, settings.fee_headings)]
    if not places:
        return _result(report, "fees", "", "not_assessable", "no section 其他需要报告的事项 or on fees")
    if report.text is None:
        return _no_text(report, "fees")
    statement = next((found for s in places if (found := _no_charge_statement(report, s))), None)
    if statement is None:
        return _result(
            report, "fees", "", "not_assessable", "section six does not say that no fee was charged"
        )
    start, end, clause = statement
    evidence = [report.span("no-charge statement", start, end)]
    notices = _positive(report, settings.notice_cells)
    charges = _positive(report, settings.administrative_cells)
    evidence += [report.cell(key) for key in notices + charges]
    if notices:
        values = ", ".join(f"{k} = {_number(report.cells[k])}" for k in notices)
        if settings.no_notice.search(clause):
            return _result(
                report,
                "fees",
                "",
                "fail",
                f"section six says no fee notice was issued, but table 三 reports {values}",
                evidence,
            )
        return _result(
            report,
            "fees",
            "",
            "uncertain",
            f"section six says no fee was charged, table 三 reports {values} (fee notices issued "
            "but unpaid?)",
            evidence,
        )
    scoped = any(word in clause for word in settings.disclosure_scope)
    if charges and not scoped:
        values = ", ".join(f"{k} = {_number(report.cells[k])}" for k in charges)
        return _result(
            report,
            "fees",
            "",
            "uncertain",
            f"section six says no fee was charged without naming 信息处理费, table 二 (八) reports "
            f"{values} (行政事业性收费 are not 信息处理费)",
            evidence,
        )
    note = " (table 二 (八) 行政事业性收费 are administrative charges, not 信息处理费)" if charges else ""
    return _result(
        report, "fees", "", "pass", f"no disclosure fee charged, none in the tables{note}", evidence
    )


def _no_charge_statement(report: Report, section: dict[str, Any]) -> tuple[int, int, str] | None:
    """``(start, end, folded clause)`` of the first clause of ``section`` saying no fee was charged."""
    folded = report.folded
    for m in _SENTENCE.finditer(folded, section["start"], section["end"]):
        clause = _SPACE.sub("", m.group())
        if any(p.search(clause) for p in load_settings().no_charge):
            return m.start(), m.end(), clause
    return None


def _positive(report: Report, keys: Iterable[str]) -> list[str]:
    return [k for k in keys if isinstance(report.cells.get(k), (int, float)) and report.cells[k] > 0]


def check_title_year(report: Report) -> CheckResult:
    """The title's year is the report year, and the overview mostly talks of that year."""
    if report.text is None:
        return _no_text(report, "title_year")
    title = report_title(report.text)
    title_year = _year_in(report.text[title[0] : title[1]]) if title else None
    if title_year is None:
        return _result(report, "title_year", "", "not_assessable", "no year in a title line")
    evidence = [report.span("title", *title)]
    year = report.record.get("year")
    if year != title_year:
        return _result(
            report, "title_year", "", "fail", f"title year {title_year}, report year {year}", evidence
        )
    mentions = _overview_years(report, title[1])
    if not mentions:
        return _result(
            report, "title_year", "", "pass", f"title year {title_year}; no year in the overview", evidence
        )
    same = sum(1 for _, _, y in mentions if y == title_year)
    others = Counter(y for _, _, y in mentions if y != title_year)
    evidence += [report.span("year", s, e) for s, e, y in mentions if y != title_year][:10]
    share = same / len(mentions)
    summary = f"title year {title_year}: {same} of {len(mentions)} overview years" + (
        f"; others {dict(others)}" if others else ""
    )
    if share >= load_settings().title_year_share:
        return _result(report, "title_year", "", "pass", summary, evidence)
    return _result(report, "title_year", "", "fail" if same == 0 else "uncertain", summary, evidence)


def _year_in(text: str) -> int | None:
    for m in _YEAR.finditer(fold(text)):
        year = int(m.group(1).translate(_CN_DIGITS))
        if 2000 <= year <= 2039:
            return year
    return None


def _overview_years(report: Report, after_title: int) -> list[tuple[int, int, int]]:
    """``(start, end, year)`` of every ``N年`` in the overview (outside 《》〔〕), or in the 3,000
    characters after the title when no overview section was found."""
    overview = next((s for s in _sections(report) if s["type"] == "overview"), None)
    start, end = (overview["start"], overview["end"]) if overview else (after_title, after_title + 3000)
    window = _QUOTED.sub(lambda m: " " * len(m.group()), report.folded[start:end])
    found = []
    for m in _YEAR.finditer(window):
        year = int(m.group(1).translate(_CN_DIGITS))
        if 2000 <= year <= 2039:
            found.append((start + m.start(), start + m.end(), year))
    return found


def table_format_of(report: Report) -> str | None:
    """``2019`` / ``2021`` / ``mixed`` from the table keys present, or None without national tables."""
    if report.parsed is not None:
        return report.parsed.format
    seen = {
        name
        for name, markers in load_settings().format_markers.items()
        if any(k == m or k.startswith(m + ".") for k in report.cells for m in markers)
    }
    if not seen:
        return None
    return seen.pop() if len(seen) == 1 else "mixed"


def check_table_format(report: Report) -> CheckResult:
    """The tables follow the national format prescribed for the report year."""
    year, found = report.record.get("year"), table_format_of(report)
    if found is None:
        return _result(report, "table_format", "", "not_assessable", "no national statistical table")
    if year is None:
        return _result(
            report, "table_format", "", "not_assessable", f"{found}-format tables, report year unknown"
        )
    expected = None if year < 2019 else "2019" if year < 2021 else "2021"
    message = f"{found}-format tables in a {year} report"
    if expected is None or found == "mixed":
        return _result(
            report,
            "table_format",
            "",
            "uncertain",
            message + (" (blocks of both formats)" if found == "mixed" else " (before the national formats)"),
        )
    status = "pass" if found == expected else "fail"
    return _result(
        report, "table_format", "", status, message + ("" if status == "pass" else f", expected {expected}")
    )


def per_report_checks(report: Report) -> list[CheckResult]:
    if "error" in report.record:
        return []
    return [
        *check_table_identities(report),
        *check_narrative_counts(report),
        check_section_five(report),
        check_section_six(report),
        check_fees(report),
        check_title_year(report),
        check_table_format(report),
    ]


# ---------------------------------------------------------------- agencies


def normalise_agency(name: str | None) -> str:
    """An agency name for comparison: Simplified (character by character), ASCII punctuation,
    no spaces, brackets or bracketed notes (``武汉经济技术开发区(汉南区)医疗保障局``)."""
    if not name:
        return ""
    name = fold(name)
    for pattern in load_settings().drop:
        name = pattern.sub("", name)
    return name


def loose_agency(name: str) -> str:
    """A looser form for names that differ in a conventional abbreviation only."""
    return name.replace("人民政府", "政府").replace("街道办事处", "街道").replace("委员会", "委")


def region_of(name: str) -> str | None:
    """The region a body stands for: ``重庆市人民政府`` → ``重庆市``; a bare region name
    (``重庆市``, ``渝北区``) → itself; other bodies → None."""
    settings = load_settings()
    for suffix in settings.government:
        if name.endswith(suffix) and len(name) > len(suffix):
            return name[: -len(suffix)]
    if any(name.endswith(level) for level in settings.region_levels) and len(name) >= 2:
        return name
    return None


# ---------------------------------------------------------------- cross-report checks


def _by_agency_year(reports: list[Report]) -> dict[tuple[str, int], Report]:
    index: dict[tuple[str, int], Report] = {}
    for report in reports:
        name, year = normalise_agency(report.record.get("agency")), report.record.get("year")
        if name and year is not None:
            index.setdefault((name, year), report)
    return index


def previous_report(
    report: Report, index: dict[tuple[str, int], Report], loose: dict[tuple[str, int], Report]
) -> tuple[Report, str] | None:
    """The same agency's report of the previous year and how it was matched."""
    name, year = normalise_agency(report.record.get("agency")), report.record.get("year")
    if not name or year is None:
        return None
    if (name, year - 1) in index:
        return index[name, year - 1], "exact-name"
    if (loose_agency(name), year - 1) in loose:
        return loose[loose_agency(name), year - 1], "loose-name"
    return None


def check_carry_over(report: Report, previous: tuple[Report, str] | None) -> CheckResult:
    """This year's ``carried_over`` equals the previous year's ``carried_forward``, per column."""
    if previous is None:
        return _result(report, "carry_over", "", "not_assessable", _no_previous(report))
    prev, method = previous
    pairs = []
    for key, value in report.cells.items():
        if key.startswith("applications.carried_over.") and isinstance(value, (int, float)):
            prev_key = "applications.carried_forward." + key.rpartition(".")[2]
            if isinstance(prev.cells.get(prev_key), (int, float)):
                pairs.append((key, prev_key))
    subject = prev.id
    if not pairs:
        return _result(
            report,
            "carry_over",
            subject,
            "not_assessable",
            f"carried-over / carried-forward cells absent (previous report {prev.id})",
        )
    evidence = []
    differ = []
    for key, prev_key in pairs:
        evidence += [report.cell(key), prev.cell(prev_key, prev.id, method)]
        if abs(report.cells[key] - prev.cells[prev_key]) > 1e-6:
            differ.append(
                f"{key} = {_number(report.cells[key])} but {prev.id} {prev_key} = "
                f"{_number(prev.cells[prev_key])}"
            )
    if differ:
        return _result(report, "carry_over", subject, "fail", "; ".join(differ), evidence)
    return _result(
        report,
        "carry_over",
        subject,
        "pass",
        f"{len(pairs)} column(s) equal to {prev.id} ({method})",
        evidence,
    )


def _no_previous(report: Report) -> str:
    if not report.record.get("agency") or report.record.get("year") is None:
        return "agency or year unknown"
    return f"no report of {report.record['agency']} for {report.record['year'] - 1} in the corpus"


def children_of(reports: list[Report]) -> dict[str, list[tuple[Report, str]]]:
    """Parent report id → its direct subordinate reports of the same year, with the match made.

    A child's parent is the region report whose region is the longest proper prefix of the
    child's name, so ``XX市YY区ZZ局`` belongs to ``XX市YY区人民政府`` when that report exists."""
    by_year: dict[int, list[tuple[Report, str]]] = defaultdict(list)
    for report in reports:
        name, year = normalise_agency(report.record.get("agency")), report.record.get("year")
        if name and year is not None:
            by_year[year].append((report, name))
    children: dict[str, list[tuple[Report, str]]] = {}
    for members in by_year.values():
        regions: dict[str, Report] = {}
        for report, name in sorted(members, key=lambda m: region_of(m[1]) != m[1]):  # bare regions first
            region = region_of(name)
            if region:
                regions.setdefault(region, report)
                children.setdefault(report.id, [])
        for report, name in members:
            parent = _nearest_region(name, regions, report)
            if parent is not None:
                region, parent_report = parent
                method = f"prefix-hierarchy: {name} = {region} + {name[len(region) :]}"
                children[parent_report.id].append((report, method))
    return children


def _nearest_region(name: str, regions: dict[str, Report], report: Report) -> tuple[str, Report] | None:
    """The longest region that is a proper prefix of ``name``, other than the body's own region
    (a government's own report is not a child of its region's summary)."""
    own = region_of(name)
    for size in range(len(name) - 1, 0, -1):
        region = name[:size]
        parent = regions.get(region)
        if parent is not None and parent is not report and region != own:
            return region, parent
    return None


def check_parent_children(report: Report, children: list[tuple[Report, str]]) -> list[CheckResult]:
    """The parent's cells vs the sum of its children's, for every summed cell the parent has."""
    if not children:
        return [
            _result(
                report,
                "parent_children",
                "",
                "not_assessable",
                "no subordinate body's report of the same year in the corpus",
            )
        ]
    results = []
    for key in load_settings().summed_cells:
        parent_value = report.cells.get(key)
        if not isinstance(parent_value, (int, float)):
            continue
        evidence = [report.cell(key)]
        values, missing = [], []
        for child, method in children:
            value = child.cells.get(key)
            evidence.append(child.cell(key, child.id, method))
            if isinstance(value, (int, float)):
                values.append(value)
            else:
                missing.append(child.id)
        total = sum(values)
        said = f"{key}: parent {_number(parent_value)}, sum of {len(values)} children {_number(total)}"
        if missing:
            status, note = "uncertain", f"; cell absent in {', '.join(missing)}"
        elif abs(total - parent_value) <= 1e-6:
            status, note = "pass", ""
        elif total > parent_value:
            status, note = "fail", " (the children exceed their parent's summary)"
        else:
            status, note = "uncertain", " (subordinate reports missing from the corpus?)"
        results.append(_result(report, "parent_children", key, status, said + note, evidence))
    if not results:
        return [
            _result(report, "parent_children", "", "not_assessable", "the parent report has no summed cell")
        ]
    return results


@dataclass
class Sentence:
    start: int
    end: int
    norm: str
    part: int = 0  # index of the narrative section it is in


def narrative_sentences(report: Report) -> list[Sentence]:
    """Sentences of the narrative sections (the whole text when no section was found),
    normalised: folded, no whitespace, every number written ``#``."""
    settings = load_settings()
    folded = report.folded
    sections = _sections(report)
    ranges = [
        (s["start"] + len(s.get("heading") or ""), s["end"])
        for s in sections
        if s["type"] in settings.narrative_types
    ]
    if not sections:
        ranges = [(0, len(folded))]
    sentences = []
    for part, (start, end) in enumerate(ranges):
        for m in _SENTENCE.finditer(folded, start, end):
            norm = _DIGITS.sub("#", _SPACE.sub("", remove_pinyin(m.group())))
            if len(norm) >= settings.min_sentence:
                sentences.append(Sentence(m.start(), m.end(), norm, part))
    return sentences


def check_text_reuse(report: Report, previous: tuple[Report, str] | None, threshold: float) -> CheckResult:
    """Share of the narrative repeated from the same agency's previous-year report.

    Sentences (numbers masked, so a copy with new figures still counts) are matched by
    ``rapidfuzz.fuzz.ratio`` ≥ ``[reuse] sentence_similarity``; the share is the repeated
    characters over all compared characters; ``fail`` above ``threshold``."""
    if previous is None:
        return _result(report, "text_reuse", "", "not_assessable", _no_previous(report))
    prev, method = previous
    if report.text is None or prev.text is None:
        problem = report.text_problem if report.text is None else f"{prev.id}: {prev.text_problem}"
        return _result(report, "text_reuse", prev.id, "not_assessable", f"report text unavailable: {problem}")
    settings = load_settings()
    current, earlier = narrative_sentences(report), narrative_sentences(prev)
    total = sum(len(s.norm) for s in current)
    if total < settings.min_narrative or not earlier:
        return _result(
            report,
            "text_reuse",
            prev.id,
            "not_assessable",
            f"narrative too short to compare ({total} characters)",
        )
    matches = _repeated(current, earlier, settings.sentence_similarity)
    repeated = sum(len(current[i].norm) for i in matches)
    share = repeated / total
    evidence = _passages(report, prev, current, earlier, matches, method)
    message = (
        f"{share:.0%} of the narrative ({repeated} of {total} characters, {len(matches)} sentences) "
        f"repeated from {prev.id} (threshold {threshold:.0%})"
    )
    return _result(report, "text_reuse", prev.id, "fail" if share > threshold else "pass", message, evidence)


def _repeated(
    current: list[Sentence], earlier: list[Sentence], similarity: float
) -> dict[int, tuple[int, float]]:
    """Index of each repeated current sentence → (index of its earlier match, score)."""
    exact = {s.norm: i for i, s in enumerate(earlier)}
    choices = [s.norm for s in earlier]
    matches = {}
    for i, sentence in enumerate(current):
        if sentence.norm in exact:
            matches[i] = (exact[sentence.norm], 100.0)
            continue
        found = process.extractOne(sentence.norm, choices, scorer=fuzz.ratio, score_cutoff=similarity)
        if found is not None:
            matches[i] = (found[2], found[1])
    return matches


def _passages(
    report: Report,
    prev: Report,
    current: list[Sentence],
    earlier: list[Sentence],
    matches: dict[int, tuple[int, float]],
    method: str,
) -> list[Evidence]:
    """Runs of consecutive repeated sentences of one section as text spans, each with its
    earlier source."""
    evidence = []
    run: list[int] = []
    for i in [*sorted(matches), None]:
        if run and (i is None or i != run[-1] + 1 or current[i].part != current[run[-1]].part):
            first, last = current[run[0]], current[run[-1]]
            origin = earlier[matches[run[0]][0]]
            score = min(matches[j][1] for j in run)
            note = (
                f"repeated from {prev.id} [{origin.start}:{origin.end}] ({method}, similarity ≥ {score:.0f})"
            )
            evidence.append(report.span("repeated passage", first.start, last.end, note=note))
            run = []
        if i is not None:
            run.append(i)
    return evidence


def cross_report_checks(reports: list[Report], reuse_threshold: float) -> list[CheckResult]:
    live = [r for r in reports if "error" not in r.record]
    index = _by_agency_year(live)
    loose = {(loose_agency(name), year): r for (name, year), r in index.items()}
    children = children_of(live)
    results = []
    for report in live:
        previous = previous_report(report, index, loose)
        results.append(check_carry_over(report, previous))
        if report.id in children:
            results.extend(check_parent_children(report, children[report.id]))
        results.append(check_text_reuse(report, previous, reuse_threshold))
    return results


# ---------------------------------------------------------------- the audit


def load_reports(
    records: Iterable[dict[str, Any]], texts: dict[str, str] | None = None, base_dir: Path | None = None
) -> list[Report]:
    """``Report``s of extraction records: the text from ``texts`` (by record id) when given, else
    read again from the record's ``source`` (``TextLoader``), else missing with the reason."""
    loader = TextLoader(base_dir)
    reports = []
    for record in records:
        if texts is not None and record.get("id") in texts:
            reports.append(make_report(record, texts[record["id"]]))
        elif "error" in record:
            reports.append(make_report(record, None, "error record"))
        else:
            document, problem = loader.document(record)
            if document is None:
                reports.append(make_report(record, None, problem))
            else:
                reports.append(make_report(record, document.text, grids=document.grids))
    return reports


def audit_reports(
    reports: list[Report], reuse_threshold: float = 0.5, reviews: dict[str, dict[str, str]] | None = None
) -> list[CheckResult]:
    """Every per-report and cross-report check, grouped by report; ``reviews`` (``load_reviews``)
    are attached by check id."""
    grouped: dict[str, list[CheckResult]] = {r.id: per_report_checks(r) for r in reports}
    for result in cross_report_checks(reports, reuse_threshold):
        grouped[result.report_id].append(result)
    results = [result for report in reports for result in grouped.pop(report.id, [])]
    for result in results:
        result.review = (reviews or {}).get(result.check_id)
    return results


def audit_records(
    records: Iterable[dict[str, Any]],
    texts: dict[str, str] | None = None,
    *,
    reuse_threshold: float = 0.5,
    reviews: dict[str, dict[str, str]] | None = None,
    base_dir: Path | None = None,
) -> list[CheckResult]:
    """Every per-report and cross-report check over extraction records (see ``load_reports``
    for where the texts come from)."""
    return audit_reports(load_reports(records, texts, base_dir), reuse_threshold, reviews)


class TextLoader:
    """Reports read again from record sources: a report file (relative names also against
    ``base_dir``), or ``<record file>#<row>`` (every row of a record file is read once)."""

    def __init__(self, base_dir: Path | None = None):
        self.base_dir = base_dir
        self.rows: dict[str, dict[str, Document]] = {}

    def document(self, record: dict[str, Any]) -> tuple[Document | None, str]:
        """The record's report, or None and why it cannot be read."""
        source = str(record.get("source") or "")
        if not source:
            return None, "the record has no source"
        path = self._existing(source)
        if path is not None:
            try:
                return read_path(path), ""
            except ReadError as err:
                return None, str(err)
        file, _, row = source.rpartition("#")
        records_path = self._existing(file) if file and row.isdigit() else None
        if records_path is None:
            return None, f"source {source!r} not found"
        rows = self._rows(records_path)
        document = rows.get(source) or rows.get(f"#{row}")
        return (document, "") if document is not None else (None, f"row {row} not readable in {file}")

    def _existing(self, name: str) -> Path | None:
        for path in (Path(name), (self.base_dir / name) if self.base_dir else None):
            if path is not None and path.is_file():
                return path
        return None

    def _rows(self, path: Path) -> dict[str, Document]:
        key = str(path)
        if key not in self.rows:
            self.rows[key] = {}
            for item in iter_records(path):
                if isinstance(item, Document):
                    self.rows[key][item.source] = item
                    self.rows[key]["#" + item.source.rpartition("#")[2]] = item
        return self.rows[key]


def summarise(results: list[CheckResult]) -> dict[str, dict[str, int]]:
    """Check name → status → count, in the order of the checks."""
    counts = {check: dict.fromkeys(STATUSES, 0) for check in (*PER_REPORT_CHECKS, *CROSS_REPORT_CHECKS)}
    for result in results:
        counts.setdefault(result.check, dict.fromkeys(STATUSES, 0))[result.status] += 1
    return counts


def format_summary(summary: AuditSummary) -> str:
    """The terminal table: one row per check with its pass/fail/uncertain/not_assessable counts."""
    lines = [f"{'check':18} {'pass':>6} {'fail':>6} {'uncertain':>10} {'not_assessable':>15}"]
    for check, counts in summary.counts.items():
        lines.append(
            f"{check:18} {counts['pass']:6d} {counts['fail']:6d} {counts['uncertain']:10d} "
            f"{counts['not_assessable']:15d}"
        )
    lines.append(
        f"{summary.reports} reports ({summary.errors} error records, {summary.unreadable} without text), "
        f"{summary.results} results"
    )
    for label, path in (("results", summary.out), ("html", summary.html), ("reviews", summary.reviews)):
        if path is not None:
            lines.append(f"{label}: {path}")
    return "\n".join(lines)


def audit_command(
    output_jsonl: Path, html_dir: Path | None, out: Path | None, reuse_threshold: float = 0.5
) -> AuditSummary:
    """``xxgk audit OUT.jsonl [--html DIR] [-o audit.jsonl] [--reuse-threshold 0.5]``: audit the
    records of an extraction output, write the results (``out``), the pages (``html_dir``) and
    return the summary; review statuses come from ``reviews_path(output_jsonl, out)``."""
    output_jsonl = Path(output_jsonl)
    out = Path(out) if out is not None else None
    records = list(read_jsonl(output_jsonl))
    reports = load_reports(records, base_dir=output_jsonl.parent)
    reviews_file = reviews_path(output_jsonl, out)
    results = audit_reports(reports, reuse_threshold, load_reviews(reviews_file))
    if out is not None:
        write_results(results, out)
    summary = AuditSummary(
        reports=len(records),
        errors=sum(1 for r in records if "error" in r),
        unreadable=sum(1 for r in reports if r.text is None and "error" not in r.record),
        results=len(results),
        counts=summarise(results),
        out=out,
        reviews=reviews_file,
    )
    if html_dir is not None:
        texts = {r.id: r.text for r in reports if r.text is not None}
        summary.html = write_html(records, results, Path(html_dir), texts)
    return summary


def write_results(results: list[CheckResult], path: Path) -> None:
    """The results as JSON lines (written to a temporary name, then renamed)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    with tmp.open("w", encoding="utf-8") as f:
        for result in results:
            f.write(json.dumps(result.to_json(), ensure_ascii=False) + "\n")
    os.replace(tmp, path)


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


# ---------------------------------------------------------------- reviews


def reviews_path(output_jsonl: Path, out: Path | None = None) -> Path:
    """Where review statuses live: ``audit.reviews.json`` beside ``-o audit.jsonl``, else
    ``OUT.audit.reviews.json`` beside the extraction output."""
    if out is not None:
        return Path(out).with_suffix(".reviews.json")
    return Path(output_jsonl).with_suffix(".audit.reviews.json")


def load_reviews(path: Path) -> dict[str, dict[str, str]]:
    path = Path(path)
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def set_review(path: Path, check_id: str, status: str, note: str = "") -> dict[str, str]:
    """Record a person's verdict on a check result (``confirmed`` / ``dismissed`` + note)."""
    if status not in REVIEW_STATUSES:
        raise ValueError(f"review status must be one of {', '.join(REVIEW_STATUSES)}, not {status!r}")
    path = Path(path)
    reviews = load_reviews(path)
    review = {"status": status, "note": note, "at": datetime.now(UTC).isoformat(timespec="seconds")}
    reviews[check_id] = review
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_text(json.dumps(reviews, ensure_ascii=False, indent=1, sort_keys=True), encoding="utf-8")
    os.replace(tmp, path)
    return review


# ---------------------------------------------------------------- HTML


STYLE = (
    "body{font-family:sans-serif;max-width:1100px;margin:auto}table{border-collapse:collapse}"
    "td,th{border:1px solid #ccc;padding:2px 6px;vertical-align:top}.fail{background:#ffd0d0}"
    ".uncertain{background:#fff0c0}.pass{color:#070}.not_assessable{color:#777}"
    "mark{background:#ffe08a}.ctx{color:#555}"
)
CONTEXT = 40
CELL_CONTEXT = 12


def page_name(report_id: str) -> str:
    from .review import safe_name

    return "audit_" + safe_name(report_id)


def write_html(
    records: list[dict[str, Any]],
    results: list[CheckResult],
    out_dir: Path,
    texts: dict[str, str] | None = None,
) -> Path:
    """A page per report (``audit_<id>.html``) and one for the corpus (``audit.html``)."""
    from .review import write_atomic

    out_dir.mkdir(parents=True, exist_ok=True)
    by_report: dict[str, list[CheckResult]] = defaultdict(list)
    for result in results:
        by_report[result.report_id].append(result)
    for record in records:
        page = report_html(record, by_report.get(record["id"], []), texts)
        write_atomic(out_dir / page_name(record["id"]), page)
    path = out_dir / "audit.html"
    write_atomic(path, corpus_html(records, results))
    return path


def _page(title: str, body: str) -> str:
    return (
        f'<!DOCTYPE html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body><h1>{html.escape(title)}</h1>{body}</body></html>"
    )


def report_html(
    record: dict[str, Any], results: list[CheckResult], texts: dict[str, str] | None = None
) -> str:
    """The audit page of one report: every result, failures first, each with its evidence (in
    context, when ``texts`` holds the text of the report the evidence is in)."""
    order = {"fail": 0, "uncertain": 1, "not_assessable": 2, "pass": 3}
    rows = "".join(
        _result_html(r, record["id"], texts or {}) for r in sorted(results, key=lambda r: order[r.status])
    )
    head = (
        f"<p>agency {html.escape(str(record.get('agency')))}, year {html.escape(str(record.get('year')))}, "
        f"format {html.escape(str(record.get('format')))}, source {html.escape(str(record.get('source')))}</p>"
        '<p><a href="audit.html">corpus summary</a></p>'
    )
    if "error" in record:
        head += f'<p class="fail">{html.escape(str(record["error"]))}</p>'
    table = (
        "<table><tr><th>status</th><th>check</th><th>message</th><th>evidence</th><th>review</th></tr>"
        f"{rows}</table>"
    )
    return _page(f"audit: {record['id']}", head + table)


def _result_html(result: CheckResult, report_id: str, texts: dict[str, str]) -> str:
    review = ""
    if result.review:
        review = (
            f"{html.escape(result.review.get('status', ''))}: {html.escape(result.review.get('note', ''))}"
        )
    evidence = "".join(
        f"<li>{_evidence_html(e, texts.get(e.report_id or report_id))}</li>" for e in result.evidence
    )
    return (
        f'<tr id="{html.escape(result.check_id)}" class="{result.status}"><td>{result.status}</td>'
        f"<td>{html.escape(result.check)}<br><small>{html.escape(result.check_id)}</small></td>"
        f"<td>{html.escape(result.message)}</td><td><ul>{evidence}</ul></td><td>{review}</td></tr>"
    )


def _evidence_html(evidence: Evidence, text: str | None) -> str:
    """One piece of evidence: what it is, where (offsets, other report), and the text in context."""
    where = f" [{evidence.start}:{evidence.end}]" if evidence.start is not None else ""
    if evidence.report_id:
        link = html.escape(page_name(evidence.report_id))
        where += f' in <a href="{link}">{html.escape(evidence.report_id)}</a>'
    note = f" <small>{html.escape(evidence.note)}</small>" if evidence.note else ""
    if evidence.kind == "cell":
        what = f"cell <code>{html.escape(evidence.key)}</code> = {html.escape(str(evidence.value))}"
        context = CELL_CONTEXT
    else:
        what = html.escape(evidence.key)
        context = CONTEXT
    excerpt = "" if evidence.kind == "cell" else html.escape(str(evidence.value or ""))
    if text is not None and evidence.start is not None:
        before = text[max(0, evidence.start - context) : evidence.start]
        after = text[evidence.end : evidence.end + context]
        excerpt = (
            f'<span class="ctx">{html.escape(before)}</span><mark>{html.escape(text[evidence.start : evidence.end])}'
            f'</mark><span class="ctx">{html.escape(after)}</span>'
        )
    return f"{what}{where}{note}: {excerpt}" if excerpt else f"{what}{where}{note}"


def corpus_html(records: list[dict[str, Any]], results: list[CheckResult]) -> str:
    """The corpus page: counts per check and status, then every report with links to its failures."""
    counts = summarise(results)
    head = "".join(f"<th>{s}</th>" for s in STATUSES)
    summary = "".join(
        f"<tr><td>{html.escape(check)}</td>" + "".join(f"<td>{c[s]}</td>" for s in STATUSES) + "</tr>"
        for check, c in counts.items()
    )
    by_report: dict[str, list[CheckResult]] = defaultdict(list)
    for result in results:
        by_report[result.report_id].append(result)
    rows = []
    for record in records:
        page = html.escape(page_name(record["id"]))
        flagged = [r for r in by_report.get(record["id"], []) if r.status in ("fail", "uncertain")]
        links = ", ".join(
            f'<a class="{r.status}" href="{page}#{html.escape(r.check_id)}">{html.escape(r.check)}</a>'
            for r in flagged
        )
        rows.append(
            f'<tr><td><a href="{page}">{html.escape(str(record["id"]))}</a></td>'
            f"<td>{html.escape(str(record.get('agency') or ''))}</td>"
            f"<td>{html.escape(str(record.get('year') or ''))}</td><td>{links}</td></tr>"
        )
    body = (
        f"<h2>Checks</h2><table><tr><th>check</th>{head}</tr>{summary}</table>"
        "<h2>Reports</h2><table><tr><th>id</th><th>agency</th><th>year</th><th>failed / uncertain</th></tr>"
        f"{''.join(rows)}</table>"
    )
    return _page("xxgk audit", body)
