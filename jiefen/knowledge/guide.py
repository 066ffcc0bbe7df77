"""Guidance before filing (智能咨询): a resident describes the problem in their own words and
is shown, at once and with nothing sent off the server, the likely kind of dispute, the rules
in plain language, the closest published typical cases with their outcomes, and the doors open
to them (mediation here first; arbitration, court, legal aid ...), before choosing to file.

Layers as Zhejiang's online dispute center filters them: consult → evaluate → mediate →
arbitrate → litigate. What the resident typed is kept in their session and carried into the
report form if they go on to file."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .models import Answer, Door
from .services import answers_for
from .similar import Match, similar

MAX_TEXT = 2000
MIN_TEXT = 6
SESSION_KEY = "guide_text"
LIKELY = 0.35  # below this confidence the kind of dispute is not named, only offered as a guess

# What each door is and where it is, for a resident: the order is the order they are offered.
DOOR_TEXT = {
    Door.MEDIATION: _("由本地综治中心、人民调解委员会免费调解，可选择线上调解，不必来回跑；调解达成的协议可申请法院司法确认。"),
    Door.LABOUR_INSPECTION: _("用人单位拖欠工资等违法行为，可向人社部门劳动保障监察机构投诉，由其责令改正。"),
    Door.LABOUR_ARBITRATION: _("劳动争议可向劳动人事争议仲裁委员会申请仲裁，不收费；一般应在争议发生之日起一年内申请。"),
    Door.CONSUMER: _("消费纠纷可向消费者协会或市场监管部门（12315）投诉。"),
    Door.POLICE: _("交通事故、治安案件由公安机关处理，可拨打 110 或到派出所、交警大队。"),
    Door.ADMIN_REVIEW: _("对行政机关的决定不服，可申请行政复议，一般在知道之日起六十日内提出。"),
    Door.LITIGATION: _("以上途径不能解决的，可向人民法院起诉；立案前法院也会委派调解（诉前调解）。"),
    Door.LEGAL_AID: _("经济困难的，可向法律援助中心申请免费的法律咨询和代理。"),
}
LAST_RESORTS = [Door.LITIGATION, Door.LEGAL_AID]  # offered after the rest
ALWAYS = [Door.MEDIATION, *LAST_RESORTS]


@dataclass
class DoorInfo:
    code: str
    label: str
    text: str
    here: bool  # filed here, on this site (mediation)


@dataclass
class Guidance:
    text: str
    item: object = None
    category: object = None
    confidence: float = 0.0
    answers: list[Answer] = field(default_factory=list)
    doors: list[DoorInfo] = field(default_factory=list)
    typical: list[Match] = field(default_factory=list)

    @property
    def sure(self) -> bool:
        return self.item is not None and self.confidence >= LIKELY


def clean(text: str) -> str:
    """The text as it is examined: trimmed and cut to MAX_TEXT. Raises ValueError with a message
    for the resident when there is too little to go on."""
    text = " ".join((text or "").split())[:MAX_TEXT]
    if len(text) < MIN_TEXT:
        raise ValueError(_("请用几句话说明遇到了什么问题（至少 %(n)s 个字）。") % {"n": MIN_TEXT})
    return text


def guide(text: str) -> Guidance:
    from jiefen.routing.services import propose

    g = Guidance(clean(text))
    proposal = propose(g.text)
    if proposal is not None:
        g.item, g.category, g.confidence = proposal.item, proposal.category, proposal.confidence
    subject = g.item if g.sure else None
    g.answers = answers_for(subject)
    g.typical = similar(g.text, item=subject, limit=3, cases=False)
    for match in g.typical:  # the resident reads the public write-up
        match.url = reverse("knowledge:public_detail", args=[match.pk])
    codes = [d for a in g.answers for d in a.doors if d in Door.values]
    order = [Door.MEDIATION, *(c for c in codes if c not in LAST_RESORTS), *LAST_RESORTS]
    seen: set[str] = set()
    for code in order:
        if code in seen or (code not in codes and code not in ALWAYS):
            continue
        seen.add(code)
        door = Door(code)
        g.doors.append(DoorInfo(code, door.label, str(DOOR_TEXT[door]), door == Door.MEDIATION))
    return g
