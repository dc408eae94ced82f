"""Which files may be uploaded, and how stored files are served."""

from __future__ import annotations

import io
import zipfile

import pytest

from skillsreg.library.rules import (
    UploadRejectedError,
    check_upload,
    normalise_tags,
    parse_tags,
    safe_filename,
    secret_env_problem,
    served_media_type,
)
from tests.library import samples

MB = 1024 * 1024


@pytest.mark.parametrize(
    ("filename", "content", "media_type"),
    [
        ("report.pdf", samples.PDF, "application/pdf"),
        ("register.csv", samples.CSV, "text/csv"),
        ("data.json", b'{"a": [1, 2]}', "application/json"),
        ("notes.txt", "Café notes".encode(), "text/plain"),
        ("README.md", b"# Title\n\nSome *text*.", "text/markdown"),
        ("minutes.odt", samples.ODT, "application/vnd.oasis.opendocument.text"),
        ("budget.ods", samples.ODS, "application/vnd.oasis.opendocument.spreadsheet"),
        (
            "paper.docx",
            samples.DOCX,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "sheet.XLSX",
            samples.XLSX,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            "slides.pptx",
            samples.PPTX,
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        ),
        ("chart.png", samples.PNG, "image/png"),
        ("photo.jpeg", samples.JPEG, "image/jpeg"),
        ("photo.jpg", samples.JPEG, "image/jpeg"),
        ("bundle.zip", samples.ZIP, "application/zip"),
    ],
)
def test_allowed_files_are_accepted_with_their_media_type(filename, content, media_type):
    assert check_upload(filename, content, max_bytes=MB) == (filename, media_type)


@pytest.mark.parametrize(
    ("filename", "content", "message"),
    [
        ("page.html", b"<p>hi</p>", "must be a PDF"),
        ("script.js", b"alert(1)", "must be a PDF"),
        ("image.svg", b"<svg/>", "must be a PDF"),
        ("no-extension", samples.PDF, "must be a PDF"),
        ("fake.pdf", samples.HTML_AS_PDF, "does not match its file type"),
        ("fake.png", samples.PDF, "does not match its file type"),
        ("page.txt", samples.HTML_AS_TXT, "contains a web page or script"),
        ("data.csv", samples.SCRIPT_IN_CSV, "contains a web page or script"),
        ("latin1.txt", "Café".encode("latin-1"), "must be saved as UTF-8"),
        ("binary.txt", b"abc\0def", "is not a text file"),
        ("broken.json", b"{not json", "is not valid JSON"),
        ("fake.docx", samples.ZIP, "does not match its file type"),
        ("fake.odt", samples.ODS, "does not match its file type"),
        ("truncated.zip", samples.ZIP[:20], "is damaged"),
        ("empty.pdf", b"", "is empty"),
    ],
)
def test_disallowed_or_disguised_files_are_refused(filename, content, message):
    with pytest.raises(UploadRejectedError, match=message):
        check_upload(filename, content, max_bytes=MB)


def test_files_over_the_limit_are_refused():
    with pytest.raises(UploadRejectedError, match="must be smaller than 1 MB"):
        check_upload("big.pdf", samples.PDF + b"0" * MB, max_bytes=MB)


def test_file_names_lose_folders_and_odd_characters():
    assert safe_filename("C:\\Users\\me\\My report (final).pdf") == "My report (final).pdf"
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename('a"b;c.csv') == "a_b_c.csv"
    assert safe_filename("...") == "file"
    assert safe_filename("Évaluation \u2013 café.pdf") == "Évaluation \u2013 café.pdf"
    kept = "O'Brien\u2019s \u201cnotes\u201d 日本語 (v2) £5.txt"
    assert safe_filename(kept) == kept
    assert safe_filename("evil\u202egpj.exe") == "evil_gpj.exe"
    assert safe_filename("100% done?.pdf") == "100_ done_.pdf"
    assert safe_filename("x" * 300 + ".pdf").endswith(".pdf")
    assert len(safe_filename("x" * 300 + ".pdf")) <= 150


def test_tags_are_trimmed_lower_case_and_unique():
    assert parse_tags(" Accessibility, procurement ,ACCESSIBILITY,, local  gov ") == [
        "accessibility",
        "procurement",
        "local gov",
    ]
    assert len(normalise_tags(f"t{n}" for n in range(50))) == 12


@pytest.mark.parametrize(
    ("stored", "served"),
    [
        ("text/csv", "text/csv; charset=utf-8"),
        ("application/pdf", "application/pdf"),
        ("text/html", "application/octet-stream"),
        ("image/svg+xml", "application/octet-stream"),
        ("application/javascript", "application/octet-stream"),
        ("application/csvm+json", "application/csvm+json"),
    ],
)
def test_files_are_never_served_as_something_a_browser_runs(stored, served):
    assert served_media_type(stored) == served


def test_an_odf_whose_mimetype_inflates_hugely_is_refused_without_inflating_it():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("mimetype", b"application/vnd.oasis.opendocument.text" + b" " * (50 * MB))
    bomb = buffer.getvalue()
    assert len(bomb) < MB

    with pytest.raises(UploadRejectedError, match="does not match its file type"):
        check_upload("minutes.odt", bomb, max_bytes=MB)


@pytest.mark.parametrize("name", ["SECRET_KEY", "DATABASE_URL", "MAIL_PASSWORD", "SKILLSREG_ENV"])
def test_targets_cannot_name_the_services_own_settings(name):
    assert secret_env_problem(name) is not None


def test_targets_may_name_their_own_variables():
    assert secret_env_problem("SKILLSREG_DAV_TOKEN") is None
    assert secret_env_problem("") is None
    assert secret_env_problem("skillsreg_dav_token") is not None


def test_file_names_keep_letters_of_any_script():
    assert safe_filename("Café notes.txt") == "Café notes.txt"
    assert safe_filename("Cynllun\u202egnp.exe.pdf") == "Cynllun_gnp.exe.pdf"
