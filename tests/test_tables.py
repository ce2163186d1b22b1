"""The statistical-table parser, by example: real flattened tables, layouts, values and broken input."""

import json
import re
from pathlib import Path

import opencc
import pytest

from xxgk.checks import flatten
from xxgk.records import Grid
from xxgk.tables import load_templates, parse_tables

FIXTURES = Path(__file__).parent / "fixtures" / "tables"
SEED = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf8")
SEED_EXPECTED = json.loads((FIXTURES / "seed-chongqing-ipo-2021.expected.json").read_text(encoding="utf8"))
PASSAGES = sorted(FIXTURES.glob("p*.json"))

T3_HEADER = """三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)
申请人情况
自然人
法人或其他组织
总计
商业企业
科研机构
社会公益组织
法律服务机构
其他
"""


def cells(text: str, grids: list[Grid] | None = None) -> dict:
    return flatten(parse_tables(text, grids).tables)


# --- The Chongqing seed: 200 cells, one cell a line, Traditional script ----------------------


def test_seed_every_cell_is_read_exactly():
    result = parse_tables(SEED)
    assert result.tables == SEED_EXPECTED["tables"]
    assert len(flatten(result.tables)) == 200
    assert result.format == "2021"
    assert result.warnings == []


def test_seed_checks_all_pass():
    result = parse_tables(SEED)
    assert result.checks and all(check.ok for check in result.checks)
    rules = {check.rule for check in result.checks}
    assert "applications.total: new_received + carried_over = processed_total + carried_forward" in rules
    assert "review_litigation.review: total = upheld + corrected + other + pending" in rules


def test_seed_evidence_points_into_the_original_text():
    result = parse_tables(SEED)
    assert set(result.evidence) == set(flatten(result.tables))
    for evidence in result.evidence.values():
        assert SEED[evidence.start : evidence.end] == evidence.raw
    fees = result.evidence["active.fees.amount_wan_yuan"]
    assert (fees.raw, SEED[fees.start - 8 : fees.start]) == ("16.856", "行政事業性收費\n")


# --- Real passages from the corpus (hand-checked expected cells) ------------------------------


@pytest.mark.parametrize("path", PASSAGES, ids=[p.stem for p in PASSAGES])
def test_corpus_passage(path):
    fixture = json.loads(path.read_text(encoding="utf8"))
    result = parse_tables(fixture["text"])
    assert flatten(result.tables) == fixture["expected"]
    assert bool(result.warnings) == fixture["expect_warning"], result.warnings
    assert all(check.ok for check in result.checks), [c.message for c in result.checks if not c.ok]


def test_there_are_enough_passages_from_different_agencies():
    fixtures = [json.loads(p.read_text(encoding="utf8")) for p in PASSAGES]
    assert len(fixtures) >= 15
    assert len({f["source"] for f in fixtures}) == len(fixtures)


# --- Layouts ----------------------------------------------------------------------------------


def test_pipe_rows_with_group_label_on_the_same_line():
    text = """三、收到和处理政府信息公开申请情况
(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 | ||||||||
自然人 | 法人或其他组织 | 总计 | |||||||
一、本年新收政府信息公开申请数量 | 2 | 0 | 0 | 0 | 0 | 0 | 2 | ||
三、本年度办理结果 | (一)予以公开 | 1 | 0 | 0 | 0 | 0 | 0 | 1 | |
(三)不予公开 | 1.属于国家秘密 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | |
"""
    got = cells(text)
    assert got["applications.new_received.total"] == 2
    assert got["applications.granted.natural_person"] == 1
    assert got["applications.denied.state_secret.total"] == 0


def test_blank_pipe_cells_are_null_and_kept_raw():
    text = T3_HEADER + "一、本年新收政府信息公开申请数量 | 0 | | | | | | 0 |\n"
    result = parse_tables(text)
    row = result.tables["applications"]["new_received"]
    assert row == {
        "natural_person": 0,
        "business": None,
        "research": None,
        "social_welfare": None,
        "legal_services": None,
        "other_org": None,
        "total": 0,
    }
    assert result.tables_raw["applications.new_received.business"] == ""


