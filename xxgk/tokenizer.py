"""The xxgk tokenizer: spaCy's Chinese pkuseg tokenizer, with tokens split at the boundaries of
the labelling functions' spans, so that every span the rules find is token-aligned (for NER,
spancat and the rule component alike).

The labelling functions' entities are also written into each token's ``tag_`` as IOB tags
(``B-AGENCY``, ``I-COUNT``, ``O``; the pipeline has no tagger, so TAG is free): ``tok2vec`` embeds
them, and the NER learns where to follow the rules and where to correct them. The structure
analysis (sections, tables, report fields: ``doc._.xxgk``) runs first, once, and the labelling
functions use it as the rules-only path does (COUNTs in table cells excluded by the tables'
evidence); both travel on the doc (``doc._.xxgk``, ``doc._.weak``) so the pipeline computes
neither twice."""

from __future__ import annotations

from spacy.errors import Errors
from spacy.lang.zh import ChineseTokenizer, Segmenter
from spacy.tokens import Doc
from spacy.util import registry

from .extraction import analyse_structure
from .records import Document
from .weak_labels import weak_annotate

for _name in ("weak", "source_text", "xxgk", "grids"):
    if not Doc.has_extension(_name):
        Doc.set_extension(_name, default=None)


def text_of(doc: Doc) -> str:
    """The doc's text, kept by the tokenizer (``doc.text`` rebuilds it from every token)."""
    return doc._.source_text or doc.text


@registry.tokenizers("xxgk.ChineseTokenizer.v1")
def create_tokenizer(segmenter: Segmenter = Segmenter.pkuseg):
    def tokenizer_factory(nlp):
        return BoundaryTokenizer(nlp.vocab, segmenter=segmenter)

    return tokenizer_factory


class BoundaryTokenizer(ChineseTokenizer):
    """pkuseg words, split where a weak-label entity or statement starts or ends."""

    def __call__(self, text: str) -> Doc:
        return self.from_document(Document(id="", source="", text=text))

    def from_document(self, document: Document) -> Doc:
        """The doc of a report as read: structure from its text and table grids, then the
        labelling functions with that structure, then the split pkuseg words."""
        text = document.text
        structure = analyse_structure(document)
        weak = weak_annotate(text, sections=structure.sections, tables=structure.tables)
        cuts = {b for s in weak.entities + weak.statements for b in (s.start, s.end)}
        words, spaces = split_tokens(*self.segment(text), cuts)
        doc = Doc(self.vocab, words=words, spaces=spaces, tags=rule_tags(words, spaces, weak.entities))
        doc._.xxgk, doc._.weak, doc._.grids = structure, weak, document.grids
        doc._.source_text = text
        return doc

    def segment(self, text: str) -> tuple[list[str], list[bool]]:
        """The segmenter's words and spaces (pkuseg directly, without building a Doc)."""
        if self.segmenter == Segmenter.pkuseg and self.pkuseg_seg is not None:
            return words_and_spaces(self.pkuseg_seg.cut(text), text)
        base = super().__call__(text)
        return [t.text for t in base], [bool(t.whitespace_) for t in base]


def words_and_spaces(words: list[str], text: str) -> tuple[list[str], list[bool]]:
    """The segmenter's words aligned to the text, as ``spacy.util.get_words_and_spaces`` does
    (white space the segmenter dropped becomes tokens or trailing spaces), in one linear pass:
    spaCy's version slices the rest of the text for every word, quadratic on long reports."""
    if "".join("".join(words).split()) != "".join(text.split()):
        raise ValueError(Errors.E194.format(text=text[:200], words=words[:50]))
    out_words, out_spaces, position = [], [], 0
    for word in words:
        if word.isspace():
            continue
        start = text.find(word, position)
        if start < 0:
            raise ValueError(Errors.E194.format(text=text[:200], words=words[:50]))
        if start > position:
            out_words.append(text[position:start])
            out_spaces.append(False)
        out_words.append(word)
        position = start + len(word)
        space = position < len(text) and text[position] == " "
        out_spaces.append(space)
        position += space
    if position < len(text):
        out_words.append(text[position:])
        out_spaces.append(False)
    return out_words, out_spaces


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


def split_tokens(words: list[str], spaces: list[bool], cuts: set[int]) -> tuple[list[str], list[bool]]:
    """The words and spaces with every word that straddles a cut split there."""
    ordered = sorted(cuts)
    out_words, out_spaces, start, next_cut = [], [], 0, 0
    for word, space in zip(words, spaces):
        end = start + len(word)
        while next_cut < len(ordered) and ordered[next_cut] <= start:
            next_cut += 1
        piece_start = start
        while next_cut < len(ordered) and ordered[next_cut] < end:
            out_words.append(word[piece_start - start:ordered[next_cut] - start])
            out_spaces.append(False)
            piece_start = ordered[next_cut]
            next_cut += 1
        out_words.append(word[piece_start - start:])
        out_spaces.append(space)
        start = end + int(space)
    return out_words, out_spaces
