"""Sections and page boilerplate of real reports (fixtures copied from the shared corpus)."""

import json
from pathlib import Path

import pytest

from xxgk.records import Section
from xxgk.sectioning import classify_heading, find_sections, locate_boilerplate

FIXTURES = Path(__file__).parent / "fixtures" / "sections"
CHONGQING = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
HUBEI = (FIXTURES / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")
PASSAGES = {
    record["id"]: record
    for record in map(json.loads, (FIXTURES / "passages.jsonl").read_text(encoding="utf-8").splitlines())
}


def passage(pid: str) -> str:
    return PASSAGES[pid]["text"]


def outline(text: str) -> list[tuple[str, str]]:
    return [(s.type, s.heading) for s in find_sections(text)]


def test_chongqing_seed_sections():
    sections = find_sections(CHONGQING)
    assert sections == [
        Section("一、總體情況", "overview", 141, 1394),
        Section("二、主動公開政府信息情況", "active_disclosure", 1395, 1579),
        Section("三、 收到和處理政府信息公開申請情況", "applications", 1580, 2445),
        Section("四、政府信息公開行政複議、行政訴訟情況", "review_litigation", 2449, 2604),
        Section("五、當前存在的主要問題及下步改進措施", "problems_improvements", 2605, 3024),
        Section("六、其他需要報告的事項", "other", 3025, 3102),
    ]
    for section in sections:
        assert CHONGQING[section.start : section.start + len(section.heading)] == section.heading
    # the applications table's row labels 一、…四、 stay inside section 三
    applications = CHONGQING[sections[2].start : sections[2].end]
    assert "一、本年新收政府信息公開申請數量" in applications
    assert applications.rstrip().endswith("四、結轉下年度繼續辦理\n0\n0\n0\n0\n0\n0\n0")
    # the last section stops before the scraped footer
    assert CHONGQING[sections[-1].start : sections[-1].end].endswith("本機關未收取信息處理費。")
    assert "相關詞條" not in CHONGQING[sections[-1].start : sections[-1].end]


def test_chongqing_seed_boilerplate():
    assert locate_boilerplate(CHONGQING) == [(3104, 3120)]
    assert CHONGQING[3104:3120] == "相關詞條\n\n熱門詞條\n\n聯絡我們"


def test_hubei_seed_sections():
    assert find_sections(HUBEI) == [
        Section("一、2016年政府信息公开工作要点落实情况", "overview", 223, 1317),
        Section("二、主动公开政府信息情况", "active_disclosure", 1319, 1794),
        Section("三、依申请公开政府信息情况", "applications", 1796, 1831),
        Section("四、咨询投诉受理情况", "other", 1833, 1900),
        Section("五、政府信息公开的收费及减免情况", "other", 1902, 1950),
        Section("六、因信息公开申请行政复议、提起行政诉讼情况", "review_litigation", 1952, 2054),
        Section("七、主要问题和下一步的措施", "problems_improvements", 2056, 2546),
    ]
    # the signature stays in the last section, the footer after it does not
    assert HUBEI[2056:2546].endswith("湖北省知识产权局")


def test_hubei_seed_boilerplate():
    spans = locate_boilerplate(HUBEI)
    assert [HUBEI[a:b] for a, b in spans] == [
        "球探足球比分\n\n图片",
        "2016-03-24 00:00 湖北省知识产权局",
        "附件:\n\n\u2002已阅\u20020 \u2002打印\u2002 \u2002关闭",
    ]
    assert spans[-1][1] == len(HUBEI)
    assert not any(a <= HUBEI.index("湖北省知识产权局2016年") < b for a, b in spans)  # the title is kept


def test_traditional_pre2019_headings():
    assert outline(passage("p0116")) == [
        ("overview", "一、概述"),
        ("active_disclosure", "二、主動公開政府信息的情況"),
        ("applications", "三、依申請公開政府信息辦理情況"),
        ("other", "四、政府信息公開的收費及減免情況"),
        ("review_litigation", "五、因政府信息公開申請行政複議、提起行政訴訟的情況"),
        ("problems_improvements", "六、政府信息公開工作存在的主要問題及改進情況"),
    ]


def test_simplified_pre2019_headings():
    assert outline(passage("p0042")) == [
        ("active_disclosure", "一、主动公开政府信息情况"),
        ("applications", "二、依申请公开和不予公开政府信息情况"),
        ("other", "三、政府信息公开的收费及减免情况"),
        ("review_litigation", "四、因政府信息公开申请行政复议、提起行政诉讼情况"),
        ("problems_improvements", "五、存在的主要问题及下步工作安排"),
    ]
    # a next-year plan is about improvements; parenthetical notes do not hide the topic
    assert outline(passage("p0336"))[-1] == ("problems_improvements", "七、2013年重点工作安排")
    assert outline(passage("p0167"))[1:3] == [
        ("active_disclosure", "二、主动公开(范围、途径)"),
        ("applications", "三、依申请公开(申请情况、申请处理、收费和减免)"),
    ]


def test_pinyin_mirror_headings_keep_original_text():
    assert outline(passage("p0094")) == [
        ("overview", "一、總體情況"),
        ("active_disclosure", "二、主動(dòng)公開政府信息情況"),
        ("applications", "三、收到和處理政府信息公開申請(qǐng)情況"),
    ]


def test_numbering_variants():
    assert outline(passage("p0152")) == [
        ("overview", "—、總體情況"),
        ("problems_improvements", "五、存在的主要問題及改進情況"),
        ("other", "六、其他需要報告的事項"),
    ]
    assert [t for t, _ in outline(passage("p0377"))] == [
        "overview",
        "active_disclosure",
        "applications",
        "other",
        "review_litigation",
        "problems_improvements",
        "other",
    ]
    assert outline(passage("p0377"))[0] == ("overview", "1、政府信息公开工作基本概况")
    assert outline(passage("p0379")) == [
        ("overview", "一. 總體情況"),
        ("problems_improvements", "二.存在的主要問題及整改情況"),
    ]
    assert outline(passage("p0122"))[0] == ("overview", "一 、概 述")


def test_renumbered_sub_items_inside_overview_are_not_sections():
    # 公主岭市档案局 2021: 一、总体情况 holds items numbered 一、…六、 again, with text on their lines
    text = passage("p0210")
    assert outline(text) == [
        ("overview", "一、总体情况"),
        ("active_disclosure", "二、主动公开政府信息情况"),
        ("applications", "三、收到和处理政府信息公开申请情况"),
    ]
    overview = find_sections(text)[0]
    assert "三、主动公开政府信息情况。2021年" in text[overview.start : overview.end]


def test_sub_headings_stay_inside_their_section():
    text = passage("p0004")
    assert outline(text) == [("overview", "一、总体情况")]
    sections = find_sections(CHONGQING)
    assert len(sections) == 6  # (一)…(五) sub-items and 1.… table rows are not sections


def test_table_of_contents_is_not_a_set_of_headings():
    text = passage("p0001")
    toc_line = text.split("\n")[0]
    assert toc_line.startswith("一、概述,(一)") and "二、主動公開政府信息情況" in toc_line
    sections = find_sections(text)
    assert [(s.type, s.heading) for s in sections] == [("overview", "一、概述")]
    assert sections[0].start > len(toc_line)
    assert find_sections(passage("p0107")) == []  # 三、收到和处理政府信息公开申请情况 ..... 11


def test_heading_followed_by_text_on_its_line():
    text = "湖北省某局2016年政府信息公开工作年度报告\n一、概述。2016年,我局认真贯彻落实条例。\n二、主动公开政府信息情况:全年公开信息12条。\n"
    assert outline(text) == [("overview", "一、概述"), ("active_disclosure", "二、主动公开政府信息情况")]


def test_full_width_punctuation_matches():
    text = "一、总体情况\n正文。\n五、存在的主要问题及改进情况\n正文。\n（六）其他\n六、其他需要报告的事项：\n无。"
    assert outline(text) == [
        ("overview", "一、总体情况"),
        ("problems_improvements", "五、存在的主要问题及改进情况"),
        ("other", "六、其他需要报告的事项"),
    ]


def test_passages_without_headings():
    assert find_sections(passage("p0063")) == []  # excerpt with page metadata and body only
    assert find_sections("") == []


@pytest.mark.parametrize(
    "phrase,expected",
    [
        ("总体情况", ("overview", 4)),
        ("政府信息公开工作存在的主要问题及改进情况", ("problems_improvements", 4)),
        ("因政府信息公开工作被申请行政复议、提起行政诉讼情况", ("review_litigation", 4)),
        ("当前存在的主要问题及下步改进措施", ("problems_improvements", 4)),
        ("政府信息公开的收费及减免情况", ("other", 4)),
        ("咨询处理情况", ("other", 4)),
        ("依申请公开、不予公开及咨询政府信息情况", ("applications", 4)),
        ("主动公开情况", ("active_disclosure", 4)),
        ("政务公开工作推进情况", ("overview", 2)),
        ("政府信息公开平台建设情况", ("other", 1)),
        ("本年新收政府信息公开申请数量", None),
        ("结转下年度继续办理", None),
        ("加强组织领导", None),
    ],
)
def test_classify_heading(phrase, expected):
    assert classify_heading(phrase) == expected


def test_page_header_noise():
    text = passage("p0000")
    assert [text[a:b] for a, b in locate_boilerplate(text)] == ["选择特殊符号\n选择搜索类型\n请输入搜索"]
    text = passage("p0002")
    assert [text[a:b] for a, b in locate_boilerplate(text)] == ["字号:"]
    text = passage("p0018")
    spans = [text[a:b] for a, b in locate_boilerplate(text)]
    assert spans[0].startswith("• 索 引 号:QZ02114") and spans[0].endswith("• 公文生成日期:2026-01-27")
    assert spans[1] == "时间:2026-01-27 15:16"
    assert "泉州市丰泽区教育局关于印发" not in "".join(spans)  # the title is not noise


def test_page_footer_noise():
    text = passage("p0112")
    assert [text[a:b] for a, b in locate_boilerplate(text)] == ["分享:\n\n扫码使用手机浏览本页内容"]
    assert find_sections(text)[-1].end < text.index("分享:")
    text = passage("p0086")
    assert [text[a:b] for a, b in locate_boilerplate(text)][-1] == "扫一扫在手机打开当前页"
    assert text.rstrip().endswith("扫一扫在手机打开当前页")
    text = passage("p0021")
    footer = text[slice(*locate_boilerplate(text)[-1])]
    assert footer.startswith("唐村镇2010年政府信息公开工作年度报告.pdf")


def test_tables_at_the_end_are_not_footer_noise():
    text = passage("p0094")  # ends inside a flattened table
    assert all(b < len(text.rstrip()) - 20 for _, b in locate_boilerplate(text))