def test_pdf_row_lines_with_wrapped_label_tall_group_cell_and_page_mark():
    text = (
        T3_HEADER
        + """一、本年新收政府信息公开申请数量 10 2 0 0 1 0 13
二、上年结转政府信息公开申请数量 1 0 0 0 0 0 1
三、
本
年
度
(一)予以公开 5 1 0 0 0 0 6
(二)部分公开(区分处理的,只计这一情形,
不计其他情形) 2 0 0 0 0 0 2
- 4 -
(三)不予公开
1.属于国家秘密 0 0 0 0 0 0 0
4.保护第三方合法权益 1 0 0 0 0 0 1
(四)无法提供
1.本机关不掌握相关政府信息 1 1 0 0 0 0 2
(五)不予处理
2.重复申请 0 0 0 0 1 0 1
(六)其他处理 1 0 0 0 0 0 1
(七)总计 10 2 0 0 1 0 13
四、结转下年度继续办理 1 0 0 0 0 0 1
四、政府信息公开行政复议、行政诉讼情况
"""
    )
    result = parse_tables(text)
    got = flatten(result.tables)
    assert got["applications.partially_granted.natural_person"] == 2
    assert got["applications.other.total.total"] == 1
    assert got["applications.carried_forward.total"] == 1
    assert result.format == "2019"
    assert all(c.ok for c in result.checks) and len(result.checks) == 7 + 11  # per column, per row
    assert any("rows not found" in w for w in result.warnings)  # parsed by label: rows may be missing


def test_2021_other_group_with_three_sub_rows():
    text = (
        T3_HEADER
        + """(六)其他处理
1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1
2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0
3.其他 0 2 0 0 0 0 2
"""
    )
    result = parse_tables(text)
    other = result.tables["applications"]["other"]
    assert other["no_correction_overdue"]["total"] == 1
    assert other["other"]["business"] == 2
    assert "total" not in other
    assert result.format == "2021"


def test_header_cells_broken_across_lines_then_values():
    text = """二、主动公开政府信息情况
第二十条第(一)项
信息内容
本年新
制作数量
本年新
公开数量
对外公开总数量
规章
0
0
0
规范性文件
2
1
5
"""
    assert cells(text) == {
        "active.rules.made": 0,
        "active.rules.published": 0,
        "active.rules.total_published": 0,
        "active.normative_documents.made": 2,
        "active.normative_documents.published": 1,
        "active.normative_documents.total_published": 5,
    }


def test_table_four_header_first_then_fifteen_values():
    text = """四、结转下年度继续办理
0
0
0
0
0
0
0
四、政府信息公开行政复议、行政诉讼情况
行政复议
行政诉讼
结果维持
结果
纠正
其他结果
尚未
审结
总计
未经复议直接起诉
复议后起诉
结果维持 结果纠正 其他结果 尚未审结 总计
1 0 0 1 2 0 0 0 0 0 3 0 0 0 3
五、存在的主要问题及改进情况
"""
    result = parse_tables(text)
    assert result.tables["applications"]["carried_forward"]["total"] == 0
    assert result.tables["review_litigation"] == {
        "review": {"upheld": 1, "corrected": 0, "other": 0, "pending": 1, "total": 2},
        "litigation_direct": {"upheld": 0, "corrected": 0, "other": 0, "pending": 0, "total": 0},
        "litigation_after_review": {"upheld": 3, "corrected": 0, "other": 0, "pending": 0, "total": 3},
    }


