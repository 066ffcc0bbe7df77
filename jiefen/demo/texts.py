"""Texts for demo data: people, phone and ID numbers, addresses, and case descriptions as
residents write them, varied from the taxonomy's example texts.

Every function takes the caller's `random.Random`, so that a seed gives the same texts."""

from __future__ import annotations

import random
import re
import zlib
from dataclasses import dataclass
from decimal import Decimal

from jiefen.lib.personal import id_check_digit

# ---------------------------------------------------------------- people

# The commonest surnames, roughly by frequency (more weight to the first ones).
SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏"
    "薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔"
    "贺赖龚文庞樊兰殷施陶洪翟安颜倪严牛温芦季俞章鲁葛伍韦申尤毕聂丛焦向柳邢路岳齐沿梅莫庄辛管祝左涂谷祁时舒耿"
)
_SURNAME_WEIGHTS = [max(1.0, 40.0 / (i + 1) ** 0.7) for i in range(len(SURNAMES))]
_MALE = "伟强磊军勇杰涛斌超明刚平辉鹏华飞鑫波宁凯峰林亮成东健龙海浩宇俊志国建文斌兵庆福生"
_FEMALE = "芳娜敏静丽艳娟霞秀英兰玉萍红玲燕婷雪慧倩丹洁琳颖梅莉青凤云琴"
_FIRST = "建志国海春秋文玉秀桂晓小俊子思雨佳欣浩宇泽梓一明德永长金淑丽红新立振学"
_OLD_MALE_NAMES = ("建国", "建华", "国强", "志强", "志明", "海涛", "春生", "德胜", "长江", "永刚", "卫东", "保国", "振华", "庆丰", "学军")
_OLD_FEMALE_NAMES = ("秀英", "桂英", "玉兰", "秀兰", "淑珍", "凤英", "桂兰", "秀珍", "玉珍", "玉梅", "春梅", "丽华")


def person_name(rng: random.Random) -> tuple[str, bool]:
    """A plausible name and whether it reads as male."""
    surname = rng.choices(SURNAMES, _SURNAME_WEIGHTS)[0]
    male = rng.random() < 0.55
    roll = rng.random()
    if roll < 0.25:
        given = rng.choice(_OLD_MALE_NAMES if male else _OLD_FEMALE_NAMES)
    elif roll < 0.55:
        given = rng.choice(_MALE if male else _FEMALE)
    else:
        given = rng.choice(_FIRST) + rng.choice(_MALE if male else _FEMALE)
    return surname + given, male


_MOBILE_PREFIXES = (
    "130 131 132 133 135 136 137 138 139 150 151 152 153 155 156 157 158 159 166 "
    "170 176 177 178 180 181 182 183 185 186 187 188 189 198 199"
).split()


def mobile(rng: random.Random) -> str:
    return rng.choice(_MOBILE_PREFIXES) + f"{rng.randrange(10**8):08d}"


def id_number(rng: random.Random, area: str, male: bool, year_range: tuple[int, int] = (1948, 2004)) -> str:
    """An 18-digit resident ID number (GB 11643) with a correct check character."""
    year = rng.randint(*year_range)
    month = rng.randint(1, 12)
    day = rng.randint(1, 28)
    seq = rng.randrange(0, 500) * 2 + (1 if male else 0)
    first17 = f"{area}{year:04d}{month:02d}{day:02d}{seq:03d}"
    return first17 + id_check_digit(first17)


# ---------------------------------------------------------------- places

ESTATE_NAMES = (
    "锦绣家园 阳光花园 翠湖苑 金水花园 幸福里 和谐家园 紫薇苑 银杏小区 丽景华庭 东方名苑 书香门第 滨河花园 "
    "御景湾 明珠小区 福泽园 康居小区 春晖园 怡和苑 电业小区 教师新村 化肥厂宿舍 粮食局家属院 供销社家属院 "
    "建安小区 泰和园 清河人家 学府花园 龙湖湾 盛世华城 馨园 香榭丽都 悦澜府 水岸华府 桃源居 国棉厂宿舍 "
    "锦华苑 金色家园 凤凰城 世纪花园 朝阳小区 颐和园小区 嘉和苑 恒安小区 新天地 文苑小区 安居小区"
).split()

