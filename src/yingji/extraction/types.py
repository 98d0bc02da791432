"""Event type from the words a text uses: the national classes of natural disasters (自然灾害分类与代码
GB/T 28921 as the statistics use them) and production-safety accidents, with the finer type where
the text names it. Each cue carries a weight; a cue in the lead (title, first sentence) counts
double, since a story names its event first and mentions others (a flood's landslides, an earthquake's
fires) later. A cue a more specific cue contains (爆炸 in 瓦斯爆炸) is not counted again. Pure: no Django."""

from __future__ import annotations

import re
from dataclasses import dataclass

TYPES = ("暴雨洪涝", "台风", "地质灾害", "地震", "森林火灾", "干旱", "风雹", "低温冷冻和雪灾", "火灾", "爆炸", "坍塌",
         "矿山事故", "道路交通事故", "危化品泄漏", "其他")

# (regex, type, subtype or None, weight). Longer, more specific cues first: they claim their span.
CUES: tuple[tuple[str, str, str | None, float], ...] = (
    (r"(?:煤矿|矿井|井下|金矿|铁矿|非煤矿山|矿山|露天矿)[^。；;]{0,16}?(?:透水|冒顶|瓦斯|爆炸|火灾|坍塌|垮塌|事故|片帮|突出)",
     "矿山事故", None, 4),
    (r"瓦斯(?:爆炸|突出|事故)", "矿山事故", None, 4), (r"透水事故", "矿山事故", None, 4),
    (r"(?:交通事故|车祸|侧翻|翻侧|翻车|追尾|相撞|撞击|坠入|翻坠|冲出路面|冲出防护栏|坠崖|坠河)", "道路交通事故", None, 2),
    (r"(?:危化品|危险化学品|化学品|液氨|氯气|硫化氢|天然气|燃气|液化气|有毒气体)[^。，；,;]{0,8}?泄漏", "危化品泄漏", None, 4),
    (r"(?:泄漏|中毒)", "危化品泄漏", None, 1),
    (r"(?:燃气|煤气|天然气|液化气|粉尘|锅炉|化工|烟花爆竹)[^。，；,;]{0,6}?(?:爆炸|爆燃)", "爆炸", None, 4),
    (r"(?:爆炸|爆燃|闪爆)", "爆炸", None, 2),
    (r"(?:森林火灾|草原火灾|山火|林火|森林草原火灾|山林火灾)", "森林火灾", None, 4),
    (r"(?:火灾|起火|着火|失火|大火|燃烧)", "火灾", None, 1.5),
    (r"(?:\d+(?:\.\d+)?级地震|地震|余震|震中|震级)", "地震", None, 3),
    (r"(?:台风|热带风暴|强热带风暴)", "台风", None, 3),
    (r"泥石流", "地质灾害", "泥石流", 3), (r"滑坡", "地质灾害", "滑坡", 3), (r"山体崩塌|崩塌", "地质灾害", "崩塌", 3),
    (r"地面塌陷", "地质灾害", "地面塌陷", 3), (r"地裂缝", "地质灾害", "地裂缝", 3), (r"地质灾害", "地质灾害", None, 2),
    (r"(?:房屋|楼房|建筑|厂房|桥梁|隧道|围墙|脚手架|基坑|自建房|大棚)[^。，；,;]{0,6}?(?:坍塌|垮塌|倒塌)", "坍塌", None, 3),
    (r"(?:坍塌|垮塌)", "坍塌", None, 1),
    (r"洪涝风雹|风雹洪涝|风雹、洪涝|洪涝、风雹", "暴雨洪涝", None, 4),  # the statistics' combined process: 洪涝 leads
    (r"(?:暴雨|洪涝|洪水|强降雨|强降水|山洪|内涝|洪灾|汛情|水灾|决口|溃坝|溃堤)", "暴雨洪涝", None, 2),
    (r"降雨|雨量|降水|大雨", "暴雨洪涝", None, 0.5),
    (r"(?:干旱|旱情|旱灾|气象干旱|夏旱|伏旱|秋旱|春旱)", "干旱", None, 3),
    (r"龙卷风", "风雹", "龙卷风", 2), (r"冰雹|雹灾", "风雹", "冰雹", 2),
    (r"(?:风雹|雷暴大风|强对流|大风)", "风雹", None, 2),
    (r"(?:低温冷冻|低温雨雪冰冻|雪灾|暴雪|冰冻|寒潮|冻害|霜冻|雨雪)", "低温冷冻和雪灾", None, 2),
)
_COMPILED = tuple((re.compile(p), t, s, w) for p, t, s, w in CUES)
SUBTYPE_FROM_TYPE_WORD = {"龙卷风": "龙卷风", "冰雹": "冰雹", "暴雪": "暴雪", "山洪": "山洪", "内涝": "城市内涝"}


