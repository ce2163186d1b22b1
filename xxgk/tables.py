"""Statistical tables 二/三/四 of a report: flattened text or grids → cells in the table-key scheme.

The templates (rows, columns, label aliases, cell order) live in ``templates/tables.toml``. Text is
cut into cells (one cell a line, ``|``-separated cells, or a label followed by space-separated
numbers), cells are grouped into rows by their labels, and each row's numbers are read in template
order only when their count fits the template; otherwise the row is left out with a warning.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from importlib import resources
from itertools import pairwise
from typing import Any, NamedTuple

from .checks import run_checks
from .records import CellEvidence, Grid, TableResult
from .script import PINYIN, fold

TABLES = ("active", "applications", "review_litigation")
_ANCHORS = ("二十条", "信息内容", "申请人情况", "本年新收", "上年结转", "结转下年度", "结果维持")
# The same anchors as written, Simplified, Traditional or mixed, so that text without any table is
# turned away before it is folded.
_RAW_ANCHORS = (
    "二十条",
    "二十條",
    "本年新收",
    "申请人",
    "申請人",
    "结转",
    "結轉",
    "結转",
    "结轉",
    "果维持",
    "果維持",
)
_RAW_ANCHOR = re.compile("|".join(map(re.escape, _RAW_ANCHORS)))  # one scan instead of one per anchor
_CJK = re.compile(r"[\u4e00-\u9fff]")
_SPACE = re.compile(r"\s+")
_DROP = re.compile(r"[\s“”\"'‘’「」『』]+")
_NUMBERING = re.compile(r"^(?:\d+[.、]|[一二三四五六七八九十]+、|—、|\([一二三四五六七八九十]+\))")
_ARABIC_ITEM = re.compile(r"^(\d+)\.")
_ITEM_NUMBER = re.compile(r"\d+\.")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+|—)、")
_HEADING_WORDS = ("情况", "问题", "事项", "措施", "概述")
_PAGE_MARK = re.compile(
    r"^(?:-\s*\d+\s*-|[Pp](?:age)?\.?\s*\d+|第\s*\d+\s*页(?:\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+)$"
)
_RULE_LINE = re.compile(r"^[|:\s]*-{3,}[-|:\s]*$")  # a Markdown table's |---|---| line
_NUMBER = re.compile(
    r"(?P<sign>\+|-{1,2}|增|减)?(?P<num>\d+(?:,\d{3})*(?:\.\d+)?)"
    r"(?P<unit>万元|\(万元\)|\(万\)|万|元|件|条|个|项|次)?"
)
_NULLS = frozenset({"", "-", "--", "—", "——", "/", "无", "无。", "\\", "－"})
_WAN = frozenset({"万元", "(万元)", "(万)", "万"})
_MAX_GLUE = 3  # characters of junk allowed before a label
_MAX_LABEL = 60  # characters of a label pieced together from fragments
_MAX_GROUP_PIECES = 12  # characters of group-label pieces before a 表三 row label on one PDF line
_OUTER_GROUP = "results"  # 三、本年度办理结果, the tall cell around 表三's result rows
_GRID_WINDOW = 200  # characters between a grid cell and the next in the document text


# ---------------------------------------------------------------------------------------------
# Templates


@dataclass(frozen=True)
class Column:
    key: str
    labels: tuple[str, ...]  # in matching form (normalize_label)
    money: bool = False
    signed: bool = False


@dataclass(frozen=True)
class Label:
    """One thing a cell's text can name: a section heading, a caption, a header or a row."""

    table: str
    kind: str  # heading | caption | header | row | group | start
    key: str = ""
    block: str = ""  # 表二 block item (一/五/六/八/九)
    formats: tuple[str, ...] = ()
    leaf: str = ""
    level: str = ""  # a 表三 row's numbering: 一、 (top rows), (一) (results, groups), 1. (sub-items)


@dataclass(eq=False)  # hashed by identity, for the header cache
class Block:
    item: str
    columns: dict[str, list[Column]]
    rows: dict[str, tuple[str, ...]]  # row key → formats it exists in (empty: all)
    header_labels: list[tuple[str, str, str]] = field(init=False)  # (label, format, column), longest first
    format_rows: dict[str, list[str]] = field(init=False)  # format → keys of the rows it has

    def __post_init__(self) -> None:
        labels = [(alias, f, c.key) for f, cols in self.columns.items() for c in cols for alias in c.labels]
        self.header_labels = sorted(labels, key=lambda x: -len(x[0]))
        self.format_rows = {
            f: [key for key, only in self.rows.items() if not only or f in only] for f in self.columns
        }


@dataclass(eq=False)  # hashed by identity, for the label cache
class Templates:
    labels: dict[str, list[tuple[str, list[Label]]]]  # first char → (alias, labels), longest first
    stripped: dict[str, list[tuple[str, list[Label]]]]  # the same without numbering
    headings: list[tuple[str, str]]  # (keyword, table or "")
    blocks: dict[str, Block]
    applications_columns: list[Column]
    extra_columns: list[tuple[Column, str]]  # (column, standard column it precedes)
    groups: dict[str, Label]
    group_forms: dict[str, tuple[str, ...]]  # group key → its labels' matching forms
    group_chars: frozenset[str]  # the characters of those forms
    application_rows: dict[str, tuple[str, ...]]  # row key → formats it exists in (empty: all)
    review_groups: list[str]
    review_columns: list[Column]
    review_start: str
    review_chars: frozenset[str]


def normalize_label(text: str) -> str:
    """Matching form of a label: folded script and width, no pinyin, whitespace or quotes."""
    return _normalize_folded(fold(text))


def _normalize_folded(folded: str) -> str:
    if "(" in folded:
        folded = PINYIN.sub("", folded)
    words, pattern = _vocabulary()
    if pattern.search(folded):
        folded = pattern.sub(lambda m: words[m.group()], folded)
    return _DROP.sub("", folded)


@lru_cache(maxsize=1)
def _vocabulary() -> tuple[dict[str, str], re.Pattern[str]]:
    """Taiwan words of ``[vocabulary]`` in ``tables.toml`` and a pattern that finds them."""
    words = _toml()["vocabulary"]
    return words, re.compile("|".join(map(re.escape, words)))


@lru_cache(maxsize=1)
def _toml() -> dict[str, Any]:
    return tomllib.loads(resources.files("xxgk").joinpath("templates/tables.toml").read_text("utf8"))


def _columns(entries: list[dict[str, Any]]) -> list[Column]:
    return [
        Column(
            e["key"], tuple(map(normalize_label, e["labels"])), e.get("money", False), e.get("signed", False)
        )
        for e in entries
    ]