def test_pinyin_mirror_and_char_by_char_traditional():
    text = """第二十條第(一)項(xiàng)
信息內(nèi)容 | 本年制發(fā)件數(shù) | 本年廢止件數(shù) | 現(xiàn)行有效件數(shù) |
規(guī)章 | 0 | 0 | 0 |
行政規范性文件 | 3 | 1 | 9 |
"""
    got = cells(text)
    assert got["active.normative_documents.in_force"] == 9
    assert got["active.rules.issued"] == 0


def test_narrative_lines_starting_like_row_labels_are_not_rows():
    text = "二、主动公开政府信息情况\n行政许可事项全部在网上公开 3 项\n规章制度建设不断完善\n"
    result = parse_tables(text)
    assert result.tables == {} and result.format is None


# --- Values -----------------------------------------------------------------------------------


def test_signed_changes_and_money_units():
    text = """第二十条第(五)项
信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
行政许可 | 75 | 增13 | 88 |
其他对外管理服务事项 | 9 | 减3 | 6 |
第二十条第(六)项
信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |
行政处罚 | 716 | -417 | 298 |
行政强制 | 3 | +3 | 6 |
第二十条第(九)项
信息内容 | 采购项目数量 | 采购总金额 |
政府集中采购 | 2 | 251000元 |
"""
    result = parse_tables(text)
    got = flatten(result.tables)
    assert [got["active.licensing.change"], got["active.other_services.change"]] == [13, -3]
    assert [got["active.punishment.change"], got["active.enforcement.change"]] == [-417, 3]
    assert got["active.procurement.amount_wan_yuan"] == pytest.approx(25.1)
    assert any("元" in w and "万元" in w for w in result.warnings)
    assert result.format == "2019"


def test_money_without_unit_is_kept_with_a_warning():
    text = "第二十条第(九)项\n信息内容\n采购项目数量\n采购总金额\n政府集中采购\n17\n15000000\n"
    result = parse_tables(text)
    assert result.tables["active"]["procurement"] == {"projects": 17, "amount_wan_yuan": 15000000.0}
    assert any("no unit" in w for w in result.warnings)


def test_zero_blank_and_not_applicable_stay_distinct():
    text = """第二十条第(一)项
信息内容
本年制发件数
本年废止件数
现行有效件数
规章
/
/
/
行政规范性文件
0
无
-
"""
    result = parse_tables(text)
    assert result.tables["active"]["rules"] == {"issued": None, "repealed": None, "in_force": None}
    assert result.tables["active"]["normative_documents"] == {"issued": 0, "repealed": None, "in_force": None}
    assert result.tables_raw["active.rules.issued"] == "/"
    assert result.tables_raw["active.normative_documents.repealed"] == "无"
    assert "active.normative_documents.issued" not in result.tables_raw


def test_mixed_format_blocks():
    text = """第二十条第(一)项
信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |
规章 | 0 | 0 | 0 |
第二十条第(五)项
信息内容 | 本年处理决定数量 |
行政许可 | 12 |
"""
    result = parse_tables(text)
    assert result.format == "mixed"
    assert result.tables["active"] == {
        "rules": {"made": 0, "published": 0, "total_published": 0},
        "licensing": {"decisions": 12},
    }


def test_no_table_gives_an_empty_result():
    result = parse_tables("一、总体情况\n2016年,我局主动公开政府信息1465条,未收到政府信息公开申请。\n")
    assert (result.format, result.tables, result.checks, result.warnings) == (None, {}, [], [])


# --- Broken input: cells absent with a warning, never shifted ----------------------------------


def test_truncated_table_keeps_present_cells():
    result = parse_tables(
        T3_HEADER
        + "一、本年新收政府信息公开申请数量\n1\n0\n0\n0\n0\n0\n1\n二、上年结转政府信息公开申请数量\n0\n0\n"
    )
    assert flatten(result.tables) == {
        f"applications.new_received.{c}": v
        for c, v in zip(
            [
                "natural_person",
                "business",
                "research",
                "social_welfare",
                "legal_services",
                "other_org",
                "total",
            ],
            [1, 0, 0, 0, 0, 0, 1],
            strict=True,
        )
    }
    assert any("二、上年结转" in w for w in result.warnings)


