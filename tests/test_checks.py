"""Consistency checks of the tables, by hand-computed example."""

import copy

from xxgk.checks import flatten, load_identities, run_checks
from xxgk.tables import parse_tables

COLUMNS = ["natural_person", "business", "research", "social_welfare", "legal_services", "other_org", "total"]


def row(*values):
    return dict(zip(COLUMNS, values, strict=True))


def applications_2019():
    """A complete 2019-format 表三: 13 new + 1 carried over = 13 processed + 1 carried forward."""
    zero = row(0, 0, 0, 0, 0, 0, 0)
    return {
        "applications": {
            "new_received": row(10, 2, 0, 0, 1, 0, 13),
            "carried_over": row(1, 0, 0, 0, 0, 0, 1),
            "granted": row(5, 1, 0, 0, 0, 0, 6),
            "partially_granted": row(2, 0, 0, 0, 0, 0, 2),
            "denied": {
                key: dict(zero)
                for key in [
                    "state_secret",
                    "prohibited_by_law",
                    "three_securities_one_stability",
                    "internal_affairs",
                    "process_information",
                    "law_enforcement_files",
                    "administrative_inquiry",
                ]
            }
            | {"third_party_rights": row(1, 0, 0, 0, 0, 0, 1)},
            "unable": {
                "not_held": row(1, 1, 0, 0, 0, 0, 2),
                "needs_creation": dict(zero),
                "unclear_after_correction": dict(zero),
            },
            "not_processed": {
                "petition_complaint": dict(zero),
                "duplicate": row(0, 0, 0, 0, 1, 0, 1),
                "publication": dict(zero),
                "mass_repeated": dict(zero),
                "confirm_or_reissue": dict(zero),
            },
            "other": {"total": row(1, 0, 0, 0, 0, 0, 1)},
            "processed_total": row(10, 2, 0, 0, 1, 0, 13),
            "carried_forward": row(1, 0, 0, 0, 0, 0, 1),
        }
    }


def failed(checks):
    return [c for c in checks if not c.ok]


def test_identities_are_declared_as_data():
    tables = {identity.table for identity in load_identities()}
    assert tables == {"applications", "review_litigation"}


def test_a_consistent_table_passes_every_identity():
    checks = run_checks(applications_2019())
    # 7 columns × (balance, processed total) + 23 rows × (total = sum of applicants)
    assert len(checks) == 7 * 2 + 23
    assert failed(checks) == []


def test_a_changed_cell_fails_exactly_the_identities_it_is_in():
    tables = applications_2019()
    tables["applications"]["granted"]["business"] = 2  # was 1
    bad = failed(run_checks(tables))
    assert [c.rule for c in bad] == [
        "applications.granted: total = natural_person + business + research + social_welfare"
        " + legal_services + other_org",
        "applications.business: processed_total = granted + partially_granted + denied.state_secret"
        " + denied.prohibited_by_law + denied.three_securities_one_stability + denied.third_party_rights"
        " + denied.internal_affairs + denied.process_information + denied.law_enforcement_files"
        " + denied.administrative_inquiry + unable.not_held + unable.needs_creation"
        " + unable.unclear_after_correction + not_processed.petition_complaint + not_processed.duplicate"
        " + not_processed.publication + not_processed.mass_repeated + not_processed.confirm_or_reissue"
        " + other.total",
    ]
    by_row, column = bad
    assert column.cells["applications.granted.business"] == 2
    assert column.cells["applications.processed_total.business"] == 2
    assert column.message.startswith("processed_total = 2 but granted + ") and "= 3" in column.message
    assert by_row.cells == {
        "applications.granted.total": 6,
        "applications.granted.natural_person": 5,
        "applications.granted.business": 2,
        "applications.granted.research": 0,
        "applications.granted.social_welfare": 0,
        "applications.granted.legal_services": 0,
        "applications.granted.other_org": 0,
    }
    assert "differ by -1" in by_row.message


def test_the_balance_identity_names_its_four_cells():
    tables = applications_2019()
    tables["applications"]["carried_forward"]["total"] = 3
    balance = next(c for c in run_checks(tables) if c.rule.startswith("applications.total: new_received"))
    assert not balance.ok
    assert (
        balance.rule == "applications.total: new_received + carried_over = processed_total + carried_forward"
    )
    assert balance.cells == {
        "applications.new_received.total": 13,
        "applications.carried_over.total": 1,
        "applications.processed_total.total": 13,
        "applications.carried_forward.total": 3,
    }
    assert balance.message == (
        "new_received + carried_over = 14 but processed_total + carried_forward = 16 (differ by -2)"
    )


