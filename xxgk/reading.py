"""Readers: every form a report comes in, read into a ``Document``.

Plain text (UTF-8, GB18030/GBK, Big5, UTF-16 with BOM), HTML, DOCX and PDF files become one
``Document`` each; JSONL, CSV and Parquet files and saved Hugging Face datasets become one
``Document`` per row. Tables of HTML, DOCX and PDF sources come back as ``Grid`` objects with
row/column spans resolved. For HTML and DOCX the table text is also written into
``Document.text``, one cell per line in reading order, and ``Grid.start``/``Grid.end``/
``Grid.offsets`` point at it, so the text table parser sees the same cells as the grid parser.

Line endings are normalised to ``\\n`` when a file is decoded; every offset elsewhere in the
project refers to ``Document.text`` as returned here.
"""

from __future__ import annotations

import codecs
import csv
import glob
import json
import os
import re
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from .records import Document, Grid, ReadFailure

REPORT_EXTENSIONS = frozenset({".txt", ".htm", ".html", ".docx", ".pdf"})
RECORD_EXTENSIONS = frozenset({".jsonl", ".csv", ".parquet"})
INPUT_EXTENSIONS = REPORT_EXTENSIONS | RECORD_EXTENSIONS

# Encodings tried for text that is not UTF-8, by family; the first codec that decodes wins.
CJK_ENCODINGS = {"gb18030": ("gb18030",), "big5": ("big5", "cp950", "big5hkscs")}
PLAUSIBLE = 0.9  # share of common characters below which a detected encoding is uncertain
IMPLAUSIBLE = 0.5  # ... and below which the bytes are not taken for text at all
LAYOUT_CELL_CHARS = 300  # a table cell longer than this is page layout, not a statistics cell
MAX_NESTING = sys.getrecursionlimit() // 4  # about where walking nested HTML recursively stops
MAX_PACKAGE_BYTES = 512 * 2**20  # a DOCX unpacking to more than this is refused (zip bomb)
MAX_PACKAGE_RATIO = 200  # ... and so is a large member compressed more than this

_GB_ALIASES = frozenset({"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn"})
_BIG5_ALIASES = frozenset({"big5", "big5-hkscs", "big5hkscs", "x-x-big5", "cp950"})
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_NOT_CONTROL_BYTES = bytes(b for b in range(256) if not (b < 0x09 or 0x0E <= b < 0x20 or b == 0x7F))
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SPACE_RUN = re.compile(r"[ \t\n\r\f\v]+")
_BREAK = "\x00"  # a collapsed source line break in HTML text (NUL never survives decoding)
_CJK_CHARS = "\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef"
_CJK_BREAK = re.compile(f"(?<=[{_CJK_CHARS}]){_BREAK}+(?=[{_CJK_CHARS}])")
_SPACES = re.compile(f"[ {_BREAK}]{{2,}}|{_BREAK}")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)


class ReadError(Exception):
    """A file (or row) that cannot be read as a report; ``str()`` names it and the problem."""

    def __init__(self, path: str | os.PathLike, problem: str):
        super().__init__(str(path), problem)  # both in ``args``, so the error pickles across processes
        self.path = str(path)
        self.problem = problem

    def __str__(self) -> str:
        return f"{self.path}: {self.problem}"


@dataclass
class DecodedText:
    text: str
    encoding: str
    warnings: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- single files


def read_path(path: str | os.PathLike, *, id: str | None = None, max_chars: int | None = None) -> Document:
    """Read one report file (``.txt``, ``.htm(l)``, ``.docx``, ``.pdf``; other names as text).

    Raises ``ReadError`` (naming the file) for anything that cannot be read as a report.
    """
    path = Path(path)
    try:
        return _read_file(path, id, max_chars)
    except OSError as err:
        raise ReadError(path, f"cannot read the file ({err.strerror or err})") from None


def _read_file(path: Path, id: str | None, max_chars: int | None) -> Document:
    if path.is_dir():
        raise ReadError(path, "is a directory, not a file")
    if not path.is_file():
        raise ReadError(path, "no such file")
    kind = _SUFFIX_KINDS.get(path.suffix.lower())
    if kind is None:
        if max_chars is not None and path.stat().st_size > 4 * max_chars + 4:
            raise ReadError(
                path, f"report too long: {path.stat().st_size:,} bytes, over max_chars={max_chars:,}"
            )
        data = path.read_bytes()
        kind = _sniff(path, data[:1024])
        document = _text_document(path, data) if kind == "txt" else _read_kind(kind, path, max_chars)
    else:
        document = _read_kind(kind, path, max_chars)
    document.id = id if id is not None else path.stem
    if not document.text.strip():
        raise ReadError(path, "empty report")
    _check_length(path, document.text, max_chars)
    return document


def document_from_text(text: str, id: str, source: str, *, meta: dict[str, Any] | None = None) -> Document:
    """A ``Document`` for a text given directly (a row, a string); the text is kept as is."""
    return Document(id=id, source=source, text=text, kind="record", meta=dict(meta or {}))


