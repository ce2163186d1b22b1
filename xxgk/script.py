"""Script handling: Traditional/Simplified, full-width forms, pinyin mirrors.

``fold`` is length-preserving, so offsets into a folded text are offsets into the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

import opencc

_CJK_RANGE = range(0x4E00, 0xA000)
_WIDTH = {
    "（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "／": "/", "｜": "|",
    "－": "-", "—": "—", "\u2002": " ", "\u2003": " ", "\u00a0": " ", "\u3000": " ",
}
PINYIN = re.compile(r"(?<=[\u4e00-\u9fff])\([a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")


@lru_cache(maxsize=1)
def _fold_table() -> dict[int, str]:
    """Per-character Traditional→Simplified map plus full-width→ASCII, for ``str.translate``."""
    chars = [chr(c) for c in _CJK_RANGE]
    converted = opencc.OpenCC("t2s").convert("\n".join(chars)).split("\n")
    table = {ord(t): s for t, s in zip(chars, converted) if len(s) == 1 and s != t}
    for wide, narrow in _WIDTH.items():
        table[ord(wide)] = narrow
    for code in range(0xFF01, 0xFF5F):  # full-width ASCII block
        table.setdefault(code, chr(code - 0xFEE0))
    return table


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """Simplified, half-width form of ``text`` with the same length and offsets.

    Cached for the last few texts: sectioning, tables and labelling functions all fold the same
    report."""
    return text.translate(_fold_table())


@lru_cache(maxsize=4)
def _converter(config: str) -> opencc.OpenCC:
    return opencc.OpenCC(config)


def to_simplified(text: str) -> str:
    """Phrase-level conversion to Simplified (Taiwan vocabulary included); may change length."""
    return _converter("tw2sp").convert(text)


def to_traditional(text: str) -> str:
    return _converter("s2t").convert(text)


def detect_script(text: str) -> str:
    """``traditional`` when more characters change under folding than stay Simplified-only."""
    table = _fold_table()
    traditional = sum(1 for ch in text if ord(ch) in table and ord(ch) >= 0x4E00)
    simplified_only = sum(1 for ch in text if ch in _simplified_only())
    return "traditional" if traditional > simplified_only else "simplified"


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    chars = [chr(c) for c in _CJK_RANGE]
    converted = opencc.OpenCC("s2t").convert("\n".join(chars)).split("\n")
    return frozenset(s for s, t in zip(chars, converted) if t != s)


def remove_pinyin(text: str) -> str:
    """Drop pinyin glosses such as ``數(shù)量`` that spam mirrors insert (changes length)."""
    return PINYIN.sub("", text)
