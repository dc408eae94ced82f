"""Publishing to the library as other domains do, and the library's own services."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.audit import AuditEvent
from skillsreg.core.jobs.models import JobState
from skillsreg.library import services
from skillsreg.library.models import DocumentKind, LibraryFile, PushStatus, TargetKind
from skillsreg.library.publishing import (
    LibraryError,
    PublishedFile,
    content_hash,
    document_by_key,
    list_targets,
    publish_to_library,
    push_to_target,
    pushes_for,
    withdraw_from_library,
    withdraw_pushed,
)
from skillsreg.library.services import Upload
from tests.clock import NOW
from tests.library import samples

pytestmark = pytest.mark.usefixtures("pinned_clock")

MB = 1024 * 1024
CSV = PublishedFile("register-1.csv", "text/csv", b"name\r\nAda\r\n")
JSON = PublishedFile("register-1.json", "application/json", b'[{"name": "Ada"}]')


def publish(organiser, key="register-1", files=(CSV, JSON), **overrides):
    values = {
        "key": key,
        "title": "Register 1",
        "summary": "Who is interested",
        "tags": ["Register", "people"],
        "files": list(files),
        "actor": organiser,
        "now": NOW,
    }
    values.update(overrides)
    return publish_to_library(**values)


def test_publishing_a_new_key_creates_a_document(db, organiser):
    document = publish(organiser)

    assert document.key == "register-1"
    assert document.kind is DocumentKind.REGISTER_SNAPSHOT
    assert document.tags == ["people", "register"]
    assert document.owner == organiser
    (version,) = document.versions
    assert version.number == 1
    assert [(f.name, f.size) for f in version.files] == [
        ("register-1.csv", 11),
        ("register-1.json", 17),
    ]
    assert version.files[0].content == CSV.content
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "library.publish"))
    assert event.details["version"] == 1


def test_publishing_the_same_key_again_adds_a_version(db, organiser):
    publish(organiser)
    later = NOW + timedelta(days=1)

    document = publish(organiser, files=[CSV], title="Register 1, corrected", tags=[], now=later)

    assert [v.number for v in document.versions] == [2, 1]
    assert document.title == "Register 1, corrected"
    assert document.tags == []
    assert document.updated_at == later
    assert document_by_key("register-1") is document


def test_files_of_a_version_need_distinct_names(db, organiser):
    with pytest.raises(LibraryError, match="same name"):
        publish(organiser, files=[CSV, CSV])
    with pytest.raises(LibraryError, match="Choose at least one file"):
        publish(organiser, key="other", files=[])


def test_withdrawal_empties_every_version_and_keeps_the_notice(db, organiser):
    publish(organiser)
    publish(organiser, files=[CSV])

    withdraw_from_library(
        key="register-1", notice="Withdrawn: consent changed", actor=None, now=NOW
    )

    document = document_by_key("register-1")
    assert document.is_withdrawn
    assert document.withdrawal_notice == "Withdrawn: consent changed"
    contents = db.session.scalars(sa.select(LibraryFile.content)).all()
    assert contents == [None, None, None]
    with pytest.raises(LibraryError, match="withdrawn"):
        publish(organiser)


def test_withdrawing_an_unknown_key_does_nothing(db):
    withdraw_from_library(key="register-99", notice="x", actor=None, now=NOW)

    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == 0


def test_content_hash_ignores_order_but_not_content():
    assert content_hash([CSV, JSON]) == content_hash([JSON, CSV])
    assert content_hash([CSV]) != content_hash([PublishedFile(CSV.name, CSV.media_type, b"x")])
    assert content_hash([CSV]) != content_hash(
        [PublishedFile("other.csv", "text/csv", CSV.content)]
    )


def test_only_enabled_targets_are_listed(db, make_target):
    on = make_target(TargetKind.WEBDAV, "http://127.0.0.1:9", name="B on")
    off = make_target(TargetKind.WEBDAV, "http://127.0.0.1:9", name="A off", is_enabled=False)

    assert list_targets() == [on]
    assert off not in list_targets()


def test_uploading_checks_every_file_and_refuses_them_all(db, organiser):
    uploads = [Upload("good.pdf", samples.PDF), Upload("bad.pdf", samples.HTML_AS_PDF)]

    with pytest.raises(LibraryError, match=r"bad\.pdf does not match its file type") as error:
        services.upload_document(
            title="Paper",
            summary="",
            tags=[],
            kind=DocumentKind.COMMUNITY_DOCUMENT,
            uploads=uploads,
            max_bytes=MB,
            actor=organiser,
            now=NOW,
        )
    assert error.value.field == "files"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LibraryFile)) == 0


def test_a_document_is_pushed_under_its_own_key(db, organiser, dav_target, dav_root, run_jobs):
    document = services.upload_document(
        title="Paper",
        summary="",
        tags=["x"],
        kind=DocumentKind.WORKSHOP_MATERIALS,
        uploads=[Upload("slides.pdf", samples.PDF)],
        max_bytes=MB,
        actor=organiser,
        now=NOW,
    )

    push = services.push_document(document, dav_target.id, actor=organiser, now=NOW)

    key = f"library-{document.id}"
    assert push.status is PushStatus.OK
    assert (dav_root / "published" / "registers" / key / "slides.pdf").read_bytes() == samples.PDF
    job = services.withdraw_library_document(document, notice="Gone", actor=organiser, now=NOW)
    db.session.commit()
    assert (dav_root / "published" / "registers" / key / "slides.pdf").exists()  # until it runs
    assert run_jobs() == 1
    db.session.refresh(job)
    assert job.state is JobState.SUCCEEDED
    assert [p.status for p in pushes_for(key)] == [PushStatus.WITHDRAWN, PushStatus.OK]
    assert not (dav_root / "published" / "registers" / key / "slides.pdf").exists()
    with pytest.raises(LibraryError, match="already been withdrawn"):
        services.withdraw_library_document(document, notice="Gone", actor=organiser, now=NOW)


def test_register_keys_pushed_by_others_are_withdrawn_with_the_library_copy(
    db, organiser, dav_target, dav_root
):
    publish(organiser)
    push_to_target(
        dav_target.id, key="register-1", title="R", files=[CSV], actor=organiser, now=NOW
    )

    # What the register does when consent is withdrawn.
    withdraw_from_library(key="register-1", notice="Consent withdrawn", actor=None, now=NOW)
    withdraw_pushed(key="register-1", replacement=None, actor=None, now=NOW)

    assert document_by_key("register-1").is_withdrawn
    assert not (dav_root / "published" / "registers" / "register-1" / "register-1.csv").exists()


def test_register_snapshots_are_changed_only_by_the_register(db, organiser):
    document = publish(organiser)
    assert document.is_managed

    with pytest.raises(LibraryError, match="published by the register"):
        services.update_document(
            document, title="Renamed", summary="", tags=[], actor=organiser, now=NOW
        )
    with pytest.raises(LibraryError, match="published by the register"):
        services.upload_version(
            document,
            note="",
            uploads=[Upload("x.pdf", samples.PDF)],
            max_bytes=MB,
            actor=organiser,
            now=NOW,
        )
    with pytest.raises(LibraryError, match="published by the register"):
        services.withdraw_library_document(document, notice="x", actor=organiser, now=NOW)
