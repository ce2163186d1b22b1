"""The weak labellers as examples of use: real snippets (corpus passage ids and sources given)
and the examples of annotation-guidelines.md v1.1."""

import copy
import json
from pathlib import Path

import pytest

from xxgk.records import Section, Span
from xxgk.weak_labels import (
    DEPARTMENTS,
    LABELERS,
    build_gazetteer,
    count_attributes,
    label_agencies,
    label_counts,
    label_measures,
    label_problems,
    label_years,
    link_counts,
    make_context,
    resolve_overlaps,
    statement_units,
    weak_annotate,
)

FIXTURES = Path(__file__).parent / "fixtures" / "weak"
CHONGQING = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
HUBEI = (FIXTURES / "seed-hubei-ipo-2016.txt").read_text(encoding="utf-8")
CHONGQING_TABLES = json.loads((FIXTURES / "chongqing-ipo-2021.tables.json").read_text(encoding="utf-8"))[
    "tables"
]


def texts(labeler, text, sections=None):
    return [span.text for span in labeler(text, make_context(text, sections))]


def problems_section(text, heading, until=None):
    """The problems Section from ``heading`` to ``until`` (the sectioning module finds these in reports)."""
    start = text.index(heading)
    end = text.index(until, start) if until else len(text)
    return [Section(heading, "problems_improvements", start, end)]


# AGENCY -------------------------------------------------------------------------------------


def test_agency_full_names_keep_their_division_prefix_in_both_scripts():
    assert texts(label_agencies, CHONGQING[:30]) == ["重慶市知識產權局"]
    assert texts(label_agencies, "湖北省知识产权局2016年政府信息公开工作年度报告") == ["湖北省知识产权局"]
    # guidelines: internal office with its parent's full name
    assert texts(label_agencies, "福州市晋安区人民政府信息公开办公室") == [
        "福州市晋安区人民政府信息公开办公室"
    ]


def test_agency_short_forms():
    # Chongqing seed, 一、總體情況
    snippet = "認真貫徹落實黨中央、國務院以及市委、市政府關於政府信息公開工作的決策部署"
    assert texts(label_agencies, snippet) == ["黨中央", "國務院", "市委", "市政府"]
    assert texts(label_agencies, "全年舉辦市政府新聞辦新聞發布會2場") == ["市政府新聞辦"]
    # Hubei seed, 七、主要问题和下一步的措施
    assert texts(label_agencies, "根据省审改办核定的行政权力目录清单") == ["省审改办"]
    # p0000 (https://m.zjtcn.com/baike/lys2013ndzfxxgkgzbgbgnr7246083)
    snippet = "组织市监察局、市法制办、市信息中心等部门和单位"
    assert texts(label_agencies, snippet) == ["市监察局", "市法制办", "市信息中心"]
    assert texts(label_agencies, "各县(市)区、市政府各部门及各直属机构") == ["市政府"]


def test_agency_not_self_references_generic_bodies_or_bare_government():
    assert texts(label_agencies, "2021年,我局共收到政府信息公开申请1件") == []
    assert texts(label_agencies, "本機關未收取信息處理費。") == []
    assert (
        texts(label_agencies, "协调有关处室和直属单位提出答复意见,领导小组下设办公室,办公室设在局办公室")
        == []
    )
    # p0217 (https://lswz.xinjiang.gov.cn/…/a610f54f64e54dad9227bc2c1293798b.shtml): shared prefix dropped
    assert texts(label_agencies, "在自治区党委、人民政府的领导下") == ["自治区党委"]


def test_agency_nothing_inside_book_titles_or_document_numbers():
    assert texts(label_agencies, "制定出台了《重慶市知識產權局政府信息公開暫行辦法》") == []
    assert texts(label_agencies, "《中华人民共和国政府信息公开条例》(国务院令第711号)") == []
    assert texts(label_agencies, "按照国发〔2019〕1号文件要求") == []
    # outside the title the organ counts: 国务院办公厅《…》
    assert texts(label_agencies, "国务院办公厅《2021年政务公开工作要点》") == ["国务院办公厅"]


