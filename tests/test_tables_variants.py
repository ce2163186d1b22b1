"""The table parser on renderings of report-variants.md §7 that once gave wrong or silently missing
cells (found by generated probe reports): each cell is right, or absent with a warning."""

import json
from pathlib import Path

import pytest

from xxgk.checks import flatten
from xxgk.records import Grid
from xxgk.tables import load_templates, parse_tables

FIXTURES = Path(__file__).parent / "fixtures" / "tables_variants"
T3_COLUMNS = [column.key for column in load_templates().applications_columns]

# 表三 as pipe rows where the label cells' spanned columns are written as empty cells, the way a
# web page's grid copies out: rows with a short label have blanks after it, as do blank cells.
T3_SPANNED_PIPE_ROWS = """三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) |  |  | 申请人情况 |
 |  |  | 自然人 | 法人或其他组织 |  |  |  |  |  | 总计 |
 |  |  |  | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 |
一、本年新收政府信息公开申请数量 |  |  | 3 | 1 | 0 | 0 | 0 | 2 | 6 |
二、上年结转政府信息公开申请数量 |  |  |  | 0 |  |  |  | 0 |  |
三、本年度办理结果 | (一)予以公开 |  | 2 | 0 | 0 | 0 | 0 | 1 | 3 |
 | (二)部分公开(区分处理的,只计这一情形,不计其他情形) |  |  | 1 |  |  |  | 1 |  |
"""


def row(result, key: str) -> dict:
    return {c: flatten(result.tables).get(f"applications.{key}.{c}", "absent") for c in T3_COLUMNS}


def test_blank_cells_at_both_ends_are_placed_by_the_full_rows_of_the_same_layout():
    result = parse_tables(T3_SPANNED_PIPE_ROWS)
    assert row(result, "new_received") == dict(zip(T3_COLUMNS, [3, 1, 0, 0, 0, 2, 6], strict=True))
    # 2 spanned label cells, then 7 cells of which 2 are filled: read where the full rows start
    assert row(result, "carried_over") == dict(
        zip(T3_COLUMNS, [None, 0, None, None, None, 0, None], strict=True)
    )
    assert row(result, "partially_granted") == dict(
        zip(T3_COLUMNS, [None, 1, None, None, None, 1, None], strict=True)
    )


def test_blank_cells_at_both_ends_without_a_full_row_to_go_by_are_refused():
    text = T3_SPANNED_PIPE_ROWS.replace(
        "一、本年新收政府信息公开申请数量 |  |  | 3 | 1 | 0 | 0 | 0 | 2 | 6 |\n", ""
    )
    result = parse_tables(text)
    assert row(result, "carried_over") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("二、上年结转" in w and "cells left out" in w for w in result.warnings)
    assert row(result, "granted")["total"] == 3  # a full row needs no layout to go by


def test_a_row_short_of_a_dropped_blank_is_not_shifted_onto_its_label_columns():
    """Its spanned label columns are empty cells on every row of this layout, so the row's first
    blanks are marks, not cells: five numbers where seven belong."""
    text = T3_SPANNED_PIPE_ROWS.replace(
        "二、上年结转政府信息公开申请数量 |  |  |  | 0 |  |  |  | 0 |  |",
        "二、上年结转政府信息公开申请数量 |  |  | 31 | 20 | 0 | 0 | 51 |",
    )
    result = parse_tables(text)
    assert row(result, "carried_over") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("二、上年结转" in w and "5 values where the template has 7" in w for w in result.warnings)
    assert row(result, "new_received")["total"] == 6


def trailing_pipe(*cells) -> str:
    return "".join(f"{cell} |\n" for cell in cells)


def test_a_row_short_of_a_dropped_blank_does_not_take_the_bar_of_its_spanned_label_for_a_cell():
    """One cell a line ending ` |`, a `|` line for the column a (一)-level label spans: a row of
    that level with six numbers lost a cell somewhere, its `|` line is no blank 总计. A sub-item
    spans no column, so its last empty line is its blank 总计."""
    text = (
        "三、收到和处理政府信息公开申请情况\n申请人情况 |\n||||||||\n"
        + trailing_pipe("一、本年新收政府信息公开申请数量", 3, 1, 0, 0, 0, 2, 6)
        + "||\n"
        + trailing_pipe("三、本年度办理结果", "(一)予以公开", 2, 0, 0, 0, 0, 1, 3)
        + "|\n"
        + trailing_pipe("(三)不予公开", "1.属于国家秘密", 1, 0, 0, 0, 0, 0, 1)
        + trailing_pipe("2.其他法律行政法规禁止公开", 1, 0, 0, 0, 0, 0, "")
        + trailing_pipe("3.危及“三安全一稳定”", 1, 0, 0, 0, 0, 0, 1)
        + trailing_pipe("(六)其他处理", 6, 3, 6, 0, 0, 15)
        + "|\n"
        + trailing_pipe("(七)总计", 9, 3, 6, 0, 0, 18, 36)
        + "|\n"
    )
    result = parse_tables(text)
    assert row(result, "other.total") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("(六)其他处理: 6 values where the template has 7" in w for w in result.warnings)
    assert row(result, "granted") == dict(zip(T3_COLUMNS, [2, 0, 0, 0, 0, 1, 3], strict=True))
    assert row(result, "denied.prohibited_by_law") == dict(zip(T3_COLUMNS, [1, 0, 0, 0, 0, 0, None], strict=True))