@dataclass(frozen=True)
class TypeGuess:
    event_type: str
    subtype: str | None
    start: int | None
    end: int | None
    text: str | None
    confidence: float


def classify(text: str, lead_end: int | None = None) -> TypeGuess:
    """The event type with the strongest cues; 其他 (confidence 0) when none."""
    lead_end = lead_end if lead_end is not None else _lead_end(text)
    taken = bytearray(len(text))
    scores: dict[str, float] = {}
    first: dict[str, re.Match] = {}
    subtypes: dict[str, dict[str, float]] = {}
    for pattern, event_type, subtype, weight in _COMPILED:
        for m in pattern.finditer(text):
            if any(taken[m.start():m.end()]):
                continue
            taken[m.start():m.end()] = b"\1" * (m.end() - m.start())
            score = weight * (2 if m.start() < lead_end else 1)
            scores[event_type] = scores.get(event_type, 0) + score
            if event_type not in first or m.start() < first[event_type].start():
                first[event_type] = m
            if subtype:
                by_type = subtypes.setdefault(event_type, {})
                by_type[subtype] = by_type.get(subtype, 0) + score
    if not scores:
        return TypeGuess("其他", None, None, None, None, 0.0)
    best = max(scores, key=lambda t: (scores[t], -first[t].start()))
    total = sum(scores.values())
    m = first[best]
    subtype = max(subtypes[best], key=subtypes[best].get) if best in subtypes else None
    stated = _STATED_KIND.search(text) if subtype is None else None
    if stated:  # 发生洪涝灾害(江河洪水): the kind the report states in brackets
        return TypeGuess(best, stated["x"], stated.start("x"), stated.end("x"), stated["x"], round(scores[best] / total, 2))
    if subtype is None and (kind := named_kind(text, best)):
        name, found = kind
        return TypeGuess(best, name, found.start(), found.end(), found.group(), round(scores[best] / total, 2))
    if subtype is None:
        phrase = phrase_subtype(text, best)
        if phrase:
            return TypeGuess(best, phrase.group(), phrase.start(), phrase.end(), phrase.group(),
                             round(scores[best] / total, 2))
    return TypeGuess(best, subtype, m.start(), m.end(), m.group(), round(scores[best] / total, 2))


# A loss report's kind in brackets after 灾害/灾情 (the 制度's sub-types of floods, geological and wind-hail disasters)
_STATED_KIND = re.compile(r"(?:灾害|灾情)\s*[（(]\s*"
                          r"(?P<x>江河洪水|山洪|城市内涝|滑坡|泥石流|崩塌|地面塌陷|冰雹|龙卷风|大风|雪灾)\s*[)）]")
_ACCIDENTS = {"道路交通事故", "矿山事故", "火灾", "爆炸", "坍塌", "危化品泄漏"}
_HAPPENED = re.compile(r"发生(?:了)?(?:一起|1起|一场|疑似)?[「“\"]?(?P<x>[^，。、；,\d（(“”「」\"\s]{2,8}?)[」”\"]?"
                       r"(?:事故|灾害|险情|[，。,；\d]|致|造成)")
