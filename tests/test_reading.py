"""Reading reports in every form they come in: examples of use of ``xxgk.reading``."""

from __future__ import annotations

import csv
import glob
import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xxgk.reading import ReadError, decode_text, document_from_text, iter_inputs, iter_records, read_path
from xxgk.records import Document, ReadFailure

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
FIXTURES = Path(__file__).parent / "fixtures" / "reading"
CHONGQING = (SAMPLES / "seeds" / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
HUBEI = (SAMPLES / "seeds" / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")
HUBEI_GBK = HUBEI.replace("\xa0", " ").replace("\u2002", " ")  # the two spaces GBK cannot encode
CORPUS = Path("/work/shared/corpus")


def write(path: Path, data: bytes | str) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


# ---------------------------------------------------------------- plain text and encodings


def test_utf8_text_is_read_as_is(tmp_path):
    doc = read_path(write(tmp_path / "hubei.txt", HUBEI))
    assert (doc.id, doc.kind, doc.encoding, doc.warnings) == ("hubei", "txt", "utf-8", [])
    assert doc.text == HUBEI
    assert doc.source == str(tmp_path / "hubei.txt")


def test_utf8_bom_is_dropped(tmp_path):
    doc = read_path(write(tmp_path / "bom.txt", b"\xef\xbb\xbf" + HUBEI.encode("utf-8")))
    assert doc.encoding == "utf-8-sig"
    assert doc.text == HUBEI


def test_gbk_report_is_detected_as_gb18030(tmp_path):
    text = HUBEI_GBK
    doc = read_path(write(tmp_path / "gbk.txt", text.encode("gbk")))
    assert (doc.encoding, doc.warnings) == ("gb18030", [])  # GB18030 is the superset GBK files decode with
    assert doc.text == text


def test_gb18030_only_characters_survive(tmp_path):
    text = HUBEI_GBK + "\n联系人:王䶮(CJK 扩展 A)\n"
    data = text.encode("gb18030")
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    doc = read_path(write(tmp_path / "gb18030.txt", data))
    assert (doc.encoding, doc.text, doc.warnings) == ("gb18030", text, [])


def test_big5_traditional_report(tmp_path):
    text = CHONGQING.replace("\u2002", " ")  # Big5 has no en space
    doc = read_path(write(tmp_path / "big5.txt", text.encode("big5")))
    assert (doc.encoding, doc.warnings) == ("big5", [])
    assert doc.text == text
    assert "重慶市知識產權局" in doc.text


def test_utf16_with_bom(tmp_path):
    doc = read_path(write(tmp_path / "utf16.txt", CHONGQING.encode("utf-16")))
    assert (doc.encoding, doc.text) == ("utf-16", CHONGQING)


def test_windows_line_endings_become_newlines(tmp_path):
    doc = read_path(write(tmp_path / "crlf.txt", "一、总体情况\r\n本年度收到申请1件。\r\n"))
    assert doc.text == "一、总体情况\n本年度收到申请1件。\n"


def test_ambiguous_bytes_are_decoded_with_a_warning():
    # 保护 in GBK is also a valid pair of common Big5 characters: the choice cannot be sure.
    decoded = decode_text("保护".encode("gbk"))
    assert decoded.encoding in ("gb18030", "big5")
    assert len(decoded.warnings) == 1
    assert "uncertain" in decoded.warnings[0]


def test_a_few_broken_bytes_are_replaced_and_reported(tmp_path):
    data = HUBEI_GBK.encode("gbk") + b"\xff"
    doc = read_path(write(tmp_path / "cut.txt", data))
    assert doc.encoding == "gb18030"
    assert doc.text.endswith("\ufffd")
    assert doc.warnings == ["1 character(s) could not be decoded and are U+FFFD"]


@pytest.mark.parametrize(
    "data",
    [bytes(range(256)) * 8, b"\x89PNG\r\n\x1a\n" + bytes(200), b"\x01\x02\x03\x04abc" * 40],
    ids=["all-bytes", "png", "control-characters"],
)
def test_binary_junk_is_refused(tmp_path, data):
    path = write(tmp_path / "junk.txt", data)
    with pytest.raises(ReadError) as err:
        read_path(path)
    assert err.value.problem.startswith("binary or undecodable content")
    assert str(err.value).startswith(f"{path}: binary or undecodable content")


@pytest.mark.parametrize("data", [b"", b" \n\t\r\n\xe3\x80\x80"], ids=["empty", "whitespace"])
def test_empty_report_is_refused(tmp_path, data):
    with pytest.raises(ReadError, match="empty report"):
        read_path(write(tmp_path / "empty.txt", data))


def test_a_directory_is_not_a_report(tmp_path):
    with pytest.raises(ReadError, match="is a directory"):
        read_path(tmp_path)


def test_missing_file(tmp_path):
    with pytest.raises(ReadError, match="no such file"):
        read_path(tmp_path / "absent.txt")


def test_max_chars_names_the_limit(tmp_path):
    path = write(tmp_path / "long.txt", HUBEI)
    with pytest.raises(ReadError, match="max_chars=1,000"):
        read_path(path, max_chars=1000)
    assert read_path(path, max_chars=len(HUBEI)).text == HUBEI


def test_a_pdf_named_txt_is_read_as_pdf(tmp_path):
    pdf = make_pdf(tmp_path / "real.pdf", ["Annual report 2021"])
    doc = read_path(write(tmp_path / "misnamed.txt", pdf.read_bytes()))
    assert doc.kind == "pdf"
    assert "Annual report 2021" in doc.text


def test_a_saved_page_with_a_server_extension_is_read_as_html(tmp_path):
    page = "<!-- saved from url=(0042)http://www.hbipo.gov.cn/ -->\n<html><body><p>一、概述</p></body></html>"
    doc = read_path(write(tmp_path / "content_1649246.aspx", page))
    assert (doc.kind, doc.text) == ("html", "一、概述")


def test_legacy_word_files_are_refused_with_advice(tmp_path):
    with pytest.raises(ReadError, match="convert it to DOCX"):
        read_path(write(tmp_path / "old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)))


def test_document_from_text_keeps_the_text():
    doc = document_from_text("一、总体情况\r\n", "r1", "stdin", meta={"year": 2021})
    assert (doc.id, doc.source, doc.text, doc.kind, doc.meta) == (
        "r1",
        "stdin",
        "一、总体情况\r\n",
        "record",
        {"year": 2021},
    )


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_any_bytes_give_a_document_or_a_read_error(tmp_path_factory, data):
    path = tmp_path_factory.mktemp("fuzz") / "x.txt"
    path.write_bytes(data)
    try:
        doc = read_path(path)
    except ReadError as err:
        assert str(err).startswith(str(path))
    else:
        assert doc.text.strip()


# ---------------------------------------------------------------- HTML

T3_HEADER_HTML = """<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312">
<title>页面标题不算正文</title><style>td {border: 1px}</style><script>var hits = 1;</script></head>
<body>
<div class="crumb">首页 &gt; 政务公开</div>
<h1>某局2021年政府信息公开工作年度报告</h1>
<p>　　一、总体情况</p>
<p>本年度<b>收到</b>申请<span> 1 </span>件。<br>第二行<br><br><br>第三行</p>
<div style="display: none">隐藏的分享按钮</div>
<p>三、收到和处理政府信息公开申请情况</p>
<table border="1">
<tr><td rowspan="3" colspan="3">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td>
<td colspan="7">申请人情况</td></tr>
<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>
<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务<br>机构</td><td>其他</td></tr>
<tr><td colspan="3">一、本年新收政府信息公开申请数量</td>
<td>0</td><td>1</td><td>&nbsp;</td><td>0</td><td>0</td><td>0</td><td>1</td></tr>
</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p>
</body></html>
"""
NOTE = "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)"


def test_html_page_text_and_table_grid(tmp_path):
    doc = read_path(write(tmp_path / "page.html", T3_HEADER_HTML.encode("gb18030")))
    assert (doc.kind, doc.encoding, doc.warnings) == ("html", "gb18030", [])
    lines = doc.text.split("\n")
    assert lines[:7] == [
        "首页 > 政务公开",
        "某局2021年政府信息公开工作年度报告",
        "一、总体情况",
        "本年度收到申请 1 件。",
        "第二行",
        "第三行",
        "三、收到和处理政府信息公开申请情况",
    ]
    assert "页面标题" not in doc.text and "hits" not in doc.text and "隐藏" not in doc.text
    (grid,) = doc.grids
    assert grid.rows == [
        [NOTE] * 3 + ["申请人情况"] * 7,
        [NOTE] * 3 + ["自然人"] + ["法人或其他组织"] * 5 + ["总计"],
        [NOTE] * 3 + ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"],
        ["一、本年新收政府信息公开申请数量"] * 3 + ["0", "1", "", "0", "0", "0", "1"],
    ]
    # The table is also in the text, one cell per line (a blank cell is an empty line).
    assert doc.text[grid.start : grid.end].split("\n") == [
        NOTE, "申请人情况", "自然人", "法人或其他组织", "总计",
        "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
        "一、本年新收政府信息公开申请数量", "0", "1", "", "0", "0", "0", "1",
    ]  # fmt: skip
    assert doc.text[grid.end :].strip() == "四、政府信息公开行政复议、行政诉讼情况"
    for r, row in enumerate(grid.rows):
        for c, cell in enumerate(row):
            start, end = grid.offsets[r][c]
            assert doc.text[start:end] == cell


def test_html_source_line_breaks_vanish_between_chinese_characters(tmp_path):
    # Word-exported pages wrap sentences anywhere in the source; a browser joins CJK text again.
    page = """<html><body><p class=MsoNormal>2016年,湖北省知识产权局认真落实国务院和
    省委省政府关于深化政务公开的决策部署,共公开信息
    1465条。</p><p>Open   Government <b> Information </b>Regulations</p></body></html>"""
    doc = read_path(write(tmp_path / "word-export.htm", page))
    assert doc.text.split("\n") == [
        "2016年,湖北省知识产权局认真落实国务院和省委省政府关于深化政务公开的决策部署,共公开信息 1465条。",
        "Open Government Information Regulations",
    ]


def test_truncated_and_broken_html_does_not_crash(tmp_path):
    broken = "<html><body><p>一、总体情况<table><tr><td rowspan=2>a<td>b<tr><td>c</td><td colspan=x>d</b></i>"
    doc = read_path(write(tmp_path / "broken.html", broken))
    assert doc.text == "一、总体情况\na\nb\nc\nd"
    assert doc.grids[0].rows == [["a", "b", ""], ["a", "c", "d"]]
    cut = read_path(write(tmp_path / "cut.htm", T3_HEADER_HTML[: T3_HEADER_HTML.index("<td>科研机构")]))
    assert cut.grids[0].rows[-1] == [NOTE] * 3 + ["自然人", "商业企业", "", "", "", "", "总计"]


def test_html_with_no_visible_text_is_empty(tmp_path):
    with pytest.raises(ReadError, match="empty report"):
        read_path(
            write(tmp_path / "blank.html", "<html><head><title>标题</title></head><body> </body></html>")
        )


def test_layout_tables_are_text_and_their_data_tables_grids(tmp_path):
    page = """<html><body><table><tr><td>导航</td></tr><tr><td>
    <p>一、总体情况</p><p>正文。</p>
    <table><tr><td>规章</td><td>0</td></tr><tr><td>行政规范性文件</td><td>4</td></tr></table>
    </td></tr></table></body></html>"""
    doc = read_path(write(tmp_path / "layout.html", page))
    assert doc.text.split("\n") == ["导航", "一、总体情况", "正文。", "规章", "0", "行政规范性文件", "4"]
    assert [g.rows for g in doc.grids] == [[["规章", "0"], ["行政规范性文件", "4"]]]


def test_a_page_re_saved_as_utf8_keeps_its_old_charset_declaration(tmp_path):
    page = '<html><head><meta charset="gb2312"></head><body><p>湖北省知识产权局</p></body></html>'
    doc = read_path(write(tmp_path / "resaved.html", page.encode("utf-8")))
    assert (doc.text, doc.encoding) == ("湖北省知识产权局", "utf-8")
    assert doc.warnings == ["declared charset 'gb2312' ignored: the content is valid UTF-8"]


def test_a_wrong_charset_declaration_is_overruled(tmp_path):
    page = '<html><head><meta charset="utf-8"></head><body><p>湖北省知识产权局政府信息公开</p></body></html>'
    doc = read_path(write(tmp_path / "wrong.html", page.encode("gbk")))
    assert (doc.text, doc.encoding) == ("湖北省知识产权局政府信息公开", "gb18030")
    assert "declared charset 'utf-8' does not fit" in doc.warnings[0]


# ---------------------------------------------------------------- DOCX


def make_review_table_docx(path: Path) -> Path:
    import docx

    word = docx.Document()
    word.add_paragraph("某局2021年政府信息公开工作年度报告")
    word.add_paragraph("")
    word.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    table = word.add_table(rows=4, cols=15)
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    for i, head in enumerate(heads):
        table.cell(1, i).merge(table.cell(2, i)).text = head
    table.cell(1, 5).merge(table.cell(1, 9)).text = "未经复议直接起诉"
    table.cell(1, 10).merge(table.cell(1, 14)).text = "复议后起诉"
    for k in range(10):
        table.cell(2, 5 + k).text = heads[k % 5]
    for k in range(15):
        table.cell(3, k).text = str(k)
    word.add_paragraph("五、存在的主要问题及改进情况")
    word.save(path)
    return path


def test_docx_paragraphs_and_merged_cells(tmp_path):
    doc = read_path(make_review_table_docx(tmp_path / "review.docx"))
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    (grid,) = doc.grids
    assert grid.rows == [
        ["行政复议"] * 5 + ["行政诉讼"] * 10,
        heads + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5,
        heads * 3,
        [str(k) for k in range(15)],
    ]
    lines = doc.text.split("\n")
    assert lines[:4] == [
        "某局2021年政府信息公开工作年度报告",
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议",
        "行政诉讼",
    ]
    assert lines[-1] == "五、存在的主要问题及改进情况"
    assert doc.text[grid.start : grid.end].split("\n") == (
        ["行政复议", "行政诉讼", *heads, "未经复议直接起诉", "复议后起诉", *heads, *heads]
        + [str(k) for k in range(15)]
    )
    start, end = grid.offsets[3][14]
    assert doc.text[start:end] == "14"


def test_a_zip_that_is_not_a_docx(tmp_path):
    import zipfile

    with zipfile.ZipFile(tmp_path / "fake.docx", "w") as z:
        z.writestr("hello.txt", "hello")
    with pytest.raises(ReadError, match="not a valid DOCX"):
        read_path(tmp_path / "fake.docx")


# ---------------------------------------------------------------- PDF

CJK_FONTS = sorted(
    glob.glob("/usr/share/fonts/**/*[Nn]oto*CJK*.tt[cf]", recursive=True)
    + glob.glob("/usr/share/fonts/**/wqy*.tt[cf]", recursive=True)
)


def make_pdf(
    path: Path,
    lines: list[str],
    table: list[list[str]] | None = None,
    blank_page: bool = False,
    font: str | None = None,
) -> Path:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    if font:
        pdf.add_font("cjk", fname=font)
        pdf.set_font("cjk", size=11)
    else:
        pdf.set_font("Helvetica", size=11)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if table:
        with pdf.table() as t:
            for row in table:
                cells = t.row()
                for cell in row:
                    cells.cell(cell)
    if blank_page:
        pdf.add_page()
    path.write_bytes(bytes(pdf.output()))
    return path


def test_pdf_text_and_tables(tmp_path):
    table = [
        ["Item", "Issued", "Repealed", "In force"],
        ["Rules", "0", "0", "0"],
        ["Normative docs", "4", "0", "7"],
    ]
    doc = read_path(make_pdf(tmp_path / "report.pdf", ["Report 2021", "Section 2"], table, blank_page=True))
    assert doc.kind == "pdf"
    assert doc.text.startswith("Report 2021\nSection 2\n")
    assert "Normative docs 4 0 7" in doc.text
    assert [g.rows for g in doc.grids] == [table]
    assert doc.warnings == ["page 2 has no text layer (scanned image?)"]


@pytest.mark.parametrize("keep", [0.3, 0.8, 0.97])
def test_truncated_pdf_is_refused(tmp_path, keep):
    data = make_pdf(tmp_path / "whole.pdf", ["Report 2021"]).read_bytes()
    path = write(tmp_path / "cut.pdf", data[: int(len(data) * keep)])
    with pytest.raises(ReadError, match="truncated or damaged PDF"):
        read_path(path)


@pytest.mark.skipif(
    not CJK_FONTS, reason="no CJK font installed (Debian: fonts-noto-cjk or fonts-wqy-microhei)"
)
def test_chinese_pdf(tmp_path):
    doc = read_path(
        make_pdf(tmp_path / "zh.pdf", ["湖北省知识产权局2016年政府信息公开工作年度报告"], font=CJK_FONTS[0])
    )
    assert "湖北省知识产权局" in doc.text


def print_as_pdf(document: Document, path: Path, font: str) -> Path:
    """The document as a PDF the way word processors export reports: its lines as text, each grid
    as a ruled table where its cells stood (8 pt, so the tables run over page breaks)."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.add_font("cjk", fname=font)
    pdf.set_font("cjk", size=8)
    lines, grids = document.text.split("\n"), list(document.grids)
    i = 0
    while i < len(lines):
        cells = {c for row in grids[0].rows for c in row if c} if grids else set()
        if lines[i].strip() and lines[i].strip() in cells:
            width = max(len(row) for row in grids[0].rows)
            with pdf.table(col_widths=[3] + [1] * (width - 1), first_row_as_headings=False) as table:
                for row in grids.pop(0).rows:
                    printed = table.row()
                    for cell in row + [""] * (width - len(row)):
                        printed.cell(cell or "")
            while i < len(lines) and (not lines[i].strip() or lines[i].strip() in cells):
                i += 1
            continue
        pdf.multi_cell(0, 5, lines[i] or " ", new_x="LMARGIN", new_y="NEXT")
        i += 1
    path.write_bytes(bytes(pdf.output()))
    return path


@pytest.mark.skipif(
    not CJK_FONTS, reason="no CJK font installed (Debian: fonts-noto-cjk or fonts-wqy-microhei)"
)
def test_a_report_printed_to_pdf_gives_the_same_tables_as_its_web_page(tmp_path):
    from xxgk.checks import flatten
    from xxgk.extraction import analyse_rules

    page = read_path(SAMPLES / "rendered" / "chongqing-ipo-2021-page.html")
    printed = read_path(print_as_pdf(page, tmp_path / "report.pdf", CJK_FONTS[0]))
    assert len(printed.grids) > len(page.grids)  # tables broken over pages come as one grid per page
    from_page, from_pdf = analyse_rules(page), analyse_rules(printed)
    assert len(flatten(from_pdf.tables.tables)) == 200
    assert flatten(from_pdf.tables.tables) == flatten(from_page.tables.tables)
    assert all(check.ok for check in from_pdf.tables.checks) and not from_pdf.tables.warnings
    assert (from_pdf.agency, from_pdf.year, from_pdf.format) == ("重庆市知识产权局", 2021, "2021")


# ---------------------------------------------------------------- rows: JSONL, CSV, Parquet, datasets


def passages() -> list[dict]:
    with (FIXTURES / "passages-sample.jsonl").open(encoding="utf-8") as f:
        return [json.loads(line) for line in f]


def test_jsonl_rows_with_custom_fields(tmp_path):
    rows = [{"report": r["text"], "key": r["id"], "meta": r["meta"]} for r in passages()]
    lines = [json.dumps(r, ensure_ascii=False) for r in rows]
    lines[1:1] = ["{not json", "", json.dumps({"key": "no-text"}), json.dumps({"report": "  "})]
    path = write(tmp_path / "reports.jsonl", "\n".join(lines) + "\n")
    items = list(iter_records(path, text_field="report", id_field="key"))
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "p0027"),
        ("ReadFailure", "reports:1"),
        ("ReadFailure", "no-text"),
        ("ReadFailure", "reports:4"),
        ("Document", "p0116"),
        ("Document", "p0150"),
    ]
    good = items[0]
    assert (good.text, good.source, good.kind) == (rows[0]["report"], f"{path}#0", "record")
    assert good.meta["meta"]["source"].startswith("https://www.haizhu.gov.cn/")
    assert items[1].error.startswith(f"{path}#1: invalid JSON")
    assert "no text in field 'report'" in items[2].error
    assert items[3].error == f"{path}#4: empty report"


def test_jsonl_rows_without_ids_are_numbered(tmp_path):
    path = write(
        tmp_path / "plain.jsonl", "".join(json.dumps({"text": r["text"]}) + "\n" for r in passages())
    )
    assert [d.id for d in iter_records(path)] == ["plain:0", "plain:1", "plain:2"]


def test_csv_rows_from_a_gbk_file(tmp_path):
    path = tmp_path / "reports.csv"
    with path.open("w", encoding="gbk", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["编号", "正文", "年份"])
        writer.writerow(["hb-2016", HUBEI_GBK, "2016"])
        writer.writerow(["bad", "", "2016"])
    items = list(iter_records(path, text_field="正文", id_field="编号"))
    assert isinstance(items[0], Document)
    assert (items[0].id, items[0].text, items[0].meta, items[0].encoding) == (
        "hb-2016",
        HUBEI_GBK,
        {"年份": "2016"},
        "gb18030",
    )
    assert isinstance(items[1], ReadFailure) and items[1].error == f"{path}#1: empty report"


def test_csv_without_the_text_column(tmp_path):
    path = write(tmp_path / "other.csv", "id,body\n1,正文\n")
    (failure,) = iter_records(path)
    assert isinstance(failure, ReadFailure)
    assert failure.error == f"{path}: no column 'text' (columns: id, body)"


def test_parquet_rows(tmp_path):
    import pyarrow as pa
    import pyarrow.parquet as pq

    rows = passages()
    table = pa.table({"doc_id": [r["id"] for r in rows], "body": [r["text"] for r in rows]})
    pq.write_table(table, tmp_path / "reports.parquet", row_group_size=2)
    docs = list(iter_records(tmp_path / "reports.parquet", text_field="body", id_field="doc_id"))
    assert [(d.id, d.text, d.source) for d in docs] == [
        (r["id"], r["text"], f"{tmp_path / 'reports.parquet'}#{i}") for i, r in enumerate(rows)
    ]


def test_saved_hugging_face_datasets(tmp_path):
    datasets = pytest.importorskip("datasets")
    rows = passages()
    data = {"id": [r["id"] for r in rows], "text": [r["text"] for r in rows]}
    datasets.Dataset.from_dict(data).save_to_disk(str(tmp_path / "ds"))
    datasets.DatasetDict({"train": datasets.Dataset.from_dict(data)}).save_to_disk(str(tmp_path / "dd"))
    docs = list(iter_inputs([str(tmp_path / "ds"), str(tmp_path / "dd")]))
    assert [d.id for d in docs] == ["p0027", "p0116", "p0150"] * 2
    assert docs[0].source == f"{tmp_path / 'ds'}#0"
    assert docs[3].source == f"{tmp_path / 'dd'}#train/0"
    assert docs[1].text == rows[1]["text"]


# ---------------------------------------------------------------- many inputs


def test_a_directory_of_good_and_bad_inputs(tmp_path):
    folder = tmp_path / "reports"
    (folder / "nested").mkdir(parents=True)
    write(folder / "a-good.txt", HUBEI)
    write(folder / "b-page.html", T3_HEADER_HTML)
    make_review_table_docx(folder / "nested" / "c-word.docx")
    make_pdf(folder / "nested" / "d-scan.pdf", ["Report 2021"])
    write(folder / "e-rows.jsonl", json.dumps({"id": "row-1", "text": "一、总体情况"}) + "\n{oops\n")
    write(folder / "f-binary.txt", bytes(range(256)) * 4)
    write(folder / "g-empty.txt", b"")
    write(folder / "h-broken.pdf", b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog")
    write(folder / "i-broken.docx", b"PK\x03\x04 not really a zip")
    write(folder / "notes.md", "not an input by extension")
    write(folder / ".hidden.txt", "skipped")
    items = list(iter_inputs([str(folder)]))
    by_id = {i.id: i for i in items}
    assert set(by_id) == {
        "a-good",
        "b-page",
        "c-word",
        "d-scan",
        "row-1",
        "e-rows:1",
        "f-binary",
        "g-empty",
        "h-broken",
        "i-broken",
    }
    for name in ("f-binary.txt", "g-empty.txt", "h-broken.pdf", "i-broken.docx"):
        failure = by_id[Path(name).stem]
        assert isinstance(failure, ReadFailure)
        assert failure.error.startswith(str(folder / name) + ": ")
    assert by_id["e-rows:1"].error.startswith(f"{folder / 'e-rows.jsonl'}#1: invalid JSON")
    # Sorted by path, deterministically.
    assert [i.source for i in items] == [i.source for i in iter_inputs([str(folder)])]
    assert [i.id for i in items] == [
        "a-good", "b-page", "row-1", "e-rows:1", "f-binary", "g-empty", "h-broken", "i-broken", "c-word", "d-scan",
    ]  # fmt: skip


def test_globs_missing_inputs_and_duplicates(tmp_path):
    write(tmp_path / "one.txt", HUBEI)
    write(tmp_path / "two.txt", CHONGQING)
    items = list(
        iter_inputs(
            [
                str(tmp_path / "*.txt"),
                str(tmp_path / "one.txt"),
                str(tmp_path / "nope.txt"),
                str(tmp_path / "*.pdf"),
            ]
        )
    )
    assert [(type(i).__name__, i.id) for i in items] == [
        ("Document", "one"), ("Document", "two"), ("ReadFailure", "nope"), ("ReadFailure", str(tmp_path / "*.pdf")),
    ]  # fmt: skip
    assert items[2].error == f"{tmp_path / 'nope.txt'}: no such file or directory"


def test_colliding_stems_get_relative_path_ids(tmp_path):
    for folder in ("2020", "2021"):
        (tmp_path / folder).mkdir()
        write(tmp_path / folder / "report.txt", HUBEI)
    assert [d.id for d in iter_inputs([str(tmp_path)])] == ["2020/report", "2021/report"]


def test_max_chars_applies_to_rows_and_files(tmp_path):
    write(tmp_path / "long.txt", HUBEI)
    write(tmp_path / "rows.jsonl", json.dumps({"id": "r", "text": HUBEI}) + "\n")
    items = list(iter_inputs([str(tmp_path)], max_chars=100))
    assert all(isinstance(i, ReadFailure) and "max_chars=100" in i.error for i in items)
    assert len(items) == 2


# ---------------------------------------------------------------- the bundled sample corpus


def test_every_sample_reads_cleanly():
    items = list(iter_inputs([str(SAMPLES)]))
    assert not [i for i in items if isinstance(i, ReadFailure)]
    assert len(items) == 26
    by_id = {d.id: d for d in items}
    page = by_id["chongqing-ipo-2021-page"]
    assert [(len(g.rows), len(g.rows[0])) for g in page.grids] == [(14, 4), (28, 10), (4, 15)]
    assert page.grids[1].rows[5][:4] == ["三、本年度辦理結果", "(一)予以公開", "(一)予以公開", "0"]
    assert page.grids[2].rows[1][1] == "結果糾正"
    word = by_id["hubei-ipo-2016-word"]
    assert word.text.split("\n") == [line.strip() for line in HUBEI.split("\n") if line.strip()]


def test_html_sample_keeps_the_seed_cells_in_order():
    page = read_path(SAMPLES / "rendered" / "chongqing-ipo-2021-page.html")
    seed_lines = [line.strip() for line in CHONGQING.split("\n") if line.strip()]
    page_lines = page.text.split("\n")
    # Every seed line is in the page text, in order, except the header cells the page joins
    # (結果/糾正 → 結果糾正).
    joined = "".join(seed_lines)
    assert "".join(page_lines).replace(" ", "") == joined.replace(" ", "").replace("\u2002", "")


def test_html_sample_tables_parse_like_the_seed_text():
    tables = pytest.importorskip("xxgk.tables")
    page = read_path(SAMPLES / "rendered" / "chongqing-ipo-2021-page.html")
    expected = tables.parse_tables(CHONGQING).tables
    assert expected["applications"]["new_received"]["total"] == 1
    assert tables.parse_tables(page.text).tables == expected
    assert tables.parse_tables(page.text, page.grids).tables == expected


@pytest.mark.skipif(not CORPUS.is_dir(), reason="the project corpus is not on this machine")
def test_sample_build_is_reproducible(tmp_path):
    script = SAMPLES / "build_samples.py"
    subprocess.run(
        [sys.executable, str(script), "--corpus", str(CORPUS), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    built = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    bundled = sorted(
        p.relative_to(SAMPLES) for p in SAMPLES.rglob("*") if p.is_file() and p.name != "build_samples.py"
    )
    assert built == [p for p in bundled if "__pycache__" not in str(p)]
    for rel in built:
        assert (tmp_path / rel).read_bytes() == (SAMPLES / rel).read_bytes(), rel
    size = sum((SAMPLES / p).stat().st_size for p in bundled)
    assert size < 1_000_000
