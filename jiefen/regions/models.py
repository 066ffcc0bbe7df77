"""The region tree (city → county → street → community → grid) and the departments."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _


class Level(models.IntegerChoices):
    CITY = 1, _("市")
    COUNTY = 2, _("县区")
    STREET = 3, _("乡镇街道")
    COMMUNITY = 4, _("村社区")
    GRID = 5, _("网格")
    MICRO_GRID = 6, _("微网格")


PATH_STEP = 5  # each level adds a fixed-width segment of the materialized path


class RegionQuerySet(models.QuerySet):
    def subtree(self, region: Region) -> RegionQuerySet:
        return self.filter(path__startswith=region.path)

    def with_center(self) -> RegionQuerySet:
        return self.filter(level__lt=Level.GRID)

    def by_code(self, code) -> RegionQuerySet:
        """The regions a code given by a person or a system names: a 12-digit division code
        (行政区划代码), or else a region's id; nothing for anything else."""
        code = str(code or "").strip()
        if not code.isdigit():
            return self.none()
        if len(code) == 12:
            return self.filter(division_code=code)
        return self.filter(pk=int(code)) if len(code) < 12 else self.none()


class Region(models.Model):
    """A node of the administrative tree. `path` is a materialized path so that a subtree is
    one indexed prefix query: the root is '00001', its third child '0000100003', and so on."""

    name = models.CharField(_("名称"), max_length=100)
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    parent = models.ForeignKey(
        "self", models.PROTECT, null=True, blank=True, related_name="children", verbose_name=_("上级")
    )
    division_code = models.CharField(
        _("行政区划代码"),
        max_length=12,
        blank=True,
        validators=[RegexValidator(r"^\d{12}$", _("行政区划代码应为12位数字。"))],
    )
    population = models.PositiveIntegerField(_("常住人口"), default=0)
    outline = models.JSONField(_("边界 (GeoJSON)"), null=True, blank=True)
    center_name = models.CharField(
        _("中心名称"), max_length=100, blank=True, help_text=_("本级综治中心/解纷中心的名称")
    )
    path = models.CharField(max_length=255, unique=True, editable=False)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["path"]
        verbose_name = _("区域")
        verbose_name_plural = _("区域")

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs):
        if not self.path:
            self.path = self._next_path()
        super().save(*args, **kwargs)

    def _next_path(self) -> str:
        prefix = self.parent.path if self.parent_id else ""
        siblings = Region.objects.filter(parent_id=self.parent_id).values_list("path", flat=True)
        last = max((int(p[len(prefix):]) for p in siblings), default=0)
        return f"{prefix}{last + 1:0{PATH_STEP}d}"

    @property
    def has_center(self) -> bool:
        return self.level < Level.GRID

    @property
    def display_center(self) -> str:
        return self.center_name or f"{self.name}{_('综治中心')}"

    def ancestors(self, include_self: bool = True) -> models.QuerySet[Region]:
        paths = [self.path[:i] for i in range(PATH_STEP, len(self.path) + 1, PATH_STEP)]
        if not include_self:
            paths = paths[:-1]
        return Region.objects.filter(path__in=paths).order_by("path")

    @cached_property
    def lineage(self) -> list[Region]:
        """The regions from the top of the tree down to this one, read once per instance."""
        return list(self.ancestors())

    def at_level(self, level: int) -> Region | None:
        """The region of this level at or above this one (the community a grid lies in), or None."""
        return next((r for r in self.lineage if r.level == level), None)

    def is_within(self, other: Region) -> bool:
        return self.path.startswith(other.path)

    def nearest_center(self) -> Region:
        """The region itself if it has a center, otherwise the closest ancestor with one."""
        if self.has_center:
            return self
        return self.ancestors(include_self=False).filter(level__lt=Level.GRID).last()

    def parent_center(self) -> Region | None:
        return self.ancestors(include_self=False).filter(level__lt=Level.GRID).last()

    def intake_center(self) -> Region:
        """Where the public's reports about this place arrive: the county (district) center,
        the "one exit" of the many doors, or the top of the tree if there is no county."""
        chain = self.lineage
        counties = [r for r in chain if r.level == Level.COUNTY]
        return counties[-1] if counties else chain[0]

    @property
    def full_name(self) -> str:
        return " / ".join(r.name for r in self.lineage if r.level > Level.CITY)


class DepartmentType(models.Model):
    """A kind of functional department (民政局, 人社局 …); taxonomy items point at a type and
    routing picks the concrete department of that type over the case's place."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    name_en = models.CharField(_("英文名称"), max_length=100, blank=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("部门类型")
        verbose_name_plural = _("部门类型")

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    """A functional department (职能部门) hanging off a region (usually the county)."""

    name = models.CharField(_("名称"), max_length=100)
    type = models.ForeignKey(
        DepartmentType, models.PROTECT, related_name="departments", verbose_name=_("类型")
    )
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="departments", verbose_name=_("所属区域")
    )
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["region__path", "name"]
        verbose_name = _("职能部门")
        verbose_name_plural = _("职能部门")
        constraints = [
            models.UniqueConstraint(fields=["region", "name"], name="department_unique_name")
        ]

    def __str__(self) -> str:
        return self.name