def test_agency_media_websites_and_platforms_are_not_agencies():
    # Hubei seed, 二、主动公开政府信息情况
    snippet = "使用户外大屏、湖北日报在线电子屏等新的传播方式,主要领导接受省人民政府网站、荆楚网在线访谈"
    assert texts(label_agencies, snippet) == ["省人民政府"]
    assert texts(label_agencies, "四是通过长江云平台,省政府网站、荆楚网知识产权专题") == ["省政府"]
    assert texts(label_agencies, "不斷強化與“渝快辦”重慶市網上辦事大廳對接") == []
    assert texts(label_agencies, "在中国政府网和政府网站公开") == []


def test_agency_before_the_fixed_term_government_information_disclosure():
    # guidelines examples
    assert texts(label_agencies, "2022年三江鎮政府信息公開年度報告") == ["三江鎮"]
    assert texts(label_agencies, "凤安镇政府信息公开工作方案") == ["凤安镇"]
    assert texts(label_agencies, "按照市政府信息公开的有关要求") == []
    assert texts(label_agencies, "在区政府信息公开网发布") == []
    assert texts(label_agencies, "宿州市人民政府信息公开网站") == ["宿州市人民政府"]
    # p0019 (http://intermagasia.com/…/t20201208_4700617.html)
    assert texts(label_agencies, "全年通过东丽区政府信息公开网站主动发布公开信息424件") == ["东丽区"]


def test_agency_internal_offices_only_with_their_parent():
    assert texts(label_agencies, "南平市人民政府信息公开工作领导小组办公室") == [
        "南平市人民政府信息公开工作领导小组办公室"
    ]
    assert texts(label_agencies, "由中埠镇党政办公室负责") == ["中埠镇党政办公室"]
    assert texts(label_agencies, "成立镇政务公开领导小组") == []
    assert texts(label_agencies, "由局办公室和政府办负责") == []
    assert texts(label_agencies, "县政府办、市政府办公室和省政府办公厅") == [
        "县政府办",
        "市政府办公室",
        "省政府办公厅",
    ]


def test_agency_division_standing_alone_as_issuer_or_actor_not_as_place():
    assert texts(label_agencies, "中村乡2020年政府信息公开工作年度报告") == ["中村乡"]
    assert texts(label_agencies, "2021年,底张街道共主动公开政府信息140余条") == ["底张街道"]
    assert texts(label_agencies, "在湖北省境内,全乡共有") == []


def test_agency_website_owners_and_locations():
    assert texts(label_agencies, "“廣州市番禺區人民政府”網") == ["廣州市番禺區人民政府"]
    assert texts(label_agencies, "在市政府门户网站公开") == ["市政府"]
    assert texts(label_agencies, "在街政务中心设立专区") == []
    # p0136 (http://xxgk.tongyu.gov.cn/…/t20210129_890439.html): an address is not the actor
    assert texts(label_agencies, "(地址:团结乡政府办公室;邮编:137200)") == []


def test_gazetteer_from_titles_and_signatures():
    names = build_gazetteer([CHONGQING, HUBEI])
    assert "重庆市知识产权局" in names and "湖北省知识产权局" in names
    # the issuer's title teaches its own town name, even when it is a common word (`团结`)
    text = "团结乡2020年政府信息公开工作年度报告\n2020年,团结乡未收取任何政府信息公开费用。"
    assert texts(label_agencies, text) == ["团结乡", "团结乡"]


def test_agency_on_pinyin_mirror_pages_keeps_the_glosses_inside():
    # p0032 (http://www.moonvisionstudio.com/…/post_4437612.html): a mirror with pinyin glosses
    snippet = "2012年,在黨中央、國(guó)務(wù)院和廣東省委、省政府的正確領(lǐng)導(dǎo)下"
    assert texts(label_agencies, snippet) == ["黨中央", "國(guó)務(wù)院", "廣東省委", "省政府"]


