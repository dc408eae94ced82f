"""The upload pages refuse decompression bombs with a field error and say when a name changed."""

from __future__ import annotations

import io

import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from skillsreg.library.models import Document
from tests.library import samples
from tests.library.test_archives import docx_around, zeros_deflated
from tests.library.test_views import upload_form
from tests.pages import check_page, error_messages

MB = 1024 * 1024


def _post(client, url, data):
    # Encoded in memory: the test client would spool a big body to a file it never closes.
    boundary, body = encode_multipart(data)
    return client.post(url, data=body, content_type=f'multipart/form-data; boundary="{boundary}"')


def test_a_docx_bomb_is_refused_on_the_field_and_the_form_is_kept(client, login_as, organiser, db):
    login_as(organiser)
    bomb = docx_around(("word/document.xml", zeros_deflated(900), 900 * MB, 0))
    files = FileStorage(io.BytesIO(bomb), filename="report.docx")

    page = check_page(_post(client, "/library/new", upload_form(files=files)), errors=True)

    assert error_messages(page) == [
        "report.docx unpacks to more than 100 times its own size, which is how harmful "
        "archives look: it cannot be uploaded"
    ]
    assert page.select_one(".govuk-error-summary a")["href"] == "#files"
    assert page.select_one("#files-error") is not None
    assert page.select_one("#title")["value"] == "Procurement checklist"
    assert page.select_one("#summary").get_text() == "What to ask suppliers"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_the_archive_limits_come_from_the_settings(client, login_as, organiser, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_ARCHIVE_MAX_ENTRIES", 1)
    login_as(organiser)
    files = FileStorage(io.BytesIO(samples.DOCX), filename="paper.docx")

    page = check_page(_post(client, "/library/new", upload_form(files=files)), errors=True)

    assert error_messages(page) == ["paper.docx holds more than 1 files: it cannot be uploaded"]


def test_a_unicode_name_is_kept_and_a_changed_name_is_told(client, login_as, organiser, db):
    login_as(organiser)
    files = [
        FileStorage(io.BytesIO(samples.PDF), filename="Évaluation \u2013 café.pdf"),
        FileStorage(io.BytesIO(samples.CSV), filename="../secret/data?.csv"),
    ]

    response = _post(client, "/library/new", upload_form(files=files))

    assert response.status_code == 302
    document = db.session.scalar(sa.select(Document))
    names = sorted(file.name for file in document.versions[0].files)
    assert names == ["data_.csv", "Évaluation \u2013 café.pdf"]
    page = check_page(client.get(response.headers["Location"]))
    text = page.get_text(" ", strip=True)
    assert (
        "A file was renamed to be safe to download: ../secret/data?.csv is saved as data_.csv"
        in (text)
    )
    assert "Évaluation \u2013 café.pdf is saved" not in text


def test_a_new_version_that_is_a_bomb_is_refused(client, login_as, organiser, db):
    login_as(organiser)
    first = FileStorage(io.BytesIO(samples.PDF), filename="checklist.pdf")
    assert _post(client, "/library/new", upload_form(files=first)).status_code == 302
    document = db.session.scalar(sa.select(Document))
    bomb = docx_around(("word/document.xml", zeros_deflated(4096), 2000, 0))
    files = FileStorage(io.BytesIO(bomb), filename="report.docx")

    response = _post(
        client, f"/library/{document.id}/versions/new", {"note": "Bigger", "files": files}
    )

    page = check_page(response, errors=True)
    assert error_messages(page) == [
        "report.docx unpacks to more than 100 MB: it cannot be uploaded"
    ]
    note = page.select_one("#note")
    assert note.get("value", note.get_text()) == "Bigger"
    assert len(document.versions) == 1