def test_one_number_merged_across_a_row_of_an_html_table_is_refused(tmp_path):
    reading = pytest.importorskip("xxgk.reading")
    header = (
        '<tr><td colspan="3" rowspan="3">(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)</td>'
        '<td colspan="7">申请人情况</td></tr>'
        '<tr><td rowspan="2">自然人</td><td colspan="5">法人或其他组织</td><td rowspan="2">总计</td></tr>'
        "<tr><td>商业企业</td><td>科研机构</td><td>社会公益组织</td><td>法律服务机构</td><td>其他</td></tr>"
    )
    rows = (
        '<tr><td colspan="3">一、本年新收政府信息公开申请数量</td><td colspan="7">0</td></tr>'
        '<tr><td colspan="3">二、上年结转政府信息公开申请数量</td>'
        + "".join(f"<td>{n}</td>" for n in (1, 0, 0, 0, 0, 0, 1))
        + "</tr>"
    )
    path = tmp_path / "report.html"
    path.write_text(
        f"<html><body><p>三、收到和处理政府信息公开申请情况</p><table>{header}{rows}</table></body></html>",
        encoding="utf8",
    )
    document = reading.read_path(path)
    result = parse_tables(document.text, document.grids)
    assert row(result, "new_received") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("1 values where the template has 7" in w for w in result.warnings)
    assert row(result, "carried_over") == dict(zip(T3_COLUMNS, [1, 0, 0, 0, 0, 0, 1], strict=True))


PROBES = sorted(FIXTURES.glob("*.json"))


@pytest.mark.parametrize("path", PROBES, ids=[p.stem for p in PROBES])
def test_generated_report(path):
    """Whole generated reports (title, sections 一…六, tables in one variant): every cell the
    rendering keeps is read, and a cell that is not read comes with a warning of its table."""
    probe = json.loads(path.read_text(encoding="utf8"))
    result = parse_tables(probe["text"])
    got = flatten(result.tables)
    warned = {w.split(":", 1)[0] for w in result.warnings}
    for key, value in probe["expected"].items():
        if key in got:
            assert got[key] == pytest.approx(value) if value is not None else got[key] is None, key
        else:
            assert key in probe["unreadable"] and key.split(".", 1)[0] in warned, key
    assert set(got) <= set(probe["expected"])


T4_SPLIT_HEADER = """四、政府信息公开行政复议、行政诉讼情况
行政
复议
行政
诉讼
结果
维持
结果
纠正
其他
结果
尚未
审结
总计
未经复议
直接起诉
复议
后起诉
结果维持 结果纠正 其他结果 尚未审结 总计
结果维持 结果纠正 其他结果 尚未审结 总计
1 0 0 1 2 0 0 0 0 0 3 0 0 0 3
五、存在的主要问题及改进情况
"""


def test_table_four_whose_first_header_cell_is_broken_over_lines():
    result = parse_tables(T4_SPLIT_HEADER)
    assert result.tables["review_litigation"]["review"] == {
        "upheld": 1,
        "corrected": 0,
        "other": 0,
        "pending": 1,
        "total": 2,
    }
    assert result.tables["review_litigation"]["litigation_after_review"]["total"] == 3


def test_table_four_numbers_without_a_header_are_left_out_with_a_warning():
    text = "四、结转下年度继续办理 0 0 0 0 0 0 0\n四、政府信息公开行政复议、行政诉讼情况\n1 0 0 1 2 0 0 0 0 0 3 0 0 0 3\n"
    result = parse_tables(text)
    assert "review_litigation" not in result.tables
    assert any(w.startswith("review_litigation:") for w in result.warnings)