def decode_text(
    data: bytes, source: str | os.PathLike = "<bytes>", *, declared: str | None = None
) -> DecodedText:
    """Decode report bytes: BOM, then strict UTF-8, then a ``declared`` charset (an HTML ``<meta>``)
    if it gives plausible text, then GB18030 vs Big5 detection.

    Raises ``ReadError`` for binary or undecodable content. The chosen encoding is always returned;
    a warning is added whenever the choice was not clear-cut or overrules the declared charset.
    """
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return _checked(source, _strict(source, data, encoding), encoding, [])
    if b"\x00" in data:
        raise ReadError(source, "binary or undecodable content (NUL bytes)")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:
        ignored = declared and _family(declared) != "utf-8" and not text.isascii()
        warnings = [f"declared charset {declared!r} ignored: the content is valid UTF-8"] if ignored else []
        return _checked(source, text, "utf-8", warnings, data)
    warnings = []
    stated = _decode_declared(data, declared) if declared else None
    if stated is not None and _plausibility(stated.text) >= PLAUSIBLE:
        return _checked(source, stated.text, stated.encoding, warnings)
    if declared:
        warnings.append(f"declared charset {declared!r} does not fit the content; detected instead")
    try:
        decoded = _detect_cjk(source, data)
    except ReadError:
        if stated is None:
            raise
        decoded = DecodedText(
            stated.text, stated.encoding, ["no better encoding found than the declared one"]
        )
    return _checked(source, decoded.text, decoded.encoding, warnings + decoded.warnings, data)


def _sniff(path: Path, head: bytes) -> str:
    """The real kind of a file whose name says text (or nothing)."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        raise ReadError(path, "legacy Office (OLE2: .doc/.xls/.wps) file; convert it to DOCX first")
    start = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if start.startswith(b"<") and (b"<html" in start or b"<!doctype html" in start):
        return "html"
    return "txt"


def _check_length(source: str | os.PathLike, text: str, max_chars: int | None) -> None:
    if max_chars is not None and len(text) > max_chars:
        raise ReadError(source, f"report too long: {len(text):,} characters, over max_chars={max_chars:,}")


def _strict(source: str | os.PathLike, data: bytes, encoding: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as err:
        raise ReadError(source, f"binary or undecodable content (invalid {encoding}: {err.reason})") from None


def _checked(
    source: str | os.PathLike, text: str, encoding: str, warnings: list[str], data: bytes | None = None
) -> DecodedText:
    """Reject decoded text that is mostly control or replacement characters; normalise line endings.

    ``data``, the bytes of an ASCII-compatible encoding, lets control characters be counted fast.
    """
    if data is not None:
        controls = len(data.translate(None, _NOT_CONTROL_BYTES))
    else:
        controls = len(_CONTROL.findall(text))
    if controls and controls * 100 > len(text):
        raise ReadError(source, "binary or undecodable content (mostly non-text characters)")
    replaced = text.count("\ufffd")
    if replaced and replaced * 10 > len(text):
        raise ReadError(source, "binary or undecodable content (mostly undecodable characters)")
    if replaced:
        warnings = [*warnings, f"{replaced} character(s) could not be decoded and are U+FFFD"]
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return DecodedText(text, encoding, warnings)


def _decode_declared(data: bytes, declared: str) -> DecodedText | None:
    """Decode with a charset named by the source; GB2312/GBK mean GB18030, as browsers read them."""
    family = _family(declared)
    codecs_ = CJK_ENCODINGS.get(family, (family,))
    for codec in codecs_:
        try:
            return DecodedText(data.decode(codec), codecs.lookup(codec).name)
        except (LookupError, UnicodeDecodeError):
            continue
    return None


@dataclass
class _Candidate:
    encoding: str
    text: str
    score: float
    replaced: int = 0


def _detect_cjk(source: str | os.PathLike, data: bytes) -> DecodedText:
    """Choose between GB18030 and Big5 by the share of common Chinese characters; when that is not
    clear-cut, charset-normalizer breaks the tie and a warning says why the choice is uncertain.
    Undecodable or implausible bytes raise ``ReadError``."""
    candidates = sorted(_cjk_candidates(data), key=lambda c: (-c.score, c.replaced))
    if not candidates:
        raise ReadError(source, "binary or undecodable content (not UTF-8, GB18030 or Big5)")
    if candidates[0].score < IMPLAUSIBLE:
        raise ReadError(source, "binary or undecodable content (no plausible Chinese encoding)")
    close = [c for c in candidates[1:] if c.score > candidates[0].score - 0.15]
    doubts = []
    if close or candidates[0].score < PLAUSIBLE:
        opinion = _charset_normalizer_guess(data)
        tied = [candidates[0], *close]
        chosen = next((c for c in tied if _family(c.encoding) == opinion), candidates[0])
        others = ", ".join(c.encoding for c in tied if c is not chosen)
        if others:
            doubts.append(f"{others} also plausible; charset-normalizer prefers {opinion or 'none'}")
        if chosen.score < PLAUSIBLE:
            doubts.append(f"only {chosen.score:.0%} common characters")
    else:
        chosen = candidates[0]
    warnings = [f"encoding detected as {chosen.encoding}, uncertain: {'; '.join(doubts)}"] if doubts else []
    return DecodedText(chosen.text, chosen.encoding, warnings)


def _cjk_candidates(data: bytes) -> list[_Candidate]:
    """One strict decoding per encoding family; if none is strict, nearly-clean lossy ones."""
    strict = []
    for codecs_ in CJK_ENCODINGS.values():
        for codec in codecs_:
            try:
                text = data.decode(codec)
            except UnicodeDecodeError:
                continue
            strict.append(_Candidate(codec, text, _plausibility(text)))
            break
    if strict:
        return strict
    lossy = []
    for codecs_ in CJK_ENCODINGS.values():
        text = data.decode(codecs_[0], errors="replace")
        replaced = text.count("\ufffd")
        if replaced <= max(2, len(text) // 1000):
            lossy.append(_Candidate(codecs_[0], text, _plausibility(text), replaced))
    return lossy


def _family(encoding: str) -> str:
    """``gb18030`` or ``big5`` for the CJK codecs (and their aliases), else the codec's name."""
    name = encoding.lower().replace("_", "-")
    if name in _GB_ALIASES:
        return "gb18030"
    if name in _BIG5_ALIASES:
        return "big5"
    try:
        return codecs.lookup(name).name
    except LookupError:
        return name