ROADS = (
    "文化路 人民路 建设路 解放路 和平路 胜利街 青年路 府前街 清河路 幸福路 丰收路 光明路 新华路 东关大街 "
    "西关街 南湖路 北苑路 迎宾大道 长安路 育才路 滨河路 工业路 商业街 车站路 鼓楼街 柳林路 振兴路"
).split()

SHOP_KINDS = ("超市", "饭店", "烧烤店", "美容院", "健身房", "培训学校", "汽修厂", "家电维修部", "手机店", "干洗店", "装饰公司")
COMPANY_WORDS = ("宏达", "鑫源", "恒通", "华泰", "顺发", "永盛", "金鼎", "瑞丰", "润泽", "嘉禾", "正泰", "广源", "东升", "兴旺", "百川", "天诚")
COMPANY_TRADES = ("建筑劳务", "建设工程", "物业服务", "房地产开发", "商贸", "物流", "餐饮管理", "装饰工程", "机械制造", "食品", "纺织", "投资咨询", "教育咨询", "汽车服务")


def estates_of(community: str) -> list[str]:
    """Two or three residential estates in a community; stable for the name, whatever the seed."""
    picker = random.Random(zlib.crc32(community.encode()))
    return picker.sample(ESTATE_NAMES, picker.randint(2, 3))


def roads_of(street: str) -> list[str]:
    picker = random.Random(zlib.crc32(street.encode()))
    return picker.sample(ROADS, 4)


def company_name(rng: random.Random, county: str = "清河区") -> str:
    prefix = rng.choice((county, "青州市", "山东", ""))
    return f"{prefix}{rng.choice(COMPANY_WORDS)}{rng.choice(COMPANY_TRADES)}有限公司"


def shop_name(rng: random.Random) -> str:
    return f"{rng.choice(COMPANY_WORDS)}{rng.choice(SHOP_KINDS)}"


@dataclass(frozen=True)
class Place:
    """Where a case happens, in words."""

    street: str
    community: str
    village: bool  # a village (村) rather than an urban community
    estate: str
    road: str


def place_for(rng: random.Random, street: str, community: str) -> Place:
    return Place(
        street=street,
        community=community,
        village=community.endswith("村"),
        estate=rng.choice(estates_of(community)),
        road=rng.choice(roads_of(street)),
    )


def address(rng: random.Random, place: Place) -> str:
    if place.village:
        return f"{place.street}{place.community}{cn_number(rng.randint(1, 9))}组{rng.randint(1, 60)}号"
    if rng.random() < 0.25:
        return f"{place.street}{place.road}{rng.randint(1, 300)}号"
    return (
        f"{place.street}{place.community}{place.estate}{rng.randint(1, 24)}号楼"
        f"{rng.randint(1, 4)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室"
    )


# ---------------------------------------------------------------- numbers in words

_DIGITS = "零一二三四五六七八九"
_CN_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"两": 2}
_CN_UNIT = {"十": 10, "百": 100, "千": 1000}


def cn_number(n: int, *, counting: bool = False) -> str:
    """0 < n < 100,000 in Chinese numerals; `counting` uses 两 for a leading 2 (两个月)."""
    if n >= 10000:
        high, low = divmod(n, 10000)
        rest = "" if low == 0 else ("零" if low < 1000 else "") + cn_number(low)
        return cn_number(high, counting=counting) + "万" + rest
    if n == 2 and counting:
        return "两"
    parts, zero = [], False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d, n = divmod(n, value)
        if d:
            if zero:
                parts.append("零")
                zero = False
            parts.append(_DIGITS[d] + unit)
        elif parts:
            zero = True
    text = "".join(parts)
    if text.startswith("一十"):
        text = text[1:]
    if counting and text.startswith("二") and len(text) > 1 and text[1] in "千百":
        text = "两" + text[1:]
    return text


def parse_cn(text: str) -> int | None:
    """The value of a Chinese numeral below 10,000 (三百, 十二, 两千五), or None."""
    if text.isdigit():
        return int(text)
    total, digit = 0, None
    for ch in text:
        if ch in _CN_VALUE:
            digit = _CN_VALUE[ch]
        elif ch in _CN_UNIT:
            total += (1 if digit is None else digit) * _CN_UNIT[ch]
            digit = None
        else:
            return None
    return total + (digit or 0)


