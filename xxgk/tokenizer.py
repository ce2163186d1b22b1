"""The xxgk tokenizer: spaCy's Chinese pkuseg tokenizer, with tokens split at the boundaries of
the labelling functions' spans, so that every span the rules find is token-aligned (for NER,
spancat and the rule component alike).

The labelling functions' entities are also written into each token's ``tag_`` as IOB tags
(``B-AGENCY``, ``I-COUNT``, ``O``; the pipeline has no tagger, so TAG is free): ``tok2vec`` embeds
them, and the NER learns where to follow the rules and where to correct them. The weak
annotation travels on the doc (``doc._.weak``) so the pipeline does not compute it twice."""

from __future__ import annotations

from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import registry

from .weak_labels import weak_annotate

if not Doc.has_extension("weak"):
    Doc.set_extension("weak", default=None)


@registry.tokenizers("xxgk.ChineseTokenizer.v1")
def create_tokenizer(segmenter: Segmenter = Segmenter.pkuseg):
    def tokenizer_factory(nlp):
        return BoundaryTokenizer(nlp.vocab, segmenter=segmenter)

    return tokenizer_factory


class BoundaryTokenizer(ChineseTokenizer):
    """pkuseg words, split where a weak-label entity or statement starts or ends."""

    def __call__(self, text: str) -> Doc:
        doc = super().__call__(text)
        weak = weak_annotate(text)
        cuts = {b for s in weak.entities + weak.statements for b in (s.start, s.end)}
        words, spaces = split_tokens(doc, cuts)
        doc = Doc(self.vocab, words=words, spaces=spaces, tags=rule_tags(words, spaces, weak.entities))
        doc._.weak = weak
        return doc


def rule_tags(words: list[str], spaces: list[bool], entities) -> list[str]:
    """IOB tags of the rule entities over the tokens (entities are token-aligned by construction)."""
    tags, starts = ["O"] * len(words), []
    offset = 0
    for word, space in zip(words, spaces):
        starts.append(offset)
        offset += len(word) + int(space)
    index = {start: i for i, start in enumerate(starts)}
    for span in entities:
        i = index.get(span.start)
        if i is None:
            continue
        tags[i] = f"B-{span.label}"
        i += 1
        while i < len(words) and starts[i] < span.end:
            tags[i] = f"I-{span.label}"
            i += 1
    return tags


def split_tokens(doc: Doc, cuts: set[int]) -> tuple[list[str], list[bool]]:
    """The doc's words and spaces with every token that straddles a cut split there."""
    text = doc.text
    words, spaces = [], []
    for token in doc:
        start, end = token.idx, token.idx + len(token)
        inner = sorted(c for c in cuts if start < c < end)
        bounds = [start, *inner, end]
        for a, b in zip(bounds, bounds[1:]):
            words.append(text[a:b])
            spaces.append(False)
        spaces[-1] = bool(token.whitespace_)
    return words, spaces
