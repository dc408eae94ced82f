"""Library pages: browsing, searching, downloading, uploading, the feed and targets."""

from __future__ import annotations

import io
import xml.etree.ElementTree as ET
from datetime import UTC, datetime, timedelta
from urllib.parse import quote

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from skillsreg.core.db import utcnow
from skillsreg.library.models import Document, PublishingTarget, Push, PushStatus, TargetKind
from skillsreg.library.publishing import PublishedFile, publish_to_library, withdraw_from_library
from skillsreg.library.targets import TargetError, read_secret
from tests.library import samples
from tests.pages import check_page, error_messages

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def add_document(db, organiser):
    counter = iter(range(1, 10_000))

    def add(title="Accessibility audit guide", tags=("accessibility",), files=None, **kw):
        n = next(counter)
        document = publish_to_library(
            key=kw.pop("key", f"doc-{n}"),
            title=title,
            summary=kw.pop("summary", "How councils audit their websites"),
            tags=list(tags),
            files=files or [PublishedFile(f"guide-{n}.pdf", "application/pdf", samples.PDF)],
            actor=organiser,
            now=kw.pop("now", utcnow()),
        )
        db.session.commit()
        return document

    return add


def upload_form(**overrides):
    data = {
        "title": "Procurement checklist",
        "summary": "What to ask suppliers",
        "tags": "procurement, Suppliers",
        "kind": "workshop_materials",
        "files": [(io.BytesIO(samples.PDF), "checklist.pdf")],
    }
    data.update(overrides)
    return data


# --- browsing ---------------------------------------------------------------------------


def test_anyone_can_browse_and_search_the_library(client, add_document):
    add_document("Accessibility audit guide", tags=["accessibility"])
    add_document("Content design patterns", tags=["content"], summary="Plain English")

    page = check_page(client.get("/library/"), title="Community library")
    assert "Accessibility audit guide" in page.text
    assert "Content design patterns" in page.text

    found = check_page(client.get("/library/?q=english"))
    assert "Content design patterns" in found.text
    assert "Accessibility audit guide" not in found.text
    assert "1 document found" in found.text


def test_search_matches_tags_and_every_word(client, add_document):
    add_document("Guide one", tags=["procurement"], summary="x")
    add_document("Guide two", tags=["content"], summary="procurement of CMS")
    add_document("Other", tags=["content"], summary="y")

    assert "Guide one" in client.get("/library/?q=procure").get_data(as_text=True)
    both = client.get("/library/?q=guide+procurement").get_data(as_text=True)
    assert "Guide one" in both
    assert "Guide two" in both
    assert "Other" not in both
    assert "Guide" not in client.get("/library/?q=100%25").get_data(as_text=True)


def test_tag_filter_lists_only_tagged_documents(client, add_document):
    add_document("Tagged", tags=["accessibility", "audit"])
    add_document("Untagged", tags=["content"])

    page = check_page(client.get("/library/?tag=audit"))

    assert "Tagged" in page.text
    assert "Untagged" not in page.text
    options = [o.get_text() for o in page.select("#tag option")]
    assert "audit (1)" in options


def test_long_lists_are_paginated(client, add_document):
    start = datetime(2026, 1, 1, tzinfo=UTC)
    for n in range(23):
        add_document(f"Document number {n:02d}", now=start + timedelta(hours=n))

    first = check_page(client.get("/library/"))
    second = check_page(client.get("/library/?page=2"))

    assert "Document number 22" in first.text
    assert "Document number 02" not in first.text
    assert "Document number 02" in second.text
    assert second.select_one(".govuk-pagination") is not None


def test_document_page_lists_versions_and_files(client, add_document):
    document = add_document(
        key="doc-v", files=[PublishedFile("a.pdf", "application/pdf", samples.PDF)]
    )
    add_document(key="doc-v", files=[PublishedFile("b.csv", "text/csv", samples.CSV)])

    page = check_page(client.get(f"/library/{document.id}"), title="Accessibility audit guide")

    assert [h.get_text(strip=True) for h in page.select("h2")][:2] == [
        "Version 2 (latest)",
        "Version 1",
    ]
    links = [a["href"] for a in page.select("a[download]")]
    assert links == [
        f"/library/{document.id}/versions/2/b.csv",
        f"/library/{document.id}/versions/1/a.pdf",
    ]
    assert page.find(string="Add a new version") is None  # anonymous


