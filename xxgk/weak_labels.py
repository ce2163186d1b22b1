"""Weak labellers: rule-based AGENCY / YEAR / COUNT entities and MEASURE / PROBLEM statements.

Every labelling function has the signature ``(text, context) -> list[Span]``: it scans the
length-preserving folded text of ``make_context`` (``xxgk.script.fold``: Simplified, half-width;
pinyin glosses of mirror pages taken out, Kangxi radicals read as ideographs) and returns spans
whose offsets and texts are those of the original ``text``, so Traditional script and full-width
punctuation are handled by the same rules. The rules follow ``annotation-guidelines.md`` v1.1.

- ``LABELERS``: name → ``Labeler(func, label)``, each callable alone (rules-only baseline, silver data).
- ``weak_annotate(text, sections, tables)``: all labellers, overlaps resolved per layer, COUNTs linked.
- ``link_counts(text, counts, tables)``: ``count_type`` of narrative COUNTs that name a table cell
  (contexts declared in ``templates/count_links.toml``), warnings where the numbers differ.
- ``count_attributes``, ``statement_units``: the COUNT attributes and statement candidates for
  model-predicted spans.

AGENCY matching is anchored on division suffixes and level words; the name before an anchor is
resolved with the gazetteer (``templates/gazetteer.json``: division names, common words), the
names the report itself uses (its title and signature, names found at clear boundaries), and
word boundaries; the organ and its sub-units after it come from an anchored regex.
"""

from __future__ import annotations

import bisect
import json
import re
import sys
import tomllib
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, dataclass, field, replace
from functools import lru_cache
from importlib import resources
from operator import attrgetter
from pathlib import Path
from typing import Any, NamedTuple

import cn2an

from .records import Section, Span, TableResult
from .script import PINYIN, fold

CJK = "\u4e00-\u9fff\u3007"
CN_DIGITS = "零〇一二两三四五六七八九十百千万"


def _char_class(excluded: str) -> str:
    """A regex class of the CJK block without the characters in ``excluded``."""
    points = sorted({ord(c) for c in excluded if 0x4E00 <= ord(c) <= 0x9FFF})
    ranges, low = [], 0x4E00
    for point in points:
        if point > low:
            ranges.append((low, point - 1))
        low = point + 1
    ranges.append((low, 0x9FFF))
    parts = (chr(a) if a == b else f"{chr(a)}-{chr(b)}" for a, b in ranges)
    return "[" + "".join(parts) + "]"


def _starting_with(chars: str, pattern: str) -> str:
    """``pattern``, which always starts with one of ``chars``, behind a look-ahead for them: the
    regex engine then rejects most positions with one class test instead of trying each branch."""
    return f"(?=[{chars}])(?:{pattern})"


def _first_chars(words: Iterable[str]) -> str:
    """The characters ``words`` start with."""
    return "".join(sorted({w[0] for w in words}))


def _alternation(words: Iterable[str]) -> str:
    """Longest-first regex alternation of literal words, grouped by first character (`统计|民政|民宗`
    as `统(?:计)|民(?:政|宗)`): the regex engine then tries one group per position, not every word."""
    return _grouped_alternation((w[0], re.escape(w[1:])) for w in sorted(set(words), key=lambda w: (-len(w), w)))


def _grouped_alternation(branches: Iterable[tuple[str, str]]) -> str:
    """The alternation of ``(first character, rest of the pattern)`` branches, in their order,
    grouped by first character (branches with different first characters never both match)."""
    groups: dict[str, list[str]] = {}
    for first, rest in branches:
        groups.setdefault(first, []).append(rest)
    return "|".join(f"{re.escape(first)}(?:{'|'.join(rests)})" for first, rests in groups.items())


def _lengths_by_last_char(words: Iterable[str]) -> dict[str, tuple[int, ...]]:
    """For each last character of ``words``, the lengths of the words ending with it, longest first."""
    lengths: dict[str, set[int]] = {}
    for word in words:
        lengths.setdefault(word[-1], set()).add(len(word))
    return {char: tuple(sorted(found, reverse=True)) for char, found in lengths.items()}


# ---------------------------------------------------------------------------------------------
# Context shared by the labellers


@dataclass
class LabelContext:
    """What the labellers need besides the text. They scan ``folded`` (``fold(text)`` without the
    pinyin glosses of mirror sites, `國(guó)務(wù)院`); ``positions`` maps its offsets back to the
    text (None: the same offsets). Sections and table cells are given in ``folded`` offsets."""

    folded: str
    sections: list[Section] = field(default_factory=list)
    tables: dict[str, Any] = field(default_factory=dict)
    blocked: list[tuple[int, int]] = field(default_factory=list)
    table_cells: list[tuple[int, int]] = field(default_factory=list)
    positions: list[int] | None = None
    statements: list[Span] | None = None  # computed once for both statement labellers

    def span(self, text: str, start: int, end: int, label: str, **attrs: Any) -> Span:
        """A Span of ``text`` for the ``folded`` range ``[start, end)``."""
        start, end = self.original(start, end)
        return Span(start, end, label, text[start:end], attrs)

    def original(self, start: int, end: int) -> tuple[int, int]:
        if self.positions is None:
            return start, end
        return self.positions[start], self.positions[end - 1] + 1

    def scanned(self, offset: int) -> int:
        """The ``folded`` offset of a text offset."""
        return offset if self.positions is None else bisect.bisect_left(self.positions, offset)

    def is_blocked(self, start: int, end: int) -> bool:
        """Whether ``[start, end)`` touches a ``《…》``/``〔…〕``/document-number range."""
        return _overlaps(self.blocked, start, end)

    def in_table_cell(self, start: int, end: int) -> bool:
        return _overlaps(self.table_cells, start, end)


def _overlaps(ranges: list[tuple[int, int]], start: int, end: int) -> bool:
    i = bisect.bisect_right(ranges, (start, sys.maxsize)) - 1
    if i >= 0 and ranges[i][1] > start:
        return True
    return i + 1 < len(ranges) and ranges[i + 1][0] < end


BOOK_TITLE_RE = re.compile(r"《[^《》]{0,300}》")  # 〈〉 stay inside
BRACKETED_YEAR_RE = re.compile(r"〔[^〔〕\n]{0,30}〕")  # 〔2019〕
# Document numbers and decrees; the issuing organ before them (`国发`, `国务院令`) is added by
# ``_document_numbers`` (up to ``DOC_PREFIX`` CJK characters). Each branch of DOC_NUMBER_RE opens
# with a literal character, so the regex engine scans for those; DECREE_NUMBER_RE (`711号令`),
# which opens with a digit, is scanned for only in a text with `号令`.
_ISSUE_NUMBER = r"\s*(?:19|20)\d{2}\s*(?:〕|\]|】|\))\s*第?\s*\d+\s*号"  # after its opening bracket
DOC_NUMBER_RE = re.compile(
    "|".join([*(re.escape(bracket) + _ISSUE_NUMBER for bracket in "〔[【("), r"令\s*\(?第\s*\d+\s*号\)?"])
)
DECREE_NUMBER_RE = re.compile(r"\d+\s*号令")
DOC_PREFIX = 10
# The organ prefix of a document number never reaches over a year or the verb that cites it
# (`2019年按照国发〔2019〕1号`, `于2007年以国务院令第492号`, `市政府转发国办发〔2019〕3号`).
DOC_PREFIX_STOP_CHARS = frozenset("年以按依据照在于由")
DOC_PREFIX_STOP_WORDS = frozenset("执行 转发 印发 贯彻 落实 参照 遵照 学习 对照 根据 按照 依照 依据".split())


def make_context(
    text: str, sections: list[Section] | None = None, tables: TableResult | dict | None = None
) -> LabelContext:
    """The ``LabelContext`` of ``text``; ``tables`` is a ``TableResult`` or its ``tables`` dict."""
    folded, positions = _without_pinyin(fold(text))
    context = LabelContext(folded, positions=positions)
    context.blocked = sorted([*_brackets(folded), *_document_numbers(folded)])
    cells = _pipe_rows(folded) if "|" in folded else []
    if isinstance(tables, TableResult):
        context.tables = tables.tables
        evidence = [(e.start, e.end) for e in tables.evidence.values() if e.start is not None and e.end]
        scanned = context.scanned
        cells.extend(evidence if context.positions is None else ((scanned(s), scanned(e)) for s, e in evidence))
    elif tables:
        context.tables = tables
    context.table_cells = sorted(cells)
    context.sections = _scanned_sections(context, sections or [])
    return context


def _pipe_rows(folded: str) -> list[tuple[int, int]]:
    """Ranges of the lines with two pipes or more: flattened table rows `规章 | 0 | 0 | 0 |`."""
    rows, start = [], 0
    for line in folded.split("\n"):
        if line.count("|") >= 2:
            rows.append((start, start + len(line)))
        start += len(line) + 1
    return rows


def _scanned_sections(context: LabelContext, sections: list[Section]) -> list[Section]:
    """``sections`` in ``folded`` offsets (the same sections when no gloss was taken out)."""
    if context.positions is None:
        return list(sections)
    return [Section(s.heading, s.type, context.scanned(s.start), context.scanned(s.end)) for s in sections]


RADICALS_RE = re.compile("[\u2e80-\u2fd5]")


@lru_cache(maxsize=1)
def _radicals() -> dict[int, str]:
    """Kangxi and supplementary radicals (`⼀`, `⾼`) that pages use for the ideographs they look like."""
    table = {}
    for code in [*range(0x2E80, 0x2EF4), *range(0x2F00, 0x2FD6)]:
        normal = unicodedata.normalize("NFKC", chr(code))
        if len(normal) == 1 and normal != chr(code):
            table[code] = normal
    return table


def _without_pinyin(folded: str) -> tuple[str, list[int] | None]:
    """``folded`` (radicals read as ideographs) without pinyin glosses, and the offset of each
    remaining character."""
    if RADICALS_RE.search(folded):
        folded = folded.translate(_radicals())
    glosses = list(PINYIN.finditer(folded))
    if not glosses:
        return folded, None
    positions, pieces, previous = [], [], 0
    for m in glosses:
        positions.extend(range(previous, m.start()))
        pieces.append(folded[previous : m.start()])
        previous = m.end()
    positions.extend(range(previous, len(folded)))
    pieces.append(folded[previous:])
    return "".join(pieces), positions


def _brackets(folded: str) -> list[tuple[int, int]]:
    """Ranges of book titles `《…》` and of `〔2019〕`: two scans for a literal first character are
    faster than one for either."""
    titles = [m.span() for m in BOOK_TITLE_RE.finditer(folded)]
    return _leftmost([*titles, *(m.span() for m in BRACKETED_YEAR_RE.finditer(folded))])


