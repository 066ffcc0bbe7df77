"""The default warning words, the 民转刑 score's factors and its policy.

`load_defaults()` adds what is missing and leaves rows an administrator has edited alone
(a term is known by its kind and wording; a factor by its code; the policy is one row).

A pattern is a regular expression over the text; an empty pattern matches the term as
written. Patterns say a threat the ways people write it (从楼上跳下去, 捅死他) while
avoiding everyday words that share its characters (打农药, 烧烤, 菜刀质量, 气死了)."""

from __future__ import annotations

from .models import Factor, Kind, ScoreFactor, ScorePolicy, Severity, WarningTerm

G, S, N = Severity.GRAVE, Severity.SERIOUS, Severity.NOTICE
PERSON = r"(他们|她们|你们|他|她|你|我|谁|人|对方|全家|一家|老板|包工头|村干部|邻居)"

# (kind, term, pattern, severity, exclude)
TERMS: list[tuple[str, str, str, int, str]] = [
    # 跳楼
    (Kind.JUMP, "跳楼", r"跳(了|过)?楼", G, ""),
    (Kind.JUMP, "从楼上跳下去", r"从.{0,8}(楼|楼顶|顶楼|天台|阳台|桥|窗户).{0,4}跳(下去|下来|下)?", G, ""),
    (Kind.JUMP, "跳下去", r"跳下去|跳下来", G, ""),
    (Kind.JUMP, "跳河", r"跳(了|过)?(河|江|湖|桥|水库|井|崖)", G, ""),
    (Kind.JUMP, "爬塔吊", r"爬(上|到)?.{0,4}(塔吊|楼顶|天台|吊车|高压塔|脚手架)", G, ""),
    # 轻生自杀
    (Kind.SUICIDE, "自杀", r"自杀|寻死|轻生|寻短见|自尽|了结自己|结束(自己的)?生命", G, ""),
    (Kind.SUICIDE, "不想活了", r"不想活|不活了|活不下去|活着没(什么|啥)?意思|活着还有什么意思|没法活|不如死了", G, ""),
    (Kind.SUICIDE, "一死了之", r"一死了之|死了算了|死了一了百了|以死明志|以死相逼|死给.{0,6}看|去死|死在.{0,8}(门口|面前|办公室|政府|你们)", G, ""),
    (Kind.SUICIDE, "喝农药", r"(喝|服|吃|灌)(了|下)?.{0,2}(农药|百草枯|敌敌畏|老鼠药|安眠药|毒药)", G, ""),
    (Kind.SUICIDE, "上吊", r"上吊|割腕|烧炭|卧轨", G, ""),
    (Kind.SUICIDE, "想不开", r"想不开|做傻事|干傻事|走绝路|走极端", S, ""),
    # 自残
    (Kind.SELF_HARM, "自残", r"自残|自伤|自虐|剁(了)?.{0,2}手指|撞墙自|划(伤|破)自己|割自己", G, ""),
    (Kind.SELF_HARM, "绝食", r"绝食", S, ""),
    # 持刀
    (Kind.KNIFE, "持刀", r"持刀|提(着)?.{0,2}刀|拿(着|起)?.{0,3}刀|拎(着)?.{0,2}刀|抄(起)?.{0,2}刀|动刀|掏出.{0,2}刀|挥刀", G,
     r"刀具(质量|售后|退货)"),
    (Kind.KNIFE, "砍死", r"砍(死|伤|人)|(砍|捅|扎)(死|伤|了|倒)?" + PERSON, G, r"(砍|伐).{0,8}(树|林|竹|枝|柴|草)"),
    # 报复伤人
    (Kind.REVENGE, "报复", r"报复", G, r"打击报复|报复性(消费|反弹)"),
    (Kind.REVENGE, "弄死", r"(弄|整|搞|打|掐|勒)死" + PERSON + r"|要了?" + PERSON + r"的命|(宰|杀|灭)(了|掉)?" + PERSON, G, ""),
    (Kind.REVENGE, "不得好死", r"不得好死|让.{0,6}(付出代价|好看|后悔|吃不了兜着走)|血债血偿|废了" + PERSON + r"|找人.{0,2}(收拾|教训|打|弄)", S, ""),
    # 纵火
    (Kind.ARSON, "放火", r"纵火|放(把)?火|点火烧|一把火|烧(了|掉|死)" + PERSON + r"|把" + PERSON + r".{0,4}(烧|点)了|点了(他|她|你).{0,2}(家|房子|店)", G, ""),
    # 汽油爆炸物
    (Kind.PETROL, "浇汽油", r"(浇|泼|倒|淋|拎|提|带|买|拿|抱)(了|着|上)?.{0,4}(汽油|柴油)|(汽油|柴油).{0,4}(浇|泼|点|烧)", G, ""),
    (Kind.PETROL, "炸了", r"炸药|雷管|引爆|炸(了|掉|死|平)" + PERSON + r"|把" + PERSON + r".{0,4}炸(了|掉)|煤气罐.{0,6}(炸|点)", G, ""),
    # 投毒
    (Kind.POISON, "投毒", r"投毒|下毒|放毒|毒死" + PERSON + r"|(往|在).{0,8}(水|饭|井|菜).{0,4}(下|放|投)(药|毒)", G, ""),
    (Kind.POISON, "毒死牲畜", r"毒死(了)?(我|我们|他|她)?家的?(狗|猫|鸡|鸭|鹅|羊|牛|猪)", S, ""),
    # 家暴
    (Kind.DOMESTIC_VIOLENCE, "家暴", r"家暴|家庭暴力|保护令|告诫书", G, ""),
    (Kind.DOMESTIC_VIOLENCE, "往死里打", r"拳打脚踢|往死里打|打(成|到)?骨折|打得.{0,6}(住院|骨折|头破血流|鼻青脸肿|下不了床)", G, ""),
    (Kind.DOMESTIC_VIOLENCE, "打老婆", r"打(老婆|媳妇|妻子|我妈|我爸)|挨打|(老公|丈夫|男人|前夫|老婆|媳妇|妻子|儿子|女儿|儿媳|女婿|继父|继母|公公|婆婆|他爸|他妈).{0,14}(打我|打了我|动手打|打得|对我动手|掐我|踹我|扇我|揍我)", G,
     r"打我(电话|手机)"),
    # 同归于尽
    (Kind.PERISH_TOGETHER, "同归于尽", r"同归于尽|鱼死网破|玉石俱焚|一起死|陪葬|拼(个)?你死我活|(跟|和)" + PERSON + r"?拼(了|命)", G, ""),
    # 激愤言辞: weigh in the 民转刑 score only
    (Kind.ANGER, "忍无可忍", r"忍无可忍|忍不(下去|了)|再也忍不|实在忍不", N, ""),
    (Kind.ANGER, "咽不下这口气", r"咽不下(这口)?气|气不过|出这口气|(跟|和)(他|她|你|你们|他们)没完|走着瞧|等着瞧", N, ""),
    (Kind.ANGER, "走投无路", r"走投无路|逼急了|逼得没(办法|法子|路)|被逼(无奈|到绝路)|豁出去|不要这条命", N, ""),
    (Kind.ANGER, "扬言", r"扬言|恐吓|威胁|放狠话|叫嚣", N, ""),
    (Kind.ANGER, "动手打人", r"打起来|动手打|大打出手|打架|斗殴|厮打|打伤|推搡|砸(了|坏)", N, ""),
    (Kind.ANGER, "辱骂", r"辱骂|骂街|破口大骂|堵门|堵(在)?.{0,2}门口|上门闹|闹事", N, ""),
    (Kind.ANGER, "积怨", r"积怨|结怨|结仇|世仇|多年(的)?矛盾|老矛盾|一直闹", N, ""),
]

