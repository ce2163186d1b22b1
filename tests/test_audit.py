"""Auditing extraction output: per-report and cross-report checks, evidence, reviews, HTML."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pytest

from xxgk.audit import (
    audit_command,
    audit_records,
    check_id,
    format_summary,
    load_reviews,
    normalise_agency,
    region_of,
    reviews_path,
    set_review,
)
from xxgk.extraction import RULES_PIPELINE, analyse_rules, build_record
from xxgk.reading import document_from_text
from xxgk.script import fold

FIXTURES = Path(__file__).parent / "fixtures" / "audit"
SEED = (FIXTURES / "seed-chongqing-ipo-2021.txt").read_text(encoding="utf-8")
PASSAGES = {row["id"]: row for row in map(json.loads, (FIXTURES / "passages.jsonl").open(encoding="utf-8"))}
AGENCY = "重慶市知識產權局"


# ---------------------------------------------------------------- building test reports


@lru_cache(maxsize=64)
def make_record(text: str, uid: str = "cq", source: str | None = None) -> dict:
    """The rules-only extraction record of a report text (cached: the audit does not change it)."""
    document = document_from_text(text, uid, source or f"{uid}.txt")
    return build_record(document, analyse_rules(document), RULES_PIPELINE)


def audit(texts: dict[str, str], **options) -> list:
    records = [make_record(text, uid) for uid, text in texts.items()]
    return audit_records(records, texts, **options)


def set_row(text: str, label: str, values: list[int]) -> str:
    """The text with the numbers after the table row ``label`` (Simplified) replaced."""
    lines = text.split("\n")
    index = next(i for i, line in enumerate(lines) if fold(label) in fold(line))
    lines[index + 1 : index + 1 + len(values)] = [str(v) for v in values]
    return "\n".join(lines)


def renamed(text: str, agency: str = AGENCY, year: int = 2021) -> str:
    return text.replace(AGENCY, agency).replace("2021年", f"{year}年")


def overview_replaced(text: str, passage: str) -> str:
    """The report with its overview body replaced by the overview of a real passage."""
    head, rest = text.split("一、總體情況\n", 1)
    _, tail = rest.split("二、主動公開政府信息情況", 1)
    body = passage.split("一、总体情况\n", 1)[1]
    return f"{head}一、總體情況\n{body}\n二、主動公開政府信息情況{tail}"


def by_check(results: list, check: str) -> list:
    return [r for r in results if r.check == check]


def failed(results: list) -> set[tuple[str, str]]:
    return {(r.check, r.subject.split(":")[0]) for r in results if r.status == "fail"}


# ---------------------------------------------------------------- the Chongqing seed


def test_every_check_on_the_seed_passes_or_says_why_not():
    results = audit({"cq": SEED})
    assert {r.check for r in results} >= {
        "table_identity",
        "narrative_count",
        "section_five",
        "section_six",
        "fees",
        "title_year",
        "table_format",
        "carry_over",
        "text_reuse",
    }
    for result in results:
        assert result.status in ("pass", "not_assessable"), result
        if result.status == "not_assessable":
            assert result.message
    assert len(by_check(results, "table_identity")) == 42
    assert all(r.status == "pass" for r in by_check(results, "table_identity"))


def test_seed_evidence_points_into_the_text():
    results = audit({"cq": SEED})
    count = by_check(results, "narrative_count")[0]
    span, cell = count.evidence
    assert (span.kind, SEED[span.start : span.end]) == ("span", "1件")
    assert (cell.key, cell.value, SEED[cell.start : cell.end]) == ("applications.new_received.total", 1, "1")
    fees = by_check(results, "fees")[0]
    assert fees.status == "pass"  # 行政事业性收费 16.856 万元 are not 信息处理费
    statement, charge = fees.evidence
    assert "未收取信息處理費" in SEED[statement.start : statement.end]
    assert (charge.key, charge.value) == ("active.fees.amount_wan_yuan", 16.856)


def test_check_ids_are_stable_across_runs():
    first = [r.check_id for r in audit({"cq": SEED})]
    assert first == [r.check_id for r in audit({"cq": SEED})]
    assert len(set(first)) == len(first)
    assert first[0] == check_id(
        "cq", "table_identity", by_check(audit({"cq": SEED}), "table_identity")[0].subject
    )


# ---------------------------------------------------------------- corrupted copies


def test_a_changed_table_cell_fails_exactly_its_identities():
    corrupted = set_row(SEED, "(一)予以公开", [0, 2, 0, 0, 0, 0, 1])
    results = audit({"cq": corrupted})
    assert failed(results) == {
        ("table_identity", "applications.business"),
        ("table_identity", "applications.granted"),
    }
    row = next(r for r in results if r.status == "fail" and r.subject.startswith("applications.granted"))
    assert "differ by" in row.message
    cell = next(e for e in row.evidence if e.key == "applications.granted.business")
    assert cell.value == 2 and corrupted[cell.start : cell.end] == "2"


def test_a_narrative_count_that_disagrees_fails():
    corrupted = SEED.replace("共收到政府信息公開申請1件", "共收到政府信息公開申請2件")
    results = audit({"cq": corrupted})
    assert failed(results) == {("narrative_count", "applications.new_received.total@794")}
    result = by_check(results, "narrative_count")[0]
    assert result.message == "narrative says 2件 (2), table applications.new_received.total = 1"
    assert [e.value for e in result.evidence] == ["2件", 1]


def test_a_removed_section_five_fails():
    start, end = SEED.index("五、當前存在"), SEED.index("六、其他需要報告的事項")
    results = audit({"cq": SEED[:start] + SEED[end:]})
    assert failed(results) == {("section_five", "")}


def test_a_truncated_report_is_uncertain_about_its_missing_sections():
    fragment = SEED[: SEED.index("五、當前存在")]
    results = audit({"cq": fragment})
    five, six = by_check(results, "section_five")[0], by_check(results, "section_six")[0]
    assert (five.status, six.status) == ("uncertain", "uncertain")
    assert (
        five.message
        == "no section on problems and improvements, but the text may be a fragment (no end seen)"
    )


def test_an_empty_section_five_or_six_fails():
    start, end = SEED.index("五、當前存在"), SEED.index("六、其他需要報告的事項")
    empty_five = SEED[:start] + "五、當前存在的主要問題及下步改進措施\n無。\n" + SEED[end:]
    assert failed(audit({"cq": empty_five})) == {("section_five", "")}
    six = SEED.index("六、其他需要報告的事項")
    empty_six = SEED[:six] + "六、其他需要報告的事項\n無\n"
    results = audit({"cq": empty_six})
    assert ("section_six", "") in failed(results)
    assert by_check(results, "fees")[0].status == "not_assessable"  # nothing said about fees


def test_a_no_fee_statement_that_names_no_disclosure_fee_is_uncertain():
    generic = SEED.replace("本機關未收取信息處理費。", "本機關未收取任何費用。")
    fees = by_check(audit({"cq": generic}), "fees")[0]
    assert fees.status == "uncertain"
    assert "active.fees.amount_wan_yuan = 16.856" in fees.message


def test_fee_notices_in_table_three_against_a_no_notice_statement_fail():
    noticed = set_row(SEED, "2.申请人逾期未按收费通知要求缴纳费用", [0, 1, 0, 0, 0, 0, 1])
    assert by_check(audit({"cq": noticed}), "fees")[0].status == "uncertain"
    denied = noticed.replace("本機關未收取信息處理費。", "本機關未向申請人發出收費通知。")
    fees = by_check(audit({"cq": denied}), "fees")[0]
    assert fees.status == "fail"
    assert "applications.other.fee_unpaid_overdue.total" in [e.key for e in fees.evidence]


def test_an_overview_about_another_year_fails_the_title_year():
    head, rest = SEED.split("一、總體情況", 1)
    stale = head + "一、總體情況" + rest.replace("2021年", "2020年", 3)
    result = by_check(audit({"cq": stale}), "title_year")[0]
    assert result.status == "fail"
    assert result.message == "title year 2021: 0 of 3 overview years; others {2020: 3}"
    assert [stale[e.start : e.end] for e in result.evidence[1:]] == ["2020年"] * 3


def test_a_2021_table_in_a_2020_report_fails_the_format_check():
    results = audit({"cq": renamed(SEED, year=2020)})
    result = by_check(results, "table_format")[0]
    assert (result.status, result.message) == ("fail", "2021-format tables in a 2020 report, expected 2019")
    assert by_check(results, "title_year")[0].status == "pass"


def test_without_text_the_text_checks_are_not_assessable():
    record = make_record(SEED, "cq", source="/nonexistent/cq.txt")
    results = audit_records([record])
    assert by_check(results, "section_five")[0].status == "not_assessable"
    assert "not found" in by_check(results, "title_year")[0].message
    assert all(r.status == "pass" for r in by_check(results, "table_identity"))  # from the record
    assert by_check(results, "table_format")[0].status == "pass"  # from the table keys


# ---------------------------------------------------------------- two years of one agency


def two_years(carried_over: list[int], overview: str | None = None) -> dict[str, str]:
    first = set_row(SEED, "一、本年新收政府信息公开申请数量", [0, 2, 0, 0, 0, 0, 2])
    first = set_row(first, "四、结转下年度继续办理", [0, 1, 0, 0, 0, 0, 1])
    second = set_row(renamed(SEED, year=2022), "一、本年新收政府信息公开申请数量", [0] * 7)
    second = set_row(second, "二、上年结转政府信息公开申请数量", carried_over)
    if overview is not None:
        second = overview_replaced(second, overview)
    return {"cq-2021": first, "cq-2022": second}


def test_carried_over_equals_last_years_carried_forward():
    results = audit(two_years([0, 1, 0, 0, 0, 0, 1]))
    carry = [r for r in by_check(results, "carry_over") if r.report_id == "cq-2022"][0]
    assert (carry.status, carry.subject) == ("pass", "cq-2021")
    assert "7 column(s) equal to cq-2021 (exact-name)" in carry.message
    previous = next(e for e in carry.evidence if e.report_id == "cq-2021" and e.key.endswith(".business"))
    assert (previous.key, previous.value, previous.note) == (
        "applications.carried_forward.business",
        1,
        "exact-name",
    )
    first = [r for r in by_check(results, "carry_over") if r.report_id == "cq-2021"][0]
    assert first.status == "not_assessable" and "2020" in first.message


def test_carried_over_that_differs_from_last_year_fails_per_column():
    results = audit(two_years([0, 0, 0, 0, 0, 0, 0]))
    carry = [r for r in by_check(results, "carry_over") if r.report_id == "cq-2022"][0]
    assert carry.status == "fail"
    assert carry.message == (
        "applications.carried_over.business = 0 but cq-2021 applications.carried_forward.business = 1; "
        "applications.carried_over.total = 0 but cq-2021 applications.carried_forward.total = 1"
    )


def test_names_that_differ_by_a_conventional_abbreviation_still_match():
    texts = two_years([0, 1, 0, 0, 0, 0, 1])
    texts = {
        uid: text.replace(AGENCY, "重慶市人民政府辦公廳" if uid == "cq-2021" else "重慶市政府辦公廳")
        for uid, text in texts.items()
    }
    carry = [r for r in by_check(audit(texts), "carry_over") if r.report_id == "cq-2022"][0]
    assert carry.status == "pass" and carry.message.endswith("equal to cq-2021 (loose-name)")


def test_a_narrative_copied_from_last_year_fails_the_reuse_check():
    texts = two_years([0, 1, 0, 0, 0, 0, 1])
    reuse = [r for r in by_check(audit(texts), "text_reuse") if r.report_id == "cq-2022"][0]
    assert reuse.status == "fail" and reuse.message.startswith("100% of the narrative")
    passage = reuse.evidence[0]
    copied = texts["cq-2022"][passage.start : passage.end]
    assert copied.startswith("2022年,重慶市知識產權局堅持") and "repeated from cq-2021" in passage.note


def test_the_reuse_threshold_is_the_users():
    texts = two_years([0, 1, 0, 0, 0, 0, 1], overview=PASSAGES["p0023"]["text"])

    def reuse(threshold: float):
        results = audit(texts, reuse_threshold=threshold)
        return [r for r in by_check(results, "text_reuse") if r.report_id == "cq-2022"][0]

    # a new overview, but sections five and six are still last year's
    assert (
        reuse(0.6).message
        == "50% of the narrative (458 of 911 characters, 13 sentences) repeated from cq-2021 "
        "(threshold 60%)"
    )
    assert reuse(0.6).status == "pass"
    assert reuse(0.4).status == "fail"
    passages = [e.value for e in reuse(0.4).evidence]
    assert passages[0].startswith("2022年,我局政府信息公開工作在強化公開意識") and len(passages) == 2


# ---------------------------------------------------------------- a parent body and its children


def family(parent_total: int) -> dict[str, str]:
    def report(agency: str, new: int) -> str:
        return set_row(renamed(SEED, agency), "一、本年新收政府信息公开申请数量", [0, new, 0, 0, 0, 0, new])

    return {
        "city": report("重慶市人民政府", parent_total),
        "ip-office": SEED,
        "yubei": overview_replaced(report("重慶市渝北區人民政府", 3), PASSAGES["p0013"]["text"]),
        "yubei-education": report("重慶市渝北區教育委員會", 5),
    }


def parent_result(results: list, report_id: str) -> object:
    return next(
        r
        for r in results
        if r.check == "parent_children"
        and r.report_id == report_id
        and r.subject == "applications.new_received.total"
    )


def test_a_summary_report_equal_to_the_sum_of_its_children_passes():
    results = audit(family(4))
    city = parent_result(results, "city")
    assert (city.status, city.message) == (
        "pass",
        "applications.new_received.total: parent 4, sum of 2 children 4",
    )
    notes = {e.report_id: e.note for e in city.evidence if e.report_id}
    assert notes == {
        "ip-office": "prefix-hierarchy: 重庆市知识产权局 = 重庆市 + 知识产权局",
        "yubei": "prefix-hierarchy: 重庆市渝北区人民政府 = 重庆市 + 渝北区人民政府",
    }
    yubei = parent_result(results, "yubei")  # the education commission belongs to 渝北区, not to the city
    assert yubei.status == "fail" and "parent 3, sum of 1 children 5" in yubei.message


def test_children_exceeding_or_short_of_their_parent():
    assert parent_result(audit(family(3)), "city").status == "fail"
    short = parent_result(audit(family(6)), "city")
    assert short.status == "uncertain" and "missing from the corpus" in short.message


@pytest.mark.parametrize(
    ("name", "normalised", "region"),
    [
        ("重慶市 知識產權局", "重庆市知识产权局", None),
        ("武汉经济技术开发区(汉南区)医疗保障局", "武汉经济技术开发区医疗保障局", None),
        ("重庆市人民政府", "重庆市人民政府", "重庆市"),
        ("渝北区", "渝北区", "渝北区"),
    ],
)
def test_agency_names_are_normalised_for_matching(name, normalised, region):
    assert normalise_agency(name) == normalised
    assert region_of(normalised) == region


# ---------------------------------------------------------------- the command, reviews and HTML


def write_corpus(tmp_path: Path) -> Path:
    """An extraction output whose records point at report files and at a record-file row."""
    texts = two_years([0, 0, 0, 0, 0, 0, 0])
    first = tmp_path / "cq-2021.txt"
    first.write_text(texts["cq-2021"], encoding="utf-8")
    rows = tmp_path / "rows.jsonl"
    rows.write_text(
        json.dumps({"id": "cq-2022", "text": texts["cq-2022"]}, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    records = [
        make_record(texts["cq-2021"], "cq-2021", str(first)),
        make_record(texts["cq-2022"], "cq-2022", f"{rows}#0"),
        {"id": "broken", "source": "missing.pdf", "error": "missing.pdf: no such file"},
    ]
    output = tmp_path / "out.jsonl"
    output.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return output


def test_audit_command_writes_results_summary_and_pages(tmp_path):
    output = write_corpus(tmp_path)
    summary = audit_command(output, tmp_path / "html", tmp_path / "audit.jsonl", 0.5)
    lines = [json.loads(line) for line in (tmp_path / "audit.jsonl").open(encoding="utf-8")]
    assert summary.results == len(lines) and summary.reports == 3 and summary.errors == 1
    assert summary.unreadable == 0  # both texts were read again from their sources
    assert summary.counts["carry_over"]["fail"] == 1 and summary.counts["text_reuse"]["fail"] == 1
    table = format_summary(summary)
    assert table.splitlines()[0].split() == ["check", "pass", "fail", "uncertain", "not_assessable"]
    assert any(line.split()[:3] == ["carry_over", "0", "1"] for line in table.splitlines())
    corpus = (tmp_path / "html" / "audit.html").read_text(encoding="utf-8")
    carry = next(line for line in lines if line["check"] == "carry_over" and line["status"] == "fail")
    assert f"audit_cq-2022.html#{carry['check_id']}" in corpus
    page = (tmp_path / "html" / "audit_cq-2022.html").read_text(encoding="utf-8")
    assert f'id="{carry["check_id"]}"' in page and "applications.carried_forward.business" in page
    assert "<mark>2022年,重慶市知識產權局堅持" in page  # the repeated passage, highlighted in context


def test_review_statuses_survive_a_rerun(tmp_path):
    output = write_corpus(tmp_path)
    out = tmp_path / "audit.jsonl"
    audit_command(output, None, out, 0.5)
    failure = next(json.loads(line) for line in out.open(encoding="utf-8") if '"fail"' in line)
    path = reviews_path(output, out)
    assert path == tmp_path / "audit.reviews.json"
    set_review(path, failure["check_id"], "dismissed", "the 2021 report was corrected later")
    audit_command(output, None, out, 0.5)
    again = {json.loads(line)["check_id"]: json.loads(line) for line in out.open(encoding="utf-8")}
    review = again[failure["check_id"]]["review"]
    assert (review["status"], review["note"]) == ("dismissed", "the 2021 report was corrected later")
    assert load_reviews(path)[failure["check_id"]]["status"] == "dismissed"
    with pytest.raises(ValueError):
        set_review(path, failure["check_id"], "maybe")


def test_report_text_is_escaped_in_the_pages(tmp_path):
    text = SEED.replace("本機關未收取信息處理費。", "本機關未收取任何費用<script>alert(1)</script>。")
    record = make_record(text, "x<y>")
    (tmp_path / "out.jsonl").write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    from xxgk.audit import write_html

    results = audit_records([record], {"x<y>": text})
    write_html([record], results, tmp_path / "html", {"x<y>": text})
    pages = "".join(p.read_text(encoding="utf-8") for p in (tmp_path / "html").iterdir())
    assert "<script>" not in pages and "&lt;script&gt;" in pages and "x&lt;y&gt;" in pages