def test_agency_departments_without_division_and_central_prefixes():
    # p0308 (http://tjj.ah.gov.cn/public/6981/146422691.html)
    assert texts(label_agencies, "一是积极主动公开政务信息,对统计局的政务公开项目") == ["统计局"]
    assert texts(label_agencies, "由信访局局长任组长") == []
    assert texts(label_agencies, "特向社会公布国家税务总局佛山市税务局(以下简称") == [
        "国家税务总局佛山市税务局"
    ]
    assert texts(label_agencies, "《中华人民共和国政府信息公开条例》(国务院第492号令)") == []
    # found back from the organ, as a left-to-right scan would, since no name holds 委, 局, 厅 or 办
    assert not [name for name in DEPARTMENTS if set(name) & set("委局厅办")]
    text = "向市场监督管理局、统计局和自然资源和规划局"
    assert texts(label_agencies, text) == ["市场监督管理局", "统计局", "自然资源和规划局"]


def test_agency_learns_division_names_the_report_uses():
    # p0353 (http://www.jianghai.gov.cn/…/post_82024.html): 外海 is a common word, 江海区外海街道 teaches it
    text = "工作开展以来,外海街道严格按照上级相关要求。\n江海区外海街道办事处\n二○○九年三月"
    assert texts(label_agencies, text) == ["外海街道", "江海区外海街道办事处"]


# YEAR ---------------------------------------------------------------------------------------


def test_years_with_their_suffix_and_only_the_year_of_a_date():
    assert texts(label_years, "至2016年12月,2016年1月至12月,2016年度部门预算") == [
        "2016年",
        "2016年",
        "2016年度",
    ]
    assert texts(label_years, "二〇二一年,二○一六年") == ["二〇二一年", "二○一六年"]
    # p0099 (http://www.bengbu.gov.cn/public/25461/45854211.html): a signature date with a digit zero
    assert texts(label_years, "二0一七年") == ["二0一七年"]
    assert texts(label_years, '"发布时间":"2021年01月28日"') == ["2021年"]
    assert texts(label_years, "上一年項目數量(指2019年事項數)") == ["2019年"]


def test_bare_years_in_running_text():
    # p0197 (http://www.jdzcjq.gov.cn/lyz/zfxxgknb_2427/2022/t878349.shtml)
    assert texts(label_years, "2022,丽阳镇在区委、区政府的正确领导下") == ["2022"]
    assert texts(label_years, "2018以来,共2020条,电话:0755-2021") == ["2018"]
    assert texts(label_years, "4.2021年未发现") == ["2021年"]


def test_years_not_relative_mistyped_numeric_or_in_titles():
    assert texts(label_years, "上年、本年度、今年、下一年、全年") == []
    assert texts(label_years, "202020年") == []
    assert texts(label_years, "2016-03-24 00:00 湖北省知识产权局") == []
    assert texts(label_years, "《2016年政府信息公开工作要点》和闽政办函〔2012〕157号") == []


# COUNT --------------------------------------------------------------------------------------


def test_counts_with_value_unit_and_approx():
    text = "發布政策解讀信息8篇,中央和地方媒體刊載50餘篇"
    spans = label_counts(text, make_context(text))
    assert [(s.text, s.attrs) for s in spans] == [
        ("8篇", {"value": 8, "unit": "篇", "approx": False}),
        ("50餘篇", {"value": 50, "unit": "篇", "approx": True}),
    ]
    # p0000: 1600多份; 七个 with a Chinese numeral
    text = "全年共接收公开信息件1600多份,到七个县(市)区、22个市政府部门"
    assert [(s.text, s.attrs["value"]) for s in label_counts(text, make_context(text))] == [
        ("1600多份", 1600),
        ("七个", 7),
        ("22个", 22),
    ]


