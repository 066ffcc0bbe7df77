"""Classification and routing: training and versioning the classifier, the proposal for a
new case (item, risk grade, department) with its timeline entry, the clerk's verdict on it
and the manual-classification queue."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiefen.cases.models import Case, Event, Status
from jiefen.cases.scope import visible_cases
from jiefen.cases.services import note
from jiefen.cases.workflow import ACTIONS
from jiefen.regions.models import Department, Level, Region
from jiefen.taxonomy.models import Category, Item, RiskGrade

from . import classifier as clf
from .models import ClassifierVersion, Outcome, RoutingPolicy
from .models import Proposal as ProposalRecord

log = logging.getLogger(__name__)

PROPOSE_ACTION = "propose_classification"
CLASSIFY = ACTIONS["classify"]


# ---------------------------------------------------------------- training data


@dataclass
class Rows:
    texts: list[str] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # item codes
    risks: list[str] = field(default_factory=list)
    cases: int = 0
    examples: int = 0
    names: dict = field(default_factory=dict)  # item code → "类别 / 事项"
    default_risk: dict = field(default_factory=dict)
    category_of: dict = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.texts)


def training_rows(*, cases: bool = True) -> Rows:
    """Labelled cases (closed, or classified by a clerk: the item they hold now is the
    clerk's final word) and the example texts of the taxonomy's active items."""
    items = {i.code: i for i in Item.objects.filter(active=True).select_related("category")}
    rows = Rows(
        names={code: f"{i.category.name} / {i.name}" for code, i in items.items()},
        default_risk={code: i.default_risk for code, i in items.items()},
        category_of={code: i.category.code for code, i in items.items()},
    )
    if cases:
        labelled = Case.objects.filter(item__active=True).filter(
            Q(status=Status.CLOSED) | Q(pk__in=Event.objects.filter(action="classify").values("case_id"))
        )
        for text, code, risk in labelled.values_list("description", "item__code", "risk_grade").iterator(chunk_size=5000):
            rows.texts.append(text)
            rows.labels.append(code)
            rows.risks.append(risk)
            rows.cases += 1
    for code, item in items.items():
        for text in item.examples or []:
            if isinstance(text, str) and text.strip():
                rows.texts.append(text)
                rows.labels.append(code)
                rows.risks.append(item.default_risk)
                rows.examples += 1
    return rows


# ---------------------------------------------------------------- versions


@dataclass
class TrainResult:
    version: ClassifierVersion
    activated: bool
    candidate: dict
    active: dict | None


class TrainingError(Exception):
    pass


def train(*, force: bool = False, rows: Rows | None = None, say: Callable[[str], None] | None = None) -> TrainResult:
    """Train a new version on all labelled data, score it by stratified folds, and activate
    it if it is not worse than the active version on the same folds (or if forced)."""
    say = say or (lambda line: None)
    policy = RoutingPolicy.current()
    rows = rows if rows is not None else training_rows()
    if len(set(rows.labels)) < 2:
        raise TrainingError(_("训练数据不足：至少需要两个事项的已分类案件或示例文本。"))
    params = clf.Params(alpha=policy.alpha, ngram_max=max(1, min(4, policy.ngram_max)))
    folds = clf.fold_count(rows.labels, max(2, policy.folds))
    current = ClassifierVersion.objects.filter(active=True).first()
    baseline = load_model(current.pk) if current else None
    say(_("训练数据：%(n)d 条（案件 %(cases)d，示例 %(examples)d），%(classes)d 个事项，%(folds)d 折交叉验证。") % {
        "n": len(rows), "cases": rows.cases, "examples": rows.examples, "classes": len(set(rows.labels)), "folds": folds})
    cv = clf.cross_validate(rows.texts, rows.labels, params, folds=folds, risks=rows.risks,
                            default_risk=rows.default_risk, baseline=baseline)
    candidate = clf.scores(rows.labels, cv.predicted, rows.names)
    category = clf.scores([rows.category_of[c] for c in rows.labels], [rows.category_of[c] for c in cv.predicted])
    risk_accuracy = clf.scores(rows.risks, cv.risk_predicted)["accuracy"] if cv.risk_predicted else None

    active_scores = None
    tested = [i for i, p in enumerate(cv.baseline_predicted or []) if p is not None]
    if current is None:
        activate_it, decision = True, _("尚无启用的版本，启用本版本。")
    elif not tested:
        activate_it, decision = True, _("启用中的 v%(v)d 的训练文本已几乎不在今天的数据中，无法同折比较，启用新版本。") % {
            "v": current.number}
    else:
        truth = [rows.labels[i] for i in tested]
        active_scores = clf.scores(truth, [cv.baseline_predicted[i] for i in tested])
        same = clf.scores(truth, [cv.predicted[i] for i in tested])
        say(_("同一折上比较（%(n)d 条）：新版本 宏F1 %(new).3f 准确率 %(new_acc).3f；启用中的 v%(v)d 宏F1 %(old).3f 准确率 %(old_acc).3f") % {
            "n": len(tested), "new": same["macro_f1"], "new_acc": same["accuracy"], "v": current.number,
            "old": active_scores["macro_f1"], "old_acc": active_scores["accuracy"]})
        not_worse = same["macro_f1"] >= active_scores["macro_f1"] - 1e-9
        if not_worse:
            activate_it, decision = True, _("新版本不差于启用中的 v%(v)d（宏F1 %(new).3f ≥ %(old).3f），启用新版本。")
        elif force:
            activate_it, decision = True, _("新版本不如启用中的 v%(v)d（宏F1 %(new).3f < %(old).3f），但指定了 --force，仍启用新版本。")
        else:
            activate_it, decision = False, _("新版本不如启用中的 v%(v)d（宏F1 %(new).3f < %(old).3f），不启用；仍使用 v%(v)d。")
        decision = decision % {"v": current.number, "new": same["macro_f1"], "old": active_scores["macro_f1"]}

    model = clf.fit(rows.texts, rows.labels, rows.risks, params, rows.default_risk)
    right = [p == t for p, t in zip(cv.predicted, rows.labels, strict=True)]
    model.calibrator = clf.calibrator(cv.raw_confidence, right)
    if all(right):  # nothing to calibrate on: no more sure than the rule of succession allows
        model.ceiling = (len(right) + 1) / (len(right) + 2)
    with transaction.atomic():
        number = (ClassifierVersion.objects.order_by("-number").values_list("number", flat=True).first() or 0) + 1
        version = ClassifierVersion.objects.create(
            number=number, created_at=timezone.now(), trained_on=len(rows), trained_cases=rows.cases,
            trained_examples=rows.examples, classes=model.classes, folds=folds,
            accuracy=candidate["accuracy"], macro_f1=candidate["macro_f1"],
            category_accuracy=category["accuracy"], risk_accuracy=risk_accuracy,
            per_class=candidate["per_class"], params=params.as_dict() | {"predict_per_second": _rate(cv)},
            decision=decision, model=clf.dumps(model),
        )
        if activate_it:
            _activate(version)
    say(_("v%(v)d 交叉验证：准确率 %(acc).3f，宏F1 %(f1).3f，类别准确率 %(cat).3f。") % {
        "v": version.number, "acc": candidate["accuracy"], "f1": candidate["macro_f1"], "cat": category["accuracy"]})
    say(decision)
    return TrainResult(version, activate_it, candidate, active_scores)


def _rate(cv: clf.CrossValidation) -> float:
    return round(len(cv.predicted) / cv.predict_seconds, 1) if cv.predict_seconds else 0.0


def _activate(version: ClassifierVersion) -> None:
    ClassifierVersion.objects.filter(active=True).exclude(pk=version.pk).update(active=False)
    ClassifierVersion.objects.filter(pk=version.pk).update(active=True)
    version.active = True


def activate(number: int) -> ClassifierVersion:
    version = ClassifierVersion.objects.filter(number=number).first()
    if version is None:
        raise TrainingError(_("没有版本 v%(v)s。") % {"v": number})
    with transaction.atomic():
        _activate(version)
    return version


# ---------------------------------------------------------------- the active model

_MODELS: dict[int, clf.Model] = {}
_LOCK = threading.Lock()


def load_model(version_id: int) -> clf.Model:
    """The fitted model of a version, loaded once per process."""
    model = _MODELS.get(version_id)
    if model is None:
        blob = ClassifierVersion.objects.values_list("model", flat=True).get(pk=version_id)
        model = clf.loads(blob)
        with _LOCK:
            if len(_MODELS) >= 3:
                _MODELS.clear()
            _MODELS[version_id] = model
    return model


def active_version() -> ClassifierVersion | None:
    """The version in force; on day one (no version yet) one is trained from the taxonomy's
    example texts."""
    version = ClassifierVersion.objects.filter(active=True).defer("model").first()
    if version is not None or ClassifierVersion.objects.exists():
        return version
    rows = training_rows(cases=False)
    if len(set(rows.labels)) < 2:
        return None
    try:
        return train(rows=rows).version
    except IntegrityError:  # another process trained day one's version at the same moment
        return ClassifierVersion.objects.filter(active=True).defer("model").first()


@dataclass
class Proposal:
    item: Item
    category: Category
    risk: str
    confidence: float
    reasons: list[str]
    version: ClassifierVersion

    @property
    def confidence_percent(self) -> int:
        return int(self.confidence * 100)  # floor: 99.6% below a 100% threshold shows as 99%


def propose(text: str) -> Proposal | None:
    """The classifier's proposal for a text: item, its category, risk grade, confidence and
    the character n-grams that weighed most; None when no model can be had."""
    version = active_version()
    if version is None:
        return None
    model = load_model(version.pk)
    items = {i.code: i for i in Item.objects.filter(active=True, code__in=model.classes).select_related("category")}
    if not items:
        return None
    guess = model.guess(text, reasons=RoutingPolicy.current().reason_terms, labels=set(items))
    item = items[guess.label]
    return Proposal(item, item.category, guess.risk, guess.confidence, guess.reasons, version)


# ---------------------------------------------------------------- routing


@dataclass
class Route:
    department: Department | None
    center: Region | None
    reason: str

    @property
    def label(self) -> str:
        if self.department is not None:
            return self.department.name
        return self.center.display_center if self.center else ""


def place_name(region: Region) -> str:
    chain = list(region.ancestors())
    streets = [r for r in chain if r.level == Level.STREET]
    return (streets[-1] if streets else chain[-1]).name


def place_of(case: Case) -> tuple[Region, bool]:
    """Where the matter happens, as precisely as the case tells: its region, or, when that
    is coarser than a community, the deepest region under it that holds the case's point or
    is named in its address or description. The flag says whether it was refined."""
    from jiefen.regions.locate import region_at, region_named

    region = case.region
    if region.level >= Level.COMMUNITY:
        return region, False
    found = None
    if case.latitude is not None and case.longitude is not None:
        found = region_at(case.longitude, case.latitude, region)
    if found is None or found.pk == region.pk:
        found = region_named(f"{case.address} {case.description}", within=region)
    if found is not None and found.pk != region.pk and found.is_within(region):
        return found, True
    return region, False


def route(item: Item, case: Case) -> Route:
    """The concrete holder for an item over the case's place: the active department of the
    item's type at the place or its nearest ancestor; else the place's street center below
    the case's center; else the case's center."""
    place, refined = place_of(case)
    chain = list(place.ancestors())
    depth = {r.pk: len(r.path) for r in chain}
    departments = Department.objects.filter(active=True, type_id=item.department_type_id, region_id__in=depth)
    department = max(departments, key=lambda d: (depth[d.region_id], -d.pk), default=None)
    kind = item.department_type.name
    where = place_name(place)
    if refined:
        where = _("%(place)s（据地址判断）") % {"place": where}
    if department is not None:
        reason = _("事项对应%(kind)s，发生地在%(place)s") % {"kind": kind, "place": where}
        return Route(department, None, reason)
    street = next((r for r in reversed(chain) if r.level == Level.STREET), None)
    if street is not None and street.pk != case.center_id and street.is_within(case.center):
        reason = _("本地未设%(kind)s，由发生地%(place)s属地办理") % {"kind": kind, "place": where}
        return Route(None, street, reason)
    return Route(None, case.center, _("本地未设%(kind)s，由本中心办理") % {"kind": kind})


# ---------------------------------------------------------------- a new case


def proposal_sentence(p: Proposal, r: Route) -> str:
    return _("系统建议：%(category)s / %(item)s，置信度 %(pct)d%%，依据：%(reasons)s；建议派往 %(to)s（%(why)s）") % {
        "category": p.category.name, "item": p.item.name, "pct": p.confidence_percent,
        "reasons": "、".join(p.reasons) or "—", "to": r.label, "why": r.reason,
    }


def propose_for_case(case: Case) -> ProposalRecord | None:
    """Record the proposal for a new case and write it on the timeline (not public). The
    case itself is not changed: the dispatcher confirms through classify and dispatch."""
    if ProposalRecord.objects.filter(case=case).exists():
        return None
    p = propose(case.description)
    if p is None:
        return None
    r = route(p.item, case)
    threshold = RoutingPolicy.current().confidence_threshold
    now = timezone.now()
    with transaction.atomic():
        fresh = Case.objects.select_for_update().get(pk=case.pk)
        record = ProposalRecord.objects.create(
            case=fresh, version=p.version, item=p.item, category=p.category, risk_grade=p.risk,
            confidence=p.confidence, reasons=p.reasons, department=r.department, center=r.center,
            route_reason=r.reason[:300], needs_manual=p.confidence < threshold, created_at=now,
        )
        note(
            fresh, PROPOSE_ACTION, reason=proposal_sentence(p, r), when=now,
            data={
                "proposal_id": record.pk, "version": p.version.number, "proposed_item": p.item.name,
                "proposed_item_code": p.item.code, "proposed_category": p.category.name,
                "proposed_risk_grade": p.risk, "confidence": round(p.confidence, 4), "reasons": p.reasons,
                "proposed_department_id": r.department.pk if r.department else None,
                "proposed_center_id": r.center.pk if r.center else None, "proposed_to": r.label,
                "needs_manual": record.needs_manual,
            },
        )
    return record


def on_case_received(sender, case: Case, **kwargs) -> None:
    propose_for_case(case)


def on_case_changed(sender, case: Case, events, **kwargs) -> None:
    """A clerk's classification is the verdict on the proposal: accepted or corrected."""
    for event in events:
        if event.action != "classify":
            continue
        record = ProposalRecord.objects.filter(case_id=case.pk).select_related("item").first()
        if record is None:
            return
        same = event.data.get("item_code") == record.item.code and event.data.get("risk_grade") == record.risk_grade
        record.outcome = Outcome.ACCEPTED if same else Outcome.CORRECTED
        record.final_item = case.item
        record.final_risk_grade = case.risk_grade
        record.decided_at = event.created_at
        record.decided_by = event.actor
        record.save(update_fields=["outcome", "final_item", "final_risk_grade", "decided_at", "decided_by"])


# ---------------------------------------------------------------- the manual queue


def may_classify_somewhere(user) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or any(
        m.role in CLASSIFY.roles and m.region_id for m in user.memberships_cached()
    )


def manual_queue(user):
    """Cases in the user's scope still unclassified whose proposal was not confident enough,
    oldest first."""
    return visible_cases(user).filter(
        item__isnull=True, status__in=CLASSIFY.sources, routing_proposal__needs_manual=True,
    ).select_related("region", "routing_proposal__item", "routing_proposal__category").order_by("created_at", "pk")


def correction_rates():
    """Per version: proposals decided by a clerk, how many corrected."""
    return ClassifierVersion.objects.annotate(
        decided=Count("proposals", filter=~Q(proposals__outcome="")),
        corrected=Count("proposals", filter=Q(proposals__outcome=Outcome.CORRECTED)),
    )


RISK_LABELS = dict(RiskGrade.choices)
