"""Erasure leaves nothing, and withdrawals and erasures are recorded without naming the person."""

from __future__ import annotations

import sqlalchemy as sa

from skillsreg.core.audit import AuditEvent
from skillsreg.core.db import utcnow
from skillsreg.library.models import Document, DocumentVersion, Push
from skillsreg.register import personal_data, services
from tests.conftest import DEFAULT_PASSWORD
from tests.library.conftest import (  # noqa: F401 - fixtures
    dav_root,
    dav_server,
    dav_target,
    make_target,
)
from tests.register.everything import WORDS, member_who_did_everything, text_values


def _where(db, words):
    """Every (table, column, word) where one of `words` occurs, whatever the letter case."""
    wanted = {key: word.casefold() for key, word in words.items()}
    return sorted(
        {
            (table, column, key)
            for table, column, text in text_values(db.session.connection())
            for key, word in wanted.items()
            if word in text.casefold()
        }
    )


def test_the_person_did_everything_before_erasure(db, create_user, organiser):
    member_who_did_everything(create_user, organiser)
    found = {(table, key) for table, _, key in _where(db, WORDS)}
    # The search finds each word where it was written, so its silence after erasure means something.
    for expected in [
        ("users", "name"),
        ("outbox_messages", "email"),
        ("assessment_ratings", "evidence"),
        ("expressions_of_interest", "access_needs"),
        ("framework_comments", "comment"),
        ("register_snapshot_files", "name"),
        ("library_files", "name"),
        ("assessment_reviews", "reviewer_name"),
        ("assessment_review_items", "review_comment"),
        ("outbox_messages", "reviewer_email"),
    ]:
        assert expected in found, expected


def test_erasure_leaves_no_word_of_the_person_in_any_table(db, create_user, organiser):
    made = member_who_did_everything(create_user, organiser)
    personal_data.erase_account(made.person, password=DEFAULT_PASSWORD, now=utcnow())
    db.session.commit()

    assert _where(db, WORDS) == []
    erased = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.actor_id == made.person.id)
    ).all()
    assert erased, "audit entries stay"
    assert {event.actor_label for event in erased} == {f"user {made.person.id}"}


def test_a_withdrawal_never_says_who_asked_for_it(
    client,
    login_as,
    consenting,
    organiser,
    db,
    dav_target,  # noqa: F811
    run_jobs,
):
    person = consenting("name", name=WORDS["name"])
    consenting("name", name="Grace Hopper")
    snapshot = services.publish_register(
        services.population_spec("framework"), actor=organiser, now=utcnow()
    )
    db.session.commit()
    login_as(organiser)
    assert client.post(f"/register/{snapshot.number}/push/{dav_target.id}").status_code == 302

    services.withdraw_all_consent(person, source="test", now=utcnow())
    db.session.commit()
    run_jobs()  # the copies pushed to targets are removed by a job

    document = db.session.scalar(sa.select(Document).where(Document.key == snapshot.key))
    page = client.get(f"/library/{document.id}").get_data(as_text=True)
    assert "at the request of a person listed in it" in page
    assert (
        "Community Nextcloud, at the person's request" in page
    )  # the push record of the withdrawal
    assert WORDS["name"] not in page
    assert WORDS["name"] not in client.get(f"/register/{snapshot.number}").get_data(as_text=True)
    withdrawals = db.session.scalars(
        sa.select(AuditEvent).where(
            AuditEvent.action.in_(["register.withdraw", "library.withdraw"])
        )
    ).all()
    assert {event.actor_id for event in withdrawals} == {None}
    assert all(event.actor_label == "system" for event in withdrawals)
    pushes = db.session.scalars(sa.select(Push).where(Push.key == snapshot.key)).all()
    assert [p.by_id for p in pushes if p.operation.value == "withdraw"] == [None]
    notes = db.session.scalars(
        sa.select(DocumentVersion.note).where(DocumentVersion.document_id == document.id)
    ).all()
    assert not [note for note in notes if WORDS["name"] in note]


def test_erasing_an_organiser_leaves_nothing_of_their_library_uploads(
    db,
    create_user,
    dav_target,  # noqa: F811
    dav_root,  # noqa: F811
):
    from skillsreg.accounts.rules import Role
    from skillsreg.library import services as library
    from skillsreg.library.models import DocumentKind
    from tests.library import samples

    words = {
        "name": "Yusuf Uploader 3d2c",
        "email": "yusuf.uploader.3d2c@example.gov.uk",
        "title": "Yusuf notes from the Leeds meetup 6a1b",
        "summary": "Yusuf summary of the notes 90fe",
        "file": "yusuf-notes-6a1b",
        "note": "Yusuf second version note 22b7",
    }
    now = utcnow()
    author = create_user(name=words["name"], email=words["email"], role=Role.ORGANISER)
    document = library.upload_document(
        title=words["title"],
        summary=words["summary"],
        tags=["meetups"],
        kind=DocumentKind.COMMUNITY_DOCUMENT,
        uploads=[library.Upload(f"{words['file']}.pdf", samples.PDF)],
        max_bytes=1_000_000,
        actor=author,
        now=now,
    )
    library.add_version(
        document,
        library.accept_uploads([library.Upload("v2.pdf", samples.PDF)], max_bytes=1_000_000),
        note=words["note"],
        actor=author,
        now=now,
    )
    library.push_document(document, dav_target.id, actor=author, now=now)
    db.session.commit()
    assert {key for _, _, key in _where(db, words)} == set(words)

    personal_data.erase_account(author, password=DEFAULT_PASSWORD, now=utcnow())
    db.session.commit()

    assert _where(db, words) == []
    assert not [path for path in dav_root.rglob("*") if path.is_file()]