def test_letter_in_a_number_cell_leaves_only_that_cell_out():
    text = "第二十条第(一)项\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 1 | O | 3 |\n"
    result = parse_tables(text)
    assert result.tables["active"]["rules"] == {"issued": 1, "in_force": 3}
    assert any("'O'" in w for w in result.warnings)


def test_glued_cells_are_not_split():
    text = "第二十条第(一)项\n信息内容本年新制作数量本年新公开数量对外公开总数量\n规章000\n规范性文件1012\n"
    result = parse_tables(text)
    assert result.tables == {}
    assert sum("glued" in w for w in result.warnings) == 2


def test_an_extra_number_leaves_the_row_out():
    text = "第二十条第(八)项\n信息内容\n上一年项目数量\n本年增/减\n行政事业性收费\n2\n0\n20\n"
    result = parse_tables(text)
    assert result.tables == {}
    assert any("3 values where the template has 2" in w for w in result.warnings)


def test_a_row_running_into_the_next_label():
    text = (
        T3_HEADER
        + "一、本年新收政府信息公开申请数量 1 0 0 0 0 0\n1二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0\n"
    )
    result = parse_tables(text)
    assert "new_received" not in result.tables["applications"]
    assert result.tables["applications"]["carried_over"]["total"] == 0
    assert any("run into the next label" in w for w in result.warnings)


def test_dropped_blank_cells_are_refused():
    text = T3_HEADER + "一、本年新收政府信息公开申请数量 |\n3 |\n3 |\n|||||||\n"
    result = parse_tables(text)
    assert result.tables == {}
    assert any("2 values where the template has 7" in w for w in result.warnings)


# --- Local additions ----------------------------------------------------------------------------


def test_subtotal_column_and_group_subtotal_row_stay_out_of_the_standard_keys():
    text = (
        T3_HEADER.replace("其他\n", "其他\n法人或其他组织小计\n")
        + """一、本年新收政府信息公开申请数量 3 1 0 0 1 0 2 5
(三)不予公开 1 0 0 0 0 0 0 1
1.属于国家秘密 0 0 0 0 0 0 0 0
2.其他法律行政法规禁止公开 0 0 0 0 0 0 0 0
3.危及“三安全一稳定” 0 0 0 0 0 0 0 0
4.保护第三方合法权益 1 0 0 0 0 0 0 1
5.属于三类内部事务信息 0 0 0 0 0 0 0 0
6.属于四类过程性信息 0 0 0 0 0 0 0 0
7.属于行政执法案卷 0 0 0 0 0 0 0 0
8.属于行政查询事项 0 0 0 0 0 0 0 0
"""
    )
    result = parse_tables(text)
    assert result.tables["applications"]["new_received"] == {
        "natural_person": 3,
        "business": 1,
        "research": 0,
        "social_welfare": 0,
        "legal_services": 1,
        "other_org": 0,
        "total": 5,
    }
    assert result.extra["applications"]["new_received"]["legal_subtotal"] == 2
    assert result.extra["applications"]["denied"]["subtotal"]["total"] == 1
    assert "subtotal" not in result.tables["applications"]["denied"]
    rules = {c.rule: c.ok for c in result.checks}
    assert rules[
        "applications.new_received: legal_subtotal = business + research + social_welfare"
        " + legal_services + other_org"
    ]
    assert rules[
        "applications.total: denied.subtotal = denied.state_secret + denied.prohibited_by_law"
        " + denied.three_securities_one_stability + denied.third_party_rights"
        " + denied.internal_affairs + denied.process_information"
        " + denied.law_enforcement_files + denied.administrative_inquiry"
    ]


# --- Grids --------------------------------------------------------------------------------------


