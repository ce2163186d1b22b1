"""More weak-labeller examples, each for one rule of annotation-guidelines.md v1.1 that new text
broke (the guideline probes in ``tests/test_guideline_probes.py`` found them). The snippets are
written for these tests."""

from test_weak_labels import texts

from xxgk.records import Section
from xxgk.weak_labels import label_agencies, label_counts, weak_annotate


def entities(text):
    return [(span.text, span.label) for span in weak_annotate(text, []).entities]


# COUNT: `一` + measure word as an indefinite article ------------------------------------------


def test_one_with_a_described_noun_is_an_indefinite_article():
    assert texts(label_counts, "组建一支懂业务的信息员队伍。") == []
    assert texts(label_counts, "为群众开通了一条绿色通道。") == []
    assert texts(label_counts, "把网站建设当作一件大事。") == []
    assert texts(label_counts, "开展了一次系统的自查。") == []


def test_one_with_a_plain_noun_or_alone_stays_a_count():
    assert texts(label_counts, "当年收到一件申请,办结1件。") == ["一件", "1件"]
    assert texts(label_counts, "全年仅公开一条信息。") == ["一条"]
    assert texts(label_counts, "依申请公开共一件。") == ["一件"]


# YEAR before a document or decree number ------------------------------------------------------


def test_a_year_before_a_cited_document_number_is_kept():
    assert entities("修订后的条例于2019年以国务院令第711号公布。") == [("2019年", "YEAR")]
    assert entities("2021年依照鄂政办发〔2021〕5号开展自查。") == [("2021年", "YEAR")]
    assert entities("自2022年起执行黔府办函〔2021〕12号。") == [("2022年", "YEAR")]


def test_the_organ_of_a_document_number_stays_unlabelled_but_its_citer_is_labelled():
    assert entities("县政府转发国办发〔2019〕14号。") == [("县政府", "AGENCY")]
    assert entities("根据国务院令第711号的规定") == []


# AGENCY: a body named only as a location ------------------------------------------------------


def test_an_organ_followed_by_its_building_is_a_place():
    assert entities("在镇政府二楼设立政府信息公开查阅室。") == []
    assert entities("在市政府院内设置公示栏3块。") == [("3块", "COUNT")]
    assert entities("申请人可到县政府综合楼办理。") == []
    assert entities("查阅地点:桐梓县人民政府办公大楼。") == []


def test_an_organ_that_acts_is_still_labelled_next_to_a_place():
    assert entities("区政府在政务大厅设立专区。") == [("区政府", "AGENCY")]


# AGENCY: courts, procuratorates and congresses after a bare level word ------------------------


def test_level_word_with_court_procuratorate_or_congress():
    assert texts(label_agencies, "县人民法院、县人民检察院主动公开审判和检务信息。") == [
        "县人民法院",
        "县人民检察院",
    ]
    assert texts(label_agencies, "办理市人民代表大会代表建议12件。") == ["市人民代表大会"]
    assert texts(label_agencies, "服务全区人民群众。") == []


# AGENCY: Party committees keep `中共` --------------------------------------------------------


def test_party_committees_keep_the_party_name():
    assert texts(label_agencies, "中共绵阳市委高度重视政务公开。") == ["中共绵阳市委"]
    assert texts(label_agencies, "中共遵义市委组织部公开干部任免信息。") == ["中共遵义市委组织部"]
    assert texts(label_agencies, "中共白沙镇委员会专题研究。") == ["中共白沙镇委员会"]
    assert texts(label_agencies, "中共廣州市委辦公廳印發通知。") == ["中共廣州市委辦公廳"]


# AGENCY: division names that are also common words ------------------------------------------


def test_a_county_that_became_a_district_is_a_known_name():
    assert texts(label_agencies, "长寿区人民政府办公室负责日常工作。") == ["长寿区人民政府办公室"]


def test_a_unit_after_a_named_division_may_contain_a_noun():
    assert texts(label_agencies, "重庆市大渡口区教育委员会主动公开。") == ["重庆市大渡口区教育委员会"]


# AGENCY: a division standing alone for its government ---------------------------------------


def test_a_division_doing_the_work_or_issuing_a_disclosure_report():
    assert texts(label_agencies, "新华街道依托党群服务中心公开惠民政策。") == ["新华街道"]
    assert texts(label_agencies, "龍泉鎮借助公開欄公開辦事指南。") == ["龍泉鎮"]
    assert texts(label_agencies, "白塔街道2023年政务公开工作年度报告") == ["白塔街道"]
    assert texts(label_agencies, "石门镇2023年度政务公开工作报告") == ["石门镇"]
    assert texts(label_agencies, "乌兰苏木2023年政务公开工作年度报告") == ["乌兰苏木"]


# AGENCY: collective references --------------------------------------------------------------


def test_each_county_and_district_government_is_collective():
    assert entities("各县区政府、市直各部门按时报送年度报告。") == []
    assert entities("各市县人民政府") == []


# COUNT: Chinese numerals ---------------------------------------------------------------------


def test_chinese_numerals_with_one_ten_are_counts():
    assert texts(label_counts, "办结一百一十六件,公开一百一十条。") == ["一百一十六件", "一百一十条"]
    assert texts(label_counts, "推行一村一策。") == []