@lru_cache(maxsize=1)
def load_templates() -> Templates:
    """The table templates of ``templates/tables.toml``, indexed for matching."""
    data = _toml()
    entries: list[tuple[str, Label]] = []
    blocks: dict[str, Block] = {}
    active = data["active"]
    entries += [(alias, Label("active", "header")) for alias in active["header_labels"]]
    for spec in active["blocks"]:
        item = spec["item"]
        columns = {fmt: _columns(cols) for fmt, cols in spec["columns"].items()}
        blocks[item] = Block(item, columns, {r["key"]: tuple(r.get("formats", ())) for r in spec["rows"]})
        entries += [(alias, Label("active", "caption", block=item)) for alias in spec["captions"]]
        for row in spec["rows"]:
            label = Label("active", "row", row["key"], item, tuple(row.get("formats", ())))
            entries += [(alias, label) for alias in row["labels"]]
    apps = data["applications"]
    entries += [(alias, Label("applications", "header")) for alias in apps["header_labels"]]
    groups = {}
    for group in apps["groups"]:
        groups[group["key"]] = Label(
            "applications", "group", group["key"], leaf=group.get("leaf", ""), level=_level(group["labels"][0])
        )
        entries += [(alias, groups[group["key"]]) for alias in group["labels"]]
    for row in apps["rows"]:
        label = Label(
            "applications", "row", row["key"], formats=tuple(row.get("formats", ())), level=_level(row["labels"][0])
        )
        entries += [(alias, label) for alias in row["labels"]]
    group_forms = {g["key"]: tuple(normalize_label(a) for a in g["labels"]) for g in apps["groups"]}
    review = data["review_litigation"]
    headings = [(word, table) for table, words in data["headings"].items() for word in words]
    return Templates(
        labels=_index(entries, strip=False),
        stripped=_index(entries, strip=True),
        headings=[(normalize_label(w), "" if t == "other" else t) for w, t in headings],
        blocks=blocks,
        applications_columns=_columns(apps["columns"]),
        extra_columns=[
            (c, e["before"])
            for c, e in zip(_columns(apps["extra_columns"]), apps["extra_columns"], strict=True)
        ],
        groups=groups,
        group_forms=group_forms,
        group_chars=frozenset("".join(f for forms in group_forms.values() for f in forms)),
        application_rows={r["key"]: tuple(r.get("formats", ())) for r in apps["rows"]},
        review_groups=[g["key"] for g in review["groups"]],
        review_columns=_columns(review["columns"]),
        review_start=normalize_label(review["start_labels"][0]),
        review_chars=frozenset(review["header_chars"]),
    )


def _level(label: str) -> str:
    """The level of a 表三 row by the numbering its label opens with (``二、`` → ``一、``,
    ``(三)`` → ``(一)``, ``4.`` → ``1.``); rows of one level span the same label columns."""
    numbering = _NUMBERING.match(normalize_label(label))
    if not numbering:
        return ""
    return re.sub(r"\d+", "1", re.sub("[一二三四五六七八九十]+", "一", numbering.group()))


def _index(entries: list[tuple[str, Label]], strip: bool) -> dict[str, list[tuple[str, list[Label]]]]:
    merged: dict[str, list[Label]] = {}
    for alias, label in entries:
        form = normalize_label(alias)
        if strip:
            form = _NUMBERING.sub("", form)
            if len(form) < 4:
                continue
        merged.setdefault(form, []).append(label)
        if not strip and (item := _ARABIC_ITEM.match(form)):
            # `3、其他`: sub-items numbered like the items above them (the stripped form is too short)
            merged.setdefault(f"{item.group(1)}、{form[item.end() :]}", []).append(label)
    index: dict[str, list[tuple[str, list[Label]]]] = {}
    for form, labels in sorted(merged.items(), key=lambda item: -len(item[0])):
        index.setdefault(form[0], []).append((form, labels))
    return index


# ---------------------------------------------------------------------------------------------
# Cells


@dataclass(slots=True)
class Cell:
    """One table cell as read: text (label) or value, with offsets into the original text."""

    kind: str  # text | num | null | bad | blank
    raw: str
    start: int | None = None
    end: int | None = None
    value: float | int | None = None
    unit: str | None = None
    sign: str | None = None
    norm: str = ""


def classify(raw: str, start: int | None = None, end: int | None = None, folded: str | None = None) -> Cell:
    """A cell from its text: a number (with sign and unit), an N/A mark, a bad number or a label.
    ``folded`` is ``fold(raw)`` when the caller has it."""
    reading = _reading(fold(raw) if folded is None else folded)
    return Cell(reading.kind, raw, start, end, reading.value, reading.unit, reading.sign, reading.norm)


class _Reading(NamedTuple):
    kind: str
    value: float | int | None = None
    unit: str | None = None
    sign: str | None = None
    norm: str = ""


@lru_cache(maxsize=8192)
def _reading(folded: str) -> _Reading:
    """What a (folded) cell text says; cached, as the same labels and numbers recur in every report."""
    text = _SPACE.sub("", PINYIN.sub("", folded) if "(" in folded else folded).lstrip("?\ufffd")
    if text.isascii() and text.isdigit():
        return _Reading("num", int(text))
    if text in _NULLS:
        return _Reading("null" if text else "blank")
    match = _NUMBER.fullmatch(text)
    if match:
        number = match["num"].replace(",", "")
        value: float | int = float(number) if "." in number else int(number)
        return _Reading("num", value, match["unit"], match["sign"])
    if not _CJK.search(text) and re.search(r"[0-9A-Za-z]", text):
        return _Reading("bad")
    return _Reading("text", norm=_normalize_folded(folded))


def _is_value_word(text: str) -> bool:
    """A space-separated (folded) word that is a cell value, or a broken one, on a PDF row line."""
    if text in _NULLS or _NUMBER.fullmatch(text):
        return True
    return not _CJK.search(text) and bool(re.search(r"\d[A-Za-z]|[A-Za-z]\d|^[A-Za-z]{1,2}$", text))


class _Piece(NamedTuple):
    """A cell of a line, by offsets into the line, and what its text says (the fields of its
    ``_Reading``, flat, as a text's cells are made from them)."""

    start: int
    end: int
    kind: str
    value: float | int | None
    unit: str | None
    sign: str | None
    norm: str


def _piece(start: int, end: int, reading: _Reading) -> _Piece:
    return _Piece(start, end, *reading)


_BLANK = _Reading("blank")