def _charset_normalizer_guess(data: bytes) -> str | None:
    from charset_normalizer import from_bytes

    codecs_ = [c for names in CJK_ENCODINGS.values() for c in names]
    match = from_bytes(data[:65536], cp_isolation=codecs_).best()
    return _family(match.encoding) if match is not None else None


def _plausibility(text: str, sample: int = 20000) -> float:
    """Share of the non-ASCII characters that are common hanzi or CJK punctuation."""
    chars = _NON_ASCII.findall(text[:sample])
    if not chars:
        return 1.0
    common = _common_characters()
    return sum(1 for ch in chars if ch in common) / len(chars)


@lru_cache(maxsize=1)
def _common_characters() -> frozenset[str]:
    """GB2312 hanzi, Big5 level-1 hanzi, pinyin letters (mirror sites gloss with them) and the
    punctuation blocks Chinese text uses."""
    chars: set[str] = set()
    for lead, trails, codec in (
        (range(0xB0, 0xF8), range(0xA1, 0xFF), "gb2312"),
        (range(0xA4, 0xC7), [*range(0x40, 0x7F), *range(0xA1, 0xFF)], "big5"),
    ):
        for hi in lead:
            for lo in trails:
                try:
                    chars.add(bytes((hi, lo)).decode(codec))
                except UnicodeDecodeError:
                    continue
    for block in (range(0x2000, 0x2070), range(0x3000, 0x3040), range(0xFF00, 0xFFF0), range(0x2460, 0x2500)):
        chars.update(map(chr, block))
    chars.update("·×÷°±‰№ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩ\u00a0āáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜêńňǹ")
    return frozenset(chars)


# ---------------------------------------------------------------- plain text


def _text_document(path: Path, data: bytes) -> Document:
    decoded = decode_text(data, path)
    return Document(
        id=path.stem,
        source=str(path),
        text=decoded.text,
        kind="txt",
        encoding=decoded.encoding,
        warnings=decoded.warnings,
    )


# ---------------------------------------------------------------- layout shared by HTML and DOCX


class _Lines:
    """Builds ``Document.text`` line by line, never emitting runs of blank lines; with ``html``,
    white space between inline pieces collapses as a browser shows it."""

    def __init__(self, html: bool = False) -> None:
        self.html = html
        self.lines: list[str] = []
        self.parts: list[str] = []
        self.pos = 0  # offset where the next line starts
        self.grids: list[Grid] = []

    def add(self, text: str) -> None:
        self.parts.append(text)

    def newline(self) -> None:
        if self.parts:
            line = "".join(self.parts)
            if self.html:
                line = _collapse_spaces(line)
            line = line.strip()
            self.parts = []
            if line:
                self.line(line)

    def line(self, text: str) -> tuple[int, int]:
        """Emit ``text`` as a whole line (even an empty one); returns its offsets."""
        start = self.pos
        self.lines.append(text)
        self.pos += len(text) + 1
        return start, start + len(text)

    def text(self) -> str:
        self.newline()
        return "\n".join(self.lines)


def _collapse_spaces(line: str) -> str:
    """Browser white space: a source line break between two CJK characters vanishes (CSS Text
    segment-break rule; Word-exported pages wrap sentences anywhere), other runs become one space."""
    if _BREAK in line:
        line = _CJK_BREAK.sub("", line)
    return _SPACES.sub(" ", line)


@dataclass
class _Cell:
    """A table cell placed on the grid."""

    row: int
    col: int
    text: str
    rowspan: int = 1
    colspan: int = 1


