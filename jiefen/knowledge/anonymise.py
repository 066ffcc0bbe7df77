"""Anonymising a case's text for the typical-case library: the parties' and other people's
names become 张某, companies 某公司, phone and ID numbers and addresses are removed.

Known names (the case's parties, the mediators and attendees of its mediation sessions, the
staff who acted on it) are replaced wherever they appear; other people's names are found by
a common surname followed by a form of address (王师傅, 李女士) or a role (张经理)."""

from __future__ import annotations

import re
from collections.abc import Iterable

SURNAMES = (
    "欧阳 司马 上官 诸葛 东方 "
    "王 李 张 刘 陈 杨 黄 赵 吴 周 徐 孙 马 朱 胡 郭 何 高 林 罗 郑 梁 谢 宋 唐 许 韩 冯 邓 曹 彭 曾 肖 "
    "田 董 袁 潘 于 蒋 蔡 余 杜 叶 程 苏 魏 吕 丁 任 沈 姚 卢 姜 崔 钟 谭 陆 汪 范 金 石 廖 贾 夏 韦 付 "
    "方 白 邹 孟 熊 秦 邱 江 尹 薛 闫 段 雷 侯 龙 史 陶 黎 贺 顾 毛 郝 龚 邵 万 钱 严 覃 武 戴 莫 孔 向 "
    "汤 常 温 康 施 文 牛 樊 葛 邢 安 齐 易 乔 伍 庞 颜 倪 庄 聂 章 鲁 岳 翟 殷 詹 申 欧 耿 关 兰 焦 俞 "
    "左 柳 甘 祝 包 宁 尚 符 舒 阮 柯 纪 梅 童 凌 毕 单 季 裴 霍 涂 成 苗 谷 盛 曲 翁 冉 骆 蓝 路 游 辛 "
    "靳 管 柴 蒙 鲍 华 喻 祁 蒲 房 滕 屈 饶 解 牟 艾 尤 阳 时 穆 农 司 卓 古 吉 缪 简 车 项 连 芦 麦 褚 "
    "娄 窦 戚 岑 景 党 宫 费 卜 冷 晏 席 卫 米 柏 宗 瞿 桂 全 佟 应 臧 闵 苟 邬 边 卞 姬 师 和 仇 栾 隋 "
    "商 刁 沙 荣 巫 寇 桑 郎 甄 丛 仲 虞 敖 巩 明 佘 池 查 麻 苑 迟 邝"
).split()
_COMPOUND = tuple(s for s in SURNAMES if len(s) == 2)
TITLES = (
    "先生|女士|小姐|师傅|老板|经理|老师|医生|律师|会计|主任|书记|队长|组长|大爷|大妈|大娘|大叔|大姐|阿姨|"
    "奶奶|爷爷|老人|老汉"
)
ORG_SUFFIXES = (
    "有限责任公司", "股份有限公司", "有限公司", "劳务公司", "物业公司", "公司", "劳务队", "施工队", "工程队",
    "合作社", "物业", "超市", "商场", "酒店", "饭店", "餐厅", "医院", "诊所", "药房", "学校", "幼儿园",
    "培训机构", "工作室", "门店", "工厂", "厂", "店", "中心",
)
_PHONE = re.compile(r"(?<!\d)(?:1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}|0\d{2,3}-?\d{7,8})(?!\d)")
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[\dXx](?![0-9A-Za-z])|(?<!\d)\d{15}(?!\d)")
_WORD = r"(?:(?![在住到的了是和与从于向对给把被为们我你他她这那个里家及等])[\u4e00-\u9fa5])"
_ADDRESS = re.compile(
    _WORD + r"{2,4}(?:小区|花园|家园|公寓|新村)(?:[\d一二三四五六七八九十]+(?:号楼|栋|幢|单元|号|室))*"
    r"|" + _WORD + r"{2,4}(?:路|街|巷|道)\d+号(?:院)?(?:\d+(?:号楼|栋|单元|室))*"
    r"|\d+(?:号楼|栋|幢)\d+(?:单元)?\d*(?:室)?"
)
# The heuristic for names in free text uses the common surnames only, and a given name of
# none of the characters that make 管理处主任 or 物业中心经理 look like a name.
_TEXT_SURNAMES = [s for s in SURNAMES[:105] if s not in set("于向万和时方文成安江石单管解明全应")]
_NOT_GIVEN = "处理区局会院部厂司队委科所站业门中心方家里们的了是在和与办室组班校长年村镇街社店场公"
_TITLED = re.compile(
    r"(" + "|".join(sorted(_TEXT_SURNAMES, key=len, reverse=True)) + r")((?:(?![" + _NOT_GIVEN + r"])"
    r"[\u4e00-\u9fa5]){0,2}?)(?=" + TITLES + r")"
)
_GENERIC_PLACE = ("小区", "花园", "家园", "公寓", "新村")


def _is_org(name: str) -> bool:
    return any(name.endswith(s) for s in ORG_SUFFIXES) or len(name) > 4


def surname(name: str) -> str:
    return name[:2] if name.startswith(_COMPOUND) else name[:1]


class Anonymiser:
    """Replaces the given names consistently: the same person is always 王某, a second 王
    is 王某乙, and so on."""

    def __init__(self, names: Iterable[str] = ()) -> None:
        self.replacements: dict[str, str] = {}
        self._used: set[str] = set()
        for name in names:
            self.add(name)

    def _alias(self, base: str) -> str:
        alias, n = base, 0
        while alias in self._used:
            n += 1
            alias = base + "乙丙丁戊己庚辛壬癸"[min(n - 1, 8)]
        self._used.add(alias)
        return alias

    def add(self, name: str) -> None:
        name = (name or "").strip()
        if len(name) < 2 or "某" in name or name in self.replacements:
            return
        if _is_org(name):
            suffix = next((s for s in ORG_SUFFIXES if name.endswith(s)), "")
            short = suffix if suffix and not suffix.startswith("有限") else "公司"
            self.replacements[name] = "某" + short
            head = name[:2]
            # the trade name said alone (宏达公司 for 宏达建筑劳务有限公司)
            if head not in self.replacements and not name.startswith(_GENERIC_PLACE):
                self.replacements[head] = "某"
            return
        if name[0] not in SURNAMES and not name.startswith(_COMPOUND):
            self.replacements[name] = self._alias("某人")
            return
        self.replacements[name] = self._alias(surname(name) + "某")

    def __call__(self, text: str) -> str:
        if not text:
            return ""
        for name in sorted(self.replacements, key=len, reverse=True):
            text = text.replace(name, self.replacements[name])
        text = _ID.sub("[身份证号已隐去]", text)
        text = _PHONE.sub("[电话已隐去]", text)
        text = _ADDRESS.sub(lambda m: "某小区" if any(p in m.group(0) for p in _GENERIC_PLACE) else "某处", text)
        return _TITLED.sub(lambda m: m.group(1) + "某" if m.group(2) else m.group(0), text)


def split_people(text: str) -> list[str]:
    """The names in a list such as a session's 调解员 or 参加人员 field (王建国、宏达公司代表)."""
    out = []
    for part in re.split(r"[、，,；;\s/]+", text or ""):
        part = re.sub(r"(代表|本人|及其家属|家属|等人|等)$", "", part.strip())
        if part:
            out.append(part)
    return out
