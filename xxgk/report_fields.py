"""Report-level fields: title, issuing agency, year covered, script and table format.

All matching runs on ``xxgk.script.fold(text)`` with pinyin glosses skipped (see
``xxgk.sectioning.split_lines``), so Traditional and mirror pages work; offsets refer to the
original text, and the agency is returned in Simplified script.
"""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from .script import detect_script, fold, remove_pinyin
from .sectioning import Line, find_sections, locate_boilerplate, split_lines

TITLE_LINES = 40
SIGNATURE_LINES = 8
AGENCY_LINE_MAX = 30
FIRST_YEAR, LAST_YEAR = 2000, 2039
_YEAR_NUMERALS = "〇○零0一二三四五六七八九"  # a year in Chinese numerals: 二〇二一
_CN_DIGITS = str.maketrans(_YEAR_NUMERALS, "0000123456789")
_YEAR = rf"(?:\d{{4}}|[{_YEAR_NUMERALS}]{{4}})"
_TITLE = re.compile(
    r"(?:(?:政府|政务)?信息\s*公开|政务公开).{0,16}?(?:报告|年报)(?:\s*\(\d{4}年度?\))?(?:的(?:通知|公告))?$"
)
_TITLE_START = re.compile(r"(?:政府|政务|信息|公开|\d{4}年度?)$")  # searched in a line's last 6 chars
_CONTINUATION = re.compile(r"(?:政府|政务)?(?:信息)?\s*公开|工作|年度|报告|年报")
_NOT_TITLE = re.compile(
    r"(?:根据|按照|依据|依照|现将|现予|本(?:报告|年度|年报|机关)|为|附件|关于做好)|.*[《,。;]"
)
_METADATA = re.compile(
    r"^(?:[-•·|]\s*)?(?:标\s*题|名\s*称|文件名称|信息名称)\s*[:|]\s*(?:[|]\s*)?|\s*[|]+\s*$"
)
_TITLE_YEAR = re.compile(
    rf"({_YEAR})\s*年度?|(\d{{4}})(?=\s*(?:政府|政务|信息|年度|度))|^[\[【(]\s*(\d{{4}})\s*(?:年度?)?\s*[\]】)]"
)
_ISSUER_SPLIT = re.compile(r"政府信息\s*公开|政务信息\s*公开|政务公开|信息\s*公开")
_ORGAN = re.compile(
    r"(?:局|委|委员会|办|办公室|厅|政府|镇|乡|街道|办事处|中心|馆|院|会|处|所|站|署|部|室|队|社区|村|管委会|分局)$"
)
_PERIOD = re.compile(
    rf"({_YEAR})\s*年\s*0?1\s*月\s*0?1\s*日\s*(?:起)?\s*(?:至|到|-|—|~|－)\s*(?:{_YEAR}\s*年)?\s*12\s*月\s*31\s*日"
)
_PERIOD_START = re.compile(r"年\s*0?1\s*月\s*0?1\s*日")  # in every _PERIOD, after its first year
_SELF_REFERENCE = re.compile(
    rf"(?:现将|现就|现向社会公布|现予公布|发布|编制了?)\s*《?[^,。;《》]{{0,30}}?({_YEAR})\s*年度?[^,。;《》]{{0,30}}?(?:报告|情况)"
)
_MADE_THIS_REPORT = re.compile(r"(?:编制|制作|发布)了?本(?:年度)?报告")
MAKER_NAME_MAX = 40
# ``XX局编制本报告``: tried at every character, so ``_opening`` first looks for its end and
# searches from the longest name's length before it.
_MAKER_OPENING = re.compile(
    rf"(?:^|(?<=[,。;:\s》]))(?!我|本|编制|制作|发布)([^,。;:、\s《》()]{{2,{MAKER_NAME_MAX}}}?){_MADE_THIS_REPORT.pattern}"
)
# ``《XX局2021年政府信息公开工作年度报告》``: tried at every ``《``, so ``_opening`` first looks for its end.
_TITLED_OPENING = re.compile(
    rf"《(?!我|本)([^,。;:、\s《》()]{{2,40}}?)\s*{_YEAR}\s*年度?(?:政府信息公开|政务信息公开|政务公开)[^《》]{{0,12}}报告》"
)
_OPENING = (
    _TITLED_OPENING,
    re.compile(rf"(?:现将|现公布|现向社会公布)(?!我|本)([^,。;:、\s《》()]{{2,40}}?)\s*{_YEAR}\s*年"),
    re.compile(rf"由(?!我|本)([^,。;:、\s《》()]{{2,40}}?)编制的?\s*{_YEAR}\s*年"),
    re.compile(
        r"本(?:年度)?报告[^。\n]{0,60}?由(?!我|本)([^,。;:、\s《》()]{2,40}?)(?:根据|按照|依据|依照|负责|编制|制作)"
    ),
    _MAKER_OPENING,
    re.compile(
        rf"(?:依据|根据)(?!我|本)([^,。;:、\s《》()]{{2,40}}?)\s*{_YEAR}\s*年度?(?:政府信息公开|政务公开)"
    ),
    re.compile(
        rf"(?:公布|发布|编制|现将|结合)了?\s*{_YEAR}\s*年度?([^,。;:、\s《》()]{{2,40}}?)(?:政府信息公开|政务信息公开|政务公开)"
    ),
)
_ISSUER_LABEL = re.compile("发布机构|发布单位|发文机关|发文单位|信息来源|来源")
_METADATA_ISSUER = re.compile(rf"(?:^|\s)(?:{_ISSUER_LABEL.pattern})\s*:\s*([^\s:,。;|]{{2,40}})")
# The unbracketed name is at most AGENCY_LINE_MAX long (``_is_agency_line``) and ends where what may
# follow it starts (the look-ahead): both keep the lazy scan short on the long lines of a report.
_NAME_LINE = re.compile(
    rf"^(?:[(\[【]\s*([^()\[\]【】]+?)\s*[)\]】]|(.{{1,{AGENCY_LINE_MAX}}}?)(?=[\s(]|$))\s*(?:\((?:盖章|印章|公章|签章|章)\))?"
    r"(?:\s+[\d〇○零一二三四五六七八九十]{4}\s*年[\d〇○零一二三四五六七八九十\s月日]*)?$"
)
_LETTER_SPACED = re.compile(r"(?m)^(?:[^\s] ){7,}[^\s]$")
_LEADING_ABOUT = re.compile(r"关于(?:印发|公布|发布|公开)?\s*《?")
_BRACKETED = re.compile(r"[\[\]【】()]")
_PARENTHETICAL = re.compile(r"\([^()]*\)$")
_QUOTED = re.compile(r"《[^》]*》|〔[^〕]*〕")
_CJK_START = re.compile(r"[\u4e00-\u9fff]")
_NOT_IN_NAME = re.compile(r"[\d:,。;、|]")
_SELF = re.compile(r"^(?:我|各|该|本(?:局|委|办|厅|机关|单位|部门|级|院|镇|乡|街道|区|县|市))")