def money_words(rng: random.Random, amount: Decimal) -> str:
    """An amount as a resident says it: 8.6万, 八万多块钱, 86000元."""
    yuan = int(amount)
    roll = rng.random()
    if yuan >= 10000 and roll < 0.4:
        return f"{cn_number(yuan // 10000, counting=True)}万多块钱"
    if yuan >= 10000 and roll < 0.6:
        return f"{yuan / 10000:.1f}万元".replace(".0万", "万")
    if yuan < 10000 and roll < 0.4:
        return f"{cn_number(yuan // 100 * 100, counting=True)}多块钱" if yuan >= 200 else f"{yuan}块钱"
    return f"{yuan}元"


# ---------------------------------------------------------------- descriptions

_NUM = "[一二两三四五六七八九十百千]+"
_PEOPLE_RE = re.compile(rf"({_NUM})(多)?(个人|名工人|个工人|户|个工友)")
_AMOUNT_RE = re.compile(rf"({_NUM}|\d+)(万)?(多)?(块钱|块|元)|({_NUM})(万)(多)?(?=[，。,！？、\s]|$)")
_DURATION_RE = re.compile(r"([两三四五六七八九十]+)(个月|天|年)")
_ESTATE_RE = re.compile("锦绣小区|金水花园")
_ROAD_RE = re.compile("幸福路|建设路|丰收路|光明路")
_VILLAGE_RE = re.compile("东关村|柳湾村")

OPENERS = (
    "您好，", "领导您好，", "你好，我想反映个事。", "反映一个问题：", "求助！", "您好，我想咨询一下，",
    "我是{community}的居民，", "我住在{street}{community}，", "我家在{estate}，", "我是{street}的，",
)
VILLAGE_OPENERS = ("我是{community}村民，", "俺是{community}的，", "我们是{street}{community}的村民，")
CLOSERS = (
    "麻烦领导给看看。", "希望尽快处理。", "希望政府帮忙解决，谢谢！", "盼复。", "这个事拖了很久了，希望有人管一管。",
    "请尽快给个答复。", "谢谢你们了！", "实在没办法了才来反映的。", "打12345说让找你们。", "希望能有个说法。",
    "麻烦尽快派人来看看。", "我们老百姓实在耗不起了。",
)
CATEGORY_CLOSERS = {
    "06": ("已经找过物业好几次了，一直没人管。", "物业就是拖着不办，请领导督促一下。"),
    "05": ("马上过年了，大家都等着这钱回家。", "找了老板好多次，电话都不接了。", "我们干活的挣点钱不容易，求帮忙要回来。"),
    "02": ("都是邻居，闹成这样也不好看，希望社区出面调解一下。", "找过社区一次了，还是没解决。"),
    "16": ("村里也管不了，只能找你们了。", "找过村委好几次了，一直推。"),
    "12": ("打过好几次电话了，来了看一眼就走了。", "晚上根本睡不着觉。"),
}
CHANNEL_PREFIXES = {
    "grid": ("居民反映：", "巡查中群众反映：", "入户走访时了解到：", ""),
    "hotline": ("来电人反映：", "来电称：", ""),
    "12345": ("12345热线转办：来电人反映，", "市民来电反映：", ""),
    "110": ("110转非警务警情：报警人称，", "110转：", ""),
    "petition": ("来信反映：", "来访人反映：", ""),
    "court": ("诉前委派调解：", "法院诉前委派：当事人称，", ""),
}


def _fill(template: str, place: Place) -> str:
    return template.format(street=place.street, community=place.community, estate=place.estate)