def test_count_span_keeps_line_breaks_and_leaves_words_before_outside():
    text = "共公开信息约5928\n条,10.2万条,累计3次"
    spans = label_counts(text, make_context(text))
    assert [s.text for s in spans] == ["5928\n条", "10.2万条", "3次"]
    assert spans[0].attrs == {"value": 5928, "unit": "条", "approx": True}
    assert spans[1].attrs["value"] == 102000


def test_counts_of_parts():
    # p0011 (https://www.ahhy.gov.cn/…): 六部分; p0142 (https://www.hhjs.gov.cn/info/2961/171731.htm): 六个部分
    assert texts(label_counts, "其它需要报告事项等六部分组成") == ["六部分"]
    assert texts(label_counts, "其他需要报告的事项六个部分组成") == ["六个"]


@pytest.mark.parametrize(
    "snippet",
    [
        "本年收费金额16.856万元,收费100元",  # money
        "同比增长了19.63%",  # percentage
        "第二十条第(一)项,一是渠道更加广泛,(一)强化组织领导",  # ordinals and list markers
        "于信息生成20个工作日内送交,3个月内,15天内答复",  # durations (p0056)
        "嚴格落實“三審三校”,确保“一事一审”,在今年刚结束的两会上",  # fixed expressions
        "3.危及“三安全一稳定” 5.属于三类内部事务信息 6.属于四类过程性信息",
        "作为机关建设的一项重要工作,制定一套制度,新增了一批电脑",  # indefinite 一
        "电话:83126452,邮编:510032,国办发〔2019〕60号",
    ],
)
def test_not_counts(snippet):
    assert texts(label_counts, snippet) == []


@pytest.mark.parametrize(
    "snippet",
    [
        "按照中纪委十七届五次全会、国务院第三次廉政工作会议",  # p0173: sessions
        "全面公示县、乡、村三级农村饮水安全管理“三个责任”体系",  # p0117: a slogan
        "并每周对平台检查一次,发现问题及时完成整改",  # p0193: a frequency
        "考核结果位列街道前20名",  # p0090: a rank
        "2009年,全镇未发生一起因政府信息公开申请行政复议",  # no case at all
        "一方面,通过区政府网站公开",
    ],
)
def test_not_counts_in_context(snippet):
    assert texts(label_counts, snippet) == []


def test_no_counts_in_statistical_table_cells():
    text = "规章 | 0 | 0 | 0 |\n行政规范性文件 | 4件 | 0 | 7 |\n2021年,我局共收到政府信息公开申请1件"
    assert texts(label_counts, text) == ["1件"]


def test_a_run_of_numerals_that_is_no_number_is_not_a_count():
    # a garbled table heading (`二二十条` for `第二十条`) must not stop the report's labelling
    assert texts(label_counts, "二二十条第(一)项,共收到申请二十条") == ["二十条"]
    assert count_attributes("二二十条", 0, 4) == {}


def test_count_attributes_of_a_given_span():
    text = "中央和地方媒體刊載50餘篇"
    start = text.index("50")
    assert count_attributes(text, start, len(text)) == {"value": 50, "unit": "篇", "approx": True}
    text = "受理申请约20件"
    assert count_attributes(text, text.index("20"), len(text))["approx"] is True


# MEASURE / PROBLEM --------------------------------------------------------------------------


def test_chongqing_section_five_statements():
    sections = problems_section(CHONGQING, "五、當前存在的主要問題及下步改進措施", "六、")
    context = make_context(CHONGQING, sections)
    assert [s.text for s in label_problems(CHONGQING, context)] == [
        "政府信息公開的時效性上還有待進一步提升",
        "政策解讀水平有待進一步提高",
        "政府網站欄目的設定上有待進一步最佳化",
    ]
    measures = [s.text for s in label_measures(CHONGQING, context)]
    assert (
        measures[0] == "進一步提高政治站位。持續加強對《條例》以及政務公開相關規定的學習,進一步提高思想認識"
    )
    assert measures[1].startswith("進一步加強內容建設。") and measures[1].endswith("信息觸手可得")
    assert measures[2].startswith("進一步加強政策解讀和宣傳。") and measures[2].endswith("方便公眾查詢獲取")
    assert len(measures) == 3  # the framing sentences (取得了一定成效…, 常抓不懈…) are not statements


