"""Report sections and scraped-page boilerplate.

``find_sections`` finds the top-level section headings of a report (2019/2021 national format
and the freer pre-2019 formats) by their wording, never by their numeral alone, and returns
``Section`` records whose offsets refer to the original text. ``locate_boilerplate`` finds the
scraped-page noise at the start and end of a page (search boxes, breadcrumbs, page metadata,
share/print bars, footers); it is located, never deleted.

Matching runs on ``xxgk.script.fold(text)`` (length-preserving), so Traditional script and
full-width punctuation match the Simplified, half-width vocabulary of
``xxgk/templates/sections.toml``; pinyin glosses of mirror sites (``主动(dòng)公开``) are
skipped while matching.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import NamedTuple

from .records import Section
from .script import PINYIN, fold

MAX_HEADING = 40
BODY_LINE = 40
KINDS = ("part", "cn", "paren", "arabic", "none")
STRONG, KEYWORD, GENERIC = 4, 2, 1
_NUMERALS = {c: n for n, c in enumerate("一二三四五六七八九十", 1)} | {"—": 1}
_STRIP = " \t\r\x0b\x0c\u2028\u2029\u200b\ufeff|"  # around a line's content
_SENTENCE_END = re.compile(r"[。:;]")
_CUT = re.compile(r"[。:;]|\s+(?=\S)")
_PARENTHETICAL = re.compile(r"\([^()]*\)")
_YEAR_PREFIX = re.compile(r"^(\d{4}|本)(年度?)?")
_SPACE = re.compile(r"\s+")
_DIGITS = re.compile(r"\d+")
_TOC_LEADER = re.compile(r"(?=[.…·\s])(?:\.{4,}|…{2,}|·{4,}|\s\d{1,3}\s*$)")  # look-ahead: cheap skips
_NUMBERED = re.compile(r"[一二三四五六七八九十—]{1,3}、|\([一二三四五六七八九十]{1,3}\)")
_NUMBER_CELL = re.compile(r"[\d.,%+\-\s万元件]+")
_SECOND_MARKER = re.compile(r"[\s,;。][一二三四五六七八九十]{1,2}、")


@dataclass(frozen=True)
class Vocabulary:
    """The compiled contents of ``templates/sections.toml``.

    ``marker`` is one alternation of the numbering styles, a group per style in ``KINDS`` order,
    so the group that matched names the style (one match per line instead of one per style);
    ``strong`` is one alternation of every type's known wordings, a group ``t<i>`` per type
    in file order, so its first fullmatching alternative names the type; ``keywords`` pairs
    each type with its topic words; ``topic`` is any word a heading could contain, to skip
    other lines cheaply.
    """

    marker: re.Pattern
    type_names: tuple[str, ...]
    strong: re.Pattern
    keywords: tuple[tuple[str, re.Pattern], ...]
    topic: re.Pattern
    generic_type: str
    generic: re.Pattern
    not_headings: re.Pattern
    noise: re.Pattern
    head_noise: re.Pattern


class Heading(NamedTuple):
    """A heading candidate: its span, numbering style and number, type and evidence weight."""

    start: int
    end: int
    kind: str
    number: int | None
    type: str
    weight: int
    same_line: bool = False  # report text follows the heading on its line


class Line(NamedTuple):
    """A non-empty line: ``text`` is folded, stripped (whitespace, pipes), pinyin removed.

    ``offsets`` (only when pinyin was removed) maps each index of ``text``, and its end, to the
    original offset.
    """

    start: int
    end: int
    text: str
    offsets: tuple[int, ...] | None = None

    def original(self, index: int) -> int:
        """Original offset of ``text[index]``; for an end index, past the previous char's gloss."""
        return self.offsets[index] if self.offsets is not None else self.start + index


@lru_cache(maxsize=1)
def load_vocabulary() -> Vocabulary:
    """Compile the heading and noise vocabulary once."""
    with resources.files("xxgk").joinpath("templates/sections.toml").open("rb") as f:
        data = tomllib.load(f)
    marker = "|".join(f"(?P<{kind}>{data['markers'][kind]})" for kind in KINDS if kind in data["markers"])
    rules = data["types"]
    strong = "|".join(f"(?P<t{i}>{'|'.join(rule['strong'])})" for i, rule in enumerate(rules))
    keywords = [kw for rule in rules for kw in rule["keyword"]]
    noise = data["boilerplate"]
    return Vocabulary(
        marker=re.compile(marker),
        type_names=tuple(rule["type"] for rule in rules),
        strong=re.compile(strong),
        keywords=tuple((rule["type"], re.compile("|".join(rule["keyword"]))) for rule in rules),
        topic=re.compile("|".join([*keywords, *data["topic"]["words"]])),
        generic_type=data["generic"]["type"],
        generic=re.compile(data["generic"]["pattern"]),
        not_headings=re.compile("|".join(data["not_headings"]["patterns"])),
        noise=re.compile("|".join(f"(?:{p})" for p in noise["lines"])),
        head_noise=re.compile("|".join(f"(?:{p})" for p in noise["head_lines"])),
    )