def _emit_grid(out: _Lines, cells: list[_Cell]) -> None:
    """Write the cells one per line (document order) and record the span-resolved grid."""
    out.newline()
    start = out.pos
    offsets = [out.line(cell.text) for cell in cells]
    end = offsets[-1][1] if offsets else start
    n_rows = max((c.row + c.rowspan for c in cells), default=0)
    n_cols = max((c.col + c.colspan for c in cells), default=0)
    rows = [[""] * n_cols for _ in range(n_rows)]
    where: list[list[tuple[int, int] | None]] = [[None] * n_cols for _ in range(n_rows)]
    for cell, offset in zip(cells, offsets, strict=True):
        for r in range(cell.row, cell.row + cell.rowspan):
            for c in range(cell.col, cell.col + cell.colspan):
                rows[r][c] = cell.text
                where[r][c] = offset
    out.grids.append(Grid(rows=rows, start=start, end=end, offsets=where))


def _is_layout(cells: list[_Cell], nested: bool) -> bool:
    """A table used for page layout (nested tables, one column, long cells), not statistics."""
    if nested or not cells:
        return True
    if max(c.col + c.colspan for c in cells) <= 1:
        return True
    return any(len(c.text) > LAYOUT_CELL_CHARS for c in cells)


def _join_cell_lines(lines: Iterable[str]) -> str:
    """One line for a cell's text: wrapped CJK joins directly (``结果``+``纠正``), else with a space."""
    joined = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if joined and not (_CJK.match(joined[-1]) and _CJK.match(line[0])):
            joined += " "
        joined += line
    return joined


# ---------------------------------------------------------------- HTML


_SKIP_TAGS = frozenset(
    [
        "head",
        "script",
        "style",
        "noscript",
        "template",
        "title",
        "svg",
        "canvas",
        "object",
        "embed",
        "iframe",
        "select",
        "datalist",
    ]
)
_BLOCK_TAGS = frozenset(
    [
        "address",
        "article",
        "aside",
        "blockquote",
        "body",
        "caption",
        "center",
        "dd",
        "details",
        "dialog",
        "dir",
        "div",
        "dl",
        "dt",
        "fieldset",
        "figcaption",
        "figure",
        "footer",
        "form",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "header",
        "hgroup",
        "hr",
        "html",
        "legend",
        "li",
        "main",
        "menu",
        "nav",
        "ol",
        "p",
        "pre",
        "section",
        "summary",
        "table",
        "tbody",
        "td",
        "tfoot",
        "th",
        "thead",
        "tr",
        "ul",
    ]
)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)


def _read_html(path: Path) -> Document:
    data = path.read_bytes()
    decoded = decode_text(data, path, declared=_declared_charset(data))
    return html_document(
        decoded.text, id=path.stem, source=str(path), encoding=decoded.encoding, warnings=decoded.warnings
    )


def html_document(
    html: str, *, id: str, source: str, encoding: str | None = None, warnings: list[str] | None = None
) -> Document:
    """Visible text and table grids of an HTML page (broken markup is repaired, never fatal)."""
    import lxml.html
    from lxml import etree

    out = _Lines(html=True)
    if html.strip():
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True, huge_tree=True)
        try:
            root = lxml.html.document_fromstring(html.encode("utf-8", "surrogatepass"), parser=parser)
        except (etree.ParserError, ValueError):
            root = None
        if any(e.type_name == "ERR_RESOURCE_LIMIT" for e in parser.error_log):
            warnings = [
                *(warnings or []),
                "markup nested too deeply: text past the parser's depth limit is lost",
            ]
        if root is not None:
            try:
                _html_walk(root, out, pre=False)
            except RecursionError:
                out = _flat_html_text(root)
                warnings = [
                    *(warnings or []),
                    f"markup nested deeper than {MAX_NESTING} levels: read as plain text",
                ]
    text = out.text()
    return Document(
        id=id,
        source=source,
        text=text,
        kind="html",
        encoding=encoding,
        grids=out.grids,
        warnings=list(warnings or []),
    )


def _flat_html_text(root) -> _Lines:
    """Visible text of a page too deeply nested to walk recursively: one line per block, no grids."""
    from lxml import etree

    out = _Lines(html=True)
    skipped = 0  # depth inside a skipped element
    for event, el in etree.iterwalk(root, events=("start", "end")):
        if not isinstance(el.tag, str):  # a processing instruction: only its tail is text
            if event == "end" and not skipped:
                _html_text(el.tail, out, pre=False)
            continue
        tag = el.tag.lower()
        if tag in _SKIP_TAGS or _hidden(el):
            skipped += 1 if event == "start" else -1
            if event == "end" and not skipped:
                _html_text(el.tail, out, pre=False)
            continue
        if skipped:
            continue
        if tag in _BLOCK_TAGS or tag == "br":
            out.newline()
        _html_text(el.text if event == "start" else el.tail, out, pre=False)
    return out