def test_worked_example_of_the_guidelines_on_the_hubei_seed():
    sections = problems_section(HUBEI, "七、主要问题和下一步的措施", "附件")
    weak = weak_annotate(HUBEI, sections=sections)
    entities = {(s.label, s.text) for s in weak.entities}
    assert {
        ("AGENCY", "湖北省知识产权局"),
        ("YEAR", "2016年"),
        ("COUNT", "1465条"),
        ("COUNT", "993条"),
    } <= entities
    assert {("COUNT", "831次"), ("AGENCY", "省审改办"), ("COUNT", "3种")} <= entities
    assert not any("19.63" in s.text for s in weak.entities)
    first = weak.statements[0]
    assert first.label == "MEASURE"
    assert first.text.startswith("进一步规范政务信息公开流程。完善") and first.text.endswith(
        "进一步增强政务信息公开实效"
    )
    assert [s.label for s in weak.statements] == ["MEASURE"] * 3


def test_unmarked_paragraph_gives_one_statement_per_sentence_without_the_introducing_clause():
    # p0068 (https://www.szft.gov.cn/bmxx/qczj/xxgknb/content/post_9529455.html)
    text = (
        "五、存在的主要问题及改进情况\n我署政府信息公开工作,主要存在问题:对政府信息公开的认识还有待进一步深入,"
        "政务公开的质量水平有待进一步提升,政府信息公开内容和工作程序有待进一步规范。\n"
        "为进一步做好政府信息公开工作,我署将进一步加强单位政府信息与政务公开工作领导,进一步提高思想认识。\n"
    )
    sections = problems_section(text, "五、存在的主要问题及改进情况")
    context = make_context(text, sections)
    assert texts(label_problems, text, sections) == [
        "对政府信息公开的认识还有待进一步深入,政务公开的质量水平有待进一步提升,政府信息公开内容和工作程序有待进一步规范"
    ]
    assert [s.text for s in label_measures(text, context)] == [
        "为进一步做好政府信息公开工作,我署将进一步加强单位政府信息与政务公开工作领导,进一步提高思想认识"
    ]


def test_semicolons_split_unmarked_measures_and_sub_headings_set_the_label():
    # p0042 (https://amr.hainan.gov.cn/…/t20150128_2510919.html)
    text = (
        "五、存在的主要问题及下步工作安排\n我局在政府信息公开方面仍存在一些不足之处:一是公开的信息、数据还不太全面;"
        "二是有些信息更新还不够及时。\n接下来,我们会强化网络安全建设,提高政府网站安全防护能力;检测数据按季度发布,"
        "以便及时修改完善。\n"
    )
    weak = weak_annotate(text, sections=problems_section(text, "五、存在的主要问题及下步工作安排"))
    assert [(s.label, s.text) for s in weak.statements] == [
        ("PROBLEM", "公开的信息、数据还不太全面"),
        ("PROBLEM", "有些信息更新还不够及时"),
        ("MEASURE", "接下来,我们会强化网络安全建设,提高政府网站安全防护能力"),
        ("MEASURE", "检测数据按季度发布,以便及时修改完善"),
    ]


def test_headline_items_keep_their_explanation_paragraph():
    # p0098 (https://pingcheng.gov.cn/…/a97d88bb9a5b4980bf5e5b4e5f85bc4c.shtml), written with Kangxi radicals (⼀ ⼯ ⼈)
    text = (
        "五、存在的主要问题及改进情况\n针对上述问题,我街将通过以下措施加以改进:\n\n(一)进⼀步加强组织体系建设。\n\n"
        "针对信息公开⼯作⼈员⼒量相对薄弱等现状,进⼀步明确从事信息公开⼯作的⼈员及职责,督促⼯作⼈员认真开展⼯作。\n\n"
        "(二)持续提⾼业务能⼒。\n"
    )
    weak = weak_annotate(text, sections=problems_section(text, "五、存在的主要问题及改进情况"))
    assert [(s.label, s.text) for s in weak.statements] == [
        ("MEASURE", text[text.index("进⼀步加强") : text.index("认真开展⼯作") + 6]),
        ("MEASURE", "持续提⾼业务能⼒"),
    ]