_PHRASES = {
    "道路交通事故": r"(?:货车|轿车|面包车|校车|三轮车|摩托车)(?:侧翻|翻车|相撞|追尾|坠河|坠崖|翻坠)",
    "坍塌": r"(?:自建房|民房|房屋|楼房|厂房|土坯房)(?:垮塌|坍塌|倒塌)",
    "危化品泄漏": r"(?:槽罐车|罐车|储罐|管道)泄漏",
    "低温冷冻和雪灾": r"低温冻害|雪灾|冻害|暴雪",
    "暴雨洪涝": r"山洪",
}
_KIND_WORDS = {"矿山事故": "爆炸|透水|冒顶|突出|瓦斯|火灾|坍塌|片帮|中毒", "道路交通事故": "侧翻|翻车|相撞|追尾|坠|撞",
               "火灾": "火灾|起火|着火|失火", "爆炸": "爆炸|爆燃|闪爆", "坍塌": "坍塌|垮塌|倒塌|坠落", "危化品泄漏": "泄漏|中毒"}
_TYPE_WORDS = {t: re.compile(words) for t, words in _KIND_WORDS.items()}


# Finer types as statistics and investigation reports name them, each with the words that show it in a
# text (粉尘…爆炸 → 粉尘爆炸); the earliest in the text wins.
KINDS: dict[str, tuple[tuple[str, str], ...]] = {
    "矿山事故": (("煤与瓦斯突出", r"煤与瓦斯突出|瓦斯突出"), ("瓦斯爆炸", r"瓦斯爆炸"), ("气体爆炸", r"气体爆炸"),
             ("透水", r"透水"), ("冒顶", r"冒顶|顶板")),
    "爆炸": (("粉尘爆炸", r"粉尘[^。，,；]{0,6}爆炸"), ("烟花爆竹爆炸", r"(?:烟花|爆竹|鞭炮)[^。；]{0,12}爆炸"),
           ("燃气爆炸", r"(?:燃气|煤气|天然气|液化气)[^。，,；]{0,4}爆炸")),
    "火灾": (("民房火灾", r"民房|自建房"), ("住宅火灾", r"住宅|居民楼|住户|小区")),
    "道路交通事故": (("客车侧翻", r"(?:客车|大巴|巴士)[^。，,；]{0,8}(?:侧翻|翻侧)"),
               ("客车翻车", r"(?:客车|大巴|巴士)[^。，,；]{0,8}翻车")),
    "坍塌": (("自建房垮塌", r"自建房[^。，,；]{0,4}(?:垮塌|坍塌|倒塌)"), ("高处坍塌坠落", r"高处坍塌坠落"),
           ("房屋坍塌", r"(?:房屋|民房|土坯房|楼房)[^。，,；]{0,4}(?:垮塌|坍塌|倒塌)")),
    "危化品泄漏": (("槽罐车泄漏", r"(?:槽罐车|罐车)[^。，,；]{0,6}泄漏"),),
}
_KIND_PATTERNS = {t: tuple((name, re.compile(p)) for name, p in kinds) for t, kinds in KINDS.items()}


def named_kind(text: str, event_type: str) -> tuple[str, re.Match] | None:
    found = [(m.start(), name, m) for name, pattern in _KIND_PATTERNS.get(event_type, ())
             for m in [pattern.search(text)] if m]
    if not found:
        return None
    _, name, m = min(found, key=lambda f: f[0])
    return name, m


def phrase_subtype(text: str, event_type: str) -> re.Match | None:
    """For an accident, the kind the text names in 发生(一起)X事故 (气体爆炸, 煤与瓦斯突出) when it holds a
    cue of that type; else a fixed phrase (客车侧翻, 自建房垮塌, 低温冻害); 山洪 only in the lead."""
    if event_type in _ACCIDENTS:
        for m in _HAPPENED.finditer(text):
            word = _TYPE_WORDS[event_type].search(m["x"])
            if word and len(m["x"]) > len(word.group()) and m["x"].endswith(word.group()):  # 气体爆炸; not 爆炸, 侧翻后
                return re.compile(re.escape(m["x"])).search(text, m.start("x"))
    pattern = _PHRASES.get(event_type)
    if pattern:
        m = re.search(pattern, text[:60] if event_type == "暴雨洪涝" else text)
        return m
    return None


def _lead_end(text: str) -> int:
    """The end of the title and first sentence."""
    m = re.search(r"[。\n]", text[20:])
    return 20 + m.start() if m else len(text)