def report_title(text: str) -> tuple[int, int] | None:
    """Span of the report's title line (``…年(度)政府信息公开(工作)年度报告``), or None.

    A title broken over two lines (``…2020年度政府信息`` / ``公开工作年度报告``) spans both.
    A title inside page metadata (``标 题 | …报告 |``) is used only when no other exists.
    """
    found = _title(text)
    return (found[0], found[1]) if found else None


def report_agency(text: str) -> str | None:
    """The issuing agency, in Simplified script (``重慶市知識產權局`` → ``重庆市知识产权局``).

    From the title (the words before its year or before ``政府信息公开``, or between a leading
    year and ``政府信息公开``); when the title names none, from a short agency line next to the
    title, else from the signature at the end of the report, else from the opening
    ``现将<agency>2021年…``. Script is normalised character by character (``xxgk.script.fold``):
    the phrase-level ``to_simplified`` rewrites Taiwan vocabulary inside names (``鲊埠`` →
    ``鲊端口``), which must not happen to a proper name.
    """
    folded = fold(text)
    lines = split_lines(folded)
    boilerplate = locate_boilerplate(text)
    title = _title(text)
    span = None
    if title is not None:
        start, end, index = title
        span = _issuer_in_title(folded, start, end) or _agency_line(lines, index, boilerplate)
    span = span or _signature(lines, boilerplate) or _opening(folded) or _metadata_issuer(folded)
    if span:
        return _normalise(text[span[0] : span[1]])
    unspaced = _without_letter_spacing(text)
    return report_agency(unspaced) if unspaced != text else None


