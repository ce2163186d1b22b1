"""The table parser on generated reports in every variant of report-variants.md §7
(``evaluate/table_variants.py``): each cell right, or absent with a warning of its table."""

from evaluate.table_variants import VARIANTS, classify, parse, probes, score
from xxgk.records import TableResult


def test_every_variant_gives_no_wrong_and_no_silently_missing_cell():
    counts, failures = score(seed=0, per_variant=1)
    unexpected = [
        f"{probe.name} {outcome.key}: expected {outcome.expected!r}, got {outcome.got!r}"
        for probe, outcome in failures
        if not probe.variant.known_failure
    ]
    assert unexpected == []
    assert all(counts[v.name]["right"] for v in VARIANTS if "pre2019" not in v.name and "labels" not in v.name)


def test_a_shifted_cell_a_spurious_cell_and_a_silent_absence_are_counted():
    probe = next(probes(seed=0, per_variant=1))
    expected = probe.expected()
    result = parse(probe)
    key = "applications.granted.total"
    result.tables["applications"]["granted"]["total"] = expected[key] + 1
    result.tables["active"]["rules"]["spurious"] = 0
    del result.tables["review_litigation"]["review"]["upheld"]
    outcomes = {o.key: o.outcome for o in classify(expected, result)}
    assert outcomes[key] == "wrong"
    assert outcomes["active.rules.spurious"] == "wrong"
    assert outcomes["review_litigation.review.upheld"] == "absent-silent"
    warned = TableResult(tables={}, warnings=["review_litigation: header without numbers"])
    assert {o.outcome for o in classify({"review_litigation.review.upheld": 0}, warned)} == {"absent-warned"}