def seed_grids() -> list[Grid]:
    """The seed's tables as an HTML rendering gives them: official row/colspans, resolved."""
    zeros = ["0"] * 7
    t2 = [
        ["第二十條第(一)項"] * 4,
        ["信息內容", "本年制發件數", "本年廢止件數", "現行有效件數"],
        ["規章", "0", "0", "0"],
        ["行政規範性檔案", "4", "0", "7"],
        ["第二十條第(五)項"] * 4,
        ["信息內容"] + ["本年處理決定數量"] * 3,
        ["行政許可"] + ["0"] * 3,
        ["第二十條第(六)項"] * 4,
        ["信息內容"] + ["本年處理決定數量"] * 3,
        ["行政處罰"] + ["0"] * 3,
        ["行政強制"] + ["0"] * 3,
        ["第二十條第(八)項"] * 4,
        ["信息內容"] + ["本年收費金額(單位:萬元)"] * 3,
        ["行政事業性收費"] + ["16.856"] * 3,
    ]
    note = "(本列數據的勾稽關係為:第一項加第二項之和,等於第三項加第四項之和)"
    results = "三、本年度辦理結果"
    t3 = [
        [note] * 3 + ["申請人情況"] * 7,
        [note] * 3 + ["自然人"] + ["法人或其他組織"] * 5 + ["總計"],
        [note] * 3 + ["自然人", "商業企業", "科研機構", "社會公益組織", "法律服務機構", "其他", "總計"],
        ["一、本年新收政府信息公開申請數量"] * 3 + ["0", "1", "0", "0", "0", "0", "1"],
        ["二、上年結轉政府信息公開申請數量"] * 3 + zeros,
        [results] + ["(一)予以公開"] * 2 + ["0", "1", "0", "0", "0", "0", "1"],
        [results] + ["(二)部分公開(區分處理的,只計這一情形,不計其他情形)"] * 2 + zeros,
        *[
            [results, "(三)不予公開", label, *zeros]
            for label in [
                "1.屬於國家秘密",
                "2.其他法律行政法規禁止公開",
                "3.危及“三安全一穩定”",
                "4.保護第三方合法權益",
                "5.屬於三類內部事務信息",
                "6.屬於四類過程性信息",
                "7.屬於行政執法案卷",
                "8.屬於行政查詢事項",
            ]
        ],
        *[
            [results, "(四)無法提供", label, *zeros]
            for label in [
                "1.本機關不掌握相關政府信息",
                "2.沒有現成信息需要另行製作",
                "3.補正後申請內容仍不明確",
            ]
        ],
        *[
            [results, "(五)不予處理", label, *zeros]
            for label in [
                "1.信訪舉報投訴類申請",
                "2.重複申請",
                "3.要求提供公開出版物",
                "4.無正當理由大量反覆申請",
                "5.要求行政機關確認或重新出具已獲取信息",
            ]
        ],
        *[
            [results, "(六)其他處理", label, *zeros]
            for label in [
                "1.申請人無正當理由逾期不補正、行政機關不再處理其政府信息公開申請",
                "2.申請人逾期未按收費通知要求繳納費用、行政機關不再處理其政府信息公開申請",
                "3.其他",
            ]
        ],
        [results] + ["(七)總計"] * 2 + ["0", "1", "0", "0", "0", "0", "1"],
        ["四、結轉下年度繼續辦理"] * 3 + zeros,
    ]
    heads = ["結果維持", "結果糾正", "其他結果", "尚未審結", "總計"]
    t4 = [
        ["行政複議"] * 5 + ["行政訴訟"] * 10,
        heads + ["未經複議直接起訴"] * 5 + ["複議後起訴"] * 5,
        heads * 3,
        ["0"] * 15,
    ]
    return [Grid(t2), Grid(t3), Grid(t4)]


def test_seed_grids_give_the_same_tables_as_the_text():
    from_grids = parse_tables("", seed_grids())
    assert from_grids.tables == parse_tables(SEED).tables
    assert from_grids.format == "2021"
    assert all(c.ok for c in from_grids.checks)