def _split_piece(line: str, start: int, end: int) -> list[_Piece]:
    """Cells of one piece of a (folded) line: a label and/or space-separated values after it."""
    piece = line[start:end].strip()
    if not piece:
        return []
    if not _SPACE.search(piece):
        s = line.index(piece, start)
        return [_piece(s, s + len(piece), _reading(piece))]
    words = [
        (m.start(), m.end()) for m in _WORD.finditer(line, start, end) if m.group() not in ("?", "\ufffd")
    ]
    if not words:
        return []
    first_value = len(words)
    while first_value > 0 and _is_value_word(line[words[first_value - 1][0] : words[first_value - 1][1]]):
        first_value -= 1
    cells = []
    if first_value > 0:
        s, e = words[0][0], words[first_value - 1][1]
        cells.append(_piece(s, e, _reading(line[s:e])))
    cells += [_piece(s, e, _reading(line[s:e])) for s, e in words[first_value:]]
    return cells


_WORD = re.compile(r"\S+")


class _Layout(NamedTuple):
    """The cells of one (folded) line, and what ``text_cells`` asks of them."""

    pieces: tuple[_Piece, ...]
    opens_with_text: bool  # its first cell is a label
    ends_with_number: bool  # its last cell that is not blank is a number
    short: bool  # one cell of at most 30 characters (the usual spacing is counted on these)


@lru_cache(maxsize=8192)
def _line_layout(line: str) -> _Layout | None:
    """The layout of one (folded) line; None for a line that only separates cells. Cached: table
    layouts repeat the same lines (``0 |``, ``规章 |``)."""
    pieces = _line_pieces(line)
    if pieces is None:
        return None
    return _Layout(
        pieces,
        bool(pieces) and pieces[0].kind == "text",
        _ends_with_number(pieces),
        len(pieces) == 1 and pieces[0].end - pieces[0].start <= 30,
    )


def _ends_with_number(pieces: tuple[_Piece, ...]) -> bool:
    """Whether the last cell that is not blank is a number."""
    for piece in reversed(pieces):
        if piece.kind != "blank":
            return piece.kind == "num"
    return False


def _line_pieces(line: str) -> tuple[_Piece, ...] | None:
    """Cells of one (folded) line by offsets into it; None for a line that only separates cells
    (blank or a lone ``|``)."""
    stripped = line.strip()
    if not stripped or stripped == "|":
        return None
    if (
        len(stripped) < 20
        and _PAGE_MARK.match(stripped)
        or stripped[0] in "|:-"
        and _RULE_LINE.match(stripped)
    ):
        return ()
    if "|" not in stripped and not _SPACE.search(stripped):  # one cell
        s = line.index(stripped)
        return (_piece(s, s + len(stripped), _reading(stripped)),)
    # ``|`` separates cells (``||`` is a spanned cell's filler); without it, a tab does, as a
    # table copied from a web page gives (``\t\t`` is an empty cell)
    separator = "|" if "|" in line else "\t"
    if separator not in line:
        return tuple(_split_piece(line, 0, len(line)))
    cells: list[_Piece] = []
    pos = 0
    for piece in line.split(separator):
        piece_end = pos + len(piece)
        if piece.strip():
            cells += _split_piece(line, pos, piece_end)
        elif piece or separator == "\t":
            cells.append(_piece(pos, pos, _BLANK))
        pos = piece_end + 1
    first_text = next((i for i, c in enumerate(cells) if c.kind == "text"), None)
    if first_text:  # blank pieces before a label on its line are spanned label cells
        cells = [c for c in cells[:first_text] if c.kind != "blank"] + cells[first_text:]
    return tuple(cells)


def text_cells(text: str, folded: str | None = None) -> list[Cell]:
    """Cells of a text; runs of separator lines beyond the usual spacing (between cells, or
    between a row's last number and the next label) become blank cells.
    ``folded`` is ``fold(text)`` when the caller has it."""
    folded = fold(text) if folded is None else folded
    lines, usual, row_gap = _text_lines(folded)
    out: list[Cell] = []
    for layout, gap, start in lines:
        if gap > usual:  # blank cells only past the usual spacing (the row gap is never below it)
            expected = row_gap if layout.opens_with_text else usual
            if gap > expected:
                out += _blanks(gap - expected, start, _GAP)
            if expected > usual:  # the row's end: a separator, or its last cells empty
                out += _blanks(min(gap, expected) - usual, start, _ROW_END)
        for a, b, kind, value, unit, sign, norm in layout.pieces:
            a, b = start + a, start + b
            out.append(Cell(kind, text[a:b], a, b, value, unit, sign, norm))
    return out


def _blanks(count: int, at: int, norm: str) -> list[Cell]:
    return [Cell("blank", "", at, at, norm=norm) for _ in range(count)]


def _text_lines(folded: str) -> tuple[list[tuple[_Layout, int, int]], int, int]:
    """The lines of a (folded) text that hold cells, as (layout, separator lines before, start),
    the usual count of separator lines before a short one-cell line, and that between a row's last
    number and the next label: a layout that ends every row with a separator line (``|``) must
    not get a blank cell there. Lines are cut from the folded text (fold keeps every character in
    place, line breaks too)."""
    lines: list[tuple[_Layout, int, int]] = []
    spacing: list[int] = []
    row_gaps: list[int] = []
    gap, pos, ends_with_number = 0, 0, False
    for line in folded.split("\n"):
        layout = _line_layout(line)
        if layout is None:
            gap += 1
        elif layout.pieces:
            lines.append((layout, gap, pos))
            if layout.short:
                spacing.append(gap)
            if ends_with_number and layout.opens_with_text:
                row_gaps.append(gap)
            gap, ends_with_number = 0, layout.ends_with_number
        pos += len(line) + 1
    usual = _commonest(spacing) if spacing else 0
    return lines, usual, max(usual, _commonest(row_gaps)) if row_gaps else usual


def _commonest(counts: list[int]) -> int:
    """The most frequent of ``counts`` (a few distinct values), the first seen among equals."""
    return max(dict.fromkeys(counts), key=counts.count)


_GAP = "\n"  # ``Cell.norm`` of a blank cell made of separator lines (not a blank piece of a line)
_ROW_END = "\n$"  # ``Cell.norm`` of the usual separator lines at a row's end (Reader decides)