def _without_letter_spacing(text: str) -> str:
    """The text with its letter-spaced lines (``晋 安 区 民 政 局 2 0 2 1 年…``, as some PDF text
    layers give a title) written without the spaces."""
    return _LETTER_SPACED.sub(lambda m: m.group().replace(" ", ""), text)


def report_year(text: str) -> int | None:
    """The year the report covers.

    The title's year (Arabic or Chinese numerals, ``二〇二一年``), else the statistics period
    (``…2021年1月1日至12月31日``), else the preamble naming the report (``现将…2021年…报告``,
    ``发布《重庆市审计局2021年…报告》``), else the most frequent plausible year written ``N年`` in the
    overview section (or, failing that, in the first 3,000 characters), outside ``《…》``
    and ``〔…〕``; ties go to the earliest mention.
    """
    folded = fold(text)
    title = report_title(text)
    if title is not None:
        year = _title_year(remove_pinyin(folded[title[0] : title[1]]))
        if year is not None:
            return year
    for pattern, start in _preamble_scans(folded):
        for m in pattern.finditer(folded, start, 3000):
            year = _to_year(m.group(1))
            if year is not None:
                return year
    overview = next((s for s in find_sections(text) if s.type == "overview"), None)
    windows = [folded[overview.start : overview.end]] if overview else []
    for window in [*windows, folded[:3000]]:
        year = _most_frequent_year(_QUOTED.sub(lambda m: " " * len(m.group()), window))
        if year is not None:
            return year
    return None


def report_script(text: str) -> str:
    """``traditional`` or ``simplified`` (``xxgk.script.detect_script``)."""
    return detect_script(text)


def report_format(table_format: str | None, year: int | None) -> str:
    """The report's format: ``2019``, ``2021``, ``mixed``, ``pre2019`` or ``unknown``.

    The table parser's format when it found national tables (``2019``, ``2021``, or ``mixed``
    when blocks follow both). Otherwise the format prescribed for the year: before 2019 the
    free local formats (``pre2019``), 2019 and 2020 the 2019 format (试行), 2021 on the 2021
    format; ``unknown`` without tables or year.
    """
    if table_format in ("2019", "2021", "mixed"):
        return table_format
    if year is None:
        return "unknown"
    if year < 2019:
        return "pre2019"
    return "2019" if year < 2021 else "2021"


@lru_cache(maxsize=8)
def _title(text: str) -> tuple[int, int, int] | None:
    """``_find_title`` of a report, computed once per text (cached: year and agency both use it)."""
    return _find_title(split_lines(fold(text))[:TITLE_LINES], locate_boilerplate(text))


def _find_title(lines: list[Line], boilerplate: list[tuple[int, int]]) -> tuple[int, int, int] | None:
    """``(start, end, line index)`` of the title.

    The first title line with a year wins over one without (``政府信息公开年报`` in page
    metadata), so the search ends at it; a title inside page metadata is used only when no
    other exists.
    """
    undated = fallback = None
    for i, line in enumerate(lines):
        s = line.text
        nxt = lines[i + 1].text if i + 1 < len(lines) else ""
        if "报" not in s and "报" not in nxt:  # cheap: a title, or its second line, has 报告 or 年报
            continue
        inner = _without_metadata(s)
        if _inside(line.start, boilerplate):
            if fallback is None and inner != s and _is_title(inner):
                offset = s.index(inner)
                fallback = (line.original(offset), line.original(offset + len(inner)), i)
            continue
        if inner != s and _is_title(inner):  # 标题:XX局2021年…报告 outside the page metadata
            offset = s.index(inner)
            title = (line.original(offset), line.original(offset + len(inner)), i)
        elif _is_title(s):
            title = (line.start, line.end, i)
        elif _TITLE_START.search(s, max(0, len(s) - 6)) and _CONTINUATION.match(nxt) and _is_title(s + nxt):
            title = (line.start, lines[i + 1].end, i)
        else:
            continue
        if _TITLE_YEAR.search(_text_of(lines, title)):
            return title
        undated = undated or title
    return undated or fallback