def find_sections(text: str) -> list[Section]:
    """Top-level sections of a report, in order.

    A section runs from the start of its heading to the start of the next section heading, or
    to the start of the trailing boilerplate, or to the end of the text; trailing whitespace is
    left out. Text before the first heading (title, preamble) belongs to no section. Headings
    are recognised by wording (``templates/sections.toml``) and by numbering style: the report's
    top-level style (``一、``, ``第一部分``, or ``(一)``/``1.`` when the report has nothing
    outer) is the one whose headings, read in increasing numeral order, explain the report best,
    so sub-items renumbered ``一、二、`` inside 总体情况, the applications table's row labels and
    a table-of-contents line are not section breaks.

    Types: ``overview`` (only the first section), ``active_disclosure``, ``applications``,
    ``review_litigation``, ``problems_improvements`` (also next-year plans), ``other`` (fees,
    其他需要报告的事项, local extras). Old reports' consultation sections (咨询/查询/投诉) are
    ``other``: they are not applications under the Regulations and have no counterpart in the
    national tables, so application figures stay comparable across years.
    """
    return list(_sections(text))


@lru_cache(maxsize=8)
def _sections(text: str) -> tuple[Section, ...]:
    """The sections of ``text``, computed once per text (cached)."""
    folded = fold(text)
    lines = split_lines(folded)
    boilerplate = _page_noise(folded)
    headings = select_headings(_heading_candidates(lines), boilerplate)
    tail = min((s for s, _ in boilerplate if headings and s > headings[-1].start), default=len(text))
    sections = []
    for i, heading in enumerate(headings):
        end = headings[i + 1].start if i + 1 < len(headings) else tail
        type_ = "other" if heading.type == "overview" and i > 0 else heading.type
        sections.append(
            Section(
                heading=text[heading.start : heading.end],
                type=type_,
                start=heading.start,
                end=_rstrip(text, heading.start, end),
            )
        )
    return tuple(sections)