def grid_cells(grids: list[Grid], text: str) -> list[Cell]:
    """Cells of grids row by row; a text spanning several columns counts once, so does a number
    spanning the columns of one header cell, or one cell where the grid records its span. Where a
    grid's start in ``text`` is known, each cell is looked for in the text shortly after the one
    before it."""
    out: list[Cell] = []
    for grid in grids:
        cursor = grid.start
        spans: list[tuple[int, int]] = []
        for r, row in enumerate(grid.rows):
            cells = [classify(raw.strip()) if raw.strip() else Cell("blank", "") for raw in row]
            if all(c.kind in ("text", "blank") for c in cells):
                spans = _spans([c.raw for c in cells])
                cells = [
                    c for i, c in enumerate(cells) if c.kind == "blank" or not i or c.raw != cells[i - 1].raw
                ]
            else:
                origins = grid.offsets[r] if r < len(grid.offsets) else []
                cells = _collapse(cells, spans, origins if len(origins) == len(cells) else [])
            for cell in cells:
                if cell.kind != "blank" and cursor is not None:
                    cursor = _locate(cell, text, cursor, grid.end)
            out += cells
    return out


def _locate(cell: Cell, text: str, cursor: int, end: int | None) -> int:
    """Give ``cell`` its offsets when its text follows closely after ``cursor``; the new cursor."""
    limit = cursor + _GRID_WINDOW if end is None else min(end, cursor + _GRID_WINDOW)
    found = text.find(cell.raw, cursor, limit + len(cell.raw))
    if found < 0:
        return cursor  # e.g. a label repeated by a row span: it stands once, earlier, in the text
    cell.start, cell.end = found, found + len(cell.raw)
    return cell.end


def _spans(texts: list[str]) -> list[tuple[int, int]]:
    """Column ranges of a header row where the same text repeats (a spanning header cell)."""
    spans, start = [], 0
    for i in range(1, len(texts) + 1):
        if i == len(texts) or texts[i] != texts[start] or not texts[i]:
            if i - start > 1:
                spans.append((start, i))
            start = i
    return spans


def _collapse(
    cells: list[Cell], spans: list[tuple[int, int]], origins: list[tuple[int, int] | None]
) -> list[Cell]:
    """A data row with repeated label cells and spanned values counted once. Where the grid records
    each position's place in the text (``origins``), a cell spanning several columns counts once,
    so that one merged number across a row is one value, not one for each column."""
    drop = {i for i in range(1, len(origins)) if origins[i] is not None and origins[i] == origins[i - 1]}
    for start, end in spans:
        group = cells[start:end]
        if len(group) == end - start and len({c.raw for c in group}) == 1:
            drop.update(range(start + 1, end))
    for i in range(1, len(cells)):
        if cells[i].kind == "text" and cells[i].raw == cells[i - 1].raw:
            drop.add(i)
    return [c for i, c in enumerate(cells) if i not in drop]


# ---------------------------------------------------------------------------------------------
# Rows


@dataclass(slots=True)
class Row:
    """Cells grouped under one label: its texts (the label and continuations), then its values."""

    labels: list[Label]
    texts: list[Cell]
    values: list[Cell] = field(default_factory=list)
    glued: str = ""  # digits stuck to the label (``规章000``)
    runs_on: bool = False  # the row's numbers run into the next label (``0二、…``)
    filled: bool = False  # a value that is not blank

    @property
    def label_text(self) -> str:
        return "".join(c.norm for c in self.texts)

    def first(self, kind: str) -> Label | None:
        for label in self.labels:
            if label.kind == kind:
                return label
        return None


@lru_cache(maxsize=8192)
def match_labels(norm: str, templates: Templates) -> tuple[list[Label], str, str]:
    """Labels a cell text names (chained labels such as ``三、本年度办理结果(一)予以公开`` give
    the last), the digits glued after the label, and any digits glued before it."""
    heading = _heading(norm, templates)
    if heading:
        return heading, "", ""
    labels, rest = _prefix(norm, templates)
    prefix = ""
    if not labels:
        for skip in range(1, _MAX_GLUE + 1):
            labels, rest = _prefix(norm[skip:], templates)
            if labels:
                prefix = norm[:skip]
                break
    if not labels:
        labels, rest = _after_group_pieces(norm, templates)
    while labels and rest:
        more, more_rest = _prefix(rest, templates)
        if not more:
            break
        labels, rest = more, more_rest
    glued = rest if rest and re.fullmatch(r"[\d.+\-/]+", rest) else ""
    return labels, glued, prefix if re.fullmatch(r"\d+", prefix) else ""


def _prefix(norm: str, templates: Templates) -> tuple[list[Label], str]:
    if not norm:
        return [], ""
    for form, labels in templates.labels.get(norm[0], ()):
        if norm.startswith(form) and _plausible(form, norm[len(form) :], labels):
            return labels, norm[len(form) :]
    stripped = _NUMBERING.sub("", norm)
    for form, labels in templates.stripped.get(stripped[:1], ()):
        if stripped.startswith(form) and _plausible(form, stripped[len(form) :], labels):
            return labels, stripped[len(form) :]
    return [], ""


def _after_group_pieces(norm: str, templates: Templates) -> tuple[list[Label], str]:
    """A 表三 row label after pieces of the group labels around it, as PDF row lines have them: the
    tall `三、本年度办理结果` cell one character a line (`度办`), a group label broken over lines
    (`(四)无` + `法提供` on the next line): `度办(三)不4.保护第三方合法权益`, `(四)无1.本机关不掌握…`.
    The row is taken only when the pieces before it are pieces of its own groups."""
    for cut in range(1, min(len(norm) - 1, _MAX_GROUP_PIECES) + 1):
        if norm[cut - 1] not in templates.group_chars:
            break  # cheap: most lines (narrative) open with something else
        labels, rest = _prefix(norm[cut:], templates)
        is_row = labels and labels[0].table == "applications" and labels[0].kind == "row"
        if is_row and _pieces_of_groups(norm[:cut], labels[0].key, templates):
            return labels, rest
    return [], ""


def _pieces_of_groups(pieces: str, row_key: str, templates: Templates) -> bool:
    """Whether ``pieces`` is a piece of the outer group's label (`度办`) followed by the start of the
    row's own group label (`(三)不`), either one possibly missing."""
    outer = templates.group_forms.get(_OUTER_GROUP, ())
    own = templates.group_forms.get(row_key.partition(".")[0], ()) if "." in row_key else ()
    for split in range(len(pieces) + 1):
        head, tail = pieces[:split], pieces[split:]
        if head and not any(head in form for form in outer):
            continue
        if not tail or any(form.startswith(tail) and form != tail for form in own):
            return True
    return False


def _plausible(form: str, rest: str, labels: list[Label]) -> bool:
    """A short row label (规章, 行政许可) opens a row only when nothing but a note in brackets or
    glued digits follows it, so that narrative lines starting with the same words do not."""
    if not rest or len(form) >= 6 or labels[0].kind != "row":
        return True
    return rest[0] == "(" or bool(re.fullmatch(r"[\d.+\-/]+", rest))