def test_unknown_documents_and_files_are_not_found(client, add_document):
    document = add_document()
    assert client.get("/library/999999").status_code == 404
    assert client.get(f"/library/{document.id}/versions/1/nothing.pdf").status_code == 404
    assert client.get(f"/library/{document.id}/versions/7/guide-1.pdf").status_code == 404


# --- downloads --------------------------------------------------------------------------


def test_downloads_are_attachments_with_safe_headers(client, add_document):
    document = add_document(files=[PublishedFile("register.csv", "text/csv", samples.CSV)])

    response = client.get(f"/library/{document.id}/versions/1/register.csv")

    assert response.status_code == 200
    assert response.data == samples.CSV
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["Content-Disposition"] == 'attachment; filename="register.csv"'
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Content-Security-Policy"] == "default-src 'none'; sandbox"


@pytest.mark.parametrize(
    ("name", "header"),
    [
        (
            "Adroddiad Cymraeg \u2013 ŵyr.pdf",
            'attachment; filename="Adroddiad Cymraeg _ _yr.pdf"; '
            "filename*=UTF-8''Adroddiad%20Cymraeg%20%E2%80%93%20%C5%B5yr.pdf",
        ),
        (
            'say "hi"\r\nSet-Cookie: a=b.pdf',
            'attachment; filename="say _hi_Set-Cookie_ a_b.pdf"; '
            "filename*=UTF-8''say%20%22hi%22%0D%0ASet-Cookie%3A%20a%3Db.pdf",
        ),
    ],
)
def test_file_names_from_other_domains_give_a_safe_ascii_header(client, add_document, name, header):
    document = add_document(files=[PublishedFile(name, "application/pdf", samples.PDF)])
    file = document.latest_version.files[0]

    response = client.get(f"/library/{document.id}/versions/1/{quote(file.name, safe='')}")

    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == header
    response.headers["Content-Disposition"].encode("ascii")


def test_html_published_by_other_domains_is_never_served_as_html(client, add_document):
    html = PublishedFile("register.html", "text/html", b"<script>alert(1)</script>")
    document = add_document(files=[html])

    response = client.get(f"/library/{document.id}/versions/1/register.html")

    assert response.headers["Content-Type"] == "application/octet-stream"
    assert response.headers["Content-Disposition"].startswith("attachment")


def test_withdrawn_files_give_410_with_the_notice(client, add_document, db):
    document = add_document(key="register-5")
    withdraw_from_library(
        key="register-5", notice="Someone withdrew consent.", actor=None, now=utcnow()
    )
    db.session.commit()

    response = client.get(f"/library/{document.id}/versions/1/guide-1.pdf")

    page = check_page(response, status=410, title="This document was withdrawn")
    assert "Someone withdrew consent." in page.text
    assert samples.PDF not in response.data
    shown = check_page(client.get(f"/library/{document.id}"))
    assert "no longer available" in shown.text
    assert not shown.select("a[download]")


# --- uploads ----------------------------------------------------------------------------


