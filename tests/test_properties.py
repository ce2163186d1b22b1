"""Properties that hold on any input: readers, sectioner, table parser, weak labels, records.

Texts are drawn from a mix of report vocabulary (table labels, headings, numbers in every
form the parser reads, page marks, pipes, pinyin, Traditional script) and arbitrary Unicode,
so that the examples reach deep into the parsers instead of stopping at the first anchor test.
"""

from __future__ import annotations

import io
import json
import math
import tempfile
import zipfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from spacy.util import get_words_and_spaces

from xxgk.checks import flatten, run_checks
from xxgk.extraction import analyse_rules, build_record
from xxgk.reading import ReadError, decode_text, document_from_text, html_document, iter_records, read_path
from xxgk.records import Document, Grid, ReadFailure
from xxgk.sectioning import find_sections, locate_boilerplate
from xxgk.tables import parse_tables
from xxgk.tokenizer import split_tokens, words_and_spaces
from xxgk.weak_labels import weak_annotate

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
SEED = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf8")
SEED_TABLES = json.loads((FIXTURES / "seed-chongqing-ipo-2021.expected.json").read_text(encoding="utf8"))[
    "tables"
]
CORPUS_LINES = sorted(
    {
        line
        for path in sorted(FIXTURES.glob("p*.json"))
        for line in json.loads(path.read_text("utf8"))["text"].split("\n")
    }
    | set(SEED.split("\n"))
)
TOKENS = [
    "\n",
    "\n\n",
    " ",
    "  ",
    "\t",
    "\u3000",
    "|",
    " | ",
    "|||",
    "\r\n",
    "\r",
    "0",
    "3",
    "12",
    "1,024",
    "3.5",
    "０",
    "１２",
    "+3",
    "-417",
    "增13",
    "减3",
    "--253",
    "—",
    "-",
    "/",
    "无",
    "",
    "万元",
    "元",
    "- 4 -",
    "P. 8",
    "第3页",
    "zhèng fǔ",
    "xìn xī",
    "Ⅱ",
    "一、",
    "二、",
    "三、",
    "四、",
    "五、",
    "六、",
    "(一)",
    "（二）",
    "1.",
    "第一部分",
    "总体情况",
    "主动公开政府信息情况",
    "收到和处理政府信息公开申请情况",
    "政府信息公开行政复议、行政诉讼情况",
    "四、结转下年度继续办理",
    "存在的主要问题及改进情况",
    "其他需要报告的事项",
    "本年新收政府信息公开申请数量",
    "上年结转政府信息公开申请数量",
    "予以公开",
    "不予公开",
    "属于国家秘密",
    "其他处理",
    "总计",
    "自然人",
    "商业企业",
    "科研机构",
    "社会公益组织",
    "法律服务机构",
    "法人或其他组织小计",
    "行政复议",
    "行政诉讼",
    "维持",
    "纠正",
    "尚未审结",
    "结果",
    "规章",
    "规范性文件",
    "行政规範性檔案",
    "屬于",
    "許可",
    "行政处罚",
    "行政事业性收费",
    "政府集中采购",
    "采购总金额",
    "重庆市",
    "人民政府",
    "办公厅",
    "2021年",
    "二〇二〇年",
    "共",
    "件",
    "条",
    "次",
    "。",
    "，",
    "、",
    "：",
    "ﬁ",
    "İ",
    "ß",
    "\u0301",
    "\ufeff",
    "\x00",
    "\ufffd",
    "\U0001f600",
]
FRAGMENT = st.one_of(
    st.sampled_from(TOKENS),
    st.sampled_from(CORPUS_LINES).map(lambda line: line + "\n"),
    st.text(max_size=6),
)
TABLE_TEXTS = [json.loads(path.read_text("utf8"))["text"] for path in sorted(FIXTURES.glob("p*.json"))] + [
    SEED
]


@st.composite
def edited_tables(draw) -> str:
    """A real table passage with a few random deletions, insertions and replacements."""
    text = draw(st.sampled_from(TABLE_TEXTS))
    for _ in range(draw(st.integers(0, 6))):
        at = draw(st.integers(0, len(text)))
        cut = draw(st.integers(0, 40))
        insert = draw(st.one_of(st.just(""), FRAGMENT))
        text = text[:at] + insert + text[at + cut :]
    return text


REPORT_TEXT = st.one_of(st.lists(FRAGMENT, max_size=60).map("".join), edited_tables())
NUMBER_TYPES = (int, float)