def _declared_charset(data: bytes) -> str | None:
    head = data[:8192]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _html_walk(el, out: _Lines, pre: bool) -> None:
    tag = el.tag.lower() if isinstance(el.tag, str) else ""
    if tag in _SKIP_TAGS or _hidden(el):
        return
    if tag == "br":
        out.newline()
        return
    if tag == "table":
        _html_table(el, out)
        return
    pre = pre or tag in ("pre", "textarea")
    block = tag in _BLOCK_TAGS
    if block:
        out.newline()
    _html_text(el.text, out, pre)
    for child in el:
        if isinstance(child.tag, str):
            _html_walk(child, out, pre)
        _html_text(child.tail, out, pre)
    if block:
        out.newline()


def _html_text(text: str | None, out: _Lines, pre: bool) -> None:
    if not text:
        return
    if not pre:
        out.add(_SPACE_RUN.sub(_space_or_break, text))
        return
    first, *rest = text.split("\n")
    out.add(first)
    for line in rest:
        out.newline()
        out.add(line)


def _space_or_break(match: re.Match) -> str:
    return _BREAK if "\n" in match.group() else " "


def _hidden(el) -> bool:
    if not isinstance(el.tag, str):
        return False
    return el.get("hidden") is not None or bool(_HIDDEN_STYLE.search(el.get("style") or ""))


def _html_table(table, out: _Lines) -> None:
    nested = any(True for _ in table.iterdescendants("table"))
    cells = [] if nested else _place_html_cells(_html_rows(table))  # cell texts only of a leaf table
    if _is_layout(cells, nested):
        out.newline()
        for child in table:
            if isinstance(child.tag, str):
                _html_walk(child, out, pre=False)
            _html_text(child.tail, out, pre=False)
        out.newline()
        return
    caption = table.find("caption")
    if caption is not None:
        _html_walk(caption, out, pre=False)
    _emit_grid(out, cells)


def _html_rows(table) -> list[list[Any]]:
    """The ``td``/``th`` elements of each row of ``table`` (not of nested tables)."""
    rows = []
    for child in table:
        tag = child.tag.lower() if isinstance(child.tag, str) else ""
        if tag == "tr":
            rows.append(child)
        elif tag in ("thead", "tbody", "tfoot"):
            rows.extend(tr for tr in child if isinstance(tr.tag, str) and tr.tag.lower() == "tr")
    return [[td for td in tr if isinstance(td.tag, str) and td.tag.lower() in ("td", "th")] for tr in rows]


def _place_html_cells(rows: list[list[Any]]) -> list[_Cell]:
    """HTML table model: each cell goes to the next free column; spans clipped to the table."""
    taken: set[tuple[int, int]] = set()
    cells = []
    for r, tds in enumerate(rows):
        c = 0
        for td in tds:
            while (r, c) in taken:
                c += 1
            rowspan = _span(td.get("rowspan"), default_zero=len(rows) - r)
            rowspan = min(rowspan, len(rows) - r)
            colspan = min(_span(td.get("colspan"), default_zero=1), 1000)
            taken.update((r + dr, c + dc) for dr in range(rowspan) for dc in range(colspan))
            cells.append(_Cell(r, c, _html_cell_text(td), rowspan, colspan))
            c += colspan
    return cells


def _span(value: str | None, default_zero: int) -> int:
    match = re.match(r"\s*(\d+)", value or "")
    if not match:
        return 1
    number = int(match.group(1))
    return default_zero if number == 0 else number


def _html_cell_text(td) -> str:
    inner = _Lines(html=True)
    _html_text(td.text, inner, pre=False)
    for child in td:
        if isinstance(child.tag, str):
            _html_walk(child, inner, pre=False)
        _html_text(child.tail, inner, pre=False)
    return _join_cell_lines(inner.text().split("\n"))


# ---------------------------------------------------------------- DOCX


def _read_docx(path: Path) -> Document:
    import docx
    from docx.oxml.ns import qn

    _check_package(path)
    try:
        word = docx.Document(str(path))
    except Exception as err:  # python-docx raises many types for a broken package
        raise ReadError(path, f"not a valid DOCX ({type(err).__name__}: {err})") from None
    out = _Lines()
    names = {qn("w:p"): "p", qn("w:tbl"): "tbl", qn("w:sdt"): "sdt", qn("w:sdtContent"): "sdt"}
    _docx_blocks(word.element.body, out, names)
    return Document(id=path.stem, source=str(path), text=out.text(), kind="docx", grids=out.grids)