def test_organisers_upload_documents(client, login_as, organiser, db):
    login_as(organiser)

    response = client.post("/library/new", data=upload_form(), content_type="multipart/form-data")

    document = db.session.scalar(
        sa.select(Document).where(Document.title == "Procurement checklist")
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/library/{document.id}"
    assert document.tags == ["procurement", "suppliers"]
    assert document.kind.value == "workshop_materials"
    (file,) = document.versions[0].files
    assert (file.name, file.media_type, file.content) == (
        "checklist.pdf",
        "application/pdf",
        samples.PDF,
    )


def test_the_upload_form_renders(client, login_as, organiser):
    login_as(organiser)
    page = check_page(client.get("/library/new"), title="Upload a document")
    assert page.select_one("main form")["enctype"] == "multipart/form-data"
    assert page.select_one("input[type=file]").has_attr("multiple")


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([(io.BytesIO(b"<p>hi</p>"), "page.html")], "page.html must be a PDF, CSV"),
        (
            [(io.BytesIO(samples.HTML_AS_PDF), "report.pdf")],
            "report.pdf does not match its file type",
        ),
        (
            [(io.BytesIO(samples.PDF), "ok.pdf"), (io.BytesIO(b"\x00\x01"), "bad.png")],
            "bad.png does not match its file type",
        ),
        ([], "Choose a file to upload"),
        ([(io.BytesIO(samples.PDF), f"part-{n}.pdf") for n in range(6)], "Choose 5 files or fewer"),
        ([(io.BytesIO(b""), "empty.pdf")], "empty.pdf is empty"),
        (
            [(io.BytesIO(samples.PDF), "same.pdf"), (io.BytesIO(samples.PDF), "same.pdf")],
            "Two files have the same name (same.pdf): rename one",
        ),
    ],
)
def test_bad_files_are_refused_whole_and_the_fields_kept(
    client, login_as, organiser, db, files, message
):
    login_as(organiser)

    response = client.post(
        "/library/new", data=upload_form(files=files), content_type="multipart/form-data"
    )

    page = check_page(response, errors=True)
    assert any(message in text for text in error_messages(page)), error_messages(page)
    assert page.select_one("#title")["value"] == "Procurement checklist"
    assert page.select_one("#tags")["value"] == "procurement, Suppliers"
    assert page.select_one("#summary").get_text() == "What to ask suppliers"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Document)) == 0


def test_files_over_the_size_limit_are_refused(client, login_as, organiser, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_MAX_UPLOAD_MB", 1)
    login_as(organiser)
    big = FileStorage(io.BytesIO(samples.PDF + b"0" * (1024 * 1024)), filename="big.pdf")
    # Encoded here in memory: the test client would spool a body this big to a file it never closes.
    boundary, body = encode_multipart(upload_form(files=big))

    response = client.post(
        "/library/new", data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )

    page = check_page(response, errors=True)
    assert "big.pdf must be smaller than 1 MB" in error_messages(page)


@pytest.mark.parametrize("url", ["/library/new", "/library/targets/new"])
def test_members_cannot_upload_or_configure(client, login_as, member, url):
    login_as(member)
    assert client.get(url).status_code == 403
    assert client.post(url, data={}).status_code == 403
    assert client.get("/library/targets").status_code == 403


def test_signed_out_people_are_sent_to_sign_in(client):
    response = client.get("/library/new")
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_organisers_cannot_configure_targets(client, login_as, organiser):
    login_as(organiser)
    assert client.get("/library/targets").status_code == 403
    assert client.post("/library/targets/new", data={"name": "x"}).status_code == 403


def test_organisers_add_versions_and_edit_documents(client, login_as, organiser, add_document, db):
    document = add_document()
    login_as(organiser)

    check_page(client.get(f"/library/{document.id}/versions/new"), title="Add a new version")
    response = client.post(
        f"/library/{document.id}/versions/new",
        data={"note": "Fixed a typo", "files": [(io.BytesIO(samples.CSV), "data.csv")]},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    response = client.post(
        f"/library/{document.id}/edit",
        data={"title": "Audit guide (2027)", "summary": "New", "tags": "audit, web"},
    )
    assert response.status_code == 302

    db.session.expire_all()
    assert document.title == "Audit guide (2027)"
    assert document.tags == ["audit", "web"]
    assert [v.note for v in document.versions] == ["Fixed a typo", ""]


def test_editing_needs_a_title(client, login_as, organiser, add_document):
    document = add_document()
    login_as(organiser)

    page = check_page(
        client.post(f"/library/{document.id}/edit", data={"title": "", "tags": "keep"}), errors=True
    )

    assert error_messages(page) == ["Enter a title"]
    assert page.select_one("#tags")["value"] == "keep"


def test_organisers_withdraw_documents(client, login_as, organiser, add_document, db):
    document = add_document()
    login_as(organiser)

    page = check_page(client.post(f"/library/{document.id}/withdraw", data={}), errors=True)
    assert error_messages(page) == ["Enter the notice to show instead of the files"]
    response = client.post(f"/library/{document.id}/withdraw", data={"notice": "Out of date"})

    assert response.status_code == 302
    assert client.get(f"/library/{document.id}/versions/1/guide-1.pdf").status_code == 410


# --- the feed ---------------------------------------------------------------------------


def test_the_feed_is_atom_announcing_documents_and_versions(client, add_document):
    first = datetime(2026, 3, 1, 9, 0, tzinfo=UTC)
    document = add_document('Rules <for> "A & B"', key="doc-feed", now=first)
    add_document('Rules <for> "A & B"', key="doc-feed", now=first + timedelta(days=2))
    add_document("Withdrawn one", key="register-9", now=first)
    withdraw_from_library(key="register-9", notice="x", actor=None, now=first)

    response = client.get("/library/feed.atom")

    assert response.headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = ET.fromstring(response.data)  # noqa: S314 - the feed this service wrote
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}id") == "http://skillsreg.test/library/feed.atom"
    assert feed.findtext(f"{ATOM}updated") == "2026-03-03T09:00:00Z"
    assert feed.find(f"{ATOM}author/{ATOM}name").text
    assert (
        feed.find(f"{ATOM}link[@rel='alternate']").get("href") == "http://skillsreg.test/library/"
    )
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        'New version 2: Rules <for> "A & B"',
        'New document: Rules <for> "A & B"',
    ]
    url = f"http://skillsreg.test/library/{document.id}"
    assert [e.findtext(f"{ATOM}id") for e in entries] == [f"{url}#version-2", f"{url}#version-1"]
    assert entries[0].find(f"{ATOM}link[@rel='alternate']").get("href") == url
    assert entries[0].findtext(f"{ATOM}updated") == "2026-03-03T09:00:00Z"
    assert b"&lt;for&gt;" in response.data