def test_grids_take_precedence_and_give_offsets_when_their_start_is_known():
    text = "规章 | 9 | 9 | 9 |\n" + "表格\n规章\n1\n2\n3\n"
    grid = Grid(
        [
            ["第二十条第(一)项"] * 4,
            ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"],
            ["规章", "1", "2", "3"],
        ],
        start=19,
        end=len(text),
    )
    result = parse_tables(text, [grid])
    assert result.tables == {"active": {"rules": {"issued": 1, "repealed": 2, "in_force": 3}}}
    evidence = result.evidence["active.rules.in_force"]
    assert text[evidence.start : evidence.end] == "3" and evidence.start > 19


def _render_html(grids: list[Grid]) -> str:
    def table(grid: Grid) -> str:
        rows = []
        for row in grid.rows:
            merged, cells = [], []
            for text in row:
                if merged and merged[-1][0] == text and not text.replace(".", "").isdigit():
                    merged[-1][1] += 1
                else:
                    merged.append([text, 1])
            for text, span in merged:
                cells.append(f'<td colspan="{span}">{text}</td>' if span > 1 else f"<td>{text}</td>")
            rows.append("<tr>" + "".join(cells) + "</tr>")
        return "<table>" + "".join(rows) + "</table>"

    return "<html><body><p>二、主動公開政府信息情況</p>" + "".join(table(g) for g in grids) + "</body></html>"


def test_html_and_docx_renderings_read_back_to_the_same_tables(tmp_path):
    reading = pytest.importorskip("xxgk.reading")
    docx = pytest.importorskip("docx")
    expected = parse_tables(SEED).tables
    html = tmp_path / "seed.html"
    html.write_text(_render_html(seed_grids()), encoding="utf8")
    doc = reading.read_path(html)
    result = parse_tables(doc.text, doc.grids)
    assert result.tables == expected
    if all(grid.start is not None for grid in doc.grids):
        assert all(doc.text[e.start : e.end] == e.raw for e in result.evidence.values())

    document = docx.Document()
    for grid in seed_grids():
        width = max(len(row) for row in grid.rows)
        table = document.add_table(rows=len(grid.rows), cols=width)
        for r, row in enumerate(grid.rows):
            for c, text in enumerate(row):
                table.cell(r, c).text = text
    path = tmp_path / "seed.docx"
    document.save(path)
    doc = reading.read_path(path)
    assert parse_tables(doc.text, doc.grids).tables == expected


def test_table_four_pipe_header_with_spanned_blanks():
    text = (
        "行政复议 | | | | | 行政诉讼 | | | | | | | | | |\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n"
        + (" | ".join(["0"] * 14 + ["1"]) + " |\n")
    )
    result = parse_tables(text)
    assert result.tables["review_litigation"]["litigation_after_review"]["total"] == 1


def test_a_glued_single_cell_is_read_with_a_warning_and_its_offsets():
    text = "第二十条第(五)项\n信息内容本年处理决定数量\n行政许可12\n"
    result = parse_tables(text)
    assert result.tables == {"active": {"licensing": {"decisions": 12}}}
    evidence = result.evidence["active.licensing.decisions"]
    assert text[evidence.start : evidence.end] == "12"
    assert any("glued" in w for w in result.warnings)


# --- One table, every layout: distinct numbers, so that a shifted cell shows -----------------