def describe(
    rng: random.Random,
    examples: list[str],
    *,
    category_code: str,
    place: Place,
    channel: str,
    group_size: int = 1,
    amount: Decimal | None = None,
    fallback: str = "",
) -> str:
    """A resident's description of a matter: one of the item's examples, told about this
    place, with this case's numbers, and with the openings and closings people use."""
    text = rng.choice(examples) if examples else fallback or "想反映一个问题，希望有人来处理一下。"

    text = _ESTATE_RE.sub(place.estate, text)
    text = _ROAD_RE.sub(place.road, text)
    if place.village:
        text = _VILLAGE_RE.sub(place.community, text)
        if rng.random() < 0.3:
            text = text.replace("我们村", "我们" + place.community, 1)
    elif rng.random() < 0.3:
        text = text.replace("我们小区", "我们" + place.estate, 1)

    people_said = False
    if group_size >= 3:
        def people(m: re.Match) -> str:
            nonlocal people_said
            value = parse_cn(m.group(1))
            if people_said or value is None or value < 3:
                return m.group(0)
            people_said = True
            return cn_number(group_size, counting=True) + m.group(3)

        text = _PEOPLE_RE.sub(people, text)

    amount_said = False
    if amount is not None:
        def money(m: re.Match) -> str:
            nonlocal amount_said
            digits = m.group(1) or m.group(5)
            value = parse_cn(digits)
            wan = m.group(2) or m.group(6)
            if amount_said or value is None or (value < 1000 and not wan):
                return m.group(0)
            amount_said = True
            return money_words(rng, amount)

        text = _AMOUNT_RE.sub(money, text)

    if rng.random() < 0.4:
        def duration(m: re.Match) -> str:
            value = parse_cn(m.group(1))
            if value is None or value > 30:
                return m.group(0)
            return cn_number(max(2, value + rng.choice((-1, 1, 2))), counting=True) + m.group(2)

        text = _DURATION_RE.sub(duration, text, count=1)

    extra = []
    if group_size >= 5 and not people_said:
        extra.append(rng.choice(("我们一共{n}个人。", "涉及{n}户左右。", "一共有{n}个人受影响。")).format(n=cn_number(group_size, counting=True)))
    if amount is not None and not amount_said:
        extra.append(rng.choice(("涉及金额{m}。", "一共{m}。", "差不多{m}。")).format(m=money_words(rng, amount)))
    if extra:
        text = (text[:-1] + "，" if text.endswith("。") else text) + "".join(extra)

    if rng.random() < 0.45:
        pool = VILLAGE_OPENERS + OPENERS[:6] if place.village else OPENERS
        text = _fill(rng.choice(pool), place) + text
    if rng.random() < 0.55:
        pool = CATEGORY_CLOSERS.get(category_code, ())
        closer = rng.choice(pool) if pool and rng.random() < 0.6 else rng.choice(CLOSERS)
        text = text + closer
    prefixes = CHANNEL_PREFIXES.get(channel)
    if prefixes:
        text = rng.choice(prefixes) + text
    return text


# ---------------------------------------------------------------- what staff write

