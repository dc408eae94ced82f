"""Downloads of library files: counted without saying who, shown to organisers only."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.library import services
from skillsreg.library.models import LibraryDownload
from skillsreg.library.publishing import PublishedFile, publish_to_library, withdraw_from_library
from tests.library import samples
from tests.pages import check_page


@pytest.fixture
def document(db, organiser):
    added = publish_to_library(
        key="guide-1",
        title="Accessibility audit guide",
        summary="How councils audit their websites",
        tags=["accessibility"],
        files=[PublishedFile("guide.pdf", "application/pdf", samples.PDF)],
        actor=organiser,
        now=utcnow(),
    )
    db.session.commit()
    return added


def downloads(db) -> list[LibraryDownload]:
    return list(db.session.scalars(sa.select(LibraryDownload).order_by(LibraryDownload.id)))


def test_a_full_download_records_one_event_with_nothing_about_who(client, db, document):
    before = utcnow()

    response = client.get(f"/library/{document.id}/versions/1/guide.pdf")

    assert response.status_code == 200
    assert response.data == samples.PDF
    (event,) = downloads(db)
    assert event.document_id == document.id
    assert event.document_version_id == document.latest_version.id
    assert before <= event.downloaded_at <= utcnow()
    columns = set(LibraryDownload.__table__.columns.keys())
    assert columns == {"id", "document_id", "document_version_id", "downloaded_at"}


def test_each_version_downloaded_is_counted_against_that_version(client, db, document, organiser):
    publish_to_library(
        key="guide-1",
        title=document.title,
        summary=document.summary,
        tags=document.tags,
        files=[PublishedFile("guide.pdf", "application/pdf", samples.PDF + b"\n% v2")],
        actor=organiser,
        now=utcnow(),
    )
    db.session.commit()
    first, second = sorted(document.versions, key=lambda v: v.number)

    client.get(f"/library/{document.id}/versions/1/guide.pdf")
    client.get(f"/library/{document.id}/versions/2/guide.pdf")
    client.get(f"/library/{document.id}/versions/2/guide.pdf")

    assert [e.document_version_id for e in downloads(db)] == [first.id, second.id, second.id]


def test_a_cache_revalidating_or_a_head_request_is_not_a_download(client, db, document):
    url = f"/library/{document.id}/versions/1/guide.pdf"
    etag = client.get(url).headers["ETag"]

    revalidated = client.get(url, headers={"If-None-Match": etag})
    head = client.head(url)

    assert revalidated.status_code == 304
    assert revalidated.data == b""
    assert head.status_code == 200
    assert len(downloads(db)) == 1


def test_missing_and_withdrawn_files_are_not_counted(client, db, document):
    assert client.get(f"/library/{document.id}/versions/1/other.pdf").status_code == 404
    withdraw_from_library(key="guide-1", notice="Out of date.", actor=None, now=utcnow())
    db.session.commit()

    assert client.get(f"/library/{document.id}/versions/1/guide.pdf").status_code == 410
    assert downloads(db) == []


def test_organisers_see_how_often_a_document_was_downloaded(
    client, db, document, login_as, organiser, member
):
    file = document.latest_version.files[0]
    for days in (45, 400, 2):
        services.record_download(file, now=utcnow() - timedelta(days=days))
    db.session.commit()
    client.get(f"/library/{document.id}/versions/1/guide.pdf")

    for person in (None, member):
        if person:
            login_as(person)
        page = check_page(client.get(f"/library/{document.id}"), title=document.title)
        assert "Downloads" not in page.get_text()

    login_as(organiser)
    page = check_page(client.get(f"/library/{document.id}"), title=document.title)
    rows = {
        row.select_one(".govuk-summary-list__key").get_text(strip=True): row.select_one(
            ".govuk-summary-list__value"
        ).get_text(strip=True)
        for row in page.select(".govuk-summary-list__row")
    }
    assert rows["Downloads"] == "4 in all, 2 in the last 30 days"
