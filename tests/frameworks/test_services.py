"""Storing, drafting, editing, consulting on and publishing framework versions."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.frameworks import services
from skillsreg.frameworks.document import DocumentInvalid, dump_document, parse_document
from skillsreg.frameworks.models import CommentStatus, VersionStatus
from skillsreg.frameworks.store import load_version, version_document
from tests.frameworks.test_document import make_child, make_doc


def import_doc(doc, filename="framework.yaml"):
    return services.import_document(doc, filename=filename, now=utcnow())


def test_an_imported_version_reads_back_as_the_same_document(db):
    outcome = import_doc(make_doc())

    assert outcome.created
    assert version_document(load_version(outcome.version.id)) == make_doc()


def test_a_child_version_keeps_its_relations_and_lineage(db):
    parent = import_doc(make_doc()).version
    child = import_doc(make_child()).version

    assert child.parent is parent
    assert version_document(load_version(child.id)) == make_child()


def test_importing_the_same_file_twice_changes_nothing(db):
    first = import_doc(make_doc())
    again = import_doc(make_doc())

    assert not again.created
    assert again.version is first.version
    assert "already imported" in again.message


def test_a_published_version_with_other_content_is_refused(db):
    import_doc(make_doc())
    changed = make_doc()
    changed["skills"][0]["name"] = "Another name"

    with pytest.raises(DomainError, match="already exists with different content"):
        import_doc(changed)


def test_an_import_with_errors_names_the_file_and_place_and_writes_nothing(db):
    broken = make_doc()
    broken["roles"][0]["levels"][0]["profile"]["CODS"] = 4

    with pytest.raises(DocumentInvalid) as raised:
        import_doc(broken, filename="broken.yaml")

    assert [str(e) for e in raised.value.errors] == [
        "broken.yaml: roles[0].levels[0].profile.CODS: Skill CODS has no descriptor at level 4 "
        "(it has descriptors at levels 1 and 2)"
    ]
    assert services.find_framework("web-professionals") is None


def test_a_child_whose_parent_is_missing_is_refused(db):
    with pytest.raises(DocumentInvalid, match=r"Version 1\.0\.0 .* import it first"):
        import_doc(make_child(), filename="child.yaml")


def test_a_new_draft_copies_the_latest_published_version(db, organiser):
    parent = import_doc(make_doc()).version

    draft = services.create_draft(parent.framework, actor=organiser, now=utcnow())

    doc = version_document(load_version(draft.id))
    assert draft.number == "1.1.0"
    assert draft.parent is parent
    assert doc["version"]["status"] == "draft"
    assert {s["code"]: s["relation"]["type"] for s in doc["skills"]} == {
        "CODS": "unchanged",
        "ACCS": "unchanged",
        "OLDC": "unchanged",
    }


def test_a_second_draft_waits_for_the_first(db, organiser):
    framework = import_doc(make_doc()).version.framework
    services.create_draft(framework, actor=organiser, now=utcnow())

    with pytest.raises(DomainError, match="already has a version in draft or consultation"):
        services.create_draft(framework, actor=organiser, now=utcnow())


def draft_of(organiser):
    framework = import_doc(make_doc()).version.framework
    return services.create_draft(framework, actor=organiser, now=utcnow())


def rename_cods(doc):
    skill = next(s for s in doc["skills"] if s["code"] == "CODS")
    skill["descriptors"][1]["text"] = "Designs whole services end to end, with users."


def test_editing_a_draft_recomputes_its_relations(db, organiser):
    draft = draft_of(organiser)

    services.edit_version(draft, rename_cods, expected_lock=draft.lock_version, now=utcnow())

    doc = version_document(load_version(draft.id))
    relation = next(s["relation"] for s in doc["skills"] if s["code"] == "CODS")
    assert relation == {"type": "changed", "from": ["CODS"]}
    assert draft.lock_version == 2


def test_removing_a_skill_from_a_draft_retires_it(db, organiser):
    draft = draft_of(organiser)

    def remove_oldc(doc):
        doc["skills"] = [s for s in doc["skills"] if s["code"] != "OLDC"]

    services.edit_version(draft, remove_oldc, expected_lock=None, now=utcnow())

    assert version_document(load_version(draft.id))["retired"] == [{"code": "OLDC", "note": ""}]


def test_an_editor_working_on_a_stale_copy_is_stopped(db, organiser):
    draft = draft_of(organiser)
    stale = draft.lock_version
    services.edit_version(draft, rename_cods, expected_lock=stale, now=utcnow())

    with pytest.raises(services.StaleEditError, match="Someone else changed this draft"):
        services.edit_version(draft, rename_cods, expected_lock=stale, now=utcnow())


def test_an_edit_that_breaks_the_rules_is_refused_and_nothing_changes(db, organiser):
    draft = draft_of(organiser)
    before = version_document(load_version(draft.id))

    def bad_profile(doc):
        doc["roles"][0]["levels"][0]["profile"]["CODS"] = 4

    with pytest.raises(DocumentInvalid):
        services.edit_version(draft, bad_profile, expected_lock=None, now=utcnow())

    assert version_document(load_version(draft.id)) == before


def test_a_published_version_can_never_change(db):
    version = import_doc(make_doc()).version

    with pytest.raises(DomainError, match="can never change: create a new draft"):
        services.edit_version(version, rename_cods, expected_lock=None, now=utcnow())


def test_consultation_then_publication_tells_each_commenter_once(db, organiser, member, mailbox):
    draft = draft_of(organiser)
    now = utcnow()
    services.open_consultation(
        draft, closes_on=now.date() + timedelta(days=14), expected_lock=None, now=now
    )
    services.add_comment(draft, author=member, body="Good", skill_code=None, level=None, now=now)
    comment = services.add_comment(
        draft, author=member, body="Level 2 is vague", skill_code="CODS", level=2, now=now
    )
    services.respond_to_comment(
        comment, actor=organiser, status=CommentStatus.ADDRESSED, reply="Reworded", now=now
    )

    told = services.publish_version(draft, expected_lock=None, now=now, version_url="http://x/")

    assert told == 1
    assert draft.status is VersionStatus.PUBLISHED
    assert draft.published_on == now.date()
    assert comment.status is CommentStatus.ADDRESSED


def test_comments_are_refused_outside_consultation_and_on_unknown_levels(db, organiser, member):
    draft = draft_of(organiser)
    now = utcnow()
    with pytest.raises(DomainError, match="not open for comments"):
        services.add_comment(draft, author=member, body="Hi", skill_code=None, level=None, now=now)
    services.open_consultation(
        draft, closes_on=date.today() + timedelta(days=1), expected_lock=None, now=now
    )
    with pytest.raises(DomainError, match="no descriptor at level 4"):
        services.add_comment(draft, author=member, body="Hi", skill_code="CODS", level=4, now=now)


def test_declining_a_comment_needs_a_reason(db, organiser, member):
    draft = draft_of(organiser)
    now = utcnow()
    services.open_consultation(
        draft, closes_on=now.date() + timedelta(days=3), expected_lock=None, now=now
    )
    comment = services.add_comment(
        draft, author=member, body="Drop it", skill_code=None, level=None, now=now
    )

    with pytest.raises(DomainError, match="Say why"):
        services.respond_to_comment(
            comment, actor=organiser, status=CommentStatus.DECLINED, reply=" ", now=now
        )


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_an_export_imports_back_to_the_same_version(db, fmt):
    version = import_doc(make_doc()).version

    text = services.export_version(version, fmt, base_url="http://x")

    assert parse_document(text, filename=f"export.{fmt}") == make_doc()
    assert text == dump_document(make_doc(), fmt)


def test_the_diff_of_two_versions_lists_typed_changes(db):
    old = import_doc(make_doc()).version
    new = import_doc(make_child()).version

    changes = services.diff_versions(old, new)

    assert changes.counts["split"] == 2
    assert changes.counts["retired"] == 1
    assert changes.counts["new"] == 1


def test_importing_a_draft_while_another_is_in_progress_is_refused(db, organiser):
    draft_of(organiser)
    second = make_child()
    second["version"].update(number="1.2.0")

    with pytest.raises(DomainError, match="already has a version in draft or consultation"):
        import_doc(second)