# AGENCY: public institutions whose name opens with `公共` ------------------------------------


def test_public_resource_centres_are_agencies():
    assert texts(label_agencies, "宣城市公共资源交易中心公开项目信息。") == ["宣城市公共资源交易中心"]
    assert texts(label_agencies, "县公共资源交易中心发布公告。") == ["县公共资源交易中心"]


# MEASURE / PROBLEM ----------------------------------------------------------------------------


def statements(text):
    heading = text.split("\n", 1)[0]
    sections = [Section(heading, "problems_improvements", 0, len(text))]
    return [(span.text, span.label) for span in weak_annotate(text, sections).statements]


def test_a_short_problem_ending_in_buzu_is_no_sub_heading():
    text = "五、存在的主要问题及改进情况\n专职人员配备不足。网站栏目更新较慢。"
    assert statements(text) == [("专职人员配备不足", "PROBLEM"), ("网站栏目更新较慢", "PROBLEM")]


def test_a_problem_may_open_with_a_measure_verb():
    text = "五、存在的主要问题及改进情况\n一是主动公开的覆盖面不够;二是人员业务素质参差不齐。"
    assert statements(text) == [("主动公开的覆盖面不够", "PROBLEM"), ("人员业务素质参差不齐", "PROBLEM")]


def test_a_linking_opener_about_the_problems_keeps_a_measure():
    text = "五、存在的主要问题及改进情况\n针对以上不足,我局将进一步加强业务培训。"
    assert statements(text) == [("针对以上不足,我局将进一步加强业务培训", "MEASURE")]


def test_the_clause_introducing_the_problems_stays_outside():
    text = "五、存在的主要问题及改进情况\n我局工作还存在一些不足,主要包括:公开形式较为单一;解读材料偏少。"
    assert statements(text) == [("公开形式较为单一", "PROBLEM"), ("解读材料偏少", "PROBLEM")]
    text = "五、存在的主要问题及改进情况\n也存在一些问题如解读不够深入、回应不够及时等。"
    assert statements(text) == [("解读不够深入、回应不够及时等", "PROBLEM")]


def test_a_closing_framing_sentence_ends_the_last_item():
    text = (
        "五、存在的主要问题及改进情况\n一是健全审核机制;二是加强平台管理。\n\n"
        "政务公开是一项系统工程,我局将久久为功,持续提升公开质效。"
    )
    assert statements(text) == [("健全审核机制", "MEASURE"), ("加强平台管理", "MEASURE")]
    text = "五、存在的主要问题及改进情况\n依申请公开答复的规范性有待加强。\n政务公开任重道远,下一步,我们将不断推进公开提质增效。"
    assert statements(text) == [("依申请公开答复的规范性有待加强", "PROBLEM")]


# Patterns among the rules' misses on the train split of the gold ------------------------------


def test_an_organ_inside_a_person_title_is_labelled():
    # project guidelines, rule 1
    assert texts(label_agencies, "由乡党委副书记任组长,镇党委书记主抓。") == ["乡党委", "镇党委"]
    assert texts(label_agencies, "党委副书记任副组长。") == []


def test_a_level_word_after_a_word_ending_in_quan():
    assert texts(label_agencies, "健全县政府门户网站的内容保障机制。") == ["县政府"]
    assert texts(label_agencies, "全县政府信息公开工作有序推进。") == []


def test_variants_of_the_fixed_term_government_information():
    # project guidelines, rule 9
    assert texts(label_agencies, "现公布2021年度白石镇政府(机关)信息公开年度报告。") == ["白石镇"]
    assert texts(label_agencies, "通过绥化市政府信息平台公开。") == ["绥化市"]
    assert texts(label_agencies, "在区政府信息查阅场所提供查阅。") == []


def test_a_division_owning_a_work_plan_written_without_book_title_marks():
    # project guidelines, rule 10
    assert texts(label_agencies, "对照崇州市政务公开年度工作任务逐项落实。") == ["崇州市"]
    assert texts(label_agencies, "根据鹤壁市2021年政务公开工作要点,我局…") == ["鹤壁市"]
    assert texts(label_agencies, "印发《鹤壁市2021年政务公开工作要点》") == []


def test_a_bare_zone_word_before_its_administration():
    # project guidelines, rule 6
    assert texts(label_agencies, "请与高新区管委会党政办公室联系。") == ["高新区管委会党政办公室"]
    assert texts(label_agencies, "2021年,示范区管委会认真落实《条例》。") == ["示范区管委会"]
    assert texts(label_agencies, "详见经开区官方网站。") == []
    assert texts(label_agencies, "管委会主动公开。") == []


def test_central_short_forms_in_their_usual_company():
    # project guidelines, rule 5
    assert texts(label_agencies, "落实中办、国办关于政务公开的部署。") == ["中办", "国办"]
    assert texts(label_agencies, "按照国办、省办的要求") == ["国办", "省办"]
    assert texts(label_agencies, "推行集中办理。") == []


def test_a_township_opening_the_sentence_after_its_year():
    assert texts(label_agencies, "一、总体情况\n2023年,新桥街道党工委高度重视。") == ["新桥街道党工委"]
    assert texts(label_agencies, "一、总体情况\n2023年,新桥街道领导高度重视。") == ["新桥街道"]