# --- pushing and targets ----------------------------------------------------------------


def test_organisers_push_a_document_and_see_the_record(
    client, login_as, organiser, add_document, dav_target, dav_root, db
):
    document = add_document(key="doc-push")
    login_as(organiser)

    page = check_page(client.get(f"/library/{document.id}"))
    assert page.select_one("#target_id option").get_text() == "Community Nextcloud"
    response = client.post(f"/library/{document.id}/push", data={"target_id": dav_target.id})
    assert response.status_code == 302
    assert "Pushed to Community Nextcloud" in check_page(client.get(response.location)).text
    assert (dav_root / "published" / "registers" / "doc-push" / "guide-1.pdf").exists()
    again = client.post(f"/library/{document.id}/push", data={"target_id": dav_target.id})

    assert again.status_code == 302
    page = check_page(client.get(again.location))
    assert "Already on Community Nextcloud: nothing changed" in page.text
    page = check_page(client.get(f"/library/{document.id}"))
    assert [t.get_text(strip=True) for t in page.select("#pushes .govuk-tag")] == [
        "unchanged",
        "ok",
    ]


def test_a_failed_push_is_kept_and_reported(
    client, login_as, organiser, add_document, dav_target, dav_server, db
):
    document = add_document(key="doc-fail")
    dav_server.stop()
    login_as(organiser)

    response = client.post(f"/library/{document.id}/push", data={"target_id": dav_target.id})

    page = check_page(client.get(response.location))  # the queue will try again later
    assert "Could not push to Community Nextcloud" in page.text
    assert "It will be tried again in 10 seconds" in page.text
    page = check_page(client.get(f"/library/{document.id}"))
    db.session.expire_all()
    statuses = db.session.scalars(sa.select(Push.status).where(Push.key == "doc-fail")).all()
    assert statuses == [PushStatus.FAILED]


