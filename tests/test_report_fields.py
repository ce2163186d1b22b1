"""Report-level fields (title, agency, year, script, format) of real reports."""

import json
from pathlib import Path

import pytest

from xxgk.extraction import analyse_rules
from xxgk.reading import document_from_text
from xxgk.report_fields import report_agency, report_format, report_script, report_title, report_year

FIXTURES = Path(__file__).parent / "fixtures" / "sections"
CHONGQING = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
HUBEI = (FIXTURES / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")
PASSAGES = {
    record["id"]: record
    for record in map(json.loads, (FIXTURES / "passages.jsonl").read_text(encoding="utf-8").splitlines())
}


def title_text(text: str) -> str | None:
    span = report_title(text)
    return text[span[0] : span[1]] if span else None


def test_chongqing_seed():
    assert report_title(CHONGQING) == (0, 25)
    assert title_text(CHONGQING) == "重慶市知識產權局2021年政府信息公開工作年度報告"
    assert report_agency(CHONGQING) == "重庆市知识产权局"
    assert report_year(CHONGQING) == 2021
    assert report_script(CHONGQING) == "traditional"
    assert report_format("2021", 2021) == "2021"


def test_hubei_seed():
    assert title_text(HUBEI) == "湖北省知识产权局2016年政府信息公开工作年度报告"
    assert report_title(HUBEI)[0] == HUBEI.index("湖北省知识产权局2016年")  # after the header noise
    assert report_agency(HUBEI) == "湖北省知识产权局"
    assert report_year(HUBEI) == 2016
    assert report_script(HUBEI) == "simplified"
    assert report_format(None, 2016) == "pre2019"


@pytest.mark.parametrize(
    "pid,title,agency,year,script",
    [
        (
            "p0004",
            "荣成市人民政府办公室2025年政府信息公开工作年度报告",
            "荣成市人民政府办公室",
            2025,
            "simplified",
        ),
        (
            "p0007",
            "威海市文登区发展和改革局2020年度政府信息公开工作报告",
            "威海市文登区发展和改革局",
            2020,
            "simplified",
        ),
        # a title broken over two lines
        ("p0010", "六盘水市公安局2020年度政府信息\n公开工作年度报告", "六盘水市公安局", 2020, "simplified"),
        (
            "p0283",
            "泉州市鲤城区科学技术局2022年政府\n信息公开工作年度报告",
            "泉州市鲤城区科学技术局",
            2022,
            "simplified",
        ),
        (
            "p0016",
            "东河区卫生健康委员会 2021政府信息公开工作年度报告",
            "东河区卫生健康委员会",
            2021,
            "simplified",
        ),
        (
            "p0018",
            "泉州市丰泽区教育局关于印发 2025年政府信息公开工作年度报告的通知",
            "泉州市丰泽区教育局",
            2025,
            "simplified",
        ),
        # a name that phrase-level conversion would damage (埠 → 端口)
        ("p0048", "桃江县鲊埠回族乡2021年政府信息公开工作年度报告", "桃江县鲊埠回族乡", 2021, "simplified"),
        # Traditional pinyin mirror: glosses kept in the title span, dropped from the agency
        (
            "p0057",
            "西藏自治區(qū)人民政府2020年政府信息公開工作年度報(bào)告",
            "西藏自治区人民政府",
            2020,
            "traditional",
        ),
        ("p0063", "2009年度下管鎮(zhèn)政府信息公開年度報(bào)告", "下管镇", 2009, "traditional"),
        ("p0114", "江西省農業農村廳2022年政府信息公開工作年度報告", "江西省农业农村厅", 2022, "traditional"),
        (
            "p0298",
            "2020年上海市人民政府辦公廳政府信息公開工作年度報告",
            "上海市人民政府办公厅",
            2020,
            "traditional",
        ),
        # the year after the name, in brackets
        (
            "p0177",
            "洪山区人民政府珞南街道办事处政府信息公开工作年度报告(2020年度)",
            "洪山区人民政府珞南街道办事处",
            2020,
            "simplified",
        ),
        ("p0196", "2018年度浮梁县臧湾乡政府信息公开年报", "浮梁县臧湾乡", 2018, "simplified"),
        # no agency in the title: the agency line under it, or the signature
        ("p0354", "2009年度政府信息公开工作年度报告", "白城市民委(宗教局)", 2009, "simplified"),
        ("p0356", "2009年度信息公开工作报告", "武义县环境保护局", 2009, "simplified"),
    ],
)
def test_passage_fields(pid, title, agency, year, script):
    text = PASSAGES[pid]["text"]
    assert title_text(text) == title
    assert report_agency(text) == agency
    assert report_year(text) == year
    assert report_script(text) == script


def test_fields_without_a_title():
    # the preamble names the report: 发布《重庆市审计局2021年政府信息公开工作年度报告》
    text = PASSAGES["p0311"]["text"]
    assert report_title(text) is None
    assert report_agency(text) == "重庆市审计局"
    assert report_year(text) == 2021
    # the statistics period: 统计期限从2012年1月1日到12月31日止
    text = PASSAGES["p0001"]["text"]
    assert report_year(text) == 2012
    assert report_script(text) == "traditional"


def test_metadata_title_is_a_fallback():
    text = "标 题 | 某县统计局2023年政府信息公开工作年度报告 | ||\n索引号 | 123 |\n一、总体情况\n2023年,我局…"
    assert title_text(text) == "某县统计局2023年政府信息公开工作年度报告"
    assert report_agency(text) == "某县统计局"


def test_chinese_numeral_year_and_opening_agency():
    text = "二〇二一年政府信息公开工作年度报告\n根据条例,现将某市统计局2021年政府信息公开工作情况报告如下。"
    assert report_year(text) == 2021
    assert report_agency(text) == "某市统计局"
    assert (
        report_year("现将我局工作报告如下。2019年,我局主动公开信息20条,2019年共收到申请2件,2018年无。")
        == 2019
    )


def test_sentences_are_not_titles():
    text = "按照《条例》要求,我部编制了《应急管理部2020年政府信息公开工作报告》,现予公布。\n一、总体情况"
    assert report_title(text) is None
    assert report_agency(text) == "应急管理部"


@pytest.mark.parametrize(
    "table_format,year,expected",
    [
        ("2019", 2021, "2019"),  # a stale table format is reported as seen
        ("mixed", 2021, "mixed"),
        (None, 2016, "pre2019"),
        (None, 2019, "2019"),
        (None, 2020, "2019"),
        (None, 2021, "2021"),
        (None, 2024, "2021"),
        (None, None, "unknown"),
    ],
)
def test_report_format(table_format, year, expected):
    assert report_format(table_format, year) == expected


BODY = "一、总体情况\n2021年,我局主动公开政府信息86条。\n五、存在的主要问题及改进情况\n2022年将加强培训。\n"


@pytest.mark.parametrize(
    "text,agency,year",
    [
        # the agency on its own line above a 关于… title
        ("平川区人民政府\n关于2020年度政府信息公开工作的报告\n" + BODY, "平川区人民政府", 2020),
        # 关于 before the agency
        ("关于福江市教育局2021年政府信息公开工作年度报告\n" + BODY, "福江市教育局", 2021),
        # a bracketed leading year
        ("[2013]湘河县粮食局政府信息公开工作年度报告\n" + BODY, "湘河县粮食局", 2013),
        # a title label outside the page metadata
        ("信息名称:长岭县公安局2021年政府信息公开工作年度报告\n" + BODY, "长岭县公安局", 2021),
        # the agency line in brackets under the title
        ("政府信息公开工作年度报告\n(青溪县人民政府办公室)\n" + BODY, "青溪县人民政府办公室", 2021),
    ],
)
def test_title_shapes(text, agency, year):
    assert report_agency(text) == agency
    assert report_year(text) == year


@pytest.mark.parametrize(
    "opening,agency",
    [
        ("本报告由鹤岭区交通运输局根据《中华人民共和国政府信息公开条例》要求编制。", "鹤岭区交通运输局"),
        ("本报告依据《条例》要求,由郊县生态环境分局编制。", "郊县生态环境分局"),
        ("根据《条例》规定,汉川县民政局编制本报告。", "汉川县民政局"),
        ("根据《条例》要求,结合2021年临水县信访局政府信息公开工作实际,编制发布本报告。", "临水县信访局"),
    ],
)
def test_agency_from_the_opening_sentence(opening, agency):
    text = f"2021年政府信息公开工作年度报告\n{opening}\n" + BODY
    assert report_agency(text) == agency
    assert report_year(text) == 2021


@pytest.mark.parametrize(
    "ending,agency",
    [
        ("靖川市公安局 2022年1月14日", "靖川市公安局"),
        ("清岩县科学技术局(盖章)\n2022年1月12日", "清岩县科学技术局"),
        ("罗川县人民政府办公室(县外事办)\n二〇二二年一月十日", "罗川县人民政府办公室(县外事办)"),
    ],
)
def test_agency_from_the_signature(ending, agency):
    text = "2021年政府信息公开工作年度报告\n" + BODY + "\n" + ending + "\n"
    assert report_agency(text) == agency


def test_agency_from_page_metadata_published_next_year():
    text = (
        "首页 > 政务公开 > 年度报告\n发布时间:2022-01-20\n发布机构:福川市水利局\n政府信息公开工作年度报告\n"
        "本报告所列数据的统计期限自2021年1月1日起至2021年12月31日止。\n" + BODY
    )
    assert report_agency(text) == "福川市水利局"
    assert report_year(text) == 2021
    traditional = "首頁 > 政務公開\n來源:屏川縣環保局\n政府信息公開工作年度報告\n一、總體情況\n2021年,本局堅持公開。\n"
    assert report_agency(traditional) == "屏川县环保局"


def test_report_openings_written_for_the_tests():
    """116 report openings and endings in the shapes real reports use (titles after page chrome,
    `关于…` titles, agencies only in the first sentence, the signature or `发布机构:`, pinyin
    mirrors, Traditional script …), each with the agency (or the acceptable forms) and year."""
    path = Path(__file__).parent / "fixtures" / "report_fields" / "report_openings.jsonl"
    probes = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    results = [analyse_rules(document_from_text(p["text"], p["id"], str(path))) for p in probes]
    wrong_agencies = [(p["id"], r.agency) for p, r in zip(probes, results) if r.agency not in p["agency"]]
    assert [p["id"] for p, r in zip(probes, results) if r.year != p["year"]] == []
    assert wrong_agencies == []


def test_agency_of_a_letter_spaced_title():
    # some PDF text layers space out every character of a title
    text = "金 山 区 财 政 局 2 0 2 2 年 政 府 信 息 公 开 工 作 年 度 报 告\n一、总体情况\n本年度…"
    assert report_agency(text) == "金山区财政局"
    assert report_agency("一 是 加 强 领 导 , 二 是 完 善 制 度") is None


@pytest.mark.parametrize(
    ("text", "year"),
    [
        ("本报告统计期限为2021 年1月1日至12月31日。", 2021),
        ("数据统计期为1998年1月1日至12月31日;本报告数据期为2021年1月1日至2021年12月31日。", 2021),
        ("一、总体情况\n本局二〇二〇 年主动公开信息,2020年新增栏目,2019年以来持续推进。\n二、主动公开政府信息情况\n略", 2020),
    ],
)
def test_year_of_a_report_without_a_dated_title(text, year):
    """The statistics period (a space before 年; an implausible first period passed over), else the
    most frequent year of the overview (in Chinese numerals too)."""
    assert report_year(text) == year
