"""The community's skills picture, counted in the database (GROUP BY and window functions).

Who counts: the latest submitted assessment, against the version asked about, of each
confirmed member who has not erased their account nor opted out of statistics.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.assessments.models import Assessment, AssessmentStatus, Rating
from skillsreg.extensions import db
from skillsreg.frameworks.models import (
    Category,
    FrameworkVersion,
    ProfileEntry,
    Role,
    RoleLevel,
    ScaleLevel,
    Skill,
    VersionStatus,
)
from skillsreg.insight.models import Release
from skillsreg.library.models import Document, DocumentVersion, LibraryFile

NOT_APPLICABLE = 0  # the level column's value for "not applicable" in every count
NOT_GIVEN = "not-given"

# The ways the picture can be cut, in the order pages offer them.
CUTS: dict[str, str] = {
    "all": "Everyone",
    "role": "Role",
    "role-level": "Role level",
    "sector": "Sector",
    "region": "Region",
}


def in_utc(column: Any) -> Any:
    """A timestamp as UTC wall time, so years, quarters and months are UTC's on every
    database (PostgreSQL would otherwise use the session's time zone)."""
    if db.session.get_bind().dialect.name == "postgresql":
        return sa.func.timezone("UTC", column)
    return column


def latest_published_version() -> FrameworkVersion | None:
    """The most recently published framework version, which the picture describes."""
    return db.session.scalar(
        sa.select(FrameworkVersion)
        .where(FrameworkVersion.status == VersionStatus.PUBLISHED)
        .order_by(FrameworkVersion.published_at.desc(), FrameworkVersion.id.desc())
        .limit(1)
    )


def counted_assessments(version_id: int, *, validated: bool = False) -> sa.Subquery:
    """One row per counted person: their latest submitted assessment of the version.

    Self-ratings come from the member's own assessments; `validated` counts instead the
    assessments an independent review validated (reviews/), which are kept apart.
    """
    return _counted(version_id, validated=validated).subquery("counted")


def _counted(version_id: int, *, validated: bool = False) -> sa.Select:
    ranked = (
        sa.select(
            Assessment.id.label("assessment_id"),
            Assessment.user_id,
            Assessment.role_code,
            Assessment.role_level_code,
            Assessment.submitted_at,
            User.sector,
            sa.func.coalesce(User.region, NOT_GIVEN).label("region"),
            sa.func.row_number()
            .over(
                partition_by=Assessment.user_id,
                order_by=(Assessment.submitted_at.desc(), Assessment.id.desc()),
            )
            .label("newest"),
        )
        .join(User, User.id == Assessment.user_id)
        .where(
            Assessment.version_id == version_id,
            Assessment.status == AssessmentStatus.SUBMITTED,
            Assessment.validated_from_id.is_not(None)
            if validated
            else Assessment.validated_from_id.is_(None),
            User.email_confirmed_at.is_not(None),
            User.erased_at.is_(None),
            User.is_statistics_opt_out.is_(False),
        )
        .subquery()
    )
    return sa.select(ranked).where(ranked.c.newest == 1)


# PostgreSQL sorts and hashes of the picture (ratings of 10,000 people) fit in memory with this;
# the default (4 MB) makes the category gaps' sort spill to disk.
COUNTING_WORK_MEM = "64MB"


def prepare_counting() -> None:
    """Give this transaction's counting queries the working memory they need (PostgreSQL)."""
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(sa.text(f"SET LOCAL work_mem = '{COUNTING_WORK_MEM}'"))


def validated_counts(version_id: int) -> dict[tuple[str, int], int]:
    """(skill, level) -> people whose latest validated assessment has that level validated."""
    counted = counted_assessments(version_id, validated=True)
    rows = db.session.execute(
        sa.select(Rating.skill_code, Rating.level, sa.func.count())
        .join(counted, counted.c.assessment_id == Rating.assessment_id)
        .where(Rating.is_validated.is_(True), Rating.level.is_not(None))
        .group_by(Rating.skill_code, Rating.level)
    )
    return {(skill, level or 0): n for skill, level, n in rows}


def _expected(version_id: int) -> sa.Subquery:
    """The level each role level of the version expects of each skill in its profile."""
    return (
        sa.select(
            Role.code.label("role_code"),
            RoleLevel.code.label("role_level_code"),
            ProfileEntry.skill_code,
            ProfileEntry.level.label("expected"),
        )
        .join(RoleLevel, RoleLevel.role_id == Role.id)
        .join(ProfileEntry, ProfileEntry.role_level_id == RoleLevel.id)
        .where(Role.version_id == version_id)
        .subquery("expected")
    )


@dataclass
class Picture:
    """Counts of people per cut, group, skill and level (0: not applicable) or gap status."""

    version_id: int
    people: int
    levels: dict[str, dict[tuple[str, str, int], int]] = field(default_factory=dict)
    gaps: dict[str, dict[tuple[str, str, str], int]] = field(default_factory=dict)
    groups: dict[str, list[str]] = field(default_factory=dict)
    # (category, status) -> people, as `category_gaps` counts them: on SQLite counted in the
    # same pass (None: not counted, as on PostgreSQL, where two passes are faster).
    categories: dict[tuple[str, str], int] | None = None

    # The counts regrouped per skill, built on first use: {(measure, cut): {skill: counts}}.
    _per_skill: dict[tuple[str, str], dict[str, dict]] = field(
        default_factory=dict, repr=False, compare=False
    )

    def level_counts(self, cut: str, skill: str) -> dict[tuple[str, int], int]:
        """(group, level) -> people, for one skill cut one way."""
        return dict(self._skill_counts("levels", cut).get(skill, {}))

    def gap_counts(self, cut: str, skill: str) -> dict[tuple[str, str], int]:
        """(group, status) -> people, for one skill cut one way."""
        return dict(self._skill_counts("gaps", cut).get(skill, {}))

    def _skill_counts(self, measure: str, cut: str) -> dict[str, dict]:
        if (measure, cut) not in self._per_skill:
            counts = self.levels[cut] if measure == "levels" else self.gaps[cut]
            per_skill: dict[str, dict] = {}
            for (group, skill, value), n in counts.items():
                per_skill.setdefault(skill, {})[(group, value)] = n
            self._per_skill[(measure, cut)] = per_skill
        return self._per_skill[(measure, cut)]


def skills_picture(version_id: int) -> Picture:
    """Count, in SQL, how the counted people rate each skill, every way the picture is cut.

    Three statements: the people counted, the groups of each cut, and the counts. For the
    counts each person's role level and groups are looked up once and numbered; their ratings
    are then read once through the covering (assessment, skill, level) index and counted by
    role level and by sector and region, and every cut is rolled up in the database from those
    two: on PostgreSQL in one hashed GROUPING SETS pass; on SQLite in two GROUP BY passes on
    one integer key each (skill id, group and measure), and a third gives each person's
    lowest gap status per category, so the category gaps (`Picture.categories`, as
    `category_gaps` counts them) come from the same ratings.
    """
    counted = _counted(version_id).cte("counted")
    people = db.session.scalar(sa.select(sa.func.count()).select_from(counted)) or 0
    picture = Picture(version_id=version_id, people=people)
    for cut in CUTS:
        picture.levels[cut], picture.gaps[cut], picture.groups[cut] = {}, {}, []
    if db.session.get_bind().dialect.name != "postgresql":
        picture.categories = {}
    for cut, group in db.session.execute(_groups_statement(counted)):
        picture.groups[cut].append(_text(group))
    for groups in picture.groups.values():
        groups.sort()
    for cut, group, skill, level, status, n in db.session.execute(
        _counts_statement(version_id, counted)
    ):
        if picture.categories is not None and cut == _CATEGORIES:
            picture.categories[(group, status)] = n
        elif status is None:
            picture.levels[cut][(_text(group), skill, int(level))] = n
        else:
            picture.gaps[cut][(_text(group), skill, status)] = n
    return picture


# Each cut's column (None: everyone in one group), and which grouping of the ratings holds it.
_CUT_COLUMNS: dict[str, tuple[str | None, str]] = {
    "all": (None, "by_role"),
    "role": ("role_code", "by_role"),
    "role-level": ("role_level_code", "by_role"),
    "sector": ("sector", "by_place"),
    "region": ("region", "by_place"),
}
_GROUPING_COLUMNS = {"by_role": ("role_code", "role_level_code"), "by_place": ("sector", "region")}

# A rating's measure is one number: level x 4 + gap status, with 0 for not applicable; a
# grouping's key is one integer: (skill id x _GROUPS + its group's number) x _GROUP + measure.
_STATUSES = ("below", "meets", "above")  # numbered 1 to 3; 0: not compared
_GROUP = 4096
_GROUPS = 1 << 20  # more groups than any cut has people
_CATEGORIES = "categories"  # the counts statement's rows of people per category and status


def _cut_column(source: sa.CTE | sa.Subquery, cut: str) -> sa.ColumnElement[str]:
    name = _CUT_COLUMNS[cut][0]
    return sa.literal("all", sa.String) if name is None else source.c[name]


def _groups_statement(counted: sa.CTE) -> sa.CompoundSelect:
    """(cut, group) for every group of every cut that has someone counted in it."""
    people = sa.select(
        counted.c.role_code,
        counted.c.role_level_code,
        sa.cast(counted.c.sector, sa.String).label("sector"),
        counted.c.region,
    ).cte("people")
    return sa.union_all(
        *(
            sa.select(
                sa.literal(cut, sa.String).label("cut"), _cut_column(people, cut).label("grp")
            )
            .select_from(people)
            .distinct()
            for cut in CUTS
        )
    )


def _expectations(version_id: int, counted: sa.Subquery | sa.CTE) -> sa.CTE:
    """Each counted person's role level profile, one row per skill it expects a level of.

    The role level is looked up once per person, so ratings are then reached through the
    (assessment, skill) index: only the ratings that can be compared are read.
    """
    return (
        sa.select(
            counted.c.user_id,
            counted.c.assessment_id,
            counted.c.role_code,
            counted.c.role_level_code,
            counted.c.sector,
            counted.c.region,
            ProfileEntry.skill_code,
            ProfileEntry.level.label("expected"),
        )
        .select_from(counted)
        .join(Role, sa.and_(Role.version_id == version_id, Role.code == counted.c.role_code))
        .join(
            RoleLevel,
            sa.and_(RoleLevel.role_id == Role.id, RoleLevel.code == counted.c.role_level_code),
        )
        .join(ProfileEntry, ProfileEntry.role_level_id == RoleLevel.id)
        .cte("expectations")
        # Folded into the join, both databases would read every rating instead.
        .prefix_with("MATERIALIZED")
    )


def _numbered_people(version_id: int, counted: sa.CTE) -> sa.CTE:
    """Each counted person once: their assessment, role level and the number of their group
    in each grouping (role and role level; sector and region)."""
    sector = sa.cast(counted.c.sector, sa.String)
    return (
        sa.select(
            counted.c.assessment_id,
            RoleLevel.id.label("role_level_id"),
            counted.c.role_code,
            counted.c.role_level_code,
            sector.label("sector"),
            counted.c.region,
            sa.func.dense_rank()
            .over(order_by=(counted.c.role_code, counted.c.role_level_code))
            .label("by_role"),
            sa.func.dense_rank().over(order_by=(sector, counted.c.region)).label("by_place"),
        )
        .select_from(counted)
        .outerjoin(Role, sa.and_(Role.version_id == version_id, Role.code == counted.c.role_code))
        .outerjoin(
            RoleLevel,
            sa.and_(RoleLevel.role_id == Role.id, RoleLevel.code == counted.c.role_level_code),
        )
        .cte("numbered")
        .prefix_with("MATERIALIZED")
    )


def _counts_statement(version_id: int, counted: sa.CTE) -> sa.CompoundSelect:
    """(cut, group, skill, level, status, people) for every cut: level counts have no status,
    gap counts no level. Not applicable counts as level 0 and is never compared.

    On SQLite the rows of the category gaps (cut `_CATEGORIES`: category, status, people) come
    too, counted from the same ratings."""
    sqlite = db.session.get_bind().dialect.name != "postgresql"
    numbered = _numbered_people(version_id, counted)
    expected = ProfileEntry.level
    status = sa.case(
        (sa.or_(Rating.level.is_(None), expected.is_(None)), 0),
        (Rating.level < expected, 1),
        (Rating.level == expected, 2),
        else_=3,
    )
    measure = sa.case((Rating.is_not_applicable, NOT_APPLICABLE), else_=Rating.level * 4 + status)
    columns: list[Any] = [numbered.c.by_role, numbered.c.by_place]
    if sqlite:
        # The skill as its id (the version's (version, code) index holds it), so each grouping
        # sorts one integer; its category and the person for the category gaps. The skills
        # counted are the version's, as in `category_gaps` and the releases.
        columns += [
            Skill.id.label("skill"),
            measure.label("m"),
            numbered.c.assessment_id,
            Skill.category_code.label("category"),
        ]
    else:
        columns += [Rating.skill_code, measure.label("m")]
    rated = sa.select(*columns)
    rated = rated.select_from(numbered).join(
        Rating, Rating.assessment_id == numbered.c.assessment_id
    )
    if sqlite:
        rated = rated.join(
            Skill, sa.and_(Skill.version_id == version_id, Skill.code == Rating.skill_code)
        )
    rated_cte = (
        # The expectation of each rated skill comes through the profile's (role level, skill)
        # index, the person's role level having been looked up once.
        rated.outerjoin(
            ProfileEntry,
            sa.and_(
                ProfileEntry.role_level_id == numbered.c.role_level_id,
                ProfileEntry.skill_code == Rating.skill_code,
            ),
        )
        .where(sa.or_(Rating.level.is_not(None), Rating.is_not_applicable))
        .cte("rated")
    )
    parts: list[sa.Select] = []
    groupings = _sqlite_groupings(rated_cte) if sqlite else _groupings(rated_cte)
    for grouping, counts in groupings.items():
        if grouping == _CATEGORIES:
            parts.append(_category_select(counts))
            continue
        names = _GROUPING_COLUMNS[grouping]
        groups = (
            sa.select(numbered.c[grouping].label("number"), *(numbered.c[n] for n in names))
            .distinct()
            .cte(f"{grouping}_groups")
        )
        decoded = sa.select(
            *(groups.c[n] for n in names),
            (Skill.code if sqlite else counts.c.skill_code).label("skill_code"),
            (counts.c.key % _GROUP // 4).label("lvl"),
            (counts.c.key % 4).label("status"),
            counts.c.n,
        ).select_from(counts)
        if sqlite:
            decoded = decoded.join(
                groups, groups.c.number == counts.c.key // _GROUP % _GROUPS
            ).join(Skill, Skill.id == counts.c.key // (_GROUP * _GROUPS))
        else:
            decoded = decoded.join(groups, groups.c.number == counts.c.key // _GROUP)
        decoded_cte = decoded.cte(f"{grouping}_decoded")
        for cut in (cut for cut in CUTS if _CUT_COLUMNS[cut][1] == grouping):
            parts += _cut_selects(decoded_cte, cut)
    return sa.union_all(*parts)


def _cut_selects(decoded: sa.CTE, cut: str) -> list[sa.Select]:
    """A cut's level counts and gap counts, rolled up from a grouping's counts."""
    column = _cut_column(decoded, cut)
    # Everyone is one group: grouping by a constant is refused by PostgreSQL.
    by = () if cut == "all" else (column,)
    people = sa.cast(sa.func.sum(decoded.c.n), sa.Integer).label("n")
    label = sa.literal(cut, sa.String).label("cut")
    status = sa.case(*((decoded.c.status == n, name) for n, name in enumerate(_STATUSES, start=1)))
    return [
        sa.select(
            label,
            column.label("grp"),
            decoded.c.skill_code,
            decoded.c.lvl,
            sa.cast(sa.null(), sa.String).label("status"),
            people,
        ).group_by(*by, decoded.c.skill_code, decoded.c.lvl),
        sa.select(
            label,
            column.label("grp"),
            decoded.c.skill_code,
            sa.cast(sa.null(), sa.Integer).label("lvl"),
            status.label("status"),
            people,
        )
        .where(decoded.c.status > 0)
        .group_by(*by, decoded.c.skill_code, decoded.c.status),
    ]


def _category_select(per_person: sa.CTE) -> sa.Select:
    """People per category and gap status, from each person's lowest gap status (1: below,
    2: meets, 3: above) among the ratings of the category that could be compared: below if
    any is below, above if all are, otherwise meets (what `category_gaps` counts)."""
    status = sa.case(
        (per_person.c.lowest == 1, "below"), (per_person.c.lowest == 3, "above"), else_="meets"
    )
    return sa.select(
        sa.literal(_CATEGORIES, sa.String).label("cut"),
        per_person.c.category.label("grp"),
        sa.cast(sa.null(), sa.String).label("skill_code"),
        sa.cast(sa.null(), sa.Integer).label("lvl"),
        status.label("status"),
        sa.cast(sa.func.count(), sa.Integer).label("n"),
    ).group_by(per_person.c.category, status)


def _sqlite_groupings(rated: sa.CTE) -> dict[str, sa.CTE]:
    """SQLite, which has no grouping sets: the ratings counted per key, one integer (skill
    id, group number and measure), in one sorting pass each over the ratings it has set
    aside, by role and role level (`by_role`) and by sector and region (`by_place`); and, in
    a third pass over the ratings that could be compared, each person's lowest gap status
    per category (`_CATEGORIES`)."""
    result = {}
    for name in _GROUPING_COLUMNS:
        key = (sa.cast(rated.c.skill, sa.BigInteger) * _GROUPS + rated.c[name]) * _GROUP
        key = key + rated.c.m
        result[name] = (
            sa.select(key.label("key"), sa.func.count().label("n")).group_by(key).cte(name)
        )
    status = rated.c.m % 4
    result[_CATEGORIES] = (
        sa.select(rated.c.category, sa.func.min(status).label("lowest"))
        .where(status > 0)
        .group_by(rated.c.assessment_id, rated.c.category)
        .cte("per_person")
    )
    return result


def _groupings(rated: sa.CTE) -> dict[str, sa.CTE]:
    """PostgreSQL: the ratings counted per skill and key (group number x _GROUP + measure),
    by role and role level (`by_role`) and by sector and region (`by_place`), in one hashed
    GROUPING SETS pass over the ratings."""
    keys = {name: rated.c[name] * _GROUP + rated.c.m for name in _GROUPING_COLUMNS}
    both = (
        sa.select(
            rated.c.skill_code,
            *(key.label(name) for name, key in keys.items()),
            sa.func.count().label("n"),
        )
        .group_by(
            sa.func.grouping_sets(*(sa.tuple_(rated.c.skill_code, key) for key in keys.values()))
        )
        .cte("grouped")
    )
    return {
        name: sa.select(both.c.skill_code, both.c[name].label("key"), both.c.n)
        .where(both.c[name].is_not(None))
        .cte(name)
        for name in keys
    }


def _text(value: object) -> str:
    """Group values as text: enums (sector) by their value."""
    return str(getattr(value, "value", value))


@dataclass(frozen=True)
class SkillInfo:
    code: str
    name: str
    category_code: str


@dataclass(frozen=True)
class VersionShape:
    """What a page needs to label a picture: the scale, categories, skills and roles."""

    version: FrameworkVersion
    levels: list[tuple[int, str]]
    categories: list[tuple[str, str]]
    skills: list[SkillInfo]
    roles: dict[str, str]
    role_levels: dict[str, str]

    def skill(self, code: str) -> SkillInfo | None:
        return next((s for s in self.skills if s.code == code), None)

    def skills_in(self, category_code: str) -> list[SkillInfo]:
        return [s for s in self.skills if s.category_code == category_code]


def version_shape(version: FrameworkVersion) -> VersionShape:
    """The labels of a version, loaded in a few queries."""
    levels = db.session.execute(
        sa.select(ScaleLevel.number, ScaleLevel.name)
        .where(ScaleLevel.version_id == version.id)
        .order_by(ScaleLevel.number)
    ).all()
    categories = db.session.execute(
        sa.select(Category.code, Category.name)
        .where(Category.version_id == version.id)
        .order_by(Category.position)
    ).all()
    skills = db.session.execute(
        sa.select(Skill.code, Skill.name, Skill.category_code)
        .where(Skill.version_id == version.id)
        .order_by(Skill.position)
    ).all()
    roles = db.session.execute(
        sa.select(Role.code, Role.name).where(Role.version_id == version.id).order_by(Role.position)
    ).all()
    role_levels: dict[str, str] = {}
    for code, name in db.session.execute(
        sa.select(RoleLevel.code, RoleLevel.name)
        .join(Role, Role.id == RoleLevel.role_id)
        .where(Role.version_id == version.id)
        .order_by(RoleLevel.position)
    ):
        role_levels.setdefault(code, name)
    return VersionShape(
        version=version,
        levels=[(n, name) for n, name in levels],
        categories=[(c, name) for c, name in categories],
        skills=[SkillInfo(c, n, cat) for c, n, cat in skills],
        roles=dict(roles),
        role_levels=role_levels,
    )


def category_gaps(version_id: int) -> dict[tuple[str, str], int]:
    """(category, status) -> people: below if any expected skill of the category is rated
    below its expected level, above if every one is above, otherwise meets.

    The overview takes these from `skills_picture` (`Picture.categories`), counted in the same
    pass over the ratings; this query counts them on their own, as they were first written."""
    counted = counted_assessments(version_id)
    expectations = _expectations(version_id, counted)
    per_person = (
        sa.select(
            Skill.category_code.label("category"),
            sa.func.min(Rating.level - expectations.c.expected).label("lowest"),
        )
        .select_from(expectations)
        .join(
            Rating,
            sa.and_(
                Rating.assessment_id == expectations.c.assessment_id,
                Rating.skill_code == expectations.c.skill_code,
            ),
        )
        .join(Skill, sa.and_(Skill.version_id == version_id, Skill.code == Rating.skill_code))
        .where(Rating.level.is_not(None))
        .group_by(expectations.c.user_id, Skill.category_code)
        .subquery()
    )
    status = sa.case(
        (per_person.c.lowest < 0, "below"), (per_person.c.lowest > 0, "above"), else_="meets"
    )
    rows = db.session.execute(
        sa.select(per_person.c.category, status, sa.func.count()).group_by(
            per_person.c.category, status
        )
    )
    return {(category, st): n for category, st, n in rows}


# The cuts an open-data release publishes; each person is in exactly one group of each.
RELEASE_CUTS: dict[str, str] = {"all": "Everyone", "sector": "Sector", "region": "Region"}

Counts = dict[tuple[str, str, int | str], int]


def release_counts(version_id: int, max_ratings: int) -> dict[str, tuple[Counts, Counts]]:
    """Exact counts for a public release, per cut: ({(group, skill, level)}, {(group, skill,
    status)}). Each person counts for their first `max_ratings` rated skills only (the skills
    their role level expects first, then the others, each in the framework's order), so one
    person changes few counts."""
    counted = counted_assessments(version_id)
    expected = ProfileEntry.level
    ranked = (
        sa.select(
            sa.cast(counted.c.sector, sa.String).label("sector"),
            counted.c.region,
            Rating.skill_code,
            sa.case((Rating.is_not_applicable, NOT_APPLICABLE), else_=Rating.level).label("lvl"),
            sa.case(
                (sa.or_(Rating.level.is_(None), expected.is_(None)), sa.null()),
                (Rating.level < expected, "below"),
                (Rating.level == expected, "meets"),
                else_="above",
            ).label("status"),
            sa.func.row_number()
            .over(
                partition_by=Rating.assessment_id,
                order_by=(sa.case((expected.is_(None), 1), else_=0), Skill.position),
            )
            .label("nth"),
        )
        .select_from(counted)
        .join(Rating, Rating.assessment_id == counted.c.assessment_id)
        .join(Skill, sa.and_(Skill.version_id == version_id, Skill.code == Rating.skill_code))
        .outerjoin(Role, sa.and_(Role.version_id == version_id, Role.code == counted.c.role_code))
        .outerjoin(
            RoleLevel,
            sa.and_(RoleLevel.role_id == Role.id, RoleLevel.code == counted.c.role_level_code),
        )
        .outerjoin(
            ProfileEntry,
            sa.and_(
                ProfileEntry.role_level_id == RoleLevel.id,
                ProfileEntry.skill_code == Rating.skill_code,
            ),
        )
        .where(sa.or_(Rating.level.is_not(None), Rating.is_not_applicable))
        .subquery()
    )
    kept = sa.select(ranked).where(ranked.c.nth <= max_ratings).cte("kept")
    result: dict[str, tuple[Counts, Counts]] = {}
    for cut in RELEASE_CUTS:
        group = sa.literal("all", sa.String) if cut == "all" else kept.c[cut]
        by = () if cut == "all" else (group,)
        levels: Counts = {
            (_text(g), skill, int(lv)): n
            for g, skill, lv, n in db.session.execute(
                sa.select(group, kept.c.skill_code, kept.c.lvl, sa.func.count()).group_by(
                    *by, kept.c.skill_code, kept.c.lvl
                )
            )
        }
        gaps: Counts = {
            (_text(g), skill, st): n
            for g, skill, st, n in db.session.execute(
                sa.select(group, kept.c.skill_code, kept.c.status, sa.func.count())
                .where(kept.c.status.is_not(None))
                .group_by(*by, kept.c.skill_code, kept.c.status)
            )
        }
        result[cut] = (levels, gaps)
    return result


def releases() -> list[Release]:
    """Every release made, newest first."""
    return list(db.session.scalars(sa.select(Release).order_by(Release.number.desc())))


def find_release(number: int) -> Release | None:
    return db.session.scalar(sa.select(Release).where(Release.number == number))


def release_library_file(release: Release, name: str) -> LibraryFile | None:
    """The file of that name in the latest version of a release's library document."""
    return db.session.scalar(
        sa.select(LibraryFile)
        .join(DocumentVersion, DocumentVersion.id == LibraryFile.version_id)
        .join(Document, Document.id == DocumentVersion.document_id)
        .where(Document.key == release.library_key, LibraryFile.name == name)
        .order_by(DocumentVersion.number.desc())
        .limit(1)
    )


def epsilon_spent() -> float:
    """The privacy budget all releases have spent together."""
    return float(db.session.scalar(sa.select(sa.func.sum(Release.epsilon))) or 0.0)
