"""More weak-labeller examples, each for one rule of annotation-guidelines.md v1.1 that new text
broke (the guideline probes in ``tests/test_guideline_probes.py`` found them). The snippets are
written for these tests."""

from xxgk.weak_labels import label_agencies, label_counts, make_context, weak_annotate


def texts(labeler, text, sections=None):
    return [span.text for span in labeler(text, make_context(text, sections))]


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