def examples(n: int) -> settings:
    """Hypothesis settings for ``n`` examples, no per-example deadline (the first call loads data)."""
    return settings(max_examples=n, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def check_inside(text: str, start: int | None, end: int | None) -> None:
    assert start is not None and end is not None
    assert 0 <= start <= end <= len(text)


# ---------------------------------------------------------------- readers


@examples(400)
@given(st.binary(max_size=2000))
def test_decoding_arbitrary_bytes_gives_text_or_read_error(data):
    try:
        decoded = decode_text(data, "fuzz.txt")
    except ReadError as err:
        assert "fuzz.txt" in str(err)
        return
    assert isinstance(decoded.text, str) and "\r" not in decoded.text
    assert decoded.encoding


def _docx_bytes() -> bytes:
    import docx

    word = docx.Document()
    word.add_paragraph("重庆市人民政府办公厅2021年政府信息公开工作年度报告")
    table = word.add_table(rows=2, cols=2)
    table.cell(0, 0).text, table.cell(0, 1).text = "规章", "3"
    buffer = io.BytesIO()
    word.save(buffer)
    return buffer.getvalue()


def _pdf_bytes() -> bytes:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("Helvetica", size=11)
    pdf.cell(text="Annual report 2021: 12 applications")
    return bytes(pdf.output())


VALID_FILES = {
    ".docx": _docx_bytes(),
    ".pdf": _pdf_bytes(),
    ".html": "<p>报告</p><table><tr><td>规章</td><td>3</td></tr></table>".encode(),
}


@st.composite
def damaged_files(draw) -> tuple[str, bytes]:
    """A real DOCX/PDF/HTML file truncated, overwritten or spliced at random places, or junk."""
    suffix = draw(st.sampled_from([".txt", ".html", ".docx", ".pdf", ""]))
    data = bytearray(VALID_FILES.get(suffix, b"") or draw(st.binary(max_size=500)))
    for _ in range(draw(st.integers(0, 4))):
        at = draw(st.integers(0, len(data)))
        action = draw(st.sampled_from(["truncate", "overwrite", "insert"]))
        if action == "truncate":
            del data[at:]
        elif action == "overwrite":
            chunk = draw(st.binary(min_size=1, max_size=16))
            data[at : at + len(chunk)] = chunk
        else:
            data[at:at] = draw(st.binary(min_size=1, max_size=16))
    return suffix, bytes(data)


@examples(150)
@given(damaged_files())
def test_reading_damaged_files_gives_a_document_or_read_error(case):
    suffix, data = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"report{suffix}"
        path.write_bytes(data)
        try:
            document = read_path(path)
        except ReadError as err:
            assert str(path) in str(err)
            return
    assert isinstance(document, Document) and document.text.strip()
    check_grids(document.text, document.grids)


def check_grids(text: str, grids: list[Grid]) -> None:
    """Grid offsets, where known, point at the cell's own text."""
    for grid in grids:
        for r, row in enumerate(grid.rows):
            for c, cell in enumerate(row):
                where = grid.offsets[r][c] if grid.offsets else None
                if where is not None:
                    check_inside(text, *where)
                    assert text[where[0] : where[1]] == cell


HTML_TAGS = [
    "<table>",
    "</table>",
    "<tr>",
    "</tr>",
    "<td>",
    "</td>",
    '<td rowspan="3">',
    '<td colspan="0">',
    '<th colspan="999999">',
    "<br>",
    "<p>",
    "</p>",
    "<div>",
    "<script>x()</script>",
    "<!--",
    "-->",
    "<pre>",
    "</pre>",
    '<span style="display:none">',
    "</span>",
    "&nbsp;",
    "&#0;",
    "&amp;",
    "<tbody>",
    "<caption>",
    "<![CDATA[",
    "<?xml ",
    "<meta charset=big5>",
]


@examples(300)
@given(st.lists(st.one_of(st.sampled_from(HTML_TAGS), FRAGMENT), max_size=80).map("".join))
def test_html_of_any_shape_gives_text_and_grids_whose_offsets_hold(html):
    document = html_document(html, id="fuzz", source="fuzz.html")
    check_grids(document.text, document.grids)


RECORD_LINES = st.one_of(
    st.just('{"id": "a", "text": "报告"}'),
    st.just('{"id": null, "text": 3}'),
    st.just("[1, 2]"),
    st.just('"text"'),
    st.just("id,text"),
    st.just('a,"报告\n,b'),
    st.text(max_size=30),
)


@examples(150)
@given(st.sampled_from([".jsonl", ".csv", ".parquet"]), st.lists(RECORD_LINES, max_size=8))
def test_record_files_of_any_content_give_documents_or_failures(suffix, lines):
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"rows{suffix}"
        path.write_text("\n".join(lines), encoding="utf8")
        for item in iter_records(path):
            assert isinstance(item, Document | ReadFailure)
            if isinstance(item, ReadFailure):
                assert str(path) in item.error


# ---------------------------------------------------------------- sectioner


@examples(300)
@given(REPORT_TEXT)
def test_sections_are_ordered_spans_of_the_text_starting_at_their_heading(text):
    sections = find_sections(text)
    previous_end = 0
    for section in sections:
        check_inside(text, section.start, section.end)
        assert section.start >= previous_end
        assert text.startswith(section.heading, section.start)
        assert section.type in {
            "overview",
            "active_disclosure",
            "applications",
            "review_litigation",
            "problems_improvements",
            "other",
        }
        previous_end = section.end
    for start, end in locate_boilerplate(text):
        check_inside(text, start, end)


# ---------------------------------------------------------------- table parser and checks


def check_table_result(text: str, result) -> None:
    cells = flatten(result.tables)
    for key, value in cells.items():
        assert value is None or (isinstance(value, NUMBER_TYPES) and not isinstance(value, bool)), (
            key,
            value,
        )
        assert value is None or math.isfinite(value), (key, value)
        evidence = result.evidence[key]
        if evidence.start is not None:
            check_inside(text, evidence.start, evidence.end)
            assert text[evidence.start : evidence.end] == evidence.raw, key
        if value is None:
            assert key in result.tables_raw
    assert set(result.tables_raw) <= set(cells)
    assert result.format in {None, "2019", "2021", "mixed"}
    check_failures_name_present_cells(result.checks, cells)


def check_failures_name_present_cells(checks, cells: dict) -> None:
    """A failed check names only cells that were parsed, each with its number."""
    for check in checks:
        if not check.ok:
            assert check.cells and all(isinstance(v, NUMBER_TYPES) for v in check.cells.values()), check
            assert all(cells.get(key, value) == value for key, value in check.cells.items()), check


@examples(400)
@given(REPORT_TEXT)
def test_table_values_are_numbers_or_none_with_evidence_inside_the_text(text):
    check_table_result(text, parse_tables(text))


GRID_CELL = st.one_of(st.sampled_from(TOKENS), st.sampled_from(CORPUS_LINES), st.text(max_size=4))


@examples(200)
@given(st.lists(st.lists(GRID_CELL, min_size=1, max_size=10), max_size=25))
def test_grids_of_any_shape_give_numbers_or_none(rows):
    result = parse_tables("", [Grid(rows=rows)])
    for key, value in flatten(result.tables).items():
        assert value is None or isinstance(value, NUMBER_TYPES), (key, value)
        assert result.evidence[key].start is None
    check_failures_name_present_cells(result.checks, flatten(result.tables))


SEED_CELLS = flatten(SEED_TABLES)


def nested(cells: dict) -> dict:
    tree: dict = {}
    for key, value in cells.items():
        *path, last = key.split(".")
        node = tree
        for part in path:
            node = node.setdefault(part, {})
        node[last] = value
    return tree


@examples(300)
@given(st.sets(st.sampled_from(sorted(SEED_CELLS))), st.booleans())
def test_checks_never_fail_on_a_partial_consistent_table(dropped, as_none):
    """Removing cells (or blanking them) from a consistent table never makes a check fail."""
    cells = {k: (None if as_none else v) for k, v in SEED_CELLS.items() if k in dropped}
    cells.update({k: v for k, v in SEED_CELLS.items() if k not in dropped})
    if not as_none:
        cells = {k: v for k, v in cells.items() if k not in dropped}
    assert all(check.ok for check in run_checks(nested(cells))), dropped


@examples(200)
@given(st.sampled_from(sorted(k for k, v in SEED_CELLS.items() if isinstance(v, int))), st.integers(1, 50))
def test_a_changed_cell_fails_only_checks_that_name_it(key, delta):
    cells = dict(SEED_CELLS)
    cells[key] += delta
    for check in run_checks(nested(cells)):
        if not check.ok:
            assert key in check.cells, (key, check.rule)


# ---------------------------------------------------------------- weak labels and records


def check_spans(text: str, spans) -> None:
    for span in spans:
        check_inside(text, span.start, span.end)
        assert span.start < span.end
        assert text[span.start : span.end] == span.text, span


@examples(200)
@given(REPORT_TEXT)
def test_weak_labels_are_spans_of_the_text(text):
    annotation = weak_annotate(text)
    check_spans(text, annotation.entities)
    check_spans(text, annotation.statements)


@examples(300)
@given(st.lists(st.tuples(st.text("政务公开2021", min_size=1, max_size=5), st.booleans()), min_size=1, max_size=12),
       st.sets(st.integers(0, 80), max_size=8))
def test_split_tokens_keeps_the_text_and_cuts_at_every_boundary(pieces, cuts):
    words, spaces = [w for w, _ in pieces], [s for _, s in pieces]
    out_words, out_spaces = split_tokens(words, spaces, cuts)
    text = "".join(w + " " * s for w, s in zip(words, spaces))
    assert "".join(w + " " * s for w, s in zip(out_words, out_spaces)) == text
    starts, offset = set(), 0
    for word, space in zip(out_words, out_spaces):
        assert word
        starts.add(offset)
        offset += len(word) + space
    inner_cuts = {c for c in cuts if any(a < c < a + len(w) for a, w in word_spans(words, spaces))}
    assert inner_cuts <= starts


@examples(300)
@given(st.text("政务 \n\t公开2021", max_size=30), st.lists(st.integers(0, 5), max_size=10))
def test_words_and_spaces_aligns_like_spacy_in_one_pass(text, cuts):
    words = [piece for word in text.split() for piece in cut_word(word, cuts)]
    assert words_and_spaces(words, text) == get_words_and_spaces(words, text)


def cut_word(word, cuts):
    """The word cut at the first of ``cuts`` that falls inside it (a segmenter's choice)."""
    inside = [c for c in cuts if 0 < c < len(word)]
    return [word[: inside[0]], word[inside[0] :]] if inside else [word]


def word_spans(words, spaces):
    offset = 0
    for word, space in zip(words, spaces):
        yield offset, word
        offset += len(word) + space


@examples(150)
@given(REPORT_TEXT)
def test_records_hold_only_offsets_inside_the_text_and_serialise(text):
    document = document_from_text(text, "fuzz", "fuzz.txt")
    record = build_record(document, analyse_rules(document), {"name": "xxgk_rules", "version": "0"})
    assert json.loads(json.dumps(record, ensure_ascii=False)) == record
    for span in record["entities"] + record["statements"]:
        check_inside(text, span["start"], span["end"])
        assert text[span["start"] : span["end"]] == span["text"]
    for section in record["sections"]:
        check_inside(text, section["start"], section["end"])
    for value in flatten(record["tables"]).values():
        assert value is None or isinstance(value, NUMBER_TYPES)
    for check in record["checks"]:
        if not check["ok"]:
            assert all(isinstance(v, NUMBER_TYPES) for v in check["cells"].values())


def test_a_zipped_junk_docx_is_a_read_error(tmp_path):
    """A ZIP that is not a Word package (the commonest damaged DOCX) names the file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "not word")
    path = tmp_path / "junk.docx"
    path.write_bytes(buffer.getvalue())
    try:
        read_path(path)
    except ReadError as err:
        assert str(path) in str(err)
    else:
        raise AssertionError("a ZIP without word/document.xml was read as a report")


CRASHES = Path(__file__).parent / "fixtures" / "hardening" / "fuzz-crashes"
FUZZ_SUFFIXES = (".txt", ".html", ".docx", ".pdf", ".jsonl", ".csv")  # as in tests/fuzz/seeds.py


@pytest.mark.parametrize("crash", sorted(CRASHES.glob("readers-*")), ids=lambda p: p.stem)
def test_inputs_that_once_crashed_the_readers_are_read_or_rejected(crash, tmp_path):
    """Crashes found by ``tests/fuzz/fuzz_readers.py``; the first byte picks the reader."""
    data = crash.read_bytes()
    path = tmp_path / f"input{FUZZ_SUFFIXES[data[0] % len(FUZZ_SUFFIXES)]}"
    path.write_bytes(data[1:])
    try:
        read_path(path)
    except ReadError as err:
        assert str(path) in str(err)