def _heading(norm: str, templates: Templates) -> list[Label]:
    if len(norm) > 40 or not _HEADING.match(norm) or not any(w in norm for w in _HEADING_WORDS):
        return []
    table = next((t for word, t in templates.headings if word in norm), "")
    return [Label(table, "heading")]


def _is_review_start(norm: str, templates: Templates) -> bool:
    return norm.startswith(templates.review_start) and set(norm) <= templates.review_chars


def group_rows(cells: list[Cell], templates: Templates) -> list[Row]:
    """Rows in reading order: a text that names a label opens a row; other texts before the
    row's first value continue its label; values after a label belong to it."""
    rows: list[Row] = []
    current: Row | None = None
    for cell in cells:
        if cell.kind != "text":
            if current is None:
                current = Row([], [])
                rows.append(current)
            current.values.append(cell)
            if cell.kind != "blank":
                current.filled = True
            continue
        labels, glued, prefix = _cell_labels(cell.norm, templates)
        if (
            current is not None
            and not current.filled
            and (not labels or _completes(current, cell, templates))
            and _continues(current, cell, templates)
        ):
            current.values.clear()  # blank cells inside a label that goes on are not cells of the row
            current.texts.append(cell)
            if not current.labels:
                current.labels, current.glued = _row_labels(current.label_text, templates)
            continue
        if prefix and current is not None:
            current.runs_on = True
        current = Row(labels, [cell], [], glued)
        rows.append(current)
    return rows


def _row_labels(norm: str, templates: Templates) -> tuple[list[Label], str]:
    """Labels of a label pieced together from fragments (``行政`` ``复议`` starts 表四)."""
    labels, glued, _ = _cell_labels(norm, templates)
    return labels, glued


@lru_cache(maxsize=8192)
def _cell_labels(norm: str, templates: Templates) -> tuple[list[Label], str, str]:
    """``match_labels`` of a text cell, or 表四's start; cached, as every text cell asks."""
    if _is_review_start(norm, templates):
        return [_REVIEW_START], "", ""
    return match_labels(norm, templates)


_REVIEW_START = Label("review_litigation", "start")


def _completes(row: Row | None, cell: Cell, templates: Templates) -> bool:
    """Whether a text that names a label on its own (``不予公开``) is the end of a short unlabelled
    fragment before it (``(三)``), the two naming a label together."""
    if row is None or row.labels:
        return False
    fragment = row.label_text
    return len(fragment) <= _MAX_GLUE + 3 and bool(match_labels(fragment + cell.norm, templates)[0])


def _continues(row: Row, cell: Cell, templates: Templates) -> bool:
    """Whether a text goes on with the row's label: header cells after 表四's start; pieces of a
    label broken over lines (an unlabelled row only while it is short: ``三、`` ``本`` ``年``…), but
    not a text opening with an item number (``2.没有现成信息需``): that starts the next row."""
    if not row.labels:
        return sum(len(c.norm) for c in row.texts) + len(cell.norm) <= _MAX_LABEL
    if row.first("start"):
        return set(cell.norm) <= templates.review_chars
    return not row.first("heading") and not _NUMBERING.match(cell.norm)


# ---------------------------------------------------------------------------------------------
# Reading rows into cells


@dataclass
class Parsed:
    """Cells read from one source, by dotted key."""

    cells: dict[str, tuple[Any, Cell]] = field(default_factory=dict)
    extra: dict[str, tuple[Any, Cell]] = field(default_factory=dict)
    formats: dict[str, set[str]] = field(default_factory=dict)
    warnings: dict[str, list[str]] = field(default_factory=dict)

    def warn(self, table: str, message: str) -> None:
        self.warnings.setdefault(table, []).append(f"{table}: {message}")

    def tables(self) -> set[str]:
        return {key.split(".", 1)[0] for key in self.cells}

    def count(self, table: str) -> int:
        prefix = table + "."
        return sum(key.startswith(prefix) for key in self.cells)


def fit(
    values: list[Cell], size: int, marks: Callable[[], frozenset[tuple[int, int]]] | None = None
) -> list[Cell] | None:
    """The row's cells in template order when their count fits, else None. Blanks between numbers
    are cells, so ``size`` numbers with a blank among them are one number too many. With fewer
    numbers than cells, the blanks at the row's ends are placed as on the table's full rows of the
    same level (``marks``, asked only then: the blanks before and after their values, the rest of
    a spanned label cell or a row separator), and not at all where those rows differ; without such
    rows, blanks at the ends count only where they are needed to make the count fit, the run of
    ``size`` cells that holds every number taken only where it is the one. A blank made of
    separator lines after the label is never skipped (it is an empty cell of a
    one-cell-per-line table)."""
    filled = [i for i, v in enumerate(values) if v.kind != "blank"]
    if len(filled) == size:
        interior = filled[-1] - filled[0] + 1 > size  # a blank between the first and last number
        return None if interior else values[filled[0] : filled[-1] + 1]
    if not filled:
        return values if len(values) == size else None
    if marks is not None and (found := marks()):
        return _between_marks(values, filled, size, next(iter(found))) if len(found) == 1 else None
    starts = []
    for start in range(filled[0] + 1):
        if start and values[start - 1].norm == _GAP:  # a blank line after the label is a cell
            break
        if filled[-1] < start + size <= len(values):
            starts.append(start)
    return values[starts[0] : starts[0] + size] if len(starts) == 1 else None


def _between_marks(
    values: list[Cell], filled: list[int], size: int, marks: tuple[int, int]
) -> list[Cell] | None:
    """The cells of a row between the blanks that the full rows of its level have before and after
    their values (``marks``: the rest of a spanned label cell, a row separator); None when those
    places hold numbers or what is left is not ``size`` cells (a row that lost a blank cell)."""
    lead, trail = marks
    end = len(values) - trail
    fits = lead <= filled[0] and filled[-1] < end and end - lead == size
    return values[lead:end] if fits else None


def _full_row_marks(rows: list[Row]) -> dict[tuple[str, str, int], frozenset[tuple[int, int]]]:
    """The blanks before and after the values of full rows (numbers only, none blank between
    them), by table, level and count of numbers."""
    found: dict[tuple[str, str, int], set[tuple[int, int]]] = {}
    for row in rows:
        label = _row_label(row) if row.filled else None  # cheap: most rows are narrative
        if label is None:
            continue
        filled = [i for i, v in enumerate(row.values) if v.kind != "blank"]
        if filled[-1] - filled[0] + 1 > len(filled):
            continue
        key = (label.table, label.level, len(filled))
        found.setdefault(key, set()).add((filled[0], len(row.values) - 1 - filled[-1]))
    return {key: frozenset(marks) for key, marks in found.items()}


