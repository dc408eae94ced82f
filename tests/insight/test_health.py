"""Community health per month: library downloads counted in SQL by the month they happened."""

from __future__ import annotations

from collections import Counter
from datetime import datetime, timedelta

import pytest
import sqlalchemy as sa

from skillsreg.core.db import utcnow
from skillsreg.insight.health import community_health
from skillsreg.library import services
from skillsreg.library.models import Document, LibraryDownload
from skillsreg.library.publishing import PublishedFile, publish_to_library
from tests.library import samples
from tests.pages import check_page


def month_of(moment: datetime) -> str:
    return f"{moment.year:04d}-{moment.month:02d}"


@pytest.fixture
def file(db, organiser):
    document = publish_to_library(
        key="guide-1",
        title="Accessibility audit guide",
        summary="",
        tags=[],
        files=[PublishedFile("guide.pdf", "application/pdf", samples.PDF)],
        actor=organiser,
        now=utcnow() - timedelta(days=500),
    )
    db.session.commit()
    return document.latest_version.files[0]


def test_library_downloads_are_counted_in_the_month_they_happened(db, file):
    now = utcnow()
    moments = [now - timedelta(days=d) for d in (0, 1, 40, 41, 42, 100, 300, 400)]
    for moment in moments:
        services.record_download(file, now=moment)
    db.session.commit()

    months = community_health(now)

    assert len(months) == 12
    assert months[-1].month == month_of(now)
    shown = {m.month: m.counts["downloads"] for m in months}
    expected = Counter(month_of(m) for m in moments if month_of(m) in shown)
    assert shown == {month: expected.get(month, 0) for month in shown}
    # 400 days ago is more than 12 months back: not shown.
    assert month_of(now - timedelta(days=400)) not in shown
    assert sum(shown.values()) == 7


def test_the_health_page_shows_library_downloads_with_a_table(
    client, db, file, login_as, organiser
):
    now = utcnow()
    for _ in range(3):
        services.record_download(file, now=now)
    db.session.commit()
    login_as(organiser)

    page = check_page(client.get("/insight/health"), title="Community health")

    assert "Library downloads" in [h.get_text(strip=True) for h in page.select("h2")]
    chart = page.select_one("#chart-downloads-title")
    assert chart.get_text() == "Library downloads per month"
    (table,) = [
        t
        for t in page.select("table")
        if t.caption.get_text(strip=True) == "Library downloads per month"
    ]
    last = table.select("tbody tr")[-1]
    assert last.th.get_text(strip=True) == month_of(now)
    assert last.td.get_text(strip=True) == "3"


def test_downloads_of_release_files_from_the_insight_pages_are_counted_as_open_data(
    client, db, community
):
    from skillsreg.insight.services import make_release
    from tests.insight.test_services import BUDGET

    release = make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")
    db.session.commit()
    url = f"/insight/releases/{release.number}/community-skills-release-{release.number}.csv"

    first = client.get(url)
    assert first.status_code == 200
    assert client.get(url).status_code == 200
    # Neither a HEAD nor a cache checking back with the ETag is a download.
    assert client.head(url).status_code == 200
    assert client.get(url, headers={"If-None-Match": first.headers["ETag"]}).status_code == 304

    counts = community_health(utcnow())[-1].counts
    assert counts["open_data"] == 2
    assert counts["downloads"] == 2
    keys = db.session.scalars(
        sa.select(Document.key).join(LibraryDownload, LibraryDownload.document_id == Document.id)
    ).all()
    assert keys == [f"insight-release-{release.number}"] * 2


def test_the_health_page_shows_open_data_downloads(client, db, community, login_as, organiser):
    from skillsreg.insight.services import make_release
    from tests.insight.test_services import BUDGET

    release = make_release(budget=BUDGET, actor=None, now=utcnow(), url_base="")
    db.session.commit()
    client.get(f"/insight/releases/{release.number}/community-skills-release-1.json")
    login_as(organiser)

    page = check_page(client.get("/insight/health"), title="Community health")

    (table,) = [
        t
        for t in page.select("table")
        if t.caption.get_text(strip=True) == "Open data downloads per month"
    ]
    assert table.select("tbody tr")[-1].td.get_text(strip=True) == "1"