def test_a_partial_table_never_fails_for_missing_cells():
    tables = applications_2019()
    del tables["applications"]["unable"]
    tables["applications"]["granted"]["business"] = None  # blank in the report
    checks = run_checks(tables)
    assert failed(checks) == []
    rules = {c.rule for c in checks}
    assert not any(r.startswith("applications.business: processed_total") for r in rules)
    assert not any(r.startswith("applications.granted:") for r in rules)
    assert "applications.business: new_received + carried_over = processed_total + carried_forward" in rules


def test_2021_other_rows_replace_the_2019_single_row():
    tables = applications_2019()
    other = tables["applications"]["other"]
    del other["total"]
    other |= {
        "no_correction_overdue": row(1, 0, 0, 0, 0, 0, 1),
        "fee_unpaid_overdue": row(0, 0, 0, 0, 0, 0, 0),
        "other": row(0, 0, 0, 0, 0, 0, 0),
    }
    checks = run_checks(tables)
    assert failed(checks) == []
    assert (
        sum("other.no_correction_overdue + other.fee_unpaid_overdue + other.other" in c.rule for c in checks)
        == 7
    )


def test_review_and_litigation_totals():
    tables = {
        "review_litigation": {
            "review": {"upheld": 5, "corrected": 0, "other": 0, "pending": 2, "total": 7},
            "litigation_direct": {"upheld": 8, "corrected": 0, "other": 0, "pending": 1, "total": 8},
        }
    }
    checks = run_checks(tables)
    assert [(c.rule, c.ok) for c in checks] == [
        ("review_litigation.review: total = upheld + corrected + other + pending", True),
        ("review_litigation.litigation_direct: total = upheld + corrected + other + pending", False),
    ]
    assert checks[1].message == "total = 8 but upheld + corrected + other + pending = 9 (differ by -1)"


def test_extra_cells_take_part_as_extra_checks():
    tables = applications_2019()
    extra = {
        "applications": {
            "new_received": {"legal_subtotal": 3},
            "denied": {"subtotal": row(1, 0, 0, 0, 0, 0, 2)},
        }
    }
    checks = {c.rule: c for c in run_checks(tables, extra)}
    assert checks[
        "applications.new_received: legal_subtotal = business + research + social_welfare"
        " + legal_services + other_org"
    ].ok
    denied_total = next(
        c for rule, c in checks.items() if rule.startswith("applications.total: denied.subtotal")
    )
    assert not denied_total.ok and denied_total.cells["applications.denied.subtotal.total"] == 2


def test_money_compares_with_a_tolerance():
    tables = {
        "review_litigation": {
            "review": {"upheld": 0.1, "corrected": 0.2, "other": 0, "pending": 0, "total": 0.3}
        }
    }
    assert run_checks(tables)[0].ok


def test_parse_tables_fills_the_checks_and_a_changed_report_cell_fails_its_identity():
    text = """三、收到和处理政府信息公开申请情况
申请人情况
一、本年新收政府信息公开申请数量 | 3 | 0 | 0 | 0 | 0 | 0 | 3 |
二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |
(七)总计 | 2 | 0 | 0 | 0 | 0 | 0 | 2 |
四、结转下年度继续办理 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |
"""
    result = parse_tables(text)
    assert result.checks and failed(result.checks) == []
    broken = parse_tables(text.replace("| 1 | 0 | 0 | 0 | 0 | 0 | 1 |", "| 1 | 0 | 0 | 0 | 0 | 0 | 2 |"))
    assert [c.rule for c in failed(broken.checks)] == [
        "applications.total: new_received + carried_over = processed_total + carried_forward",
        "applications.carried_forward: total = natural_person + business + research + social_welfare"
        " + legal_services + other_org",
    ]


def test_flatten_gives_dotted_keys():
    assert flatten({"a": {"b": {"c": 1}, "d": None}}) == {"a.b.c": 1, "a.d": None}
    assert copy.deepcopy(applications_2019()) == applications_2019()