def _without_metadata(s: str) -> str:
    """``s`` without a page-metadata label (``标 题:``) and pipes around it."""
    if "|" not in s and not _METADATA.match(s):  # cheap: without a pipe only the anchored label matches
        return s
    return _METADATA.sub("", s)


def _text_of(lines: list[Line], title: tuple[int, int, int]) -> str:
    line = lines[title[2]]
    return line.text if title[1] == line.end else line.text + lines[title[2] + 1].text


def _is_title(s: str) -> bool:
    if len(s) > 80 or ("报告" not in s and "年报" not in s):  # cheap: _TITLE needs one of them
        return False
    return not _NOT_TITLE.match(s) and bool(_TITLE.search(s))


def _preamble_scans(folded: str) -> list[tuple[re.Pattern, int]]:
    """``(pattern, start)`` of the scans of the first 3,000 characters for a preamble year.

    ``_PERIOD`` (tried at every character by the regex engine) starts at the year before the first
    ``年1月1日`` (found by a scan for 年), and is left out when the text lacks that or the ``31`` it
    needs; ``_SELF_REFERENCE`` starts at the beginning.
    """
    scans = [(_SELF_REFERENCE, 0)]
    first_day = _PERIOD_START.search(folded, 0, 3000)
    if first_day is not None and folded.find("31", 0, 3000) >= 0:
        year_end = len(folded[: first_day.start()].rstrip())  # ``\s*`` between the year and its 年
        scans.insert(0, (_PERIOD, max(0, year_end - 4)))
    return scans


def _issuer_in_title(folded: str, start: int, end: int) -> tuple[int, int] | None:
    """The agency words of a title: up to its year or 政府信息公开, else after a leading year."""
    lead = _LEADING_ABOUT.match(folded, start, end)  # 关于(印发《)某局2021年…
    start += lead.end() - lead.start() if lead else 0
    title = folded[start:end]
    cut = title.find("关于")
    head = title[:cut] if cut > 0 else title
    year = _TITLE_YEAR.search(head)
    split = _ISSUER_SPLIT.search(head)
    stops = [m.start() for m in (year, split) if m is not None]
    if not stops:
        span = (0, len(head)) if cut > 0 else None
    elif min(stops) > 0:
        span = (0, min(stops))
    elif year is not None and split is not None and year.end() < split.start():
        span = (year.end(), split.start())
    else:
        span = None
    if span is None:
        return None
    a, b = _trim(head, *span)
    if head[b - 2 : b] == "人民" and head[b : b + 2] == "政府":
        b += 2  # 宿州市人民政府信息公开 → 宿州市人民政府
    return (start + a, start + b) if _plausible(head[a:b]) else None


def _agency_line(lines: list[Line], index: int, boilerplate: list[tuple[int, int]]) -> tuple[int, int] | None:
    """A short line naming an agency near the title line (page noise skipped)."""
    for j in (index - 1, index + 1, index + 2, index - 2):
        if 0 <= j < len(lines) and not _inside(lines[j].start, boilerplate):
            span = _name_on_line(lines[j])
            if span is not None:
                return span
    return None


def _name_on_line(line: Line) -> tuple[int, int] | None:
    """The organ name a short line consists of, without its brackets, ``(盖章)`` or date."""
    m = _NAME_LINE.match(line.text)
    if m is None:
        return None
    group = 1 if m.group(1) else 2
    if not _is_agency_line(m.group(group)):
        return None
    return line.original(m.start(group)), line.original(m.end(group))