def test_statements_only_inside_problems_sections():
    text = "一、总体情况\n持续加大主动公开力度。进一步加强政策解读。\n"
    assert weak_annotate(text, sections=[Section("一、总体情况", "overview", 0, len(text))]).statements == []
    sections = problems_section(CHONGQING, "五、當前存在的主要問題及下步改進措施", "六、")
    units = statement_units(CHONGQING, sections)
    assert len(units) == 6 and all(sections[0].start < s < e <= sections[0].end for s, e in units)


# Table link ---------------------------------------------------------------------------------


def test_table_link_on_the_chongqing_seed():
    counts = texts(label_counts, CHONGQING)
    assert "1件" in counts
    spans = label_counts(CHONGQING, make_context(CHONGQING))
    linked, warnings = link_counts(CHONGQING, spans, CHONGQING_TABLES)
    received = next(s for s in linked if s.start == CHONGQING.index("1件,已在法定期限"))
    assert received.attrs["count_type"] == "applications.new_received.total"
    assert warnings == []
    assert sum("count_type" in s.attrs for s in linked) == 1  # 537條 etc. name no table cell


def test_table_link_warns_when_narrative_and_table_differ():
    text = CHONGQING.replace("共收到政府信息公開申請1件", "共收到政府信息公開申請2件")
    tables = copy.deepcopy(CHONGQING_TABLES)
    weak = weak_annotate(text, sections=[], tables=tables)
    linked = next(s for s in weak.entities if s.text == "2件")
    assert linked.attrs["count_type"] == "applications.new_received.total"
    assert weak.warnings == ["narrative says 2件 for applications.new_received.total, table says 1"]


@pytest.mark.parametrize(
    ("snippet", "count_type"),
    [
        ("收到申请3件,其中予以公开2件", "applications.granted.total"),
        ("同意部分公开1件", "applications.partially_granted.total"),
        ("被申请行政复议0件", "review_litigation.review.total"),
        ("提起行政诉讼0件", "review_litigation.litigation.total"),
        ("结转下年度继续办理0件", "applications.carried_forward.total"),
        ("制发行政规范性文件4件", "active.normative_documents.issued"),
        # the context after the count
        ("收到申请1件,其中1件予以公开", "applications.granted.total"),
        ("另0件结转下一年处理", "applications.carried_forward.total"),
        ("0件顺延至下年度办理", "applications.carried_forward.total"),
        # a sub-count: the column of the 表四 total before it in its sentence
        ("被行政复议0件,其中结果维持0件", "review_litigation.review.upheld"),
        ("被行政复议0件,其中结果维持0件、结果纠正0件、其他结果0件、尚未审结0件", "review_litigation.review.pending"),
        ("行政复议0件,维持0件,纠正0件", "review_litigation.review.corrected"),
        ("提起行政诉讼0件,其中结果维持0件", "review_litigation.litigation.upheld"),
    ],
)
def test_table_link_contexts(snippet, count_type):
    assert last_count_type(snippet) == count_type


@pytest.mark.parametrize(
    "snippet",
    [
        "被行政复议0件。结果维持0件",  # another sentence
        "被申请行政复议0件,已办结1件,维持0件",  # after a count of another cell
        "收到申请1件,其中结果维持0件",  # no 表四 total before it
    ],
)
def test_a_sub_count_without_its_total_in_the_sentence_is_not_linked(snippet):
    assert last_count_type(snippet) is None