FACTORS = {
    Factor.THREAT: (35, 60),
    Factor.ANGER: (8, 24),
    Factor.REPEAT: (10, 30),
    Factor.REOPEN: (10, 20),
    Factor.ESCALATE: (8, 16),
    Factor.FAILED_MEDIATION: (10, 20),
    Factor.EARLIER_THREAT: (20, 40),
}

# 婚姻家庭, 邻里纠纷, 合同债务 (民间借贷 …); and, as items of other categories, the disputes
# that behave like them: 宅基地权属, 农田地界, 信贷与催收, 农民工欠薪.
POLICY_CODES = "01,02,10,0301,0405,1503,0501"


def load_defaults() -> str:
    terms = 0
    for kind, term, pattern, severity, exclude in TERMS:
        terms += WarningTerm.objects.get_or_create(
            kind=kind, term=term, defaults={"pattern": pattern, "severity": severity, "exclude": exclude}
        )[1]
    factors = sum(
        ScoreFactor.objects.get_or_create(code=code, defaults={"points": points, "cap": cap})[1]
        for code, (points, cap) in FACTORS.items()
    )
    policy = 0
    if not ScorePolicy.objects.exists():
        ScorePolicy.objects.create(codes=POLICY_CODES)
        policy = 1
    return f"{terms} warning terms, {factors} score factors, {policy} score policy added."