DECLINE = (
    ("该纠纷已向法院起诉，正在审理中，不属于本中心受理范围。", "请关注法院审理进展，可向清河区人民法院立案庭咨询"),
    ("所反映事项属于政策咨询，不属于矛盾纠纷。", "可拨打12345政务服务热线咨询"),
    ("同一事项已在办理中，本次为重复提交。", "请使用原查询码查询办理进度"),
    ("所反映事项已经仲裁裁决，属于执行阶段。", "请向法院申请强制执行"),
    ("诉求内容不明确，多次联系诉求人未果。", "请补充具体情况后重新提交"),
    ("该事项属于刑事案件，应由公安机关处理。", "请拨打110或到辖区派出所报案"),
)
RETURN = (
    "经核实不属于本部门职责范围，请重新派单。",
    "该事项应由属地街道先行调处，建议改派。",
    "诉求涉及多个部门，本部门无法单独牵头，请中心协调。",
    "派单信息有误，案发地不在本单位管辖范围内。",
)
TRANSFER = ("经核实，该事项属于{dept}职责，转{dept}办理。", "承办部门反映非本部门职责，经研判转{dept}办理。")
ESCALATE = (
    "经街道三次调解，双方分歧较大，未能达成一致，提请区级协调。",
    "涉及人数多、金额大，街道层面无法化解，申请提级处理。",
    "需多个区直部门共同参与，提请区中心统筹。",
    "当事人情绪激动，有越级上访苗头，提级由区中心处理。",
)
SET_RISK = ("涉及人数增加，存在群体性风险。", "当事人有过激言行，提高风险等级。", "涉及金额较大，提级关注。", "已多次反映未果，存在重复信访风险。")
LEADER_NOTE = ("该案涉及人数多、金额大，由中心负责人包案化解。", "重大风险案件，实行领导包案。", "")
HELPER_NOTE = ("需{dept}协助核查相关情况。", "请{dept}配合联合办理。", "")
DISPATCH_NOTE = ("请尽快联系诉求人。", "请按时限办结并反馈。", "涉及人数较多，请妥善处置。", "", "", "")
HANDLING = (
    "已电话联系诉求人，了解基本情况。", "已到现场核实情况。", "已约谈被反映方，听取其意见。", "已调取相关材料，正在核查。",
    "已联合社区网格员上门走访。", "已向被反映方下达整改通知。", "正在协调相关单位共同处理。", "已向诉求人反馈阶段性进展。",
)
RESOLVED = (
    "经调解，双方达成一致意见，已当场履行。",
    "经协调，问题已解决，诉求人表示认可。",
    "双方签订调解协议，约定款项已支付完毕。",
    "经现场处置，问题已整改到位，已向诉求人反馈。",
    "经多次沟通，被反映方同意诉求人的合理要求，矛盾已化解。",
)
UNRESOLVED = {
    "litigation": "经多次调解，双方分歧较大未能达成一致，已告知当事人可依法向人民法院提起诉讼。",
    "arbitration": "经调解未能达成一致，已引导当事人向劳动人事争议仲裁委员会申请仲裁。",
    "admin_review": "诉求人对行政行为有异议，已告知其可依法申请行政复议。",
    "legal_aid": "诉求人经济困难，已引导其向法律援助中心申请法律援助。",
}
IMMEDIATE = ("已当场解答并处理完毕。", "已现场协调，双方当场和解。", "已电话联系相关方，问题当即解决。")
RATING = {
    3: ("处理得很及时，谢谢！", "工作人员态度很好，问题解决了。", "满意，感谢政府。", "", ""),
    2: ("基本解决了，就是时间长了点。", "还行吧。", ""),
    1: ("问题根本没解决。", "对方还是不履行，没人管。", "拖了这么久，很不满意。", "说好的事情没兑现。"),
}
REOPEN = ("对方没有按协议履行，申请重新办理。", "问题又出现了，没有彻底解决。", "办结了但实际没解决，请重新处理。")
AGREEMENT = (
    "双方自愿达成如下协议：{respondent}于{days}日内向{complainant}支付{amount}元，双方就此纠纷再无其他争议。",
    "经调解，{respondent}同意分{times}期支付{amount}元，首期于本月底前支付。",
    "双方同意各自让步，由{respondent}一次性支付{amount}元，{complainant}放弃其他诉求。",
)
AGREEMENT_NO_MONEY = (
    "双方自愿和解，{respondent}承诺立即整改，今后互谅互让，不再发生类似纠纷。",
    "经调解，双方就相关问题达成一致，{respondent}于{days}日内整改完毕。",
    "双方握手言和，互相谅解，签订和解协议。",
)


# ---------------------------------------------------------------- the other side

HOSPITALS = ("清河区人民医院", "清河区中医院", "青州市第二人民医院", "{street}卫生院", "{community}卫生室")
SCHOOLS = ("清河区实验小学", "清河区第二中学", "{street}中心小学", "{estate}幼儿园")
PERSON_SHARE = {"01": 0.9, "02": 0.8, "04": 0.7, "08": 0.8, "10": 0.9, "03": 0.4, "17": 0.3}


def respondent(rng: random.Random, category_code: str, item_code: str, place: Place) -> str:
    """Who the complaint is about, as the resident names them; "" when nobody in particular."""
    if rng.random() < PERSON_SHARE.get(category_code, 0.0):
        name, _male = person_name(rng)
        return name if rng.random() < 0.7 else f"{name[0]}某"
    if category_code == "05":
        if item_code == "0501" and rng.random() < 0.4:
            return f"包工头{person_name(rng)[0]}"
        return company_name(rng)
    if category_code == "06":
        return f"{place.estate}物业服务中心" if rng.random() < 0.5 else f"{rng.choice(COMPANY_WORDS)}物业服务有限公司"
    if category_code == "03":
        return f"{rng.choice(COMPANY_WORDS)}房地产开发有限公司"
    if category_code == "07":
        return _fill(rng.choice(HOSPITALS), place)
    if category_code == "09":
        return shop_name(rng)
    if category_code == "14":
        return _fill(rng.choice(SCHOOLS), place)
    if category_code in ("15", "13") and rng.random() < 0.7:
        return company_name(rng)
    if category_code == "16" and place.village:
        return f"{place.community}村委会"
    if category_code == "12" and rng.random() < 0.4:
        return shop_name(rng)
    return ""