def _leftmost(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """The matches of patterns that open with different characters, in order, without one that
    starts inside another: what one scan for the alternation of the patterns finds."""
    kept, end = [], 0
    for start, stop in sorted(spans):
        if start >= end:
            kept.append((start, stop))
            end = stop
    return kept


def _document_numbers(folded: str) -> list[tuple[int, int]]:
    """Ranges of `国发〔2019〕1号`, `闽政办函(2012)157号`, `国务院令第711号` with their organ prefix."""
    # every number ends with `号` (or `号令`, `号)`): the scan stops two characters after the last one
    last = folded.rfind("号")
    if last < 0:
        return []
    numbers = [m.span() for m in DOC_NUMBER_RE.finditer(folded, 0, last + 2)]
    if "号令" in folded:
        numbers.extend(m.span() for m in DECREE_NUMBER_RE.finditer(folded, 0, last + 2))
    ranges = []
    for number_start, end in _leftmost(numbers):
        start = number_start
        while (
            start > max(0, number_start - DOC_PREFIX)
            and "\u4e00" <= folded[start - 1] <= "\u9fff"
            and folded[start - 1] not in DOC_PREFIX_STOP_CHARS
            and folded[start - 2 : start] not in DOC_PREFIX_STOP_WORDS
        ):
            start -= 1
        if start < number_start or folded[number_start] == "令":
            ranges.append((start, end))
    return ranges


# ---------------------------------------------------------------------------------------------
# AGENCY

PROVINCES = (
    "北京 天津 上海 重庆 河北 山西 辽宁 吉林 黑龙江 江苏 浙江 安徽 福建 江西 山东 河南 湖北 湖南 "
    "广东 海南 四川 贵州 云南 陕西 甘肃 青海 台湾 内蒙古 广西 西藏 宁夏 新疆 香港 澳门"
).split()
DIVISION_SUFFIXES = (
    "特别行政区 维吾尔自治区 壮族自治区 回族自治区 自治区 自治州 自治县 自治旗 地区 新区 林区 "
    "经济技术开发区 高新技术产业开发区 经济开发区 开发区 高新区 工业园区 园区 省 市 县 区 旗 盟 镇 乡 "
    "街道 村 社区 回族乡 民族乡 街 苏木 嘎查"
).split()
# Suffixes after which an unknown two- or three-character name is accepted (towns are too many
# for any list); county-level and higher names come from the gazetteer's division list.
TOWN_SUFFIXES = frozenset(
    "回族乡 民族乡 街道 社区 地区 新区 林区 经济技术开发区 经济开发区 开发区 高新区 工业园区 镇 乡 村 街 苏木 嘎查".split()
)
DIVISION_SUFFIXES_LONGEST_FIRST = sorted(DIVISION_SUFFIXES, key=len, reverse=True)
COUNTY_SUFFIXES = frozenset("市 县 区 旗 州 自治县 自治州 自治旗".split())
# Words a division level stands for alone (`市政府`, `省审改办`, `县委`, `国家统计局`).
LEVEL_WORDS = frozenset("自治区 自治州 自治县 国家 省 市 县 区 旗 盟 镇 乡 州".split())
LEVEL_CHARS = "省市县区镇乡州旗盟"
# After a bare level word these begin another word (`市民`, `县级`, `区域`, `乡镇`), except `市场`/`乡村振兴`.
LEVEL_NOT_BEFORE_RE = re.compile(
    "(?!民(?!政)|级|域|直|属|内|外|县|区|市(?!场)|镇|乡(?!村振兴)|村|长|场|委员|人民(?!政府|法院|检察院|代表大会))"
)
LEVEL_NOT_AFTER = "全我本该各每此这那其城都超门上地社街园校郊省市县区镇乡州旗盟村"
WORDS_ENDING_IN_QUAN = frozenset("健全 齐全 完全 安全 周全 保全".split())  # `健全县政府门户网站`: not `全县`


def _guarded(spec: str) -> dict[str, str]:
    """``word`` or ``word/guard`` entries → {word: guard}; the guard lists what may not follow
    the word (characters, or `|`-separated words) because it then belongs to another word."""
    return dict((entry.split("/") + [""])[:2] for entry in spec.split())


# Organ suffixes, longest first, each with the characters that would make it part of another word.
ORGAN_SUFFIXES = _guarded(
    "人民代表大会常务委员会 人大常委会 人民代表大会 人大 政协 人民政府办公室 人民政府办公厅 "
    "人民政府 政府办公室 政府办公厅 政府办/理事法件结好学案公 政府 中级人民法院 人民法院 法院 "
    "人民检察院 检察院 党工委 党委 纪委 监委 管理委员会 委员会 管委会 行政公署 行署 办公厅 "
    "办公室 党政办公室 党政办 办事处 管理局 总局 分局 局/面部势限 厅 委/托屈派员 "
    "办/理事法件结好学案公 署/名 档案馆 图书馆 博物馆 文化馆 纪念馆 服务中心 "
    "中心/工作|任务|环节|位置 研究院 研究所 派出所 司法所 财政所 卫生院 领导小组办公室 "
    "领导小组 残联 妇联 总工会 团委 科协 文联 侨联 工商联"
)
ORGAN_LENGTHS_LONGEST_FIRST = sorted({len(s) for s in ORGAN_SUFFIXES}, reverse=True)
# Verbs that open sub-unit names (`公开办`, `服务中心`, `审批科`), unlike `设立…`, `紧紧围绕…`.
SUBUNIT_VERBS = set(
    "公开 服务 管理 审批 监督 执法 保障 建设 发展 改革 规划 协调 督查 应急 信访 宣传 统战 组织 指挥 调解 "
    "仲裁 登记 联络 接待 投资 促进 监测 检测 稽查 救助 综合 行政 信息 法制 政策 研究 考核 办理".split()
)
# Departments written without their division (`统计局`, `住建局`), matched where a name may start.
DEPARTMENTS = (
    "统计 民政 司法 水务 水利 应急管理 住建 住房和城乡建设 教育 公安 财政 人社 人力资源和社会保障 自然资源 "
    "自然资源和规划 生态环境 环保 环境保护 交通运输 交通 农业农村 农业 商务 文化和旅游 文旅 文化广电和旅游 "
    "卫生健康 卫健 卫生 退役军人事务 市场监督管理 市场监管 医疗保障 医保 林业 体育 信访 乡村振兴 审计 税务 "
    "气象 档案 城管 城市管理 综合行政执法 行政审批服务 行政审批 政务服务 政务服务数据管理 大数据 发展和改革 "
    "发展改革 发改 工业和信息化 工信 经济和信息化 经信 科技 科学技术 民族宗教 民宗 国资 粮食 规划 海洋 渔业 "
    "畜牧 水产 人防 人民防空 地震 粮食和物资储备 机关事务管理 金融 外事 侨务 扶贫 招商 投资促进 旅游"
).split()
# The organ after a department's name. No name holds an organ's first character (委局厅办), so a
# department is found back from its organ, the rarer word (as a left-to-right regex scan would).
DEPARTMENT_ORGAN_RE = re.compile("委员会|局(?![面部势限])|厅|委(?![托屈派员])|办公室")
DEPARTMENT_NAMES = frozenset(DEPARTMENTS)
DEPARTMENT_LENGTHS = _lengths_by_last_char(DEPARTMENTS)
# Organs that are AGENCY only with a named parent, never after a bare level word (`镇政务公开领导小组`).
PARENT_ONLY = {"办公室", "党政办公室", "党政办", "领导小组办公室", "领导小组"}
# Organs that need a core after a bare level word (`市局`, `省委员会` are generic; `市委`, `市档案馆` are not).
NEED_CORE = set(
    "局 厅 办 署 中心 服务中心 分局 总局 管理局 委员会 管委会 管理委员会 办事处 研究院 研究所 办公厅".split()
)
SUBUNIT_SUFFIXES = _guarded(
    "领导小组办公室 领导小组 工作组 办公室 办公厅 党政办公室 党政办 办事处 新闻办/公 委员会 "
    "宣传部 组织部 统战部 党委 党组 编办 服务中心 信息中心 政务中心 区政府办公室 县政府办公室 "
    "市政府办公室 市政府办公厅 省政府办公厅 受理点 受理中心 受理处 查询中心 公开中心"
)
# One-character sub-units need a name before them (`政务公开科`, not `局局`).
SUBUNIT_CHARS = _guarded("处/理置罚 科/学技 股 局/面部势限 办/理事法件结好学案公 委/托屈派员")
# Central organs, each opening with a literal character (so the regex engine scans for those).
FIXED_AGENCIES = (
    "国务院办公厅 国务院新闻办公室 国务院新闻办 国务院 党中央 中共中央办公厅 中共中央 中央办公厅 "
    "中央宣传部 中宣部 中央组织部 中央网信办 全国人大常委会 全国人大 全国政协 最高人民法院 "
    "最高人民检察院 外交部 国防部 教育部 科学技术部 科技部 工业和信息化部 工信部 公安部 国家安全部 "
    "民政部 司法部 财政部 人力资源和社会保障部 人社部 自然资源部 生态环境部 住房和城乡建设部 住建部 "
    "交通运输部 水利部 农业农村部 商务部 文化和旅游部 退役军人事务部 应急管理部 中国人民银行 审计署 "
    "海关总署 国家税务总局 国家市场监督管理总局 国办(?![发函]) 中纪委 中办(?=、?国办) 省办(?<=国办、省办)"
).split()
# Function words and self/collective references: never inside a name or an organ's core.
FUNCTION_CHARS = "的与及或在对向将把被是为了等各全本我该其此每有无从于以由到至并即也都这那共年月度号"
ORGAN_CHARS = "委府局厅办院署政"
# Characters after which a name may start (besides punctuation and line starts).
BOUNDARY_CHARS = "和与及的在由对向将是为照据实同经报至到从于即并或把被给让了等称系请见自年度我"
BOUNDARY_WORD_SET = frozenset(
    "通过 利用 依托 公布 涵盖 结合 登录 访问 进入 联系 点击 关注 配合 会同 联合 组织 协调 督促 指导 中共".split()
)
PROVINCE_SET = frozenset(PROVINCES)
PROVINCE_LAST_CHARS = frozenset(p[-1] for p in PROVINCES)
NOT_NAMES = "城乡 城市 乡镇 县区 市县 省市 地市 社区 农村 辖区 园区 村居 区属 市属 县属 省属 市直 县直 区直 省直 设区".split()
SELF_CONTEXT_BEFORE = re.compile(r"(?:在|于|到|至|赴|全|本|该|各|来|去)$")
ACTOR_AFTER = re.compile(
    r"\s*(?:(?:(?:19|20)\d{2}|[一二][〇○零0O][〇○零0一二三四五六七八九]{2})\s*年度?(?=政府信息公开|信息公开|政务公开(?:工作)?(?:年度?)?报告|政务(?:工作)?公开(?:年度)?(?:工作)?(?:要点|任务)|工作|以来|,)"
    r"|政府信息公开|信息公开(?:工作)?年度?报|政务公开(?:工作)?(?:年度?)?报告|政务(?:工作)?公开(?:年度)?(?:工作)?(?:要点|任务)|编制|>|\||共|主动|认真|严格|积极|"
    r"高度|坚持|始终|深入|全面|进一步|切实|不断|持续|紧紧|紧扣|按照|根据|依据|围绕|立足|通过|结合|已|未|"
    r"没有|无|收到|受理|依托|依靠|借助|着力|大力|扎实|加强|加大|强化|推进|完善|建立|健全|召开|成立|制定|印发|组织|开展|"
    r"及时|依法|本着|致力|全年|今年|继续|重视|狠抓|采取|利用|坚决|统筹|对照|聚焦|以|把|将|在|于|的政府信息|"
    r"关于|有关|门户网站|网站|门户网|政务网|政府网站)"
)
ACTOR_BEFORE = re.compile(
    r"(?:(?:来源|发布机构|发布单位|发文机关|发文机构|信息来源|发布部门|发布者)\s*[:|]|>)[\s:|\[(]*$"
)
# `2024年,小营街道领导…`: a township opening the sentence after its year is the subject of the year's work.
TOWNSHIPS = ("街道", "镇", "乡", "苏木")
YEAR_CLAUSE_BEFORE = re.compile(r"(?:^|[\n。;])[ \t]*(?:19|20)\d{2}\s*年度?(?:以来)?,$")
ADDRESS_BEFORE = re.compile(r"(?:地址|地点)\s*:?[^,;。)\n]{0,40}$|\d+\s*号\s*$")
# A building or floor after an organ makes it a place (`县政府大院`, `区政府一楼大厅`, `市政府办公大楼`).
BUILDING_AFTER = re.compile(r"\s*(?:大院|院内|大楼|办公楼|办公大楼|综合楼|[一二三四五六七八九十\d]{1,2}\s*[楼层]|大厅|门口)")
# Words that open a clause, not an organ's name (`中南街道认真贯彻落实国务院办公厅…`).
CLAUSE_OPENING_RE = re.compile(
    r"认真|严格|积极|紧紧|切实|深入|全面|不断|持续|进一步|按照|根据|依据|围绕|落实|贯彻|加强|做好|坚持|结合|"
    r"通过|及时|主动|高度|扎实|大力|着力|努力|始终|坚决|继续|进行|开展|组织|召开|印发|制定|依托|依靠|借助|利用"
)
PLACE_AFTER = re.compile(r"(?:境内|范围|辖区|全境|区域|以内|以外|之内|内|外|各|人民(?!政府|法院|检察院|代表大会)|籍|户籍|地址)")
BAD_CORE = re.compile(
    r"网(?!信)|门户|平台|热线|信箱|公众号|微信|微博|专栏|大厅|窗口|大楼|楼|媒体|报社|电视|广播|日报"
)
# After `政府` the fixed term `政府信息公开` and its variants (`政府(机关)信息公开`, `政府信息网站`).
GOVERNMENT_INFORMATION_RE = re.compile(r"(?:\([^()\n]{1,4}\))?信息(?:公开|网站|平台|查阅场所)")
# Zone words that, bare, work like a level word before the zone's administration (project rule 6).
ZONE_WORDS = sorted("经济技术开发区 高新技术产业开发区 经济开发区 开发区 高新区 经开区 工业园区 新区 风景区 示范区".split(), key=len, reverse=True)
ZONE_ORGANS = frozenset("管委会 管理委员会 党工委".split())
LOCATION_BEFORE = re.compile(r"(?:在|到|至|于|赴)$")
LOCATION_AFTER = re.compile(r"(?:设立|设置|设有|内|查阅|办理|现场)")


def _suffix_alternation(suffixes: dict[str, str]) -> str:
    """Longest-first alternation of suffixes (grouped by first character), each guarded by its
    not-followed-by alternatives, behind a look-ahead for their first characters (tried after
    every character of a lazy core)."""
    parts = []
    for word in sorted(suffixes, key=lambda w: (-len(w), w)):
        guard = suffixes[word]
        alternatives = guard.split("|") if "|" in guard else list(guard)
        parts.append((word[0], re.escape(word[1:]) + (f"(?!{'|'.join(alternatives)})" if guard else "")))
    return _starting_with(_first_chars(suffixes), _grouped_alternation(parts))


@dataclass(frozen=True)
class AgencyPatterns:
    """Compiled AGENCY rules. Matching is anchored on division suffixes and level words (found by
    one fast regex); the name before an anchor is resolved with set look-ups, the organ after it
    with an anchored regex, so no regex has to try a large alternation at every position."""

    anchors: re.Pattern
    loose: re.Pattern
    tail: re.Pattern
    fixed: re.Pattern
    name: re.Pattern
    known: frozenset[str]
    not_names: frozenset[str]
    verbs: frozenset[str]
    known_lengths: dict[str, tuple[int, ...]]
    full_names: tuple[str, ...] = ()
    learned: frozenset[str] = frozenset()  # division names learned from this report
    learned_lengths: dict[str, tuple[int, ...]] = field(default_factory=dict)  # ``known_lengths`` with them

    def is_known(self, name: str) -> bool:
        return name in self.known or name in self.learned


def _build_agency_patterns(gazetteer: Gazetteer) -> AgencyPatterns:
    loose = _char_class(ORGAN_CHARS + "的年月度号和与及在")
    core = (
        rf"(?:{_char_class(FUNCTION_CHARS.replace('与', '') + LEVEL_CHARS + '两级个们')}|市场|城乡|乡村|县域|公共)"
    )
    sub_core = _char_class(FUNCTION_CHARS.replace("与", "").replace("及", "") + LEVEL_CHARS + "两级个们")
    divs = (
        _alternation(s for s in DIVISION_SUFFIXES if s not in "州街") + "|州(?![市区县])|街(?![头区巷道角])"
    )
    organs = _suffix_alternation(ORGAN_SUFFIXES)
    sub = (
        rf"(?:(?![和与及各])(?:{sub_core}{{0,14}}?(?:{_suffix_alternation(SUBUNIT_SUFFIXES)})"
        rf"|{sub_core}{{2,14}}?(?:{_suffix_alternation(SUBUNIT_CHARS)})))"
    )
    tail = rf"(?P<core>{core}{{0,12}}?)(?P<organ>{organs})(?P<sub>{sub}*)"
    fixed_names = [*FIXED_AGENCIES, f"中华人民共和国(?:{'|'.join(FIXED_AGENCIES)})"]
    fixed = rf"(?:{_grouped_alternation((n[0], n[1:]) for n in fixed_names)})(?!门)(?P<sub>{sub}*)"
    known = frozenset(gazetteer.divisions) | {f"{p}省" for p in PROVINCES} | _renamed_counties(gazetteer.divisions)
    return AgencyPatterns(
        anchors=re.compile(f"{divs}|国家"),
        loose=re.compile(loose + "+"),
        tail=re.compile(tail),
        fixed=re.compile(fixed),
        name=re.compile(_char_class(FUNCTION_CHARS + ORGAN_CHARS + "和") + "+"),
        known=known,
        not_names=frozenset([*NOT_NAMES, *BOUNDARY_WORD_SET, *gazetteer.not_names]),
        verbs=frozenset([*NOT_NAMES, *BOUNDARY_WORD_SET, *gazetteer.verbs]),
        known_lengths=_name_lengths(known, {}, {}),
    )


def _renamed_counties(divisions: Iterable[str]) -> set[str]:
    """`大足区` for a known `大足县`: many counties became districts, and a name that is also a
    common word (`大足`, `长寿`) is then only found through the county's."""
    return {f"{name[:-1]}区" for name in divisions if name.endswith("县") and len(name) > 2}


def _name_lengths(
    names: Iterable[str], lengths: dict[str, tuple[int, ...]], known: dict[str, tuple[int, ...]]
) -> dict[str, tuple[int, ...]]:
    """For each division suffix with the character before it (`州市`), the name lengths (without
    the suffix) of the ``names`` ending so, longest first, added to ``lengths`` (or else to the
    ``known`` ones): an anchor after a character no name has there (`全市`, `城市`) needs no look-up."""
    found = dict(lengths)
    for name in names:
        for suffix in DIVISION_SUFFIXES_LONGEST_FIRST:
            if name.endswith(suffix) and len(name) > len(suffix):
                ending = name[-len(suffix) - 1 :]
                found[ending] = tuple(
                    sorted({*found.get(ending, known.get(ending, ())), len(name) - len(suffix)}, reverse=True)
                )
                break
    return found


def _learning(patterns: AgencyPatterns, names: set[str], **changes: Any) -> AgencyPatterns:
    """The patterns with ``names`` known as division names of this report (and other ``changes``)."""
    lengths = _name_lengths(names, patterns.learned_lengths, patterns.known_lengths)
    return replace(patterns, learned=patterns.learned | names, learned_lengths=lengths, **changes)


@lru_cache(maxsize=1)
def agency_patterns() -> AgencyPatterns:
    return _build_agency_patterns(load_gazetteer())


def label_agencies(text: str, context: LabelContext) -> list[Span]:
    """AGENCY: named organs with their division prefix, short forms, fixed names of central organs
    and division names standing alone as the issuer or actor (guidelines: AGENCY)."""
    folded = context.folded
    patterns = _with_document_names(agency_patterns(), folded)
    found, heads = _structural_agencies(folded, patterns)
    # names found once at a clear boundary are known for the whole report (`外海街道` after `提高`)
    learned = {u for head in set(heads) for u in leading_units(head, patterns.verbs) if not patterns.is_known(u)}
    if any(_occurs_twice(folded, unit) for unit in learned):
        patterns = _learning(patterns, learned)
        found, _ = _structural_agencies(folded, patterns)
    found.extend((m.start(), _fixed_end(folded, m)) for m in patterns.fixed.finditer(folded))
    found.extend(b for s, e in _departments(folded) if (b := _department_at(folded, s, e)))
    for name in patterns.full_names:
        found.extend(_occurrences(folded, name))
    # the same offsets found twice (a department inside a structural match, the title's name) make one span
    spans = [
        context.span(text, s, e, "AGENCY") for s, e in dict.fromkeys(found) if e > s and not context.is_blocked(s, e)
    ]
    return _merge_central_prefix(text, resolve_overlaps({"AGENCY": spans}, ("AGENCY",)))


def _occurs_twice(folded: str, name: str) -> bool:
    """Whether ``name`` occurs at least twice, without overlap (``str.count`` > 1, stopping early)."""
    first = folded.find(name)
    return first >= 0 and folded.find(name, first + len(name)) >= 0


def _occurrences(folded: str, name: str) -> list[tuple[int, int]]:
    """Non-overlapping ``(start, end)`` of ``name`` in ``folded``, left to right."""
    found, pos = [], folded.find(name)
    while pos >= 0:
        found.append((pos, pos + len(name)))
        pos = folded.find(name, pos + len(name))
    return found


def _structural_agencies(folded: str, patterns: AgencyPatterns) -> tuple[list[tuple[int, int]], list[str]]:
    """AGENCY offsets anchored on division suffixes and level words, and the named heads found."""
    found, heads, last_end = [], [], 0
    for anchor in patterns.anchors.finditer(folded):
        if anchor.start() < last_end:
            continue
        agency = _agency_at(folded, anchor, patterns, last_end)
        if agency is not None:
            found.append((agency.start, agency.end))
            last_end = agency.end
            if agency.chain:
                heads.append(agency.chain)
    return found, heads


class _Agency(NamedTuple):
    start: int
    end: int
    chain: str  # its named division part (`福州市晋安区`), "" for a bare level word


def _departments(folded: str) -> list[tuple[int, int]]:
    """Offsets of the departments named without their division (`统计局`, `住建局`), left to
    right without overlaps: before each organ, the longest department name that starts after
    the last one found."""
    found, last_end = [], 0
    for organ in DEPARTMENT_ORGAN_RE.finditer(folded):
        end = organ.start()
        for k in DEPARTMENT_LENGTHS.get(folded[end - 1 : end], ()):
            if end - k >= last_end and folded[end - k : end] in DEPARTMENT_NAMES:
                found.append((end - k, organ.end()))
                last_end = organ.end()
                break
    return found


def _department_at(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """A department named without its division where a name may start (not in a title: `信访局局长`)."""
    if (start and folded[start - 1] in "我本该各全" + LEVEL_CHARS) or folded.startswith(("长", "局长", "副局长"), end):
        return None
    return (start, end) if _at_boundary(folded, start) or folded[start - 1 : start] in "了对" else None


def _merge_central_prefix(text: str, spans: list[Span]) -> list[Span]:
    """`国家税务总局` + `佛山市税务局` written together is one organ."""
    if "总局" not in text:
        return spans
    merged: list[Span] = []
    for span in spans:
        if merged and merged[-1].end == span.start and merged[-1].text.endswith("总局"):
            start = merged.pop().start
            span = Span(start, span.end, "AGENCY", text[start : span.end])
        merged.append(span)
    return merged


def _with_document_names(patterns: AgencyPatterns, folded: str) -> AgencyPatterns:
    """The patterns plus the issuer named in this report's title or signature: its division
    units become known names (`七里乡`, a common word elsewhere) and its full name is matched
    as written (`衡山萱洲国家湿地公园管理处`)."""
    names = title_names(folded)
    if not names:
        return patterns
    units = {unit for name in names for unit in leading_units(name, patterns.not_names)}
    full = tuple(n for n in names if _organ_suffix(n) or not leading_units(n))
    return _learning(patterns, units, full_names=full)


def _fixed_end(folded: str, m: re.Match) -> int:
    return m.end("sub") - len(m.group("sub")) if BAD_CORE.search(m.group("sub")) else m.end()


def _agency_at(folded: str, anchor: re.Match, patterns: AgencyPatterns, floor: int) -> _Agency | None:
    """The AGENCY whose division part ends with ``anchor``, after the guidelines' rules, or None."""
    head = _head_start(folded, anchor, patterns, floor)
    if head is None:
        return None
    head_start, named = head
    head_end = _chain_end(folded, anchor.end(), patterns)
    chain = folded[head_start:head_end] if named else ""
    tail = patterns.tail.match(folded, head_end)
    organ, core = tail.group("organ", "core") if tail else (None, "")
    if organ is not None and core and not _plausible_organ(organ, core):
        organ = None  # `西咸新区门户网站政府`: the organ belongs to another phrase
    if organ is None:
        return (
            _Agency(head_start, head_end, chain)
            if named and _is_actor(folded, head_start, head_end)
            else None
        )
    if _address_before(folded, head_start):
        return None  # `地址:团结乡政府办公室`, `华北路246号自治区粮食局`: an address
    end = tail.end()
    if BUILDING_AFTER.match(folded, end):
        return None  # `在县政府大院设置公开栏`: a place, not the organ
    organ_end = tail.end("organ")
    sub = tail.group("sub")
    if (sub and BAD_CORE.search(sub)) or _opens_with_verb(folded, organ_end, patterns):
        end = organ_end  # `市城综局设立政务公开领导小组`: no sub-unit after the organ
    if organ == "政府" and GOVERNMENT_INFORMATION_RE.match(folded, organ_end):
        # `凤安镇政府信息公开工作方案` → 凤安镇; `湖美乡政府信息公开领导小组办公室` stays whole;
        # `市政府信息公开的有关要求` → nothing.
        if not named:
            return None
        return _Agency(head_start, end if end > organ_end else head_end, chain)
    if not named and not core and organ in ZONE_ORGANS and (zone := _zone_start(folded, head_end, floor)) is not None:
        return _Agency(zone, end, "")  # `经济开发区管委会`, `风景区管委会`: a zone word works like a level word
    if not named and (organ in PARENT_ONLY or (not core and organ in NEED_CORE)):
        return None
    if (
        organ.endswith("中心")
        and LOCATION_BEFORE.search(folded, max(0, head_start - 1), head_start)
        and LOCATION_AFTER.match(folded, end)
    ):
        return None  # `在街政务中心设立专区`: a place, not the actor
    if folded.startswith("中共", head_start - 2) and head_start - 2 >= floor:
        head_start -= 2  # `中共蚌埠市委`: the Party's name is part of its committee's
    return _Agency(head_start, end, chain)


def _address_before(folded: str, start: int) -> bool:
    """Whether an address ends at ``start``; a substring test first spares most anchors the regex."""
    window = folded[max(0, start - 45) : start]
    if "地址" not in window and "地点" not in window and not window.rstrip().endswith("号"):
        return False
    return ADDRESS_BEFORE.search(window) is not None


def _opens_with_verb(folded: str, pos: int, patterns: AgencyPatterns) -> bool:
    word = folded[pos : pos + 2]
    return word in patterns.verbs and word not in SUBUNIT_VERBS


def _chain_end(folded: str, pos: int, patterns: AgencyPatterns) -> int:
    """End of the further division units after a head (`福州市|晋安区`, `抚松县|松江河镇`)."""
    while True:
        suffix = patterns.anchors.search(folded, pos + 1, pos + 9)
        while suffix is not None and suffix.start() - pos <= 4:
            name, unit = folded[pos : suffix.start()], folded[pos : suffix.end()]
            if _is_unit(name, unit, patterns):
                break
            suffix = patterns.anchors.search(folded, suffix.start() + 1, pos + 9)
        if suffix is None or suffix.start() - pos > 4:
            return pos
        pos = suffix.end()


def _is_unit(name: str, unit: str, patterns: AgencyPatterns) -> bool:
    if patterns.is_known(unit):
        return True
    if len(name) < 2 or not patterns.loose.fullmatch(name):
        return False
    # after a named division, a unit is rejected only for a verb (`重庆市大渡口区`: `渡口` is a noun)
    return not _has_word(name, patterns.verbs)


def _has_word(name: str, words: frozenset[str]) -> bool:
    """Whether one of the two-character ``words`` occurs in ``name`` (a loop: on this hot path
    ``any`` over a generator costs more)."""
    for i in range(len(name) - 1):  # noqa: SIM110
        if name[i : i + 2] in words:
            return True
    return False


def _head_start(
    folded: str, anchor: re.Match, patterns: AgencyPatterns, floor: int
) -> tuple[int, bool] | None:
    """Start of the division name that ends with ``anchor`` and whether it is named; a bare
    level word (`市`, `县`) is not named. Known names first (longest), then unknown names of
    two or three characters that start at a word boundary."""
    pos, end = anchor.span()
    ending = folded[max(0, pos - 1) : end]
    lengths = patterns.learned_lengths.get(ending) or patterns.known_lengths.get(ending)
    if lengths:
        known, learned = patterns.known, patterns.learned  # ``is_known`` inlined on this hot path
        for k in lengths:
            if k > pos - floor:
                continue
            name = folded[pos - k : end]
            if name in known or name in learned:
                return _with_province(folded, pos - k, floor), True
    suffix = anchor.group()
    if suffix in TOWN_SUFFIXES or suffix in COUNTY_SUFFIXES:
        # town names are often common words (`团结乡`, `周家桥街道`): only verbs exclude them
        words = patterns.verbs if suffix in TOWN_SUFFIXES else patterns.not_names
        shortest, longest = (2, 2) if suffix == "街" else (2, 4)
        for start in range(pos - shortest, max(floor, pos - longest) - 1, -1):
            if not patterns.name.fullmatch(folded, start, pos):
                break
            if _has_word(folded[start:pos], words):
                break
            if _at_boundary(folded, start):
                return _with_province(folded, start, floor), True
    if suffix in LEVEL_WORDS and _level_allowed(folded, pos, end):
        return pos, False
    if suffix in ZONE_WORDS and _at_boundary(folded, pos):
        return pos, False
    return None


def _zone_start(folded: str, end: int, floor: int) -> int | None:
    """Start of the bare zone word (`经济开发区`, `风景区`) that ends at ``end``, at a word boundary."""
    for zone in ZONE_WORDS:
        start = end - len(zone)
        if start >= floor and folded.startswith(zone, start) and _at_boundary(folded, start):
            return start
    return None


def _at_boundary(folded: str, start: int) -> bool:
    """A name may start here: after a non-CJK character, a function word or a province name."""
    before = folded[start - 1] if start else ""
    if not before or not ("\u4e00" <= before <= "\u9fff") or before in BOUNDARY_CHARS:
        return True
    return folded[max(0, start - 2) : start] in BOUNDARY_WORD_SET or _province_before(folded, start) > 0


def _province_before(folded: str, start: int) -> int:
    """Length of a province name (without 省) that ends at ``start`` (`广东从化`), else 0."""
    if not start or folded[start - 1] not in PROVINCE_LAST_CHARS:
        return 0
    for k in (3, 2):
        if folded[max(0, start - k) : start] in PROVINCE_SET:
            return k
    return 0


def _with_province(folded: str, start: int, floor: int) -> int:
    k = _province_before(folded, start)
    return start - k if k and start - k >= floor else start


def _level_allowed(folded: str, pos: int, end: int) -> bool:
    """A bare level word (`市政府`) not glued to the word before (`全市`, `城市`) or after (`市民`)."""
    if pos and folded[pos - 1] in LEVEL_NOT_AFTER and folded[max(0, pos - 2) : pos] not in WORDS_ENDING_IN_QUAN:
        return False
    return LEVEL_NOT_BEFORE_RE.match(folded, end) is not None


def _plausible_organ(organ: str, core: str) -> bool:
    """Whether ``core`` + ``organ`` names an organ (`中南街道|认真贯彻落实国务院|办公厅` does not);
    an organ without a core always does."""
    if BAD_CORE.search(core) or (organ in ("政府", "人民政府") and core) or CLAUSE_OPENING_RE.match(core):
        return False
    return not (organ == "厅" and core.endswith("大"))


def _is_actor(folded: str, start: int, end: int) -> bool:
    """A division name standing for its government: title, subject of the work, signature line."""
    if SELF_CONTEXT_BEFORE.search(folded, max(0, start - 1), start) or PLACE_AFTER.match(folded, end):
        return False
    after = end + len(folded[end : end + 3]) - len(folded[end : end + 3].lstrip('])】>|"”'))
    if ACTOR_AFTER.match(folded, after) or ACTOR_BEFORE.search(folded, max(0, start - 12), start):
        return True
    if (
        folded.endswith(TOWNSHIPS, start, end)
        and CJK_RE.match(folded, end)
        and YEAR_CLAUSE_BEFORE.search(folded, max(0, start - 12), start)
    ):
        return True
    line_start = folded.rfind("\n", 0, start) + 1
    line_end = folded.find("\n", end)
    line_end = len(folded) if line_end < 0 else line_end
    return not folded[line_start:start].strip() and not folded[end:line_end].strip()


# ---------------------------------------------------------------------------------------------
# Gazetteer

GAZETTEER_PATH = "templates/gazetteer.json"  # JSON: 40 k names load in 3 ms (TOML: 80–150 ms)
# The end of a title (`信息公开年度报告`, `政务公开工作报告`), matched from its literal `公开`, which the
# regex engine finds fast (the `信息`/`政务` before it, a look-behind, are not part of the match).
TITLE_END_RE = re.compile(r"公开(?:(?<=信息公开)(?:(?:工作)?年度?报告|年报)|(?<=政务公开)(?:工作)?(?:年度?)?报告)")
TITLE_HEAD_RE = re.compile(
    rf"[ \t•·\-*]*(?:名\s*称\s*:)?\s*(?:(?:19|20)\d{{2}}\s*年度?)?\s*(?P<name>[{CJK}()]{{2,40}}?)\s*"
    rf"(?:(?:19|20)\d{{2}}|[一二][〇○零0][〇○零0一二三四五六七八九]{{2}})?\s*年?度?(?:政府)?"
)
DATE_LINE_RE = re.compile(r"\n[ \t]*(?:(?:19|20)\d{2}|二[〇○零0][〇○零0一二三四五六七八九]{2})年")
SIGNATURE_LINE_RE = re.compile(rf"[ \t]*(?P<name>[{CJK}]{{4,30}})[ \t]*")
NOT_GAZETTEER = re.compile(r"关于|印发|根据|按照|现将|公布|发布|编制|我|本|全|各|报告|通知|《|》|\(|\)")
DIVISION_ENTRY_SUFFIXES = "特别行政区 自治区 自治州 自治县 自治旗 省 市 县 区 旗 盟 州".split()


@dataclass
class Gazetteer:
    """Full agency names (from report titles and signatures) and division names (with suffix)."""

    agencies: list[str] = field(default_factory=list)
    divisions: list[str] = field(default_factory=list)
    not_names: list[str] = field(default_factory=list)
    verbs: list[str] = field(default_factory=list)


def build_gazetteer(texts: Iterable[str]) -> list[str]:
    """Agency names (folded to Simplified) from report titles and signature lines of ``texts``."""
    return sorted({name for text in texts for name in title_names(fold(text))})


def title_names(folded: str) -> set[str]:
    """Names of the issuing agency in a (folded) report's title and signature lines."""
    found = []
    for m in TITLE_END_RE.finditer(folded):
        head_end = m.start() - 2  # before `信息`/`政务`
        line_start = folded.rfind("\n", 0, head_end) + 1
        if head_end - line_start <= 60 and (head := TITLE_HEAD_RE.fullmatch(folded, line_start, head_end)):
            found.append(head.group("name"))
    for m in DATE_LINE_RE.finditer(folded):
        line_end = m.start()
        while line_end > 0 and folded[line_end - 1] == "\n":
            line_end -= 1
        line_start = folded.rfind("\n", 0, line_end) + 1
        if line_end - line_start <= 34 and (
            line := SIGNATURE_LINE_RE.fullmatch(folded, line_start, line_end)
        ):
            found.append(line.group("name"))
    return {name.strip() for name in found if _is_gazetteer_name(name.strip())}


UNIT_RE = re.compile(rf"([{CJK}]{{1,6}}?)({_alternation(DIVISION_SUFFIXES)})")
NAME_OPENING_RE = re.compile(rf"国家|中共|[{CJK}]县|[{CJK}]{{2,6}}?(?:{_alternation(DIVISION_SUFFIXES)})")
CHAIN_RE = re.compile(rf"(?:[{CJK}]{{2,6}}?(?:{_alternation(DIVISION_SUFFIXES)}))+")


def _is_gazetteer_name(name: str) -> bool:
    if len(name) < 3 or NOT_GAZETTEER.search(name) or name in LEVEL_WORDS:
        return False
    if not NAME_OPENING_RE.match(name):
        return False  # a name opens with its division (or 国家): no `县科技局`, `人社分局`
    return bool(_organ_suffix(name) or CHAIN_RE.fullmatch(name))


def _organ_suffix(name: str) -> str | None:
    """The longest organ suffix ``name`` ends with (one set look-up per suffix length)."""
    for length in ORGAN_LENGTHS_LONGEST_FIRST:
        if name[-length:] in ORGAN_SUFFIXES:
            return name[-length:]
    return None


def division_names(lexicon_lines: Iterable[str]) -> list[str]:
    """County-level and higher division names (`福州市`, `晋安区`) from a jieba-style lexicon
    (``word freq tag`` lines; tag ``ns`` = place name), stems of at least two characters."""
    suffixes = _alternation(DIVISION_ENTRY_SUFFIXES)
    found = set()
    for line in lexicon_lines:
        parts = line.split()
        if len(parts) == 3 and (parts[2] == "ns" or (parts[2] == "n" and parts[0][-1] in "市县")):
            m = re.fullmatch(rf"([{CJK}]{{2,8}}?)({suffixes})", parts[0])
            if (
                m
                and not re.search(r"城市|地区|^各|[东西南北中各全本我该]$", m.group(1))
                and m.group(1) not in NOT_NAMES
            ):
                found.add(parts[0])
    return sorted(found)


NOT_NAME_TAGS = set("v vn vd p d ad an c r f t m q u a l i".split())
VERB_TAGS = set("v vd p d ad c r u a".split())


def common_words(lexicon_lines: Iterable[str]) -> list[str]:
    """Frequent two-character non-place words of a jieba-style lexicon (`处理`, `按照`, `利用`):
    an unknown division name never is one of them (`处理市政府` is 处理 + 市政府)."""
    found = set()
    for line in lexicon_lines:
        parts = line.split()
        if len(parts) != 3 or len(parts[0]) != 2 or not parts[1].isdigit():
            continue
        word, freq, tag = parts[0], int(parts[1]), parts[2]
        if (tag in NOT_NAME_TAGS and freq >= 20) or (tag == "n" and freq >= 200):
            found.add(word)
    return sorted(found)


def function_words(lexicon_lines: Iterable[str]) -> list[str]:
    """Frequent two-character verbs, adverbs and function words of a jieba-style lexicon (`设立`,
    `紧紧`): a town name (`周家桥`, whose `周家` is a common noun) or a sub-unit never opens with one."""
    entries = (line.split() for line in lexicon_lines)
    return sorted(
        {
            p[0]
            for p in entries
            if len(p) == 3 and len(p[0]) == 2 and p[2] in VERB_TAGS and _frequency(p) >= 50
        }
    )


def _frequency(parts: list[str]) -> int:
    return int(parts[1]) if parts[1].isdigit() else 0


@lru_cache(maxsize=1)
def load_gazetteer() -> Gazetteer:
    """The bundled gazetteer (``xxgk/templates/gazetteer.json``)."""
    path = resources.files("xxgk").joinpath(GAZETTEER_PATH)
    if not path.is_file():
        return Gazetteer(divisions=[f"{p}省" for p in PROVINCES])
    data = json.loads(path.read_text(encoding="utf-8"))
    agencies, not_names = data.get("agencies", []), data.get("not_names", [])
    common = frozenset(not_names)
    units = {unit for name in agencies for unit in leading_units(name, common)}
    divisions = sorted({*data.get("divisions", []), *units})
    return Gazetteer(agencies, divisions, not_names, data.get("verbs", []))


def leading_units(name: str, common: frozenset[str] = frozenset()) -> list[str]:
    """The division units an agency name opens with: `西安市阎良区文化旅游局` → 西安市, 阎良区
    (a unit whose name contains a word of ``common`` ends the list: `农业农村厅` is no village)."""
    return list(_leading_units(name, common))


@lru_cache(maxsize=8192)
def _leading_units(name: str, common: frozenset[str]) -> tuple[str, ...]:
    """``leading_units``, cached: the same names and division chains recur across reports."""
    units: list[str] = []
    pos = 0
    while m := UNIT_RE.match(name, pos):
        stem = m.group(1)
        if len(stem) < 2 and not (m.group(2) == "县" and not units):
            break
        if stem in NOT_NAMES or "和" in stem or "的" in stem:
            break
        if units and any(stem[i : i + 2] in common for i in range(len(stem) - 1)):
            break
        units.append(m.group())
        pos = m.end()
    return tuple(units)


def write_gazetteer(
    paths: Iterable[str | Path], out: str | Path, lexicon: str | Path | None = None
) -> Gazetteer:
    """Build the gazetteer from report texts (``.jsonl`` ``text`` fields or ``.txt`` files) and,
    when given, the division names of a jieba-style lexicon; write it as JSON to ``out``."""
    texts = []
    for path in map(Path, paths):
        if path.suffix == ".jsonl":
            texts.extend(json.loads(line)["text"] for line in path.open(encoding="utf-8") if line.strip())
        else:
            texts.append(path.read_text(encoding="utf-8"))
    lexicon_lines = Path(lexicon).read_text(encoding="utf-8").splitlines() if lexicon else []
    gazetteer = Gazetteer(
        build_gazetteer(texts),
        division_names(lexicon_lines),
        common_words(lexicon_lines),
        function_words(lexicon_lines),
    )
    data = {"about": GAZETTEER_ABOUT, **asdict(gazetteer)}
    Path(out).write_text(json.dumps(data, ensure_ascii=False, indent=0) + "\n", encoding="utf-8")
    return gazetteer


GAZETTEER_ABOUT = {
    "built by": "python -m xxgk.weak_labels <texts>... [--lexicon dict.txt]",
    "agencies": "names from report titles and signatures of the corpus (folded to Simplified)",
    "divisions": "county-level and higher division names (place names tagged `ns` in jieba's dict.txt)",
    "not_names": "frequent two-character words of jieba's dict.txt that are not place names",
    "verbs": "frequent two-character verbs, adverbs and function words of jieba's dict.txt",
}


# ---------------------------------------------------------------------------------------------
# YEAR

# Every branch opens with a literal character, so the regex engine scans for those four
# characters instead of trying each position. Only a bare year (the last two) ends in a digit.
YEAR_RE = re.compile(
    r"19\d{2}[ ]?年度?|20\d{2}[ ]?年度?"
    r"|一[〇○零0Oo九][〇○零0Oo一二三四五六七八九]{2}年度?|二[〇○零0Oo九][〇○零0Oo一二三四五六七八九]{2}年度?"
    r"|199\d(?=[\u4e00-\u9fff,])|20[0-3]\d(?=[\u4e00-\u9fff,])"
)
NOT_BEFORE_YEAR = set("0123456789.零〇○一二三四五六七八九十")
# A bare four-digit number followed by these is a quantity, a date or a number (`2020条`, `2020号`).
NOT_AFTER_BARE_YEAR = set("条件次个份篇项人名家户余多万亿元号年月日%")
LIST_MARKER_BEFORE = re.compile(r"(?:^|\n)[ \t]*\d{1,2}\.$")


def label_years(text: str, context: LabelContext) -> list[Span]:
    """YEAR: `2021年`, `2016年度`, `二〇二一年` (the year part of dates), and a bare year in running
    text (`2022,丽阳镇…`, `2018以来`); not `202020年`, relative years, numeric dates or table cells."""
    spans = []
    folded = context.folded
    for m in YEAR_RE.finditer(folded):
        start, end = m.span()
        if start and folded[start - 1] in NOT_BEFORE_YEAR and not _after_list_marker(folded, start):
            continue  # `202020年`, part of a longer number or a date
        if folded[end - 1].isdigit() and (  # a bare year
            folded[end] in NOT_AFTER_BARE_YEAR
            or (start and folded[start - 1] in "-/:")
            or context.in_table_cell(start, end)
        ):
            continue
        if not context.is_blocked(start, end):
            spans.append(context.span(text, start, end, "YEAR"))
    return spans


def _after_list_marker(folded: str, start: int) -> bool:
    """`4.2021年…`: the year follows the list marker `4.`."""
    return folded[start - 1] == "." and bool(LIST_MARKER_BEFORE.search(folded, max(0, start - 8), start))


# ---------------------------------------------------------------------------------------------
# COUNT

COUNT_UNITS = (
    "人次 件次 条次 篇次 批次 场次 户次 大部分 部分 大类 方面 人 条 件 篇 份 场 次 个 种 项 期 家 批 名 户 "
    "套 本 册 张 处 类 台 块 部 轮 封 例 起 只 宗 位 所 座 栏 幅 册 组 支 节 堂 课 笔"
).split()
# A measure word followed by these is part of another word (`条例`, `项目`, `个月`, `次日`).
UNIT_NOT_BEFORE = {
    "个": "月工作日小时星期季度自然日年人",
    "次": "日年月性",
    "条": "例款件线",
    "项": "目",
    "期": "间限望待",
    "家": "庭属长乡族",
    "名": "称单义录字册",
    "部": "门署委长分位队",
    "场": "所地景合馆面",
    "份": "额",
    "种": "类",
    "处": "理室长置罚",
    "起": "草来点到始",
    "本": "年级单部机次着局镇市县区报",
    "张": "贴",
    "台": "账帐阶",
    "户": "籍口外",
    "人": "民员大口力才士社均",
    "所": "属在有以",
    "位": "于置小数",
    "类": "别型",
    "组": "织成",
    "节": "约点",
    "课": "题",
}
INDEFINITE_UNITS = "项套批个种份支"
# `一` + these is a quantity (`一条信息`, `共一件`) unless a description follows: then it is an
# indefinite article (`开辟了一条绿色通道`, `作为一件大事`, `一次全面的自查`).
DESCRIBED_UNITS = "条件张家次"
DESCRIPTION_AFTER = re.compile(r"[^,。;:、\d\s]{1,6}的|重要|大事|绿色|有效|新的|良好|长效|完整|专门|坚实")
FIXED_EXPRESSIONS = re.compile(
    r"三审三校|一事一审|两会|三安全一稳定|三类内部事务|四类过程性|三公经费|三公|两个维护|四个意识|一次办|"
    r"四个自信|两个确立|四个全面|五位一体|三个代表|两学一做|一网通办|一件事|最多跑一次|一次性|一站式|一把手|"
    r"千家万户|三项制度|三重一大|三会一课|一岗双责|一张网|一批|一揽子|一系列|一门式|一窗|一体化|双随机一公开"
    rf"|一{_char_class(CN_DIGITS)}一{_char_class(CN_DIGITS)}"  # 一人一档, 一企一策; not 一百一十
)
# One character class opens the pattern so that the regex engine skips quickly to candidates;
# NUMBER_RE then checks the number's form (`1,465`, `10.2`, `一百零五`; not `2三`). The number is
# taken whole (possessive `*+`): nothing after it can start with a digit, so a shorter one never
# matches, and not backtracking keeps digit runs that are no count (`2021年`) cheap.
COUNT_RE = re.compile(
    r"(?P<num>[0-9一二两三四五六七八九十][0-9,.零〇一二两三四五六七八九十百千]*+)"
    r"(?P<mult1>[ ]?万|[ ]?亿)?(?P<approx>余|多|几)?(?P<mult2>万)?(?P<space>\s{0,3})"
    rf"(?P<unit>{_starting_with(_first_chars(COUNT_UNITS), _alternation(COUNT_UNITS))})"
)
NUMBER_RE = re.compile(
    r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?|[一二两三四五六七八九十][零〇一二两三四五六七八九十百千]*"
)
WORD_BEFORE_CN_NUMBER = set("统唯之逐同单专划均合归择某每万第周" + CN_DIGITS)
NOT_BEFORE_NUMBER = set("0123456789.-/:第") | set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
APPROX_BEFORE = re.compile(r"(?:约|近|超过|逾|将近|接近|大约|多达)$")
# A number after these in its clause is a rank, range end or frequency (`前20名`, `第9至12条`, `每周…一次`).
NOT_A_QUANTITY_BEFORE = re.compile(
    r"(?:前|第[^,。;]{0,4}至|每[^,。;]{0,3}(?:周|月|日|天|年|季度?)[^,。;]{0,8})$"
)
SESSION_AFTER = re.compile(r"(?:全会|全体会议|会议|大会|常委会)")
NOT_ONE_BEFORE = re.compile(r"(?:无|未发生|没有|未有|上|下)$")
CJK_RE = re.compile(f"[{CJK}]")


def label_counts(text: str, context: LabelContext) -> list[Span]:
    """COUNT: number + optional 余/多/几 + measure word, with ``value``/``unit``/``approx`` attrs."""
    folded = context.folded
    fixed = [(m.start(), m.end()) for m in FIXED_EXPRESSIONS.finditer(folded)]
    spans = []
    for m in COUNT_RE.finditer(folded):
        start, end = m.span()
        # the range tests first: they are cheap, and most candidates in tables fail them
        if context.is_blocked(start, end) or context.in_table_cell(start, end) or _overlaps(fixed, start, end):
            continue
        if not _is_count(folded, m):
            continue
        spans.append(context.span(text, start, end, "COUNT", **_count_attrs(text, context, m)))
    return spans


def _is_count(folded: str, m: re.Match) -> bool:
    num, unit, end = m.group("num"), m.group("unit"), m.end()
    if not _is_number(num):
        return False
    if folded[end : end + 1] and folded[end] in UNIT_NOT_BEFORE.get(unit, ""):
        return False
    if unit == "个" and folded.startswith(("工作日", "小时", "星期", "季度", "自然日", "月"), end):
        return False
    before = folded[m.start() - 1] if m.start() else ""
    if before in NOT_BEFORE_NUMBER or (num[0] in CN_DIGITS and before in WORD_BEFORE_CN_NUMBER):
        return False
    if num == "一" and unit == "方面":
        return False  # `一方面…另一方面`
    if num == "一" and unit in INDEFINITE_UNITS and CJK_RE.match(folded, end):
        return False  # `作为一项重要工作`, `一个窗口`: indefinite article, not a quantity
    if num == "一" and unit in DESCRIBED_UNITS and DESCRIPTION_AFTER.match(folded, end):
        return False  # `开辟了一条绿色通道`: indefinite article, not a quantity
    before_clause = folded[max(0, m.start() - 12) : m.start()]
    if ("前" in before_clause or "第" in before_clause or "每" in before_clause) and NOT_A_QUANTITY_BEFORE.search(
        before_clause
    ):
        return False
    if num == "一" and NOT_ONE_BEFORE.search(folded[max(0, m.start() - 3) : m.start()]):
        return False  # `无一例`, `未发生一起`, `下一篇`
    if unit == "次" and SESSION_AFTER.match(folded, end):
        return False  # `十七届五次全会`: a session, not a count
    if _in_slogan(folded, m.start(), end):
        return False  # `“三个责任”`, `“支持企业复工复产40条”`
    return "\n" not in m.group("space") or _line_is_narrative(folded, m.start())


def _in_slogan(folded: str, start: int, end: int) -> bool:
    """A count that opens or closes a quoted slogan or policy name."""
    if folded[start - 1 : start] in '“"「' and "”" in folded[end : end + 12]:
        return True
    return folded[end : end + 1] in "”」" and "“" in folded[max(0, start - 20) : start]


def _line_is_narrative(folded: str, pos: int) -> bool:
    """A number alone on its line counts only when its line is not a table cell (`5928\\n条`)."""
    line_start = folded.rfind("\n", 0, pos) + 1
    return bool(folded[line_start:pos].strip())


def _count_attrs(text: str, context: LabelContext, m: re.Match) -> dict[str, Any]:
    value = _number_value(m.group("num"))
    if value is None:
        return {}
    for group in ("mult1", "mult2"):
        if m.group(group):
            value = value * (10000 if m.group(group).strip() == "万" else 100_000_000)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    before = context.folded[max(0, m.start() - 2) : m.start()]
    approx = bool(m.group("approx")) or bool(APPROX_BEFORE.search(before))
    unit_start, unit_end = context.original(m.start("unit"), m.end("unit"))
    return {"value": value, "unit": text[unit_start:unit_end], "approx": approx}


@lru_cache(maxsize=4096)
def _is_number(num: str) -> bool:
    """Whether a numeral run is a well-formed number (`1,465`, `10.2`, `一百零五`; not `2三`, `二二十`)."""
    return NUMBER_RE.fullmatch(num) is not None and _number_value(num) is not None


@lru_cache(maxsize=4096)
def _number_value(num: str) -> int | float | None:
    """The number's value; ``None`` for a run of numerals that is no number (`二二十`)."""
    num = num.replace(",", "")
    if num[0].isdigit():
        return float(num) if "." in num else int(num)
    try:
        return cn2an.cn2an(num.replace("〇", "零"), "smart")
    except ValueError:
        return None


def count_attributes(text: str, start: int, end: int) -> dict[str, Any]:
    """``value``/``unit``/``approx`` of a COUNT span given by offsets (e.g. predicted by a model)."""
    context = LabelContext(fold(text))
    m = COUNT_RE.match(context.folded, start, end)
    if m is None or m.end() != end:
        m = COUNT_RE.search(context.folded, start, end)
    if m is None:
        return {}
    return _count_attrs(text, context, m)


# ---------------------------------------------------------------------------------------------
# MEASURE / PROBLEM

MARKER_RE = re.compile(
    r"(?:^|(?<=[。;:!?\s]))[ \t]*(?:"
    r"\(\s*[一二三四五六七八九十]{1,3}\s*\)|\(\s*\d{1,2}\s*\)|[①-⑳㈠-㈩]"
    r"|[一二三四五六七八九十]{1,3}、|\d{1,2}(?:\.(?!\d)|、)"
    r"|第[一二三四五六七八九十]{1,3}(?=[,、:])|(?:首先|其次|再次|最后)(?=,))[ \t,、:.]*"
    r"|(?:^|(?<=[。;:!?,\s])|(?<=问题)|(?<=不足))[ \t]*(?:[一二三四五六七八九十]{1,3}|\d{1,2})是[ \t,、:]*"
    r"|^[ \t]*\d{1,2}(?=[\u4e00-\u9fff])(?![\d年月日号个件条次项])|^[ \t]*[一二三四五六七八九十]{1,3},",
    re.M,
)
SENTENCE_END_RE = re.compile(r"[。;:!?\n]")
HEADING_WORDS = r"(?:问题|不足|困难|措施|办法|情况|计划|打算|思路|方向|安排|对策|重点)"
SUBHEADING_RE = re.compile(
    rf"[^,。;]{{0,8}}?{HEADING_WORDS}(?:(?:和|与|及|以及)[^,。;]{{0,8}}?{HEADING_WORDS})?"
)
GENERIC_PROBLEMS = (
    r"(?:主要)?(?:存在|有|面临)(?:着|著)?(?:一些|以下|如下|几个|一定的?|诸多|不少|的)?(?:主要)?"
    r"(?:问题|不足|差距|困难)(?:和|与|及)?(?:不足|问题|差距)?(?:之处)?"
)
FRAMING_RE = re.compile(
    r"常抓不懈|任重道远|久久为功|是一项(?:长期|系统|常态|持续)|以下[一二两三四五六七八九十几]?个?方面|以下(?:工作|问题|措施)|如下|几点"
    r"|[一二两三四五六七八九十几]个?方面(?:的)?工作"
    r"|取得.{0,8}(?:成效|成绩|进展|效果|成果).{0,90}(?:差距|问题|不足|之处)$"
    rf"|{GENERIC_PROBLEMS}(?:,?(?:主要)?(?:表现在|是|有|体现在|包括|如))?$"
    r"|(?:上述|以上|这些)(?:问题|不足)[^。]{0,30}(?:改进|解决|整改)$"
)
GENERIC_REST_RE = re.compile(
    r"(?:一些|以下|如下|几个|一定的?|诸多|不少|的)?(?:主要)?(?:问题|不足|差距|困难)(?:和|与|及)?(?:不足|问题|差距)?(?:之处)?"
    r"(?:,?(?:主要|具体)?(?:表现在|是|有|体现在|表现为|如下|包括|如))?"
)
# A clause that introduces the problems it is followed by: the statement starts after it.
INTRO_RE = re.compile(
    rf"{GENERIC_PROBLEMS}[,:]?(?:(?:主要|具体)?(?:是|有|表现在|体现在|表现为|包括|如)[,:]?)?"
    r"|(?:主要|具体)(?:是|有|表现在|体现在|表现为|包括)[,:]?|(?<=[,:])如|(?<=问题|不足)如|表现[为在][,:]?"
    r"|(?:还|也|仍|仍然|依然|同时)存在(?:着|著)?|面临|面臨"
)
# A sentence inside an item that turns to what comes next ends the item (`…不够。下一步,我委将…`).
TRANSITION_RE = re.compile(r"(?:下一步|下步|今后|为此|对此|针对|对于|鉴于|接下来|结合实际)")
NEW_TOPIC_RE = re.compile(r"下一步|下步|今后|为此|对此|接下来|鉴于|(?:针对|对)(?:以上|上述|这些|存在|此)")
ACHIEVEMENT_RE = re.compile(r"^[^,。]{0,30}?(?:取得了|保障了|促进了|提高了|实现了|完成了)")
STRONG_PROBLEM_CUES = re.compile(
    r"有待|不足|不够|欠缺|滞后|缺乏|缺少|薄弱|不强|不高|不到位|不及时|不规范|不完善|不健全|不全|尚未|难以|"
    r"差距|短板|单一|较少|偏少|不太|不明确|不统一|不平衡|不深入|不充分|较弱|较低|偏低|还需|仍需|需要进一步|"
    r"需进一步|亟待|亟需|不能|未能|尚不|较慢|缓慢|紧缺|不大|不多|不高|参差不齐"
)
MEASURE_VERBS = (
    "进一步 更加 持续 继续 不断 切实 全面 认真 积极 着力 大力 加强 完善 强化 加大 推进 推动 提升 提高 健全 "
    "规范 做好 落实 优化 拓展 拓宽 深化 坚持 确保 建立 丰富 注重 抓好 严格 扎实 创新 力争 努力 及时 定期 做到 "
    "开展 增强 突出 针对 对照 围绕 聚焦 依托 利用 通过 加快 整改 压实 用好 探索 发挥 主动 深入 重点 强调 着重 "
    "采取 在"
).split()
MEASURE_START = re.compile(
    r"^(?:(?:对此|为此|针对|对于|鉴于|对(?:此|以上|上述|这些)|下一步|今后|接下来|明年|新的一年|(?:19|20)\d{2}年度?)"
    r"[^,。]{0,20},){0,2}"
    r"(?:[^,。]{0,20}(?:问题|不足)[^,。]{0,4},)?"
    r"(?:我们|我[局镇县区市委办署乡]|本(?:机关|单位|局)|[^,。]{2,14}?(?=将|(?<!需)要))?"
    r"(?:还将|也将|将|要|会|拟|继续)?"
    rf"(?:{_alternation(MEASURE_VERBS)})"
)
TRIM = " \t\r\n\u3000。;,.:、"
# `不足` as the predicate of a subject (`经费保障不足`), not the noun of a heading (`存在的不足`, `问题与不足`).
SHORTCOMING_RE = re.compile(r"[^的和与及要在些]不足$")
# A first clause whose predicate is a shortcoming (`主动公开意识不强`, `…的及时性有待提高`): a
# PROBLEM even where it opens with a measure verb.
PLAN_WORD_RE = re.compile("将|要|拟")  # `…将…`: a plan, not an admitted shortcoming
PROBLEM_CLAUSE_RE = re.compile(rf"^[^,。;:]{{0,30}}?(?:{STRONG_PROBLEM_CUES.pattern})[^,。;:]{{0,4}}(?:[,。;:]|$)")


def _problem_bodies(context: LabelContext) -> list[tuple[int, int]]:
    """``folded`` ranges (after the heading) of the problems-and-improvements sections."""
    folded, bodies = context.folded, []
    for section in context.sections:
        if section.type != "problems_improvements":
            continue
        heading = fold(section.heading).strip()
        heading_at = folded.find(heading, section.start, section.end) if heading else -1
        if heading_at >= 0:
            body = heading_at + len(heading)
        else:
            line_end = folded.find("\n", section.start, section.end)
            body = section.end if line_end < 0 else line_end
        bodies.append((body, section.end))
    return bodies


class _Unit(NamedTuple):
    start: int
    end: int
    kind: str  # "item" (enumerated) or "sentence"


ITEM_HEADING_RE = re.compile(r"([^,。:;]{2,16}):")


def statement_units(text: str, sections: list[Section] | None = None) -> list[tuple[int, int]]:
    """Candidate statement spans of the problems sections: enumerated items and sentences that
    state something (framing sentences, introducing clauses and sub-headings left out)."""
    if sections is None:
        from .sectioning import find_sections

        sections = find_sections(text)
    return [(s.start, s.end) for s in _statements(text, make_context(text, sections))]


def _statements(text: str, context: LabelContext) -> list[Span]:
    """Labelled statement spans. A running mode (PROBLEM / MEASURE) set by sub-headings, framing
    sentences and the last statement labels what has no cue of its own."""
    folded, found = context.folded, []
    for body_start, body_end in _problem_bodies(context):
        mode = ""
        for units in _section_units(folded, body_start, body_end):
            listing = False  # the previous sentence of this paragraph was a statement
            for unit in units:
                piece = folded[unit.start : unit.end]
                if _is_subheading(piece):
                    mode = _mode_of(piece) or mode
                    continue
                start, end, introduced = unit.start, unit.end, False
                if unit.kind == "sentence":
                    start, end = _after_intro(folded, start, end)
                    introduced = start != unit.start
                    if not introduced and FRAMING_RE.search(piece):
                        mode, listing = _mode_of(piece) or mode, False
                        continue
                piece = folded[start:end]
                if end - start < 4:
                    continue
                if unit.kind == "sentence" and not (_states_something(piece) or (listing and mode)):
                    listing = False
                    continue
                label = "PROBLEM" if introduced else _statement_label(piece, mode)
                found.append(context.span(text, start, end, label))
                mode, listing = label, unit.kind == "sentence"
    return found


def _section_units(folded: str, start: int, end: int) -> list[list[_Unit]]:
    """Units per paragraph; an item that is only a headline (`(一)进一步加强组织体系建设。`) goes on
    over the following unmarked paragraph, its explanation."""
    merged: list[list[_Unit]] = []
    for para_start, para_end in _paragraphs(folded, start, end):
        units = _paragraph_units(folded, para_start, para_end)
        previous = merged[-1] if merged else []
        if (
            previous
            and previous[-1].kind == "item"
            and units
            and all(u.kind == "sentence" for u in units)
            and _is_headline(folded, previous[-1])
            and not MARKER_RE.match(folded, para_start)
            and _is_explanation(folded, para_start, para_end)
        ):
            last = previous[-1]
            previous[-1] = _Unit(last.start, _trim(folded, last.start, para_end)[1], "item")
            continue
        merged.append(units)
    return merged


def _is_headline(folded: str, unit: _Unit) -> bool:
    inner = folded[unit.start : unit.end]
    return len(inner) <= 20 and "," not in inner and not _is_subheading(inner) and "\n" not in inner


def _is_explanation(folded: str, start: int, end: int) -> bool:
    """A paragraph that explains the headline item before it (not a signature, date or new topic)."""
    paragraph = folded[start:end].strip()
    if len(paragraph) < 20 or NEW_TOPIC_RE.match(paragraph) or FRAMING_RE.search(paragraph):
        return False
    return not YEAR_RE.match(paragraph)


def _paragraphs(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    paragraphs, pos = [], start
    while pos < end:
        nl = folded.find("\n", pos, end)
        stop = end if nl < 0 else nl
        if folded[pos:stop].strip():
            paragraphs.append((pos, stop))
        pos = stop + 1
    return paragraphs


def _paragraph_units(folded: str, start: int, end: int) -> list[_Unit]:
    """Enumerated items of a paragraph (text before the first marker introduces them), or its sentences."""
    markers = list(MARKER_RE.finditer(folded, start, end))
    if not markers:
        return [_Unit(s, e, "sentence") for s, e in _sentences(folded, start, end)]
    units = [_Unit(s, e, "sentence") for s, e in _sentences(folded, start, markers[0].start())]
    for m, following in zip(markers, [*markers[1:], None], strict=True):
        s, e = _trim(folded, m.end(), following.start() if following else end)
        if e <= s:
            continue
        heading = ITEM_HEADING_RE.match(folded, s, e)
        if heading and SUBHEADING_RE.search(heading.group(1)):
            units.append(_Unit(s, heading.end(1), "sentence"))  # `(二)解决办法和改进措施:我局将…`
            units.extend(_Unit(a, b, "sentence") for a, b in _sentences(folded, heading.end(), e))
            continue
        cut = _transition(folded, s, e)
        units.append(_Unit(*_trim(folded, s, cut), "item"))
        units.extend(_Unit(a, b, "sentence") for a, b in _sentences(folded, cut, e))
    return units


def _transition(folded: str, start: int, end: int) -> int:
    """Where an item turns to the next topic (a later sentence opening with `下一步`, `为此` …), else ``end``."""
    for m in SENTENCE_END_RE.finditer(folded, start, end):
        if m.group() != ":" and TRANSITION_RE.match(folded, m.end(), end):
            return m.end()
    return end


def _sentences(folded: str, start: int, end: int) -> list[tuple[int, int]]:
    pieces, pos = [], start
    for m in SENTENCE_END_RE.finditer(folded, start, end):
        pieces.append(_trim(folded, pos, m.start()))
        pos = m.end()
    pieces.append(_trim(folded, pos, end))
    return [(s, e) for s, e in pieces if e > s]


def _trim(folded: str, start: int, end: int) -> tuple[int, int]:
    while start < end and folded[start] in TRIM:
        start += 1
    while end > start and folded[end - 1] in TRIM:
        end -= 1
    return start, end


def _is_subheading(piece: str) -> bool:
    """`存在问题`, `(二)解决办法和改进措施`, `下一步工作计划`: a sub-heading, not a statement
    (`人员力量不足`, a subject with `不足` as its predicate, is one)."""
    if SHORTCOMING_RE.search(piece):
        return False
    return len(piece) <= 20 and bool(SUBHEADING_RE.fullmatch(piece))


def _mode_of(piece: str) -> str:
    if re.search(r"下一步|下步|措施|改进|今后|将|打算|计划|思路|整改", piece):
        return "MEASURE"
    if re.search(r"问题|不足|差距", piece):
        return "PROBLEM"
    return ""


def _after_intro(folded: str, start: int, end: int) -> tuple[int, int]:
    """A sentence without the clause that introduces its problems (`…但仍存在不足之处,主要是`)."""
    intro_end = None
    for m in INTRO_RE.finditer(folded, start, end):
        rest = folded[m.end() : end].strip(TRIM)
        if len(rest) >= 4 and m.end() > m.start() and not GENERIC_REST_RE.fullmatch(rest):
            if FRAMING_RE.search(rest):
                return start, start  # the rest is framing too: `…差距,工作还存在一些不足`
            intro_end = m.end()
    return _trim(folded, intro_end, end) if intro_end else (start, end)


def _states_something(piece: str) -> bool:
    """An unmarked sentence states a problem or a measure (an achievement does not: `取得了…`)."""
    if STRONG_PROBLEM_CUES.search(piece):
        return True
    if ACHIEVEMENT_RE.match(piece) and not re.search("将|要|拟", piece[:24]):
        return False
    return bool(MEASURE_START.match(piece) or re.search("将|问题", piece[:24]))


def _statement_label(piece: str, mode: str) -> str:
    """MEASURE when the statement opens with an action, PROBLEM when it admits a shortcoming,
    else the mode of the sub-heading or framing sentence before it."""
    if _opens_with_problem(piece):
        return "PROBLEM"
    if MEASURE_START.match(piece):
        return "MEASURE"
    if STRONG_PROBLEM_CUES.search(piece):
        return "PROBLEM"
    if "将" in piece[:20]:
        return "MEASURE"
    return mode or ("PROBLEM" if "问题" in piece else "MEASURE")


def _opens_with_problem(piece: str) -> bool:
    """The first clause admits a shortcoming (`主动公开意识不强`), and is no linking opener
    (`针对以上不足,…将…`) or plan."""
    if TRANSITION_RE.match(piece) or NEW_TOPIC_RE.match(piece) or PLAN_WORD_RE.search(piece, 0, 12):
        return False
    return bool(PROBLEM_CLAUSE_RE.match(piece))


def _statement_spans(text: str, context: LabelContext, label: str) -> list[Span]:
    if context.statements is None:
        context.statements = _statements(text, context)
    return [span for span in context.statements if span.label == label]


def label_measures(text: str, context: LabelContext) -> list[Span]:
    """MEASURE: actions taken or planned to fix problems, inside problems-and-improvements sections."""
    return _statement_spans(text, context, "MEASURE")


def label_problems(text: str, context: LabelContext) -> list[Span]:
    """PROBLEM: shortcomings the agency admits, inside problems-and-improvements sections."""
    return _statement_spans(text, context, "PROBLEM")


# ---------------------------------------------------------------------------------------------
# Table link


@dataclass(frozen=True)
class CountLink:
    """A narrative context that names a table cell (``xxgk/templates/count_links.toml``)."""

    name: str
    keys: tuple[str, ...]  # first key present in the tables wins
    context: re.Pattern
    sum: bool = False  # the cell is the sum of ``keys``
    after: re.Pattern | None = None  # the context of a count it follows (`2件结转下一年`)
    of_total: bool = False  # a column of a total linked before (made by ``ColumnLink.of``)


@dataclass(frozen=True)
class ColumnLink:
    """A context that names a column of the row of a total linked earlier in the sentence
    (`被行政复议7件,其中结果维持6件`)."""

    table: str
    column: str
    context: re.Pattern

    def of(self, total: CountLink) -> CountLink | None:
        """The link to this column of ``total``'s row(s); None when ``total`` is no total of the table."""
        if not total.name.startswith(f"{self.table}.") or not total.name.endswith(".total"):
            return None
        keys = tuple(f"{key.rsplit('.', 1)[0]}.{self.column}" for key in total.keys)
        return CountLink(f"{total.name.rsplit('.', 1)[0]}.{self.column}", keys, self.context, total.sum,
                         of_total=True)


@lru_cache(maxsize=1)
def _count_link_data() -> dict[str, Any]:
    return tomllib.loads(resources.files("xxgk").joinpath("templates/count_links.toml").read_text("utf-8"))


@lru_cache(maxsize=1)
def count_links() -> tuple[CountLink, ...]:
    data = _count_link_data()
    return tuple(
        CountLink(entry["name"], tuple(entry.get("keys", [entry["name"]])), _before(entry["context"], data),
                  entry.get("sum", False), re.compile(entry["after"]) if "after" in entry else None)
        for entry in data["links"]
    )


@lru_cache(maxsize=1)
def column_links() -> tuple[ColumnLink, ...]:
    data = _count_link_data()
    return tuple(ColumnLink(e["table"], e["column"], _before(e["context"], data)) for e in data["columns"])


def _before(context: str, data: dict[str, Any]) -> re.Pattern:
    """The pattern of a context that ends a clause right before a count's number."""
    return re.compile(f"(?:{context}){data['filler']}$")


@lru_cache(maxsize=1)
def _any_count_link() -> re.Pattern:
    """All link contexts in one regex: most clauses have none, and one search rules them all out."""
    contexts = [link.context for link in count_links()] + [link.context for link in column_links()]
    return re.compile("|".join(f"(?:{pattern.pattern.removesuffix('$')})" for pattern in contexts))


@lru_cache(maxsize=1)
def _any_after_link() -> re.Pattern:
    return re.compile("|".join(f"(?:{link.after.pattern})" for link in count_links() if link.after))


CLAUSE_START_RE = re.compile(r"[。;:,\n]")
TOTAL_SENTENCE_END_RE = re.compile(r"[。;!?\n]")  # a total's sub-counts stand before it (`其中:`)
# A line break between two ideographs is a line wrapped inside a sentence (PDF text: `答\n复3050件`).
WRAPPED_LINE_RE = re.compile(r"(?<=[\u4e00-\u9fff])[ \t]*\n[ \t]*(?=[\u4e00-\u9fff])")


def link_counts(
    text: str, counts: list[Span], tables: TableResult | dict | None
) -> tuple[list[Span], list[str]]:
    """COUNTs with ``attrs["count_type"]`` where their context names a table cell present in
    ``tables``; a warning for each linked COUNT whose value differs from the cell."""
    table = tables.tables if isinstance(tables, TableResult) else (tables or {})
    if not table:
        return list(counts), []
    folded = fold(text)
    linked, warnings = [], []
    total: tuple[CountLink, int] | None = None  # the last total linked in the sentence, and its end
    for span in counts:
        if total is not None and not _same_sentence(folded, total[1], span.start):
            total = None
        links = _links_of(folded, span, total[0] if total else None)
        found = next(((link, hit) for link in links if (hit := _cell_of(link, table))), None)
        if found is None:
            linked.append(span)
            continue
        link, (name, cell) = found
        if not link.of_total:
            total = (link, span.end)
        linked.append(Span(span.start, span.end, span.label, span.text, {**span.attrs, "count_type": name}))
        value = span.attrs.get("value")
        if value is None:
            value = count_attributes(text, span.start, span.end).get("value")
        if cell is not None and value is not None and abs(float(value) - float(cell)) > 1e-9:
            warnings.append(f"narrative says {span.text} for {name}, table says {_number_text(cell)}")
    return linked, warnings


def _unwrapped(window: str) -> str:
    """``window`` with its lines wrapped inside a sentence joined."""
    return WRAPPED_LINE_RE.sub("", window) if "\n" in window else window


def _same_sentence(folded: str, end: int, start: int) -> bool:
    return TOTAL_SENTENCE_END_RE.search(_unwrapped(folded[end:start])) is None


def _links_of(folded: str, span: Span, total: CountLink | None) -> Iterator[CountLink]:
    """The links named by the clause before ``span``, then the columns of the ``total`` linked
    before it in its sentence, then the links named by the words right after it."""
    clause = _clause_before(folded, span.start)
    if _any_count_link().search(clause):
        yield from (link for link in count_links() if link.context.search(clause))
        if total is not None:
            yield from (link for c in column_links() if c.context.search(clause) and (link := c.of(total)))
    rest = _text_after(folded, span.end)
    if _any_after_link().match(rest):
        yield from (link for link in count_links() if link.after and link.after.match(rest))


def _clause_before(folded: str, start: int) -> str:
    window = _unwrapped(folded[max(0, start - 60) : start])
    return CLAUSE_START_RE.split(window)[-1] if CLAUSE_START_RE.search(window) else window


def _text_after(folded: str, end: int) -> str:
    """The words after a count, lines wrapped inside the sentence joined (no ``after`` context
    crosses punctuation, so the clause need not be cut)."""
    return _unwrapped(folded[end : end + 30])


def _cell_of(link: CountLink, table: dict[str, Any]) -> tuple[str, float | int | None] | None:
    """The link's name and table cell (for a sum, the sum of its cells), if the tables have it."""
    if link.sum:
        cells = [_cell(table, key) for key in link.keys]
        if any(c is _MISSING for c in cells):
            return None
        numbers = [c for c in cells if c is not None]
        return link.name, sum(numbers) if len(numbers) == len(cells) else None
    for key in link.keys:
        cell = _cell(table, key)
        if cell is not _MISSING:
            return key, cell
    return None


_MISSING = object()


def _cell(table: dict[str, Any], key: str) -> Any:
    node: Any = table
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            return _MISSING
        node = node[part]
    return node if not isinstance(node, dict) else _MISSING


def _number_text(value: float | int) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)


# ---------------------------------------------------------------------------------------------
# Combination


class Labeler(NamedTuple):
    func: Callable[[str, LabelContext], list[Span]]
    label: str


LABELERS: dict[str, Labeler] = {
    "agency": Labeler(label_agencies, "AGENCY"),
    "year": Labeler(label_years, "YEAR"),
    "count": Labeler(label_counts, "COUNT"),
    "measure": Labeler(label_measures, "MEASURE"),
    "problem": Labeler(label_problems, "PROBLEM"),
}
ENTITY_LABELS = ("YEAR", "AGENCY", "COUNT")  # priority order when spans of equal length overlap
STATEMENT_LABELS = ("PROBLEM", "MEASURE")


@dataclass
class WeakAnnotation:
    entities: list[Span]
    statements: list[Span]
    warnings: list[str] = field(default_factory=list)


def weak_annotate(
    text: str, sections: list[Section] | None = None, tables: TableResult | dict | None = None
) -> WeakAnnotation:
    """Run every labeller; resolve overlaps per layer (longest span, then label priority); link COUNTs."""
    if sections is None:
        from .sectioning import find_sections

        sections = find_sections(text)
    context = make_context(text, sections, tables)
    found: dict[str, list[Span]] = {}
    for labeler in LABELERS.values():
        found.setdefault(labeler.label, []).extend(labeler.func(text, context))
    entities = resolve_overlaps(found, ENTITY_LABELS)
    statements = resolve_overlaps(found, STATEMENT_LABELS)
    counts = [s for s in entities if s.label == "COUNT"]
    linked, warnings = link_counts(text, counts, tables)
    by_offsets = {(s.start, s.end): s for s in linked}
    entities = [by_offsets.get((s.start, s.end), s) for s in entities]
    return WeakAnnotation(entities, statements, warnings)


def resolve_overlaps(found: dict[str, list[Span]], labels: tuple[str, ...]) -> list[Span]:
    """Non-overlapping spans of ``labels``: longer spans first, then by the order of ``labels``."""
    candidates = [s for label in labels for s in found.get(label, [])]
    by_start = sorted(candidates, key=attrgetter("start"))
    if all(a.end <= b.start and a.start < b.start for a, b in zip(by_start, by_start[1:])):
        return by_start  # nothing overlaps (most reports' entities and statements): all are kept
    rank = {label: i for i, label in enumerate(labels)}
    candidates.sort(key=lambda s: (-(s.end - s.start), rank[s.label], s.start))
    taken: list[Span] = []
    starts: list[int] = []
    for span in candidates:
        i = bisect.bisect_left(starts, span.start)
        if i > 0 and taken[i - 1].end > span.start:
            continue
        if i < len(taken) and taken[i].start < span.end:
            continue
        taken.insert(i, span)
        starts.insert(i, span.start)
    return taken


if __name__ == "__main__":
    # python -m xxgk.weak_labels <passages.jsonl|report.txt>... [--lexicon jieba/dict.txt]
    args = sys.argv[1:]
    lexicon = args.pop(args.index("--lexicon") + 1) if "--lexicon" in args else None
    args = [a for a in args if a != "--lexicon"]
    target = Path(__file__).with_name("templates") / "gazetteer.json"
    built = write_gazetteer(args, target, lexicon)
    print(f"{len(built.agencies)} agencies, {len(built.divisions)} divisions -> {target}")