def _row_label(row: Row) -> Label | None:
    """The label a row's numbers belong to: its template row, else its group."""
    return row.first("row") or row.first("group")


def _item_after_group(label: str, forms: tuple[str, ...]) -> bool:
    """Whether a row's label goes on after its group's label with an item number (`(四)无法提供1.本机关…`)."""
    for form in forms:
        if form in label:
            return bool(_ITEM_NUMBER.match(label.partition(form)[2]))
    return False


def _resolve_row_ends(rows: list[Row]) -> None:
    """The separator lines that end most rows of a one-cell-a-line table are a row's last empty
    cells only where rows with every cell filled, as many cells as that would make, end without
    them (two or more, none with them: a blank 总计 on sub-rows); else they separate rows and are
    dropped."""
    # (row-end blanks stand last in their row: the next row's label follows them)
    ending = [row for row in rows if row.values and row.values[-1].norm == _ROW_END]
    if not ending:  # the usual case: no layout that ends rows with separator lines
        return
    full_ends: dict[int, Counter[bool]] = {}
    for row in rows[:-1]:  # the text's last row has nothing after it to tell
        core = [v for v in row.values if v.norm != _ROW_END]
        if core and all(v.kind != "blank" for v in core):
            full_ends.setdefault(len(core), Counter())[len(core) < len(row.values)] += 1
    for row in ending:
        ends = full_ends.get(len(row.values), Counter())
        cells = ends[False] >= 2 and not ends[True]
        row.values = [
            replace(v, norm=_GAP) if v.norm == _ROW_END else v
            for v in row.values
            if cells or v.norm != _ROW_END
        ]