def last_count_type(snippet: str) -> str | None:
    """The table cell the last COUNT of ``snippet`` is linked to (the Chongqing seed's tables)."""
    linked, _ = link_counts(snippet, label_counts(snippet, make_context(snippet)), CHONGQING_TABLES)
    return linked[-1].attrs.get("count_type")


@pytest.mark.parametrize(
    ("snippet", "count_type"),
    [
        ("全市共受理政府信息公开申请 3119 件，答\n复 1 件", "applications.processed_total.total"),
        ("政府信息公开行政复\n议 0 件", "review_litigation.review.total"),
    ],
)
def test_table_link_through_a_line_wrapped_inside_the_sentence(snippet, count_type):
    """PDF text breaks lines inside words; a clause still ends at a line break after punctuation."""
    assert last_count_type(snippet) == count_type
    assert last_count_type("三、收到和处理政府信息公开申请情况。\n1 件") is None


def test_table_link_through_the_table_parser():
    tables = pytest.importorskip("xxgk.tables")
    result = tables.parse_tables(CHONGQING)
    weak = weak_annotate(CHONGQING, tables=result)
    assert [s.attrs["count_type"] for s in weak.entities if "count_type" in s.attrs] == [
        "applications.new_received.total"
    ]
    assert weak.warnings == []
    # no COUNT from the numbers of the flattened table cells
    table_start = CHONGQING.index("二、主動公開政府信息情況")
    table_end = CHONGQING.index("五、當前存在")
    assert not [s for s in weak.entities if s.label == "COUNT" and table_start < s.start < table_end]


# Combination --------------------------------------------------------------------------------


def test_labelers_can_run_alone():
    assert {name: labeler.label for name, labeler in LABELERS.items()} == {
        "agency": "AGENCY",
        "year": "YEAR",
        "count": "COUNT",
        "measure": "MEASURE",
        "problem": "PROBLEM",
    }
    func, label = LABELERS["year"]
    assert [s.text for s in func(HUBEI, make_context(HUBEI))][:2] == ["2016年", "2016年"]


def test_weak_annotate_layers_never_overlap():
    for text in (CHONGQING, HUBEI):
        weak = weak_annotate(text)
        for layer in (weak.entities, weak.statements):
            assert all(a.end <= b.start for a, b in zip(layer, layer[1:], strict=False))
            assert all(text[s.start : s.end] == s.text for s in layer)
        assert any(s.label == "MEASURE" for s in weak.statements)


def test_overlaps_resolved_by_length_then_label_priority():
    found = {
        "COUNT": [Span(0, 2, "COUNT"), Span(5, 9, "COUNT")],
        "AGENCY": [Span(1, 6, "AGENCY")],
        "YEAR": [Span(5, 9, "YEAR")],
    }
    kept = resolve_overlaps(found, ("YEAR", "AGENCY", "COUNT"))
    assert [(s.start, s.end, s.label) for s in kept] == [(1, 6, "AGENCY")]
    kept = resolve_overlaps({"COUNT": found["COUNT"], "YEAR": found["YEAR"]}, ("YEAR", "AGENCY", "COUNT"))
    assert [(s.start, s.end, s.label) for s in kept] == [(0, 2, "COUNT"), (5, 9, "YEAR")]


def test_book_titles_document_numbers_and_table_rows_of_the_context():
    text = "根据《条例》(国务院令第711号),按照国办发〔2019〕12号、市政府第5号令办理,本机关2021年公开。"
    context = make_context(text)
    assert [text[a:b] for a, b in context.blocked] == [
        "《条例》", "国务院令第711号)", "国办发〔2019〕12号", "〔2019〕", "市政府第5号令"
    ]
    assert [s.text for s in label_years(text, context)] == ["2021年"]
    rows = "规章 | 0 | 0\n2021年 | 1\n| 2022年 | 3 |"
    assert [rows[a:b] for a, b in make_context(rows).table_cells] == ["规章 | 0 | 0", "| 2022年 | 3 |"]
