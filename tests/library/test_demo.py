"""The demonstration documents: the seed grey literature and a framework export."""

from __future__ import annotations

import csv
import io
import json

import sqlalchemy as sa

from skillsreg.config import ROOT
from skillsreg.core.db import utcnow
from skillsreg.frameworks import services as framework_services
from skillsreg.frameworks.models import VersionStatus
from skillsreg.library.demo import load_demo_documents, load_demo_downloads
from skillsreg.library.models import Document, DocumentKind, LibraryDownload

FRAMEWORK = ROOT / "frameworks" / "web-professionals" / "1.0.0.yaml"


def test_demo_documents_are_loaded_once(db, organiser):
    version = framework_services.import_file(FRAMEWORK, now=utcnow()).version
    if version.status is not VersionStatus.PUBLISHED:
        framework_services.publish_version(
            version, expected_lock=None, now=utcnow(), version_url="http://x"
        )

    documents = load_demo_documents(utcnow(), base_url="http://skillsreg.test")
    again = load_demo_documents(utcnow(), base_url="http://skillsreg.test")

    assert [d.id for d in again] == [d.id for d in documents]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 2
    paper, export = documents
    assert paper.kind is DocumentKind.COMMUNITY_DOCUMENT
    assert "grey literature" in paper.tags
    (summary,) = paper.latest_version.files
    assert b"Leask, M. and Constable, H. (2008)" in summary.content
    assert export.kind is DocumentKind.FRAMEWORK_EXPORT
    files = {f.name: f for f in export.latest_version.files}
    stem = f"{version.framework.slug}-{version.number}"
    assert set(files) == {f"{stem}.csv", f"{stem}.json", f"{stem}-case.json"}
    rows = list(csv.reader(io.StringIO(files[f"{stem}.csv"].content.decode())))
    assert len(rows) > 10
    assert "CFDocument" in json.loads(files[f"{stem}-case.json"].content)


def test_demo_downloads_are_scattered_over_the_year_once(db, organiser):
    now = utcnow()
    (paper,) = load_demo_documents(now, base_url="http://skillsreg.test")

    added = load_demo_downloads(now)

    events = list(db.session.scalars(sa.select(LibraryDownload)))
    assert added == len(events) > 50
    assert all(paper.created_at <= e.downloaded_at <= now for e in events)
    assert {e.document_version_id for e in events} == {paper.latest_version.id}
    months = {(e.downloaded_at.year, e.downloaded_at.month) for e in events}
    assert len(months) >= 9
    assert load_demo_downloads(now) == 0