def _check_package(path: Path) -> None:
    """Refuse a ZIP package that would unpack to an unreasonable size (a zip bomb), from the sizes
    its directory declares; ``zipfile`` never inflates a member past its declared size."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except Exception as err:  # zipfile raises many types for a damaged directory (even NotImplementedError)
        raise ReadError(path, f"not a valid DOCX (not a readable ZIP package: {err})") from None
    total = sum(m.file_size for m in members)
    if total > MAX_PACKAGE_BYTES:
        raise ReadError(path, f"DOCX would unpack to {total:,} bytes (over {MAX_PACKAGE_BYTES:,}): zip bomb?")
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > 2**20 and ratio > MAX_PACKAGE_RATIO:
            raise ReadError(
                path,
                f"DOCX member {member.filename!r} is compressed {ratio:,.0f}:1 (zip bomb?); not unpacked",
            )


def _docx_blocks(container, out: _Lines, names: dict[str, str]) -> None:
    """Paragraphs and tables of a body (or cell, or content control) in document order."""
    for child in container.iterchildren():
        kind = names.get(child.tag)
        if kind == "p":
            for line in _docx_paragraph_text(child).split("\n"):
                out.add(line)
                out.newline()
        elif kind == "tbl":
            _docx_table(child, out, names)
        elif kind == "sdt":
            _docx_blocks(child, out, names)


def _docx_paragraph_text(p) -> str:
    from docx.text.paragraph import Paragraph

    return Paragraph(p, None).text


def _docx_table(tbl, out: _Lines, names: dict[str, str]) -> None:
    from docx.oxml.ns import qn

    nested = any(True for _ in tbl.iterdescendants(qn("w:tbl")))
    cells = [] if nested else _place_docx_cells(tbl)
    if not _is_layout(cells, nested):
        _emit_grid(out, cells)
        return
    out.newline()
    for tr in tbl.iterchildren(qn("w:tr")):
        for tc in tr.iterchildren(qn("w:tc")):
            _docx_blocks(tc, out, names)


def _place_docx_cells(tbl) -> list[_Cell]:
    """WordprocessingML table model: explicit columns (gridBefore, gridSpan); ``vMerge`` continues
    the cell above, which becomes a rowspan."""
    from docx.oxml.ns import qn

    cells: list[_Cell] = []
    above: dict[int, _Cell] = {}  # grid column → the cell covering it in the previous row
    for r, tr in enumerate(tbl.iterchildren(qn("w:tr"))):
        c = tr.grid_before
        current: dict[int, _Cell] = {}
        for tc in tr.iterchildren(qn("w:tc")):
            span = max(tc.grid_span, 1)
            origin = above.get(c)
            if tc.vMerge == "continue" and origin is not None and origin.col == c:
                origin.rowspan = r - origin.row + 1
                cell = origin
            else:
                text = _join_cell_lines(_docx_paragraph_text(p) for p in tc.iter(qn("w:p")))
                cell = _Cell(r, c, text, 1, span)
                cells.append(cell)
            current.update((col, cell) for col in range(c, c + span))
            c += span
        above = current
    return cells


# ---------------------------------------------------------------- PDF


def _read_pdf(path: Path, max_chars: int | None = None) -> Document:
    try:
        import pdfplumber
    except ImportError:
        raise ReadError(path, "reading PDF needs pdfplumber: pip install 'xxgk[pdf]'") from None
    warnings = []
    if not _has_eof_marker(path):
        warnings.append("no %%EOF marker at the end: the PDF may be truncated")
    pages, grids = [], []
    chars = 0
    try:
        with pdfplumber.open(path) as pdf:
            for number, page in enumerate(_pdf_pages(pdf), 1):
                text = page.extract_text() or ""
                if not text.strip():
                    warnings.append(f"page {number} has no text layer (scanned image?)")
                pages.append(text)
                for table in page.extract_tables():
                    rows = [[_join_cell_lines((cell or "").split("\n")) for cell in row] for row in table]
                    grids.append(Grid(rows=rows))
                page.close()
                chars += len(text) + 1
                if max_chars is not None and chars > max_chars + 1:
                    raise ReadError(
                        path, f"report too long: over max_chars={max_chars:,} characters by page {number}"
                    )
    except ReadError:
        raise
    except Exception as err:  # pdfminer raises many types for a damaged file
        raise ReadError(path, f"truncated or damaged PDF ({type(err).__name__}: {err})") from None
    text = "\n".join(pages)
    if pages and not text.strip():
        raise ReadError(path, "no text layer on any page (scanned PDF? run OCR first)")
    return Document(id=path.stem, source=str(path), text=text, kind="pdf", grids=grids, warnings=warnings)


def _pdf_pages(pdf):
    """The pages of an open ``pdfplumber.PDF`` one at a time (``PDF.pages`` builds them all first)."""
    from pdfminer.pdfpage import PDFPage
    from pdfplumber.page import Page

    doctop = 0
    for number, page in enumerate(PDFPage.create_pages(pdf.doc), 1):
        page = Page(pdf, page, page_number=number, initial_doctop=doctop)
        doctop += page.height
        yield page


def _has_eof_marker(path: Path) -> bool:
    with path.open("rb") as f:
        f.seek(max(path.stat().st_size - 2048, 0))
        return b"%%EOF" in f.read()


def _read_kind(kind: str, path: Path, max_chars: int | None) -> Document:
    return _read_pdf(path, max_chars) if kind == "pdf" else _READERS[kind](path)


_READERS = {"html": _read_html, "docx": _read_docx, "pdf": _read_pdf}
_SUFFIX_KINDS = {
    ".htm": "html",
    ".html": "html",
    ".shtml": "html",
    ".xhtml": "html",
    ".docx": "docx",
    ".pdf": "pdf",
}


# ---------------------------------------------------------------- rows: JSONL, CSV, Parquet, datasets


def iter_records(
    path: str | os.PathLike,
    *,
    text_field: str = "text",
    id_field: str = "id",
    max_chars: int | None = None,
) -> Iterator[Document | ReadFailure]:
    """One ``Document`` per row of a JSONL/CSV/Parquet file or saved dataset, streamed; a bad row
    (or a file that breaks off) gives a ``ReadFailure`` and the reading goes on."""
    path = Path(path)
    fields = _Fields(text_field, id_field, max_chars)
    if is_saved_dataset(path):
        rows = _dataset_rows(path, fields)
    else:
        readers = {".jsonl": _jsonl_rows, ".csv": _csv_rows, ".parquet": _parquet_rows}
        reader = readers.get(path.suffix.lower())
        if reader is None:
            yield ReadFailure(path.stem, str(path), str(ReadError(path, "not a JSONL, CSV or Parquet file")))
            return
        rows = reader(path, fields)
    yield from _guarded(rows, path.stem, path)


def is_saved_dataset(path: str | os.PathLike) -> bool:
    """A directory written by ``Dataset.save_to_disk`` (or ``DatasetDict.save_to_disk``)."""
    path = Path(path)
    if not path.is_dir():
        return False
    return (path / "dataset_dict.json").is_file() or (
        (path / "state.json").is_file() and (path / "dataset_info.json").is_file()
    )


@dataclass
class _Fields:
    text: str
    id: str
    max_chars: int | None


def _row_document(
    record: Any, stem: str, source: str, index: int | str, fields: _Fields, encoding: str | None = None
) -> Document | ReadFailure:
    default_id = f"{stem}:{index}"
    if not isinstance(record, dict):
        return ReadFailure(default_id, source, f"{source}: row is not an object")
    raw_id = record.get(fields.id)
    row_id = default_id if raw_id is None or raw_id == "" else str(raw_id)
    text = record.get(fields.text)
    if not isinstance(text, str):
        found = ", ".join(map(str, record)) or "none"
        return ReadFailure(row_id, source, f"{source}: no text in field {fields.text!r} (fields: {found})")
    if not text.strip():
        return ReadFailure(row_id, source, f"{source}: empty report")
    if fields.max_chars is not None and len(text) > fields.max_chars:
        problem = f"report too long: {len(text):,} characters, over max_chars={fields.max_chars:,}"
        return ReadFailure(row_id, source, f"{source}: {problem}")
    meta = {k: v for k, v in record.items() if k not in (fields.text, fields.id)}
    document = document_from_text(text, row_id, source, meta=meta)
    document.encoding = encoding
    return document


def _jsonl_rows(path: Path, fields: _Fields) -> Iterator[Document | ReadFailure]:
    with path.open("rb") as f:
        for index, raw in enumerate(f):
            if index == 0:
                raw = raw.removeprefix(codecs.BOM_UTF8)
            if not raw.strip():
                continue
            source = f"{path}#{index}"
            try:
                record = json.loads(raw)
            except ValueError as err:
                yield ReadFailure(f"{path.stem}:{index}", source, f"{source}: invalid JSON ({err})")
                continue
            yield _row_document(record, path.stem, source, index, fields, "utf-8")


def _csv_rows(path: Path, fields: _Fields) -> Iterator[Document | ReadFailure]:
    encoding = _csv_encoding(path)
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))
    with path.open(encoding=encoding, newline="") as f:
        reader = csv.DictReader(f)
        if reader.fieldnames is None:
            raise ReadError(path, "empty CSV file")
        if fields.text not in reader.fieldnames:
            raise ReadError(path, f"no column {fields.text!r} (columns: {', '.join(reader.fieldnames)})")
        for index, record in enumerate(reader):
            source = f"{path}#{index}"
            if None in record:
                yield ReadFailure(f"{path.stem}:{index}", source, f"{source}: more cells than header columns")
                continue
            yield _row_document(record, path.stem, source, index, fields, encoding)


def _csv_encoding(path: Path) -> str:
    """UTF-8 (BOM or not) if the head of the file is UTF-8, else the detected GB18030/Big5."""
    with path.open("rb") as f:
        head = f.read(65536)
    if len(head) == 65536:
        head = head[: head.rfind(b"\n") + 1] or head  # ``\n`` is never part of a multi-byte character
    encoding = decode_text(head, path).encoding if head.strip() else "utf-8"
    return "utf-8-sig" if encoding in ("utf-8", "utf-8-sig") else encoding


def _parquet_rows(path: Path, fields: _Fields) -> Iterator[Document | ReadFailure]:
    import pyarrow as pa
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except (pa.ArrowException, OSError) as err:
        raise ReadError(path, f"not a valid Parquet file ({err})") from None
    names = parquet.schema_arrow.names
    if fields.text not in names:
        raise ReadError(path, f"no column {fields.text!r} (columns: {', '.join(names)})")
    index = 0
    for batch in parquet.iter_batches(batch_size=256):
        for record in batch.to_pylist():
            yield _row_document(record, path.stem, f"{path}#{index}", index, fields)
            index += 1


def _dataset_rows(path: Path, fields: _Fields) -> Iterator[Document | ReadFailure]:
    import datasets

    try:
        loaded = datasets.load_from_disk(str(path))
    except Exception as err:  # datasets raises many types for a broken directory
        raise ReadError(path, f"not a readable saved dataset ({type(err).__name__}: {err})") from None
    splits = loaded.items() if isinstance(loaded, datasets.DatasetDict) else [(None, loaded)]
    for split, dataset in splits:
        if fields.text not in dataset.column_names:
            raise ReadError(path, f"no column {fields.text!r} (columns: {', '.join(dataset.column_names)})")
        stem = path.name if split is None else f"{path.name}:{split}"
        prefix = f"{path}#" if split is None else f"{path}#{split}/"
        for index, record in enumerate(dataset):
            yield _row_document(record, stem, f"{prefix}{index}", index, fields)


def _guarded(
    items: Iterator[Document | ReadFailure], id: str, path: Path
) -> Iterator[Document | ReadFailure]:
    """Turn an error that stops a reader into a ``ReadFailure`` for that input."""
    try:
        yield from items
    except ReadError as err:
        yield ReadFailure(id, str(path), str(err))
    except Exception as err:  # a reader bug or an odd file must not stop the whole run
        yield ReadFailure(id, str(path), f"{path}: unexpected error: {type(err).__name__}: {err}")


# ---------------------------------------------------------------- many inputs


@dataclass
class _Target:
    path: Path
    id: str


def iter_inputs(
    inputs: list[str],
    *,
    text_field: str = "text",
    id_field: str = "id",
    max_chars: int | None = None,
) -> Iterator[Document | ReadFailure]:
    """Every report in ``inputs`` (files, directories, globs, record files, saved datasets), in a
    deterministic order; an input that cannot be read yields a ``ReadFailure`` and the run goes on."""
    seen: set[Path] = set()
    for item in inputs:
        for target in _expand(item):
            if isinstance(target, ReadFailure):
                yield target
                continue
            key = target.path.resolve()
            if key in seen:
                continue
            seen.add(key)
            yield from _read_target(target, text_field, id_field, max_chars)


def _read_target(
    target: _Target, text_field: str, id_field: str, max_chars: int | None
) -> Iterator[Document | ReadFailure]:
    path = target.path
    if is_saved_dataset(path) or (path.is_file() and path.suffix.lower() in RECORD_EXTENSIONS):
        yield from iter_records(path, text_field=text_field, id_field=id_field, max_chars=max_chars)
        return
    try:
        yield read_path(path, id=target.id, max_chars=max_chars)
    except ReadError as err:
        yield ReadFailure(target.id, str(path), str(err))
    except Exception as err:  # a reader bug or an odd file must not stop the whole run
        yield ReadFailure(target.id, str(path), f"{path}: unexpected error: {type(err).__name__}: {err}")


def _expand(item: str) -> Iterator[_Target | ReadFailure]:
    path = Path(item)
    if path.exists():
        yield from _expand_path(path)
        return
    if glob.has_magic(item):
        matches = sorted(glob.glob(item, recursive=True))
        if matches:
            for match in matches:
                yield from _expand_path(Path(match))
            return
        yield ReadFailure(item, item, f"{item}: no file matches the pattern")
        return
    yield ReadFailure(path.stem or item, item, f"{item}: no such file or directory")


def _expand_path(path: Path) -> Iterator[_Target]:
    if path.is_dir() and not is_saved_dataset(path):
        yield from _walk(path)
    else:
        yield _Target(path, path.stem)


def _walk(root: Path) -> Iterator[_Target]:
    """Input files and saved datasets under ``root``, sorted by path; ids are file stems, or
    relative paths where stems collide."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root):
        here = Path(folder)
        keep = []
        for name in sorted(dirs):
            if name.startswith("."):
                continue
            if is_saved_dataset(here / name):
                found.append(here / name)
            else:
                keep.append(name)
        dirs[:] = keep
        found.extend(
            here / name
            for name in files
            if Path(name).suffix.lower() in INPUT_EXTENSIONS and not name.startswith((".", "~$"))
        )
    found.sort(key=lambda p: p.relative_to(root).as_posix())
    stems: dict[str, int] = {}
    for path in found:
        stems[path.stem] = stems.get(path.stem, 0) + 1
    for path in found:
        unique = stems[path.stem] == 1
        yield _Target(path, path.stem if unique else path.relative_to(root).with_suffix("").as_posix())


def is_report_path(item: str | Path) -> bool:
    """A ``Path``, or a string naming an existing file (a report text is never taken for one)."""
    if isinstance(item, Path):
        return True
    if "\n" in item or len(item.encode("utf-8")) > 4096:
        return False
    try:
        return Path(item).exists()
    except OSError:  # e.g. a path component longer than the file system allows
        return False