class Reader:
    """Reads grouped rows into table cells, keeping track of which table and block it is in."""

    def __init__(self, templates: Templates):
        self.t = templates
        self.out = Parsed()
        self.context = ""
        self.header = ""  # header text seen since the last 表二 caption or 表三 start
        self.variants: dict[str, str] = {}
        self.units: dict[str, str | None] = {}
        self.app_columns: list[Column] = []
        self.standard_columns = {c.key for c in templates.applications_columns}
        self.rows_seen: dict[str, set[str]] = {"active": set(), "applications": set()}  # row keys
        self.rows: list[Row] = []

    def read(self, rows: list[Row]) -> Parsed:
        _resolve_row_ends(rows)
        self.rows = rows
        for row, below in pairwise([*rows, None]):
            self.read_row(row, below)
        self.finish_applications()
        self.warn_missing_rows()
        self.warn_labels_only()
        return self.out

    @cached_property
    def marks(self) -> dict[tuple[str, str, int], frozenset[tuple[int, int]]]:
        """``_full_row_marks`` of the rows, worked out when a row first needs them (few do)."""
        return _full_row_marks(self.rows)

    def row_marks(self, row: Row, size: int) -> frozenset[tuple[int, int]]:
        """The blanks that full rows of ``row``'s level have around their ``size`` values."""
        label = _row_label(row)
        return frozenset() if label is None else self.marks.get((label.table, label.level, size), frozenset())

    def warn_labels_only(self) -> None:
        """A table whose row labels came without any number (an image, or values lost) has no
        cells; say so, so that its absence is not silent."""
        for table in ("active", "applications"):
            seen = self.rows_seen[table]
            if len(seen) >= 2 and not self.has_rows(table) and table not in self.out.warnings:
                self.out.warn(table, f"{len(seen)} row labels without numbers (the table may be an image)")

    def warn_missing_rows(self) -> None:
        """Name the template rows a table with cells never showed (truncated or dropped rows)."""
        for table in ("active", "applications"):
            if not self.has_rows(table):
                continue
            missing = [key for key in self.expected_rows(table) if key not in self.rows_seen[table]]
            if missing:
                names = (
                    ", ".join(missing)
                    if len(missing) <= 4
                    else f"{len(missing)} rows, {missing[0]} … {missing[-1]}"
                )
                self.out.warn(table, f"rows not found (truncated or left out): {names}")

    def expected_rows(self, table: str) -> list[str]:
        """Keys of the template rows of 表二 or 表三 in the format(s) the table was read in."""
        if table == "applications":
            formats = self.out.formats.get("applications", set())
            return [
                key
                for key, only in self.t.application_rows.items()
                if not only or (len(formats) == 1 and only[0] in formats)
            ]
        active_formats = set(self.variants.values())
        expected = []
        for block in self.t.blocks.values():
            fmt = self.variants.get(block.item) or (
                next(iter(active_formats)) if len(active_formats) == 1 else ""
            )
            expected += block.format_rows.get(fmt, [])
        return expected

    def read_row(self, row: Row, below: Row | None) -> None:
        label = row.labels[0] if row.labels else None
        if label is None:
            self.read_unlabelled(row)
        elif label.kind == "heading":
            self.enter(label.table)
            if label.table and any(v.kind in ("num", "bad") for v in row.values):  # not 无 for a table
                self.out.warn(label.table, f"numbers right after the heading {_show(row)}; left out")
        elif label.kind == "start":
            self.enter("review_litigation")
            self.read_review(row)
        elif label.table == "active":
            if label.kind != "row":
                self.enter("active")
            if self.context == "active":
                self.read_active(row, label)
        else:
            self.enter("applications")
            self.read_application(row, below)

    def enter(self, table: str) -> None:
        if table != self.context:
            if self.context == "applications":
                self.finish_applications()
            self.context, self.header = table, ""
            if table == "applications":
                self.app_columns = self.applications_columns("")

    def read_unlabelled(self, row: Row) -> None:
        if not self.context:  # outside the tables
            return
        text, has_rows = row.label_text, self.has_rows(self.context)
        if self.context in ("active", "applications") and not has_rows:
            self.header += text
            if self.context == "applications":
                self.app_columns = self.applications_columns(self.header)
        elif self.context in ("active", "applications") and row.values and text:
            self.out.warn(self.context, f"row {_show(row)} is not in the template; its cells are left out")
        elif len(text) > 60 and has_rows:
            self.enter("")

    def has_rows(self, table: str) -> bool:
        """Whether the table has cells (cheap where none of its rows was seen: then it has none)."""
        if not self.rows_seen.get(table, True):
            return False
        prefix = table + "."
        return any(key.startswith(prefix) for key in self.out.cells)

    # 表二 -------------------------------------------------------------------------------------

    def read_active(self, row: Row, label: Label) -> None:
        if label.kind in ("caption", "header"):
            if label.kind == "caption":
                self.header = ""
            self.header += row.label_text
            if row.filled:
                self.out.warn("active", f"numbers after {_show(row)} belong to no row; left out")
            return
        self.rows_seen["active"].add(label.key)
        block = self.t.blocks[label.block]
        variant = self.variant(block, row)
        if variant is None and not row.filled and not row.glued:
            return
        if variant is None:
            self.out.warn("active", f"row {_show(row)}: cannot tell which format's columns the block has")
            return
        self.out.formats.setdefault("active", set()).add(variant)
        self.header = ""
        columns, unit = block.columns[variant], self.units.get(block.item)
        for column, cell in self.row_cells(row, "active", columns):
            self.store(f"active.{label.key}.{column.key}", cell, column, unit)

    def variant(self, block: Block, row: Row) -> str | None:
        """The format whose columns a 表二 block follows: from its header, else from an earlier
        row of the block, else the only format whose column count fits the row."""
        if self.header:
            found = _header_variant(block, self.header)
            if found:
                self.variants[block.item] = found
                self.units[block.item] = _header_unit(self.header)
        if block.item in self.variants:
            return self.variants[block.item]
        key = row.first("row").key
        allowed = [f for f in block.columns if not block.rows[key] or f in block.rows[key]]
        if len(allowed) == 1:
            return allowed[0]
        fitting = [f for f in allowed if fit(row.values, len(block.columns[f])) is not None]
        return fitting[0] if len(fitting) == 1 else None

    # 表三 -------------------------------------------------------------------------------------

    def applications_columns(self, header: str) -> list[Column]:
        columns = list(self.t.applications_columns)
        for extra, before in self.t.extra_columns:
            if any(alias in header for alias in extra.labels):
                columns.insert(next(i for i, c in enumerate(columns) if c.key == before), extra)
        return columns

    def read_application(self, row: Row, below: Row | None) -> None:
        label = row.first("row") or row.first("group") or row.labels[0]
        if label.kind == "header":
            self.header += row.label_text
            self.app_columns = self.applications_columns(self.header)
            return
        self.rows_seen["applications"].add(label.key)
        if not row.values and not row.glued:
            return
        group = row.first("group")
        if group and label.key in (group.key, group.leaf) and self.gave_sub_row_numbers(row, group, below):
            return
        if label.kind == "group":
            prefix = f"{label.key}.subtotal"
        else:
            prefix = label.key
            if not row.first("group"):
                self.out.formats.setdefault("applications", set()).update(label.formats)
        for column, cell in self.row_cells(row, "applications", self.app_columns):
            key = f"applications.{prefix}.{column.key}"
            extra = label.kind == "group" or column.key not in self.standard_columns
            self.store(key, cell, column, None, extra=extra)

    def gave_sub_row_numbers(self, line: Row, group: Label, below: Row | None) -> bool:
        """Whether a group label's line has the numbers of its first sub-row (PDF row lines with the
        numbers on a wrapped label's first line, the sub-row's label below them): the next row has
        no numbers of its own, or the line carries the sub-row's item number (`(六)其他处理 1. 0 0
        0 6 0 0 6`). The numbers go to the sub-row below where it has none; where no sub-row of the
        group below can take them, they are left out with a warning. Otherwise they are a subtotal
        (or the 2019 (六)其他处理 row)."""
        item = _item_after_group(line.label_text, self.t.group_forms[group.key])
        if not line.filled or line.glued and not item:
            return False
        sub_row = below.first("row") if below else None
        if below and not below.filled and not below.glued and sub_row and sub_row.key.startswith(group.key + "."):
            below.values, below.filled, line.values, line.filled = line.values, True, [], False
        elif not item and (below is None or below.filled or below.labels):
            return False
        else:
            self.out.warn("applications", f"numbers of {_show(line)} may be a sub-row's; left out")
        return True

    def finish_applications(self) -> None:
        """A group label with numbers is the group's leaf row only while the group has no sub-rows
        (2019 (六)其他处理); with sub-rows its numbers are a subtotal."""
        if not self.rows_seen["applications"]:  # cheap: no row, so no leaf cells either
            return
        for group in self.t.groups.values():
            if not group.leaf:
                continue
            prefix = f"applications.{group.leaf}."
            leaf_cells = [k for k in self.out.cells if k.startswith(prefix)]
            children = (k for k in self.rows_seen["applications"] if k.startswith(group.key + "."))
            if any(k != group.leaf for k in children):
                for key in leaf_cells:
                    subtotal = f"applications.{group.key}.subtotal.{key[len(prefix) :]}"
                    self.out.extra[subtotal] = self.out.cells.pop(key)
            elif leaf_cells:
                self.out.formats.setdefault("applications", set()).update(self.t.application_rows[group.leaf])

    # 表四 -------------------------------------------------------------------------------------

    def read_review(self, row: Row) -> None:
        size = len(self.t.review_groups) * len(self.t.review_columns)
        if not row.filled:
            self.out.warn("review_litigation", "header without numbers")
            return
        keys = [f"review_litigation.{g}.{c.key}" for g in self.t.review_groups for c in self.t.review_columns]
        columns = [c for _ in self.t.review_groups for c in self.t.review_columns]
        cells = self.fitted(row, "review_litigation", size)
        for key, column, cell in zip(keys, columns, cells, strict=True) if cells else ():
            self.store(key, cell, column, None)

    # Cells ------------------------------------------------------------------------------------

    def row_cells(self, row: Row, table: str, columns: list[Column]) -> list[tuple[Column, Cell]]:
        cells = self.fitted(row, table, len(columns))
        return list(zip(columns, cells, strict=True)) if cells else []

    def fitted(self, row: Row, table: str, size: int) -> list[Cell] | None:
        """The row's value cells in template order, or None (with a warning) when they don't fit."""
        if row.runs_on:
            self.out.warn(table, f"row {_show(row)}: its numbers run into the next label; cells left out")
            return None
        if row.glued:
            if size == 1 and not [v for v in row.values if v.kind != "blank"]:
                self.out.warn(
                    table, f"row {_show(row)}: number {row.glued!r} glued to the label, read as one cell"
                )
                return [_glued_cell(row)]
            self.out.warn(table, f"row {_show(row)}: cells glued together ({row.glued!r}); cells left out")
            return None
        cells = fit(row.values, size, lambda: self.row_marks(row, size))
        if cells is None:
            count = len([v for v in row.values if v.kind != "blank"])
            if count:
                self.out.warn(
                    table, f"row {_show(row)}: {count} values where the template has {size}; cells left out"
                )
            else:
                what = f"{len(row.values)} blank cells" if row.values else "no cells"
                self.out.warn(
                    table, f"row {_show(row)}: {what} where the template has {size}; cells left out"
                )
        return cells

    def store(self, key: str, cell: Cell, column: Column, unit: str | None, extra: bool = False) -> None:
        value = self.value(key, cell, column, unit)
        if value is _BAD:
            return
        target = self.out.extra if extra else self.out.cells
        target[key] = (value, cell)

    def value(self, key: str, cell: Cell, column: Column, unit: str | None) -> Any:
        if cell.kind in ("blank", "null"):
            return None
        if cell.kind == "bad":
            self.warn_cell(key, f"{cell.raw.strip()!r} is not a number; cell left out")
            return _BAD
        value = cell.value
        if cell.sign in ("-", "--", "减"):
            if not column.signed:
                self.warn_cell(key, f"negative {cell.raw.strip()!r} in a count column; cell left out")
                return _BAD
            if cell.sign == "--":
                self.warn_cell(key, f"{cell.raw.strip()!r} read as a negative change")
            value = -value
        if column.money:
            return self.money(key, cell, float(value), cell.unit or unit)
        if cell.unit in _WAN or cell.unit == "元" or isinstance(value, float):
            self.warn_cell(key, f"{cell.raw.strip()!r} is not a count; cell left out")
            return _BAD
        return value

    def money(self, key: str, cell: Cell, value: float, unit: str | None) -> float:
        if unit in _WAN:
            return value
        if unit == "元":
            self.warn_cell(key, f"{cell.raw.strip()!r} given in 元, converted to 万元")
            return value / 10000
        if value:
            self.warn_cell(key, f"{cell.raw.strip()!r} has no unit; kept as written")
        return value

    def warn_cell(self, key: str, message: str) -> None:
        self.out.warn(key.partition(".")[0], f"{key}: {message}")


