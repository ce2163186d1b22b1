"""Script handling: Traditional/Simplified, full-width forms, pinyin mirrors.

``fold`` is length-preserving, so offsets into a folded text are offsets into the original.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import opencc

_CJK_RANGE = range(0x4E00, 0xA000)
_WIDTH = {
    "（": "(",
    "）": ")",
    "：": ":",
    "，": ",",
    "；": ";",
    "／": "/",
    "｜": "|",
    "－": "-",
    "—": "—",
    "\u2002": " ",
    "\u2003": " ",
    "\u00a0": " ",
    "\u3000": " ",
}
# From this length on, texts are folded by array look-up rather than ``str.translate`` (whose
# per-character dictionary look-ups dominate on whole reports).
ARRAY_FOLD_MIN = 256
# ``(`` after an ideograph, then the gloss; the literal ``(`` first lets the regex engine skip to
# candidates instead of trying the look-behind at every character.
PINYIN = re.compile(r"\((?<=[\u4e00-\u9fff]\()[a-zāáǎàēéěèīíǐìōóǒòūúǔùüǖǘǚǜ]{1,6}\)")


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


@lru_cache(maxsize=1)
def _foldable() -> re.Pattern:
    """Any character that ``fold`` changes."""
    changed = "".join(chr(code) for code, char in _fold_table().items() if chr(code) != char)
    return re.compile(f"[{re.escape(changed)}]")


@lru_cache(maxsize=1)
def _fold_codes() -> np.ndarray:
    """``_fold_table`` as an array: the folded code point of every code point."""
    table = _fold_table()
    codes = np.arange(0x110000, dtype=np.uint32)
    codes[list(table)] = [ord(char) for char in table.values()]
    return codes


def _code_points(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


@lru_cache(maxsize=8)
def fold(text: str) -> str:
    """Simplified, half-width form of ``text`` with the same length and offsets.

    Cached for the last few texts: sectioning, tables and labelling functions all fold the same
    report."""
    if _foldable().search(text) is None:  # cheap: stops at the first foldable character, if any
        return text
    if len(text) < ARRAY_FOLD_MIN:
        return text.translate(_fold_table())
    return _fold_codes()[_code_points(text)].tobytes().decode("utf-32-le", "surrogatepass")


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
    if fold(text) == text:  # cheap (fold is cached): nothing changes, so nothing is Traditional
        return "simplified"
    marks = _script_marks()[_code_points(text)]
    traditional = np.count_nonzero(marks & _TRADITIONAL)
    simplified_only = np.count_nonzero(marks & _SIMPLIFIED_ONLY)
    return "traditional" if traditional > simplified_only else "simplified"


_TRADITIONAL, _SIMPLIFIED_ONLY = 1, 2


@lru_cache(maxsize=1)
def _script_marks() -> np.ndarray:
    """Per code point: bit 1 when it changes under folding (from U+4E00 on, so full-width forms
    count too), bit 2 when it is Simplified-only."""
    marks = np.zeros(0x110000, dtype=np.uint8)
    marks[[code for code in _fold_table() if code >= 0x4E00]] |= _TRADITIONAL
    marks[[ord(ch) for ch in _simplified_only()]] |= _SIMPLIFIED_ONLY
    return marks


@lru_cache(maxsize=1)
def _simplified_only() -> frozenset[str]:
    chars = [chr(c) for c in _CJK_RANGE]
    converted = opencc.OpenCC("s2t").convert("\n".join(chars)).split("\n")
    return frozenset(s for s, t in zip(chars, converted) if t != s)


def load_tables() -> None:
    """Build the folding and script tables now (each is cached) instead of at the first text."""
    _foldable()
    _fold_codes()
    _script_marks()


def remove_pinyin(text: str) -> str:
    """Drop pinyin glosses such as ``數(shù)量`` that spam mirrors insert (changes length)."""
    return PINYIN.sub("", text)
