"""The default knowledge base: plain-language answers to the questions residents ask most
about the common items (wages, neighbours, family, property, consumers, traffic), each with
its legal basis and the usual ways to settle. Keyed by the default taxonomy's codes.

`load_defaults()` adds what is missing (by question) and leaves rows an administrator has
edited alone; an answer whose item or category is not in the taxonomy is skipped."""

from __future__ import annotations

from jiefen.taxonomy.models import Category, Item

from .models import Answer, Door

D = Door

ANSWERS = [
    {
        "item": "0501", "order": 1,
        "question": "包工头拖欠工资后找不到人了，工钱找谁要？",
        "answer": "在工程建设领域，施工总承包单位对所承包工程的农民工工资支付负总责。分包单位或包工头拖欠工资的，"
                  "由施工总承包单位先行清偿，再向分包单位追偿；建设单位未按约定拨付工程款导致欠薪的，"
                  "由建设单位先行垫付。可以带上考勤、工资条、聊天记录等凭证，先找项目所在地的调解组织或人社部门反映。",
        "legal_basis": "《保障农民工工资支付条例》第二十九条、第三十条、第三十六条",
        "doors": [D.MEDIATION, D.LABOUR_INSPECTION, D.LABOUR_ARBITRATION, D.LEGAL_AID, D.LITIGATION],
    },
    {
        "item": "0501", "order": 2,
        "question": "没签合同、没有欠条，怎么证明我在工地干过活？",
        "answer": "没有书面合同也能证明劳动关系。工资支付记录、工牌或工作服、考勤或打卡记录、工友证言、"
                  "微信聊天和转账记录、招工时的照片视频等都可以作为证据。凭证越多越好，原件妥善保管。",
        "legal_basis": "原劳动和社会保障部《关于确立劳动关系有关事项的通知》第二条",
        "doors": [D.MEDIATION, D.LABOUR_ARBITRATION, D.LEGAL_AID],
    },
    {
        "category": "05", "order": 9,
        "question": "劳动争议可以直接去法院起诉吗？",
        "answer": "一般不能。劳动争议要先申请劳动仲裁，对仲裁结果不服的，再向法院起诉；仲裁不收费。"
                  "申请仲裁的时效是一年，从知道或者应当知道权利被侵害之日起算，劳动关系存续期间拖欠劳动报酬的不受此限。"
                  "仲裁前也可以先找调解组织调解，调解不成再仲裁。",
        "legal_basis": "《劳动争议调解仲裁法》第五条、第二十七条、第五十三条",
        "doors": [D.MEDIATION, D.LABOUR_ARBITRATION, D.LITIGATION],
    },
    {
        "item": "0502", "order": 1,
        "question": "单位一直不和我签书面劳动合同怎么办？",
        "answer": "用人单位自用工之日起超过一个月不满一年未与劳动者订立书面劳动合同的，应当向劳动者每月支付二倍的工资；"
                  "满一年仍未订立的，视为已订立无固定期限劳动合同。可以先与单位协商或申请调解，不成的申请劳动仲裁。",
        "legal_basis": "《劳动合同法》第十条、第十四条、第八十二条",
        "doors": [D.MEDIATION, D.LABOUR_ARBITRATION],
    },
    {
        "item": "0505", "order": 1,
        "question": "被公司辞退了，能要经济补偿吗？",
        "answer": "单位提出协商解除、裁员或者因经营困难等原因解除合同的，应按工作年限支付经济补偿：每满一年支付一个月工资，"
                  "六个月以上不满一年按一年算，不满六个月支付半个月工资。单位违法解除的，应按经济补偿标准的二倍支付赔偿金。",
        "legal_basis": "《劳动合同法》第四十六条、第四十七条、第八十七条",
        "doors": [D.MEDIATION, D.LABOUR_ARBITRATION, D.LEGAL_AID],
    },
    {
        "item": "0503", "order": 1,
        "question": "干活受了伤，单位不给申请工伤认定怎么办？",
        "answer": "单位应在事故发生之日起三十日内提出工伤认定申请。单位不申请的，受伤职工本人或者近亲属、工会组织"
                  "可以在事故发生之日起一年内，直接向社会保险行政部门申请工伤认定。对认定结论不服的，可以申请行政复议或提起行政诉讼。",
        "legal_basis": "《工伤保险条例》第十七条、第五十五条",
        "doors": [D.LABOUR_ARBITRATION, D.ADMIN_REVIEW, D.LEGAL_AID, D.LITIGATION],
    },
    {
        "category": "02", "order": 1,
        "question": "和邻居闹矛盾，可以找谁调解？要花钱吗？",
        "answer": "可以向社区（村）人民调解委员会申请调解，也可以到街道或区里的矛盾纠纷调处中心反映。"
                  "人民调解不收费，调解员会分别听取双方意见，帮助达成协议。达成的调解协议可以共同向法院申请司法确认，"
                  "确认后一方不履行的，另一方可以申请强制执行。",
        "legal_basis": "《人民调解法》第四条、第十七条、第三十三条",
        "doors": [D.MEDIATION, D.LITIGATION],
    },
    {
        "item": "0202", "order": 1,
        "question": "楼上漏水把我家泡了，损失谁来赔？",
        "answer": "先请物业或专业人员查明漏水点，拍照留存损失。漏水来自楼上住户专有部分（如其家中水管、卫生间防水）的，"
                  "由楼上住户负责维修并赔偿；来自公共管道或屋面的，由物业或开发商（保修期内）负责。协商不成可申请调解或起诉。",
        "legal_basis": "《民法典》第二百八十八条、第二百九十六条、第一千一百六十五条",
        "doors": [D.MEDIATION, D.LITIGATION],
    },
    {
        "item": "0101", "order": 1,
        "question": "想离婚，对方不同意怎么办？",
        "answer": "双方自愿的，可以到婚姻登记机关协议离婚，提交申请后有三十日冷静期。一方不同意的，可以向法院起诉离婚，"
                  "法院会先行调解；感情确已破裂、调解无效的，应当准予离婚。遭受家庭暴力的，可以向公安机关报警或申请人身安全保护令。",
        "legal_basis": "《民法典》第一千零七十六条、第一千零七十七条、第一千零七十九条",
        "doors": [D.MEDIATION, D.LITIGATION, D.LEGAL_AID],
    },
    {
        "item": "0103", "order": 1,
        "question": "子女不给老人赡养费怎么办？",
        "answer": "成年子女对父母有赡养扶助的义务，这一义务不因父母再婚、子女放弃继承权等理由而免除。"
                  "子女不履行的，缺乏劳动能力或者生活困难的父母有权要求给付赡养费。可以请村（居）委会或人民调解委员会调解，"
                  "也可以向法院起诉，追索赡养费的可以申请法律援助。",
        "legal_basis": "《民法典》第一千零六十七条；《老年人权益保障法》第十四条、第十九条；《法律援助法》第三十一条",
        "doors": [D.MEDIATION, D.LITIGATION, D.LEGAL_AID],
    },
    {
        "item": "0602", "order": 1,
        "question": "对物业服务不满意，可以不交物业费吗？",
        "answer": "不能以没有接受或者不需要某项服务为由拒交物业费；对服务质量有意见，可以向物业提出、向业主委员会或"
                  "街道、住建部门反映，或申请调解。物业也不得以停水、停电、停气等方式催交物业费。",
        "legal_basis": "《民法典》第九百四十二条、第九百四十四条",
        "doors": [D.MEDIATION, D.LITIGATION],
    },
    {
        "item": "0902", "order": 1,
        "question": "办了卡的店关门了，预付卡里的钱怎么退？",
        "answer": "以预收款方式提供服务的经营者，应当按照约定提供服务；未按约定提供的，应当按照消费者的要求履行约定或者"
                  "退回预付款，并承担预付款的利息和消费者的合理费用。保留好办卡凭证、付款记录和消费记录，可以向市场监管部门"
                  "或消费者协会投诉，也可以申请调解；商家卷款跑路、涉及人数多的，可以向公安机关报案。",
        "legal_basis": "《消费者权益保护法》第五十三条",
        "doors": [D.CONSUMER, D.MEDIATION, D.LITIGATION],
    },
    {
        "item": "0901", "order": 1,
        "question": "买到的东西有质量问题，商家不给退怎么办？",
        "answer": "商品不符合质量要求的，可以要求退货、更换或者修理；经营者有欺诈行为的，应按购买价款的三倍赔偿，"
                  "不足五百元的按五百元赔偿。网购商品一般可以在收货后七日内无理由退货。可以向消费者协会投诉或申请调解。",
        "legal_basis": "《消费者权益保护法》第二十四条、第二十五条、第五十五条",
        "doors": [D.CONSUMER, D.MEDIATION, D.LITIGATION],
    },
    {
        "item": "0801", "order": 1,
        "question": "出了交通事故，赔偿怎么谈？",
        "answer": "先由机动车交强险在责任限额内赔偿，不足部分按事故责任承担。对赔偿有争议的，可以请求公安交警部门调解，"
                  "也可以到道路交通事故纠纷调解组织调解，或者直接向法院起诉。记得保存事故认定书、医疗票据和误工证明。",
        "legal_basis": "《道路交通安全法》第七十四条、第七十六条",
        "doors": [D.POLICE, D.MEDIATION, D.LITIGATION, D.LEGAL_AID],
    },
    {
        "category": "17", "order": 1,
        "question": "请不起律师怎么办？",
        "answer": "经济困难的，可以向当地法律援助机构申请免费的法律咨询、代拟文书和代理。请求支付劳动报酬、工伤赔偿、"
                  "给付赡养费抚养费等事项属于法律援助范围；农民工追讨劳动报酬等情形不受经济困难条件的限制。",
        "legal_basis": "《法律援助法》第三十一条、第三十二条",
        "doors": [D.LEGAL_AID],
    },
]


def load_defaults() -> str:
    added = skipped = 0
    items = {i.code: i for i in Item.objects.filter(code__in=[a["item"] for a in ANSWERS if "item" in a])}
    categories = {c.code: c for c in Category.objects.filter(code__in=[a["category"] for a in ANSWERS if "category" in a])}
    for entry in ANSWERS:
        subject = {"item": items.get(entry["item"])} if "item" in entry else {"category": categories.get(entry["category"])}
        if None in subject.values():
            skipped += 1
            continue
        values = {k: v for k, v in entry.items() if k not in ("item", "category", "question")}
        values["doors"] = [str(d) for d in values["doors"]]
        if "item" in subject:
            values["category"] = subject["item"].category
        added += Answer.objects.get_or_create(question=entry["question"], defaults=values | subject)[1]
    return f"{added} knowledge-base answers added, {skipped} skipped (item or category not in the taxonomy)."
