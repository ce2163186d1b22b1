from xxgk.script import detect_script, fold, remove_pinyin, to_simplified


def test_fold_keeps_length_and_offsets():
    text = "重慶市知識產權局(一)行政規範性檔案：本列數據的勾稽關係"
    folded = fold(text)
    assert len(folded) == len(text)
    assert folded.startswith("重庆市知识产权局(一)行政规范性档案:")


def test_fold_maps_full_width_punctuation_to_ascii():
    assert fold("（一）予以公开，") == "(一)予以公开,"


def test_script_detection_on_seed_titles():
    assert detect_script("重慶市知識產權局2021年政府信息公開工作年度報告") == "traditional"
    assert detect_script("湖北省知识产权局2016年政府信息公开工作年度报告") == "simplified"


def test_to_simplified_uses_regional_vocabulary():
    assert to_simplified("重慶市知識產權局") == "重庆市知识产权局"
    assert to_simplified("行政規範性檔案") == "行政规范性文件"


def test_pinyin_glosses_are_removed_but_ordinary_brackets_stay():
    assert remove_pinyin("數(shù)量 規(guī)章 (一)项 (单位:万元)") == "數量 規章 (一)项 (单位:万元)"


def test_fold_of_a_whole_report_matches_fold_of_its_lines():
    line = "重慶市知識產權局（一）行政規範性檔案：本列數據的勾稽關係，𠀋字不變\n"
    text = line * 20  # long enough for the array look-up
    assert fold(text) == fold(line) * 20