def test_group_label_broken_over_a_blank_line_names_the_group():
    text = """三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)
申请人情况
(三)

不予公开
1.属于国家秘密
0
0
0
0
0
0
0
"""
    result = parse_tables(text)
    assert result.tables["applications"]["denied"]["state_secret"]["total"] == 0
    assert not any("(三)" in w for w in result.warnings)


def test_a_table_of_labels_without_numbers_says_so():
    text = """二、主动公开政府信息情况
第二十条第(一)项
信息内容
本年制发件数
本年废止件数
现行有效件数
规章
行政规范性文件
第二十条第(五)项
信息内容
本年处理决定数量
行政许可
三、收到和处理政府信息公开申请情况
"""
    result = parse_tables(text)
    assert result.tables == {}
    assert len(result.warnings) == 3 and all(w.startswith("active: row ") for w in result.warnings)
    applications = parse_tables(
        T3_SPANNED_PIPE_ROWS.split("一、")[0]
        + "一、本年新收政府信息公开申请数量\n二、上年结转政府信息公开申请数量\n"
    )
    assert applications.warnings == ["applications: 2 row labels without numbers (the table may be an image)"]


def test_no_warning_for_a_table_written_as_none():
    text = "三、收到和处理政府信息公开申请情况\n无。\n四、政府信息公开行政复议、行政诉讼情况\n无。\n结转\n"
    assert parse_tables(text).warnings == []


def test_tab_separated_rows_copied_from_a_web_table_keep_their_empty_cells():
    text = (
        "三、收到和处理政府信息公开申请情况\n申请人情况\n"
        "一、本年新收政府信息公开申请数量\t3\t\t\t\t\t1\t4\n"
        "二、上年结转政府信息公开申请数量\t\t1\t\t\t\t\t1\n"
    )
    result = parse_tables(text)
    assert row(result, "new_received") == dict(
        zip(T3_COLUMNS, [3, None, None, None, None, 1, 4], strict=True)
    )
    assert row(result, "carried_over") == dict(
        zip(T3_COLUMNS, [None, 1, None, None, None, None, 1], strict=True)
    )


def test_one_cell_a_line_with_the_total_left_blank_on_sub_rows():
    """Shanghai 2019 leaves 总计 blank on sub-rows; one cell a line, that blank is an empty line
    before the next label. Most rows end so, but the full rows (every cell filled) do not: the
    empty line is a cell, not a row separator."""
    full = "\n".join(["1", "0", "0", "0", "0", "1", "2"])
    sub = "\n".join(["1", "0", "0", "0", "0", "0", ""])
    text = f"""三、收到和处理政府信息公开申请情况
申请人情况
一、本年新收政府信息公开申请数量
{full}
二、上年结转政府信息公开申请数量
{full}
三、本年度办理结果
(一)予以公开
{full}
(三)不予公开
1.属于国家秘密
{sub}
2.其他法律行政法规禁止公开
{sub}
3.危及“三安全一稳定”
{sub}
4.保护第三方合法权益
{sub}
5.属于三类内部事务信息
{sub}
(七)总计
{full}
"""
    result = parse_tables(text)
    assert row(result, "denied.state_secret") == dict(zip(T3_COLUMNS, [1, 0, 0, 0, 0, 0, None], strict=True))
    assert result.tables_raw["applications.denied.state_secret.total"] == ""
    assert row(result, "granted")["total"] == 2


def test_sub_items_numbered_with_an_ideographic_comma():
    """A PDF's ruled 表三 (淮安市 2024) numbers the sub-items of (六)其他处理 `1、2、3、`: `3、其他`
    names the row as `3.其他` does, though `其他` alone is too short to match without its number."""
    grid = Grid(rows=[
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "", "", "申请人情况", "", "", "", "", "", ""],
        ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "", "", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", ""],
        ["", "(六)其他处理", "1、申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
         "67", "3", "0", "0", "1", "0", "71"],
        ["", "", "2、申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请",
         "6", "0", "0", "0", "0", "0", "6"],
        ["", "", "3、其他", "108", "2", "0", "0", "0", "0", "110"],
    ])
    result = parse_tables("三、收到和处理政府信息公开申请情况\n", [grid])
    assert row(result, "other.other") == dict(zip(T3_COLUMNS, [108, 2, 0, 0, 0, 0, 110], strict=True))
    assert row(result, "other.fee_unpaid_overdue")["total"] == 6
    assert not any("3、其他" in w for w in result.warnings)