_BAD = object()


def _glued_cell(row: Row) -> Cell:
    """The number glued to the end of one of the row's label cells, with its own offsets (a label
    broken over lines may go on after it)."""
    for text in reversed(row.texts):
        raw = text.raw.rstrip()
        if text.start is not None and fold(raw).endswith(row.glued):
            end = text.start + len(raw)
            return classify(raw[-len(row.glued) :], end - len(row.glued), end)
    return classify(row.glued)


@lru_cache(maxsize=1024)
def _header_variant(block: Block, header: str) -> str | None:
    """The format whose column labels the header names most (longer labels first, each used once).
    Cached: reports repeat the template's headers."""
    hits: dict[str, set[str]] = {}
    for alias, fmt, column in block.header_labels:
        if alias in header:
            hits.setdefault(fmt, set()).add(column)
            header = header.replace(alias, "\0")
    if not hits:
        return None
    ranked = sorted(hits, key=lambda f: -len(hits[f]))
    if len(ranked) > 1 and len(hits[ranked[0]]) == len(hits[ranked[1]]):
        return None
    return ranked[0]


def _header_unit(header: str) -> str | None:
    if "万元" in header or "(万" in header:
        return "万元"
    return "元" if "元" in header else None


def _show(row: Row) -> str:
    text = "".join(c.raw.strip() for c in row.texts)
    return text if len(text) <= 24 else text[:24] + "…"


# ---------------------------------------------------------------------------------------------
# Public API


def parse_tables(text: str, grids: list[Grid] | None = None) -> TableResult:
    """Tables 二/三/四 of a report, each from ``grids`` or from ``text``, whichever gives it more cells."""
    in_text = _may_hold_table(text)
    if not in_text and not grids:
        return TableResult()  # cheap: most texts hold no table
    templates = load_templates()
    parsed = _read(text_cells(text, fold(text)), templates) if in_text else Parsed()
    if grids:
        from_grids = _read(grid_cells(grids, text), templates)
        for table in from_grids.tables():
            if from_grids.count(table) >= parsed.count(table):
                _replace_table(parsed, from_grids, table)
    return _result(parsed)


def _read(cells: list[Cell], templates: Templates) -> Parsed:
    return Reader(templates).read(group_rows(cells, templates))


def _may_hold_table(text: str) -> bool:
    """Whether a text can hold a table at all: a cheap test before the real work. The anchors as
    written turn most texts away before they are folded."""
    return bool(_RAW_ANCHOR.search(text) or PINYIN.search(text)) and _has_anchor(fold(text))


def _has_anchor(folded: str) -> bool:
    """Whether a (folded) text has one of the anchors, with or without its pinyin glosses."""
    if any(anchor in folded for anchor in _ANCHORS):
        return True
    return bool(PINYIN.search(folded)) and any(a in PINYIN.sub("", folded) for a in _ANCHORS)


def _replace_table(target: Parsed, source: Parsed, table: str) -> None:
    for store in ("cells", "extra"):
        kept = {k: v for k, v in getattr(target, store).items() if not k.startswith(table + ".")}
        kept.update({k: v for k, v in getattr(source, store).items() if k.startswith(table + ".")})
        setattr(target, store, kept)
    target.formats[table] = source.formats.get(table, set())
    target.warnings[table] = source.warnings.get(table, [])


def _result(parsed: Parsed) -> TableResult:
    result = TableResult(tables=_nested(parsed.cells), extra=_nested(parsed.extra))
    for key, (value, cell) in parsed.cells.items():
        raw = cell.raw.strip()
        result.evidence[key] = CellEvidence(raw, cell.start, cell.end)
        if value is None:
            result.tables_raw[key] = raw
    for key, (_, cell) in parsed.extra.items():
        result.evidence[key] = CellEvidence(cell.raw.strip(), cell.start, cell.end)
    if result.tables or result.extra:  # else no format, and no identity to check
        formats = set().union(*parsed.formats.values())
        result.format = "mixed" if len(formats) > 1 else next(iter(formats), None)
        result.checks = run_checks(result.tables, result.extra)
    result.warnings = [w for table in TABLES for w in parsed.warnings.get(table, [])]
    return result


def _nested(cells: dict[str, tuple[Any, Cell]]) -> dict[str, Any]:
    """The cells' values by dotted key as nested dicts; the cells of a row follow each other, so
    their parent is looked up once."""
    tree: dict[str, Any] = {}
    parent, node = (), tree
    for key, (value, _) in cells.items():
        path, last = _key_path(key)
        if path != parent:
            node = tree
            for part in path:
                node = node.setdefault(part, {})
            parent = path
        node[last] = value
    return tree


@lru_cache(maxsize=4096)
def _key_path(key: str) -> tuple[tuple[str, ...], str]:
    """A dotted key's parents and last part; cached, as every report has the template's keys."""
    *path, last = key.split(".")
    return tuple(path), last
