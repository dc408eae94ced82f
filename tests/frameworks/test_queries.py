"""The framework pages' read models, and the fixed number of queries each page issues."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.frameworks import queries, services
from skillsreg.frameworks.models import CommentStatus, VersionStatus
from skillsreg.frameworks.store import load_version, version_document
from tests.frameworks.generated import make_large_child, make_large_doc, skill_code
from tests.frameworks.test_document import make_child, make_doc

MAX_QUERIES = 10
# Statements the test database's savepoints add; production has none of them.
SAVEPOINT_WORDS = ("SAVEPOINT", "RELEASE", "ROLLBACK TO")


@contextmanager
def counted_queries(engine: sa.Engine) -> Iterator[list[str]]:
    """Collect the SQL statements sent to the database inside the block."""
    statements: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):
        if not statement.lstrip().upper().startswith(SAVEPOINT_WORDS):
            statements.append(statement)

    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        yield statements
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)


def import_generated(slug: str, **size) -> None:
    parent = make_large_doc(slug=slug, **size)
    services.import_document(parent, filename=f"{slug}-1.0.0.yaml", now=utcnow())
    services.import_document(make_large_child(parent), filename=f"{slug}-1.1.0.yaml", now=utcnow())


def page_urls(slug: str) -> dict[str, str]:
    base = f"/frameworks/{slug}"
    return {
        "version": f"{base}/1.1.0",
        "skill list": f"{base}/1.1.0/skills?q=plan&role=role-2",
        "skill": f"{base}/1.1.0/skills/{skill_code(2)}",
        "role": f"{base}/latest/roles/role-1",
        "changes": f"{base}/changes?from=1.0.0&to=1.1.0",
        "framework": base,
    }


def query_counts(client, db, slug: str) -> dict[str, int]:
    counts = {}
    for page, url in page_urls(slug).items():
        db.session.expunge_all()  # each request starts with an empty session, as in production
        with counted_queries(db.engine) as statements:
            response = client.get(url)
        assert response.status_code == 200, (page, url)
        counts[page] = len(statements)
    return counts


def test_each_page_issues_the_same_few_queries_however_big_the_framework(
    client, db, login_as, member
):
    import_generated("small", skills=10, roles=3)
    import_generated("large", skills=150, levels=7, roles=30)
    db.session.commit()
    login_as(member)

    small = query_counts(client, db, "small")
    large = query_counts(client, db, "large")

    assert max(large.values()) <= MAX_QUERIES, large
    assert large == small


def test_the_version_page_of_a_consultation_stays_within_the_budget_for_organisers(
    client, db, login_as, organiser
):
    parent = make_large_doc(slug="big")
    services.import_document(parent, filename="big.yaml", now=utcnow())
    child = services.import_document(
        make_large_child(parent, status="draft"), filename="big-1.1.0.yaml", now=utcnow()
    ).version
    now = utcnow()
    services.open_consultation(
        child, closes_on=now.date() + timedelta(days=7), expected_lock=None, now=now
    )
    services.add_comment(child, author=organiser, body="Fine", skill_code=None, level=None, now=now)
    db.session.commit()
    login_as(organiser)
    db.session.expunge_all()

    with counted_queries(db.engine) as statements:
        response = client.get("/frameworks/big/1.1.0")

    assert response.status_code == 200
    assert len(statements) <= MAX_QUERIES, statements


@pytest.fixture
def versions(db):
    parent = services.import_document(make_doc(), filename="v1.yaml", now=utcnow()).version
    child = services.import_document(make_child(), filename="v2.yaml", now=utcnow()).version
    return parent, child


class Viewer:
    def __init__(self, *, signed_in: bool = False, organiser: bool = False, id: int = 0):
        self.is_authenticated = signed_in
        self.is_organiser = organiser
        self.id = id


@pytest.mark.parametrize(
    ("status", "viewer", "access"),
    [
        (VersionStatus.PUBLISHED, Viewer(), queries.Access.ALLOWED),
        (VersionStatus.RETIRED, Viewer(), queries.Access.ALLOWED),
        (VersionStatus.CONSULTATION, Viewer(), queries.Access.ALLOWED),
        (VersionStatus.CONSULTATION, Viewer(signed_in=True), queries.Access.ALLOWED),
        (VersionStatus.DRAFT, Viewer(), queries.Access.HIDDEN),
        (VersionStatus.DRAFT, Viewer(signed_in=True), queries.Access.HIDDEN),
        (VersionStatus.DRAFT, Viewer(signed_in=True, organiser=True), queries.Access.ALLOWED),
    ],
)
def test_who_may_see_a_version_depends_on_its_status(versions, status, viewer, access):
    _, child = versions
    child.status = status

    assert queries.access_to(child, viewer) is access


def test_latest_names_the_newest_published_version_not_a_newer_draft(versions):
    parent, _ = versions
    framework = queries.find_framework("web-professionals")

    assert queries.pick_version(framework, "latest") is parent
    assert queries.pick_version(framework, "1.1.0").status is VersionStatus.DRAFT
    assert queries.pick_version(framework, "9.9.9") is None


def test_version_numbers_sort_as_numbers_not_as_text(db):
    for number in ("1.9.0", "1.10.0"):
        doc = make_doc()
        doc["version"]["number"] = number
        services.import_document(doc, filename=f"{number}.yaml", now=utcnow())

    framework = queries.find_framework("web-professionals")

    assert [v.number for v in queries.newest_first(framework.versions)] == ["1.10.0", "1.9.0"]
    assert queries.pick_version(framework, "latest").number == "1.10.0"


def test_the_skill_search_matches_any_case_in_names_descriptions_and_descriptors(versions):
    parent, _ = versions
    catalogue = queries.skill_catalogue(parent)

    def codes(**filters):
        return [skill.code for skill in catalogue.search(**filters)]

    assert codes(text="FIXES barriers") == ["ACCS"]
    assert codes(text="accs") == ["ACCS"]
    assert codes(text="what") == ["CODS", "ACCS", "OLDC"]
    assert codes(category="content") == ["CODS", "OLDC"]
    assert codes(text="what", within={"ACCS"}) == ["ACCS"]
    assert codes(text="no such words") == []


def test_a_role_filter_keeps_the_skills_any_level_of_the_role_expects(versions):
    parent, _ = versions

    assert queries.skills_in_role(parent, "web-manager") == {"CODS", "ACCS"}
    assert queries.skills_in_role(parent, "no-such-role") == set()


def test_a_skill_page_knows_the_roles_expecting_it_and_the_skills_it_came_from(versions):
    _, child = versions

    page = queries.skill_page(child, "ACCT", Viewer())

    assert [(e.role.code, e.role_level.code, e.level) for e in page.expectations] == []
    assert [(code, source.name) for code, source in page.sources] == [("ACCS", "Skill ACCS")]
    assert [number for _, number, _ in page.descriptors] == [2]
    cods = queries.skill_page(child, "CODS", Viewer())
    assert [(e.role.code, e.role_level.code, e.level) for e in cods.expectations] == [
        ("web-manager", "senior", 2)
    ]
    assert queries.skill_page(child, "NOPE", Viewer()) is None


def test_a_role_page_gives_each_expected_skill_its_descriptor_at_that_level(versions):
    parent, _ = versions

    page = queries.role_page(parent, "web-manager")

    ((step, expected),) = page.steps
    assert step.code == "senior"
    assert [(e.skill.code, e.level, e.level_name, e.descriptor) for e in expected] == [
        ("CODS", 2, "Working", "Designs pages."),
        ("ACCS", 3, "Practitioner", "Fixes barriers."),
    ]


def test_the_changes_between_versions_come_from_one_load_of_both(versions):
    parent, child = versions

    changes = queries.version_changes(parent, child)

    assert changes.counts["retired"] == 1
    assert changes.counts["split"] == 2
    assert {skill.code for skill in changes.changed_skills} >= {"ACCT", "AIAC", "OLDC"}


def test_comments_are_grouped_version_first_then_by_skill_and_exported_safely(
    versions, db, member, organiser
):
    _, child = versions
    now = utcnow()
    services.open_consultation(
        child, closes_on=now.date() + timedelta(days=3), expected_lock=None, now=now
    )
    on_skill = services.add_comment(
        child, author=member, body="=HYPERLINK(1)", skill_code="ACCS", level=3, now=now
    )
    services.add_comment(
        child, author=member, body="Overall good", skill_code=None, level=None, now=now
    )
    services.respond_to_comment(
        on_skill, actor=organiser, status=CommentStatus.DECLINED, reply="No formulas", now=now
    )

    groups = queries.comment_groups(child)
    rows = list(queries.comment_rows(child))

    assert [(g.skill_code, len(g.comments)) for g in groups] == [(None, 1), ("ACCS", 1)]
    assert rows[0] == list(queries.COMMENT_CSV_HEADER)
    skill_row = rows[2]
    assert skill_row[2:8] == [member.name, "ACCS", "3", "declined", "'=HYPERLINK(1)", "No formulas"]
    assert skill_row[1].startswith(now.date().isoformat())


def test_documents_read_as_rows_equal_the_stored_documents(db, versions):
    parent, child = versions
    doc = make_doc()
    doc["version"]["number"] = "2.0.0"
    doc["skills"][0]["references"] = {"sfia": ["INCA"], "ddat": ["User research"]}
    doc["roles"][0]["levels"].append(
        {"code": "junior", "name": "Junior", "description": "", "profile": {}}
    )
    other = services.import_document(doc, filename="v3.yaml", now=utcnow()).version
    now = utcnow()
    services.open_consultation(
        child, closes_on=now.date() + timedelta(days=3), expected_lock=None, now=now
    )

    loaded = queries.load_documents(parent, child, other)

    assert loaded == [version_document(load_version(v.id)) for v in (parent, child, other)]
