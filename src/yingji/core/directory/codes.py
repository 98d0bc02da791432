"""National identifier rules as pure functions (no Django import).

Sources:
- GB 32100-2015 法人和其他组织统一社会信用代码编码规则: 18 characters; the 18th is a check
  character computed over the first 17 with the weights below, modulo 31.
- GB/T 2260 中华人民共和国行政区划代码 (six digits, county and above) and the National Bureau of
  Statistics 统计用区划代码 (nine digits for township, twelve for village).
- GB 11643-1999 公民身份号码: 18 characters, the 18th a check character over the first 17 digits
  (weights below, Σ mod 11 → 1 0 X 9 8 7 6 5 4 3 2).
- GB/T 4754-2017 国民经济行业分类: sections (门类) A–T and their two-digit divisions (大类).

Every check returns ``None`` when the value is valid, or a Chinese message saying why it is not,
so that forms, the API and imports all report the same words.
"""

from __future__ import annotations

import datetime

CREDIT_CODE_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    """The GB 32100 check character for the first 17 characters of a credit code."""
    total = sum(CREDIT_CODE_ALPHABET.index(ch) * w for ch, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    value = 31 - total % 31
    return CREDIT_CODE_ALPHABET[0 if value == 31 else value]


def credit_code_error(code: str) -> str | None:
    """Why ``code`` is not a valid 统一社会信用代码, or None."""
    if len(code) != 18:
        return f"应为 18 位，实际为 {len(code)} 位"
    bad = sorted({ch for ch in code if ch not in CREDIT_CODE_ALPHABET})
    if bad:
        return f"含有不允许的字符 {'、'.join(bad)}（只允许数字和除 I、O、Z、S、V 外的大写字母）"
    expected = credit_code_check_char(code[:17])
    if code[17] != expected:
        return f"校验位应为 {expected}"
    return None


# --- administrative division codes --------------------------------------------------------------

REGION_LEVELS = ("province", "city", "county", "township", "village")
REGION_CODE_LENGTH = {"province": 6, "city": 6, "county": 6, "township": 9, "village": 12}


def region_code_error(code: str, level: str) -> str | None:
    """Why ``code`` does not fit the structure of a ``level`` division code, or None."""
    if not code.isdigit():
        return "只能由数字组成"
    want = REGION_CODE_LENGTH[level]
    if len(code) != want:
        return f"{_LEVEL_LABEL[level]}级代码应为 {want} 位数字，实际为 {len(code)} 位"
    if level == "province" and code[2:] != "0000":
        return "省级代码后四位应为 0000"
    if level == "city" and (code[4:] != "00" or code[2:4] == "00"):
        return "市级代码应以 00 结尾，且第 3–4 位不为 00"
    if level == "county" and code[4:] == "00":
        return "县级代码第 5–6 位不能为 00"
    if level == "township" and code[6:] == "000":
        return "乡镇街道代码第 7–9 位不能为 000"
    if level == "village" and code[9:] == "000":
        return "村社区代码第 10–12 位不能为 000"
    return None


def region_parent_error(code: str, level: str, parent_code: str | None, parent_level: str | None) -> str | None:
    """Why a division cannot sit under the given parent, or None.

    A county may hang directly under a province (省直辖县级行政单位); otherwise the parent is the
    level just above and its code is the prefix that GB/T 2260 and 统计用区划代码 prescribe.
    """
    if level == "province":
        return "省级区划不能有上级" if parent_code else None
    if not parent_code:
        return f"{_LEVEL_LABEL[level]}级区划必须选择上级区划"
    allowed = {"city": ("province",), "county": ("city", "province"), "township": ("county",),
               "village": ("township",)}[level]
    if parent_level not in allowed:
        return f"上级区划应为{'或'.join(_LEVEL_LABEL[x] for x in allowed)}级，实际为{_LEVEL_LABEL[parent_level]}级"
    prefix = {"province": 2, "city": 4, "county": 6, "township": 9}[parent_level]
    if code[:prefix] != parent_code[:prefix]:
        return f"代码前 {prefix} 位应与上级区划代码 {parent_code} 一致"
    return None


_LEVEL_LABEL = {"province": "省", "city": "市", "county": "县", "township": "乡镇街道", "village": "村社区"}


# --- GB/T 4754-2017 industries -------------------------------------------------------------------

INDUSTRY_SECTIONS = {
    "A": ("农、林、牧、渔业", 1, 5), "B": ("采矿业", 6, 12), "C": ("制造业", 13, 43),
    "D": ("电力、热力、燃气及水生产和供应业", 44, 46), "E": ("建筑业", 47, 50),
    "F": ("批发和零售业", 51, 52), "G": ("交通运输、仓储和邮政业", 53, 60),
    "H": ("住宿和餐饮业", 61, 62), "I": ("信息传输、软件和信息技术服务业", 63, 65),
    "J": ("金融业", 66, 69), "K": ("房地产业", 70, 70), "L": ("租赁和商务服务业", 71, 72),
    "M": ("科学研究和技术服务业", 73, 75), "N": ("水利、环境和公共设施管理业", 76, 79),
    "O": ("居民服务、修理和其他服务业", 80, 82), "P": ("教育", 83, 83),
    "Q": ("卫生和社会工作", 84, 85), "R": ("文化、体育和娱乐业", 86, 90),
    "S": ("公共管理、社会保障和社会组织", 91, 96), "T": ("国际组织", 97, 97),
}

INDUSTRY_DIVISIONS = {
    1: "农业", 2: "林业", 3: "畜牧业", 4: "渔业", 5: "农、林、牧、渔专业及辅助性活动",
    6: "煤炭开采和洗选业", 7: "石油和天然气开采业", 8: "黑色金属矿采选业", 9: "有色金属矿采选业",
    10: "非金属矿采选业", 11: "开采专业及辅助性活动", 12: "其他采矿业", 13: "农副食品加工业",
    14: "食品制造业", 15: "酒、饮料和精制茶制造业", 16: "烟草制品业", 17: "纺织业",
    18: "纺织服装、服饰业", 19: "皮革、毛皮、羽毛及其制品和制鞋业",
    20: "木材加工和木、竹、藤、棕、草制品业", 21: "家具制造业", 22: "造纸和纸制品业",
    23: "印刷和记录媒介复制业", 24: "文教、工美、体育和娱乐用品制造业",
    25: "石油、煤炭及其他燃料加工业", 26: "化学原料和化学制品制造业", 27: "医药制造业",
    28: "化学纤维制造业", 29: "橡胶和塑料制品业", 30: "非金属矿物制品业",
    31: "黑色金属冶炼和压延加工业", 32: "有色金属冶炼和压延加工业", 33: "金属制品业",
    34: "通用设备制造业", 35: "专用设备制造业", 36: "汽车制造业",
    37: "铁路、船舶、航空航天和其他运输设备制造业", 38: "电气机械和器材制造业",
    39: "计算机、通信和其他电子设备制造业", 40: "仪器仪表制造业", 41: "其他制造业",
    42: "废弃资源综合利用业", 43: "金属制品、机械和设备修理业", 44: "电力、热力生产和供应业",
    45: "燃气生产和供应业", 46: "水的生产和供应业", 47: "房屋建筑业", 48: "土木工程建筑业",
    49: "建筑安装业", 50: "建筑装饰、装修和其他建筑业", 51: "批发业", 52: "零售业",
    53: "铁路运输业", 54: "道路运输业", 55: "水上运输业", 56: "航空运输业", 57: "管道运输业",
    58: "多式联运和运输代理业", 59: "装卸搬运和仓储业", 60: "邮政业", 61: "住宿业", 62: "餐饮业",
    63: "电信、广播电视和卫星传输服务", 64: "互联网和相关服务", 65: "软件和信息技术服务业",
    66: "货币金融服务", 67: "资本市场服务", 68: "保险业", 69: "其他金融业", 70: "房地产业",
    71: "租赁业", 72: "商务服务业", 73: "研究和试验发展", 74: "专业技术服务业",
    75: "科技推广和应用服务业", 76: "水利管理业", 77: "生态保护和环境治理业", 78: "公共设施管理业",
    79: "土地管理业", 80: "居民服务业", 81: "机动车、电子产品和日用产品修理业", 82: "其他服务业",
    83: "教育", 84: "卫生", 85: "社会工作", 86: "新闻和出版业", 87: "广播、电视、电影和录音制作业",
    88: "文化艺术业", 89: "体育", 90: "娱乐业", 91: "中国共产党机关", 92: "国家机构",
    93: "人民政协、民主党派", 94: "社会保障", 95: "群众团体、社会团体和其他成员组织",
    96: "基层群众自治组织及其他组织", 97: "国际组织",
}


def industry_code_error(code: str) -> str | None:
    """Why ``code`` is not a GB/T 4754-2017 code such as ``C``, ``C26`` or ``C2672``, or None.

    The section letter and the two-digit division are checked against the standard's tables;
    finer digits (中类/小类) are accepted when they extend a known division.
    """
    if not code or code[0] not in INDUSTRY_SECTIONS:
        return "应以门类字母 A–T 开头，如 C2672"
    digits = code[1:]
    if not digits:
        return None
    if not digits.isdigit() or len(digits) not in (2, 3, 4):
        return "门类字母后应为 2–4 位数字（大类/中类/小类）"
    division = int(digits[:2])
    _, low, high = INDUSTRY_SECTIONS[code[0]]
    if division not in INDUSTRY_DIVISIONS or not low <= division <= high:
        return f"大类 {digits[:2]} 不属于门类 {code[0]}（{INDUSTRY_SECTIONS[code[0]][0]}）"
    return None


def industry_label(code: str) -> str:
    """Chinese name of the section or division an industry code belongs to."""
    if not code or code[0] not in INDUSTRY_SECTIONS:
        return ""
    if len(code) >= 3 and code[1:3].isdigit():
        return INDUSTRY_DIVISIONS.get(int(code[1:3]), "")
    return INDUSTRY_SECTIONS[code[0]][0]


# --- GB 11643-1999 公民身份号码 ------------------------------------------------------------------

ID_NUMBER_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_NUMBER_CHECK_CHARS = "10X98765432"  # Σ(aᵢ·Wᵢ) mod 11 = 0, 1, 2 … 10


def id_number_check_char(first17: str) -> str:
    """The GB 11643 check character for the first 17 digits of a 18-digit 公民身份号码."""
    total = sum(int(ch) * w for ch, w in zip(first17, ID_NUMBER_WEIGHTS, strict=True))
    return ID_NUMBER_CHECK_CHARS[total % 11]


def id_number_from_15(old: str) -> str:
    """The 18-digit number of a 15-digit one (GB 11643-1989: birth year in two digits, no check
    character): the century 19 inserted and the check character added."""
    if len(old) != 15 or not old.isdigit():
        raise ValueError("15 位旧号码应为 15 位数字")
    first17 = old[:6] + "19" + old[6:]
    return first17 + id_number_check_char(first17)


def id_number_error(number: str, today: datetime.date | None = None) -> str | None:
    """Why ``number`` is not a valid 18-digit 公民身份号码 (GB 11643-1999), or None.

    Checked: 17 digits and a check character (digit or X; a lower-case x is accepted as X), a real
    birth date not after ``today`` (when given) and the check character. A
    15-digit number of the 1989 standard is refused, naming its 18-digit form to enter instead."""
    number = number.strip().upper()
    if len(number) == 15 and number.isdigit():
        return f"15 位旧号码请换算为 18 位后填写：{id_number_from_15(number)}"
    if len(number) != 18:
        return f"应为 18 位，实际为 {len(number)} 位"
    if not number[:17].isdigit() or not (number[17].isdigit() or number[17] == "X"):
        return "前 17 位应为数字，第 18 位为数字或 X"
    try:
        born = datetime.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return f"出生日期 {number[6:14]} 不是有效日期"
    if today is not None and born > today:
        return f"出生日期 {born.isoformat()} 晚于今天"
    expected = id_number_check_char(number[:17])
    if number[17] != expected:
        return f"校验码应为 {expected}，实际为 {number[17]}"
    return None