T3_ROWS = [
    ("一、本年新收政府信息公开申请数量", "new_received"),
    ("二、上年结转政府信息公开申请数量", "carried_over"),
    ("三、本年度办理结果", None),
    ("(一)予以公开", "granted"),
    ("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "partially_granted"),
    ("(三)不予公开", None),
    ("1.属于国家秘密", "denied.state_secret"),
    ("2.其他法律行政法规禁止公开", "denied.prohibited_by_law"),
    ("3.危及“三安全一稳定”", "denied.three_securities_one_stability"),
    ("4.保护第三方合法权益", "denied.third_party_rights"),
    ("5.属于三类内部事务信息", "denied.internal_affairs"),
    ("6.属于四类过程性信息", "denied.process_information"),
    ("7.属于行政执法案卷", "denied.law_enforcement_files"),
    ("8.属于行政查询事项", "denied.administrative_inquiry"),
    ("(四)无法提供", None),
    ("1.本机关不掌握相关政府信息", "unable.not_held"),
    ("2.没有现成信息需要另行制作", "unable.needs_creation"),
    ("3.补正后申请内容仍不明确", "unable.unclear_after_correction"),
    ("(五)不予处理", None),
    ("1.信访举报投诉类申请", "not_processed.petition_complaint"),
    ("2.重复申请", "not_processed.duplicate"),
    ("3.要求提供公开出版物", "not_processed.publication"),
    ("4.无正当理由大量反复申请", "not_processed.mass_repeated"),
    ("5.要求行政机关确认或重新出具已获取信息", "not_processed.confirm_or_reissue"),
    ("(六)其他处理", None),
    ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", "other.no_correction_overdue"),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "other.fee_unpaid_overdue"),
    ("3.其他", "other.other"),
    ("(七)总计", "processed_total"),
    ("四、结转下年度继续办理", "carried_forward"),
]
T3_COLUMNS = [column.key for column in load_templates().applications_columns]
T4_KEYS = [
    f"review_litigation.{group}.{column}"
    for group in ["review", "litigation_direct", "litigation_after_review"]
    for column in ["upheld", "corrected", "other", "pending", "total"]
]


def logical_rows() -> tuple[list[list[str]], dict]:
    """表二 (2019 format), 表三 (2021 rows) and 表四 as rows of cells, and the cells they hold."""
    rows = [
        ["二、主动公开政府信息情况"],
        ["第二十条第(一)项"],
        ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
        ["规章", "1", "2", "3"],
        ["规范性文件", "4", "5", "6"],
        ["第二十条第(五)项"],
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "716", "-417", "298"],
        ["其他对外管理服务事项", "7", "+8", "9"],
        ["第二十条第(九)项"],
        ["信息内容", "采购项目数量", "采购总金额"],
        ["政府集中采购", "10", "160.5964万元"],
        ["三、收到和处理政府信息公开申请情况"],
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"],
        ["自然人", "法人或其他组织", "总计"],
        ["商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他"],
    ]
    expected = {
        "active.rules.made": 1, "active.rules.published": 2, "active.rules.total_published": 3,
        "active.normative_documents.made": 4, "active.normative_documents.published": 5,
        "active.normative_documents.total_published": 6,
        "active.licensing.previous_items": 716, "active.licensing.change": -417, "active.licensing.decisions": 298,
        "active.other_services.previous_items": 7, "active.other_services.change": 8,
        "active.other_services.decisions": 9,
        "active.procurement.projects": 10, "active.procurement.amount_wan_yuan": 160.5964,
    }  # fmt: skip
    for i, (label, key) in enumerate(T3_ROWS):
        values = [str(100 + 10 * i + j) for j in range(7)] if key else []
        rows.append([label, *values])
        if key:
            expected |= {f"applications.{key}.{c}": int(v) for c, v in zip(T3_COLUMNS, values, strict=True)}
    rows += [
        ["四、政府信息公开行政复议、行政诉讼情况"],
        ["行政复议", "行政诉讼"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"],
        ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
        [str(n) for n in range(1, 16)],
        ["五、存在的主要问题及改进情况"],
    ]
    expected |= {key: n for n, key in enumerate(T4_KEYS, start=1)}
    return rows, expected


def _merged_group_cells(rows: list[list[str]]) -> list[list[str]]:
    """A group label and its first sub-row on one line, as a spanning cell flattens."""
    out: list[list[str]] = []
    for row in rows:
        if out and len(out[-1]) == 1 and out[-1][0][:3] in ("三、本", "(三)", "(四)", "(五)", "(六)"):
            out[-1] = out[-1] + row
        else:
            out.append(row)
    return out


def _tall_group_cell(rows: list[list[str]]) -> list[list[str]]:
    """The tall 三、本年度办理结果 cell of a PDF, one character a line."""
    out = []
    for row in rows:
        out += [[ch] for ch in row[0]] if row == ["三、本年度办理结果"] else [row]
    return out


def _pinyin(text: str) -> str:
    """A spam mirror's pinyin glosses after some characters (數(shù)量)."""
    return re.sub(r"([\u4e00-\u9fff])([\u4e00-\u9fff])", r"\1(shù)\2", text)


def _traditional(text: str, config: str) -> str:
    return opencc.OpenCC(config).convert(text)


def _full_width(text: str) -> str:
    return text.translate(str.maketrans("():,", "（）：，"))


LAYOUTS = {
    "one cell a line": lambda rows: "\n".join(c for row in rows for c in row),
    "blank line between cells": lambda rows: "\n\n".join(c for row in rows for c in row),
    "pipe rows": lambda rows: "\n".join(" | ".join(row) + " | ||" for row in rows),
    "cells with trailing pipe": lambda rows: "\n".join(
        "\n".join(c + " |" for c in row) + "\n|||" for row in rows
    ),
    "pdf row lines": lambda rows: "\n- 3 -\n".join(" ".join(row) for row in rows),
    "pdf rows, tall group cell": lambda rows: "\n".join(" ".join(row) for row in _tall_group_cell(rows)),
    "pipe rows, group label on the line": lambda rows: "\n".join(
        " | ".join(row) + " |" for row in _merged_group_cells(rows)
    ),
    "traditional, one cell a line": lambda rows: _traditional(LAYOUTS["one cell a line"](rows), "s2t"),
    "taiwan vocabulary, pipe rows": lambda rows: _traditional(LAYOUTS["pipe rows"](rows), "s2twp"),
    "full-width punctuation": lambda rows: _full_width(LAYOUTS["one cell a line"](rows)),
    "pinyin mirror": lambda rows: _pinyin(_traditional(LAYOUTS["cells with trailing pipe"](rows), "s2t")),
}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_every_layout_reads_every_cell_in_place(layout):
    rows, expected = logical_rows()
    result = parse_tables(LAYOUTS[layout](rows))
    assert flatten(result.tables) == expected
    assert result.format == "mixed"  # 2019 表二 with 2021 表三 rows


def test_pdf_grid_with_empty_spanned_label_cells():
    header = ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "", "", "申请人情况"] + [
        ""
    ] * 6
    grid = Grid(
        [
            header,
            ["一、本年新收政府信息公开申请数量", "", "", "5", "", "", "", "", "", "5"],
            ["三、本年度办理结果", "(一)予以公开", "", "4", "0", "0", "0", "0", "0", "4"],
        ]
    )
    result = parse_tables("", [grid])
    assert result.tables["applications"]["new_received"] == {
        "natural_person": 5, "business": None, "research": None, "social_welfare": None,
        "legal_services": None, "other_org": None, "total": 5}  # fmt: skip
    assert result.tables["applications"]["granted"]["total"] == 4


def test_markdown_rule_lines_are_not_cells():
    text = "第二十条第(五)项 | |\n---|---|\n信息内容 | 本年处理决定数量 |\n---|---|\n行政许可 | 8 |\n"
    assert cells(text) == {"active.licensing.decisions": 8}


def test_tab_separated_row_lines_and_page_numbers():
    text = "第二十条第(六)项\n信息内容\t本年处理决定数量\nP.8\n行政处罚\t36\n行政强制\t0\n"
    assert cells(text) == {"active.punishment.decisions": 36, "active.enforcement.decisions": 0}