def _is_agency_line(s: str) -> bool:
    return (
        len(s) <= AGENCY_LINE_MAX
        and _CJK_START.match(s) is not None
        and _NOT_IN_NAME.search(s) is None
        and _ORGAN.search(_PARENTHETICAL.sub("", s)) is not None
        and _plausible(s)
    )


def _signature(lines: list[Line], boilerplate: list[tuple[int, int]]) -> tuple[int, int] | None:
    """The agency signing the report: a short organ-name line among its last lines."""
    tail_start = next((s for s, e in boilerplate if lines and e >= lines[-1].end), None)
    body = [line for line in lines if tail_start is None or line.start < tail_start]
    for line in reversed(body[-SIGNATURE_LINES:]):
        span = _name_on_line(line)  # also 靖江市公安局 2022年1月14日
        if span is not None:
            return span
    return None


def _metadata_issuer(folded: str) -> tuple[int, int] | None:
    """The organ named by page metadata (``发布机构:XX局``, ``来源:XX局``) in the first lines."""
    if not _ISSUER_LABEL.search(folded, 0, 3000):  # cheap: the full pattern is tried at every character
        return None
    for m in _METADATA_ISSUER.finditer(folded, 0, 3000):
        if _ORGAN.search(m.group(1)) and _plausible(m.group(1)):
            return m.start(1), m.end(1)
    return None


def _opening(folded: str) -> tuple[int, int] | None:
    for pattern in _OPENING:
        start = _opening_start(folded, pattern)
        if start is None:
            continue
        m = pattern.search(folded, start, 3000)
        if m and _plausible(m.group(1)):
            return m.start(1), m.end(1)
    return None


def _opening_start(folded: str, pattern: re.Pattern) -> int | None:
    """Where ``pattern`` may first match in the opening, or None where it cannot: the titled and
    the maker's openings need their literal ends (cheap to look for)."""
    if pattern is _TITLED_OPENING:
        return 0 if folded.find("报告》", 0, 3000) >= 0 else None
    if pattern is _MAKER_OPENING:
        made = _MADE_THIS_REPORT.search(folded, 0, 3000)
        return None if made is None else max(0, made.start() - MAKER_NAME_MAX)  # the longest name's start
    return 0


def _trim(s: str, a: int, b: int) -> tuple[int, int]:
    while a < b and (s[a].isspace() or s[a] in "[]【】"):
        a += 1
    while b > a and (s[b - 1].isspace() or s[b - 1] in "[]【】"):
        b -= 1
    return a, b


def _plausible(name: str) -> bool:
    name = _BRACKETED.sub("", name).strip()
    return 2 <= len(name) <= 40 and not _SELF.match(name) and not name.endswith("年") and not name.isdigit()


def _normalise(raw: str) -> str:
    name = fold(remove_pinyin(raw))
    return re.sub(r"\s+", "", name.strip("[]【】 "))


def _title_year(title: str) -> int | None:
    for m in _TITLE_YEAR.finditer(title):
        year = _to_year(m.group(1) or m.group(2) or m.group(3))
        if year is not None:
            return year
    return None


def _most_frequent_year(window: str) -> int | None:
    years = [y for written in _years_written(window) if (y := _to_year(written)) is not None]
    if not years:
        return None
    counts = Counter(years)
    best = max(counts.values())
    return next(y for y in years if counts[y] == best)


def _years_written(window: str) -> list[str]:
    """The ``_YEAR`` of every ``N年`` in ``window``, in order: the four characters before a 年 and the
    spaces before it, when they are digits or Chinese numerals. Splitting at 年 finds them faster
    than a regex, which would be tried at every character."""
    years = []
    for before in window.split("年")[:-1]:
        year = before.rstrip()[-4:]
        if len(year) == 4 and (year.isdecimal() or not year.strip(_YEAR_NUMERALS)):
            years.append(year)
    return years


def _to_year(digits: str) -> int | None:
    year = int(digits.translate(_CN_DIGITS))
    return year if FIRST_YEAR <= year <= LAST_YEAR else None


def _inside(offset: int, spans: list[tuple[int, int]]) -> bool:
    return any(a <= offset < b for a, b in spans)