def locate_boilerplate(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` spans of scraped-page noise at the start and at the end of ``text``.

    Noise lines (``templates/sections.toml`` ``[boilerplate]``) count only in the page header,
    before the report body starts (title lines in between are kept out of the spans), and in
    the page footer, after the body ends (a signature line before the footer is kept out).
    Consecutive noise lines form one span; spans never include the report's title or body.
    """
    return list(_page_noise(fold(text)))


@lru_cache(maxsize=8)
def _page_noise(folded: str) -> tuple[tuple[int, int], ...]:
    """``locate_boilerplate`` of a folded text, computed once per text (cached)."""
    return tuple(_locate(split_lines(folded)))


@lru_cache(maxsize=4096)
def classify_heading(phrase: str) -> tuple[str, int] | None:
    """``(section type, weight)`` of a folded heading phrase without its numbering, or None.

    Weight 4: a known section wording as a whole; 2: the phrase names a section topic; 1: some
    other short ``…情况`` heading.
    """
    vocab = load_vocabulary()
    phrase = _YEAR_PREFIX.sub("", _SPACE.sub("", _PARENTHETICAL.sub("", phrase))).strip("、")
    if not phrase or vocab.not_headings.match(phrase):
        return None
    strong = vocab.strong.fullmatch(phrase)
    if strong:
        return vocab.type_names[int(strong.lastgroup[1:])], STRONG
    if len(phrase) <= 30:
        for type_, keyword in vocab.keywords:
            if keyword.search(phrase):
                return type_, KEYWORD
    if vocab.generic.fullmatch(phrase):
        return vocab.generic_type, GENERIC
    return None


@lru_cache(maxsize=8)
def split_lines(folded: str) -> tuple[Line, ...]:
    """Non-empty lines of the folded text, stripped, with pinyin glosses removed (cached: headings,
    boilerplate and report fields all read the lines of the same report)."""
    lines = _stripped_lines(folded)
    if PINYIN.search(folded) is None:  # cheap: one scan, most texts have no gloss to remove
        return lines
    return tuple(_without_pinyin(line) if PINYIN.search(line.text) else line for line in lines)


def _stripped_lines(folded: str) -> tuple[Line, ...]:
    """The lines of ``folded`` that are not empty once stripped of ``_STRIP``, stripped."""
    lines, start = [], 0
    for raw in folded.split("\n"):
        text = raw.strip(_STRIP)
        if text:
            content_start = start + len(raw) - len(raw.lstrip(_STRIP))
            lines.append(Line(content_start, content_start + len(text), text))
        start += len(raw) + 1
    return tuple(lines)


def _heading_candidates(lines: tuple[Line, ...]) -> list[Heading]:
    """The headings the lines start with; only a line with a topic word near its start can be one."""
    topic = load_vocabulary().topic
    return [
        h
        for line in lines
        if topic.search(line.text, 0, MAX_HEADING + 16) and (h := read_heading(line)) is not None
    ]


def read_heading(line: Line) -> Heading | None:
    """The heading that ``line`` (with a topic word near its start) starts with, if its wording is a
    section heading's."""
    vocab = load_vocabulary()
    s = line.text
    kind, marker = _marker(s, vocab)
    content_start = marker.end() if marker else 0
    content = s[content_start:].rstrip(" :。;,")
    if not content:
        return None
    whole_line = len(content) <= MAX_HEADING and not _SENTENCE_END.search(content)
    if kind == "none" and (not whole_line or len(content) < 4):  # cheap: most such lines are paragraphs
        return None
    if not whole_line:
        cut = _CUT.search(content)
        if cut is None or cut.start() > MAX_HEADING:
            return None
        content = content[: cut.start()].rstrip(" 、")
    found = classify_heading(content)
    if found is None:
        return None
    type_, weight = found
    if not whole_line and ("," in content or weight < KEYWORD):
        return None
    if kind == "none" and weight < STRONG:
        return None
    if _is_toc(s):
        return None
    end = content_start + len(content)
    return Heading(
        start=line.original(0),
        end=line.original(end),
        kind=kind,
        number=_number(marker.group()) if marker else None,
        type=type_,
        weight=weight,
        same_line=not whole_line,
    )


def _marker(s: str, vocab: Vocabulary) -> tuple[str, re.Match | None]:
    """The numbering style ``s`` opens with and its marker (``一、``), or ``("none", None)``."""
    m = vocab.marker.match(s)
    return (m.lastgroup, m) if m else ("none", None)


def select_headings(candidates: list[Heading], boilerplate: list[tuple[int, int]]) -> list[Heading]:
    """The report's top-level headings among the candidates.

    Per numbering style, the best chain of strictly increasing numerals (weights summed) is
    kept (``_style_chain``). The outer styles (``第一部分``, ``一、``) win when their chain has
    any real evidence; an unnumbered chain wins when it is stronger; ``(一)`` and ``1.`` styles
    are used only when nothing outer exists and their chain holds two known section wordings.
    """
    if boilerplate:
        candidates = [h for h in candidates if not any(a <= h.start < b for a, b in boilerplate)]
    by_kind: dict[str, list[Heading]] = {}
    for h in candidates:
        by_kind.setdefault(h.kind, []).append(h)
    # only the styles with candidates: most reports number their headings in one or two styles
    chains = {kind: _style_chain(headings) for kind, headings in by_kind.items()}
    scores = dict.fromkeys(KINDS, 0) | {kind: sum(h.weight for h in chain) for kind, chain in chains.items()}
    outer = "part" if scores["part"] >= scores["cn"] else "cn"  # a tie goes to the outermost
    if scores[outer] > KEYWORD and scores[outer] >= scores["none"]:
        return chains[outer]
    if scores["none"] >= STRONG:
        return chains["none"]
    inner = [k for k in ("paren", "arabic") if sum(h.weight == STRONG for h in chains.get(k, [])) >= 2]
    if inner:
        return chains[max(inner, key=lambda k: scores[k])]
    return []


def _style_chain(headings: list[Heading]) -> list[Heading]:
    """The top-level chain of one numbering style.

    When the report writes its headings on lines of their own, a heading followed by text on
    its line (``三、主动公开政府信息情况。2021年,我局…``, a renumbered sub-item) is kept only
    where its number fits between the chosen headings around it.
    """
    alone = [h for h in headings if not h.same_line]
    if len(alone) == len(headings):  # no heading with text on its line to fit in
        return _best_chain(headings)
    chain = _best_chain(alone)
    if sum(h.weight for h in chain) < 2 * STRONG:
        return _best_chain(headings)
    for h in headings:
        if h.same_line and h.number is not None:
            before = [c for c in chain if c.start < h.start]
            after = [c for c in chain if c.start > h.start]
            if (not before or before[-1].number < h.number) and (not after or h.number < after[0].number):
                chain = [*before, h, *after]
    return chain


def _best_chain(headings: list[Heading]) -> list[Heading]:
    """Maximum-weight subsequence with strictly increasing numbers (all of them when unnumbered)."""
    if not headings or headings[0].number is None:
        return headings
    best: list[tuple[int, int]] = []  # (score, previous index) per heading
    # per numeral: (best score, earliest index with it) of the chains ending there, so that a
    # text with thousands of heading-like lines stays linear in their count
    ends: dict[int, tuple[int, int]] = {}
    top, last = 0, 0  # the best score and the earliest heading whose chain has it
    for i, h in enumerate(headings):
        score, prev = h.weight, -1
        for number, (end_score, j) in ends.items():
            extended = end_score + h.weight
            if number < h.number and (extended > score or (extended == score and 0 <= j < prev)):
                score, prev = extended, j
        best.append((score, prev))
        if h.number not in ends or score > ends[h.number][0]:
            ends[h.number] = (score, i)
        if score > top:
            top, last = score, i
    chain, i = [], last
    while i >= 0:
        chain.append(headings[i])
        i = best[i][1]
    return chain[::-1]


def _locate(lines: list[Line]) -> list[tuple[int, int]]:
    """Header noise: noise lines before the first body line. Footer noise: from the first
    noise line of the run of short, non-table lines that ends the page."""
    vocab = load_vocabulary()
    spans: list[tuple[int, int]] = []
    body_start, previous_noise = len(lines), False
    for i, line in enumerate(lines):
        noise = bool(vocab.noise.match(line.text) or vocab.head_noise.match(line.text))
        if noise and previous_noise:
            spans[-1] = (spans[-1][0], line.end)
        elif noise:
            spans.append((line.start, line.end))
        elif _is_body(line.text):
            body_start = i
            break
        previous_noise = noise
    tail: list[Line] = []
    for line in reversed(lines[body_start:]):
        if _is_body(line.text) or _is_table_cell(line.text):  # the cheaper test first
            break
        tail.append(line)
    first_noise = next((line for line in reversed(tail) if vocab.noise.match(line.text)), None)
    if first_noise is not None and (not spans or first_noise.start > spans[-1][1]):
        spans.append((first_noise.start, tail[0].end))
    return spans


def _is_body(s: str) -> bool:
    """A paragraph or a numbered item: the report itself, not page furniture."""
    return len(s) >= BODY_LINE or _NUMBERED.match(s) is not None


def _is_table_cell(s: str) -> bool:
    return "|" in s or _NUMBER_CELL.fullmatch(s) is not None


def _is_toc(s: str) -> bool:
    return bool(_TOC_LEADER.search(s) or len(s) > MAX_HEADING and _SECOND_MARKER.search(s))


@lru_cache(maxsize=256)
def _number(marker: str) -> int | None:
    digits = _DIGITS.search(marker)
    if digits:
        return int(digits.group())
    numerals = [_NUMERALS[c] for c in marker if c in _NUMERALS]
    if not numerals:
        return None
    if len(numerals) == 1:
        return numerals[0]
    if numerals[0] == 10:  # 十一
        return 10 + numerals[1]
    return numerals[0] * 10 + (numerals[2] if len(numerals) > 2 else 0)


def _without_pinyin(line: Line) -> Line:
    content, start = line.text, line.start
    kept, offsets, pos = [], [], 0
    for m in PINYIN.finditer(content):
        kept.append(content[pos : m.start()])
        offsets.extend(range(start + pos, start + m.start()))
        pos = m.end()
    kept.append(content[pos:])
    offsets.extend(range(start + pos, start + len(content) + 1))
    return Line(start, line.end, "".join(kept), tuple(offsets))


def _rstrip(text: str, start: int, end: int) -> int:
    while end > start and text[end - 1].isspace():
        end -= 1
    return end