# 表三 as PDF row lines (report-variants.md §7.2, [43]): the tall 三、本年度办理结果 cell one character
# a line, and group labels broken over lines, their pieces on the lines of the rows beside them.
T3_PDF_ROW_LINES = """三、收到和处理政府信息公开申请情况
一、本年新收政府信息公开申请数量 30 5 0 0 6 1 42
二、上年结转政府信息公开申请数量 3 0 0 0 0 0 3
三、
本
年
（一）予以公开 12 2 0 0 5 1 20
（三）不
予公开
1.属于国家秘密 2 0 0 0 0 0 2
度办 （三）不 4.保护第三方合法权益 6 0 0 0 0 0 6
理
（四）无 1.本机关不掌握相关政府信息 7 1 0 0 1 0 9
法提供
2.没有现成信息需要另行制作 1 0 0 0 0 0 1
"""


def test_pdf_row_lines_with_pieces_of_group_labels_before_the_row_label():
    result = parse_tables(T3_PDF_ROW_LINES)
    assert row(result, "denied.third_party_rights") == dict(zip(T3_COLUMNS, [6, 0, 0, 0, 0, 0, 6], strict=True))
    assert row(result, "unable.not_held") == dict(zip(T3_COLUMNS, [7, 1, 0, 0, 1, 0, 9], strict=True))
    assert row(result, "unable.needs_creation")["total"] == 1
    assert row(result, "denied.state_secret")["total"] == 2


def test_pieces_that_belong_to_no_group_of_the_row_are_not_skipped():
    text = T3_PDF_ROW_LINES.replace("（四）无 1.本机关", "（五）无 1.本机关")  # 本机关… is under (四)
    result = parse_tables(text)
    assert row(result, "unable.not_held") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("1.本机关不掌握" in w for w in result.warnings)


T3_HEAD = "三、收到和处理政府信息公开申请情况\n申请人情况\n"


def test_a_group_line_with_the_numbers_of_its_first_sub_row_whose_label_wrapped_below():
    """PDF row lines of a narrow label column: the group label shares its line with the first
    sub-row, whose label wraps below the numbers; the next row's label opens with `2.`."""
    text = T3_HEAD + (
        "(四)无法提供 0 0 0 0 1 19 20\n1.本机关不掌握相\n关政府信息\n"
        "2.没有现成信息需 11 16 3 0 0 4445 4475\n要另行制作\n"
    )
    result = parse_tables(text)
    assert row(result, "unable.not_held") == dict(zip(T3_COLUMNS, [0, 0, 0, 0, 1, 19, 20], strict=True))
    assert row(result, "unable.needs_creation") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("2.没有现成信息需" in w for w in result.warnings)
    assert result.extra == {}


def test_a_group_line_with_the_item_number_of_the_sub_row_the_numbers_belong_to():
    text = T3_HEAD + (
        "(六)其他處(chǔ)理(lǐ) 1. 0 0 0 6 0 0 6\n申(shēn)請(qǐng)人無正當\n"
        "理(lǐ)由逾期不補正、行政機關不再處理其政\n府(fǔ)信(xìn)息公開申請(qǐng)\n"
        "2.申請人逾期未按收費(fèi)通知要求繳納 7 0 5 0 8 0 20\n費(fèi)用、行政(zhèng)機關不再處\n"
    )
    result = parse_tables(text)
    assert row(result, "other.no_correction_overdue") == dict(zip(T3_COLUMNS, [0, 0, 0, 6, 0, 0, 6], strict=True))
    assert row(result, "other.fee_unpaid_overdue") == dict.fromkeys(T3_COLUMNS, "absent")
    assert result.extra == {}


def test_a_group_line_above_a_sub_row_with_numbers_of_its_own_is_a_subtotal():
    text = T3_HEAD + "(四)无法提供 1 0 0 0 0 0 1\n1.本机关不掌握相关政府信息 1 0 0 0 0 0 1\n"
    result = parse_tables(text)
    assert result.extra["applications"]["unable"]["subtotal"]["total"] == 1
    assert row(result, "unable.not_held")["total"] == 1


def test_a_group_line_with_numbers_above_a_label_fragment_that_names_no_row_is_refused():
    text = T3_HEAD + "(四)无法提供 0 0 0 0 1 19 20\n1.本机关不掌\n2.没有现成信息需要另行制作 1 0 0 0 0 0 1\n"
    result = parse_tables(text)
    assert result.extra == {}
    assert row(result, "unable.not_held") == dict.fromkeys(T3_COLUMNS, "absent")
    assert any("(四)无法提供" in w and "may be a sub-row's" in w for w in result.warnings)
    assert row(result, "unable.needs_creation")["total"] == 1