def test_administrators_add_edit_and_test_targets(
    client, login_as, administrator, dav_server, db, monkeypatch
):
    monkeypatch.setenv("SKILLSREG_TEST_DAV_PASSWORD", "dav secret 1")
    login_as(administrator)
    form = {
        "name": "Nextcloud",
        "kind": "webdav",
        "base_url": dav_server.url,
        "folder": "registers",
        "username": "publisher",
        "secret_env": "SKILLSREG_TEST_DAV_PASSWORD",
        "is_enabled": "y",
    }

    assert client.post("/library/targets/new", data=form).status_code == 302
    assert "Nextcloud saved" in check_page(client.get("/library/targets")).text
    target = db.session.scalar(
        sa.select(PublishingTarget).where(PublishingTarget.name == "Nextcloud")
    )
    assert target.kind is TargetKind.WEBDAV
    client.post(f"/library/targets/{target.id}/test", data={})
    page = check_page(client.get("/library/targets"), title="Publishing targets")
    assert "Nextcloud: Connected" in page.text
    assert "dav secret 1" not in client.get(f"/library/targets/{target.id}/edit").get_data(
        as_text=True
    )

    client.post(f"/library/targets/{target.id}/edit", data={**form, "is_enabled": ""})
    db.session.expire_all()
    assert target.is_enabled is False


def test_target_form_errors_keep_the_answers(client, login_as, administrator, make_target):
    make_target(TargetKind.CKAN, "https://data.example.org", name="Portal")
    login_as(administrator)
    form = {"name": "Portal", "kind": "ckan", "base_url": "ftp://x", "secret_env": "1BAD"}

    page = check_page(client.post("/library/targets/new", data=form), errors=True)

    assert error_messages(page) == [
        "Enter a name made of capital letters, numbers and _, starting with a letter"
    ]
    form["secret_env"] = "SKILLSREG_CKAN_TOKEN"
    page = check_page(client.post("/library/targets/new", data=form), errors=True)
    assert error_messages(page) == ["Enter an address starting with https://"]
    assert page.select_one("#name")["value"] == "Portal"
    form["base_url"] = "https://data.example.org"
    page = check_page(client.post("/library/targets/new", data=form), errors=True)
    assert error_messages(page) == ["A publishing target with this name already exists"]


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "MAIL_PASSWORD", "SKILLSREG_ENV"])
def test_a_target_cannot_read_the_services_own_secrets(client, login_as, administrator, db, name):
    login_as(administrator)
    form = {"name": "Leak", "kind": "webdav", "base_url": "https://x.example", "secret_env": name}

    page = check_page(client.post("/library/targets/new", data=form), errors=True)

    assert error_messages(page) == [
        "Enter a name starting with SKILLSREG_, for example SKILLSREG_DAV_TOKEN: "
        "the service's own settings cannot be used"
    ]
    assert (
        db.session.scalar(sa.select(PublishingTarget).where(PublishingTarget.name == "Leak"))
        is None
    )


def test_a_target_saved_with_a_forbidden_variable_never_reads_it(make_target, monkeypatch):
    target = make_target(TargetKind.WEBDAV, "https://x.example", username="u")
    target.secret_env = "SECRET_KEY"
    monkeypatch.setenv("SECRET_KEY", "the service secret")

    with pytest.raises(TargetError, match="cannot be used"):
        read_secret(target)


def test_a_failed_connection_test_says_why(client, login_as, administrator, make_target):
    target = make_target(TargetKind.WEBDAV, "http://127.0.0.1:9", name="Nowhere")
    login_as(administrator)

    response = client.post(f"/library/targets/{target.id}/test", data={}, follow_redirects=True)

    assert "Could not connect to Nowhere" in check_page(response).text


def test_register_snapshots_point_organisers_to_the_register(
    client, login_as, organiser, add_document
):
    document = add_document(key="register-4")
    login_as(organiser)

    page = check_page(client.get(f"/library/{document.id}"))

    assert "published by the register" in page.text
    assert page.find("a", string="Add a new version") is None
    response = client.post(f"/library/{document.id}/edit", data={"title": "Renamed"})
    assert "change or withdraw it there" in " ".join(
        error_messages(check_page(response, errors=True))
    )


def test_a_body_far_beyond_the_limit_is_not_read(client, login_as, organiser, app, monkeypatch):
    monkeypatch.setitem(app.config, "LIBRARY_MAX_UPLOAD_MB", 1)
    login_as(organiser)
    huge = FileStorage(io.BytesIO(b"%PDF-" + b"0" * (7 * 1024 * 1024)), filename="huge.pdf")
    boundary, body = encode_multipart(upload_form(files=huge))

    response = client.post(
        "/library/new", data=body, content_type=f'multipart/form-data; boundary="{boundary}"'
    )

    assert response.status_code == 413
