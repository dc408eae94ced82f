"""Every download goes through one helper: attachment, RFC 6266 name, the content type kept."""

from __future__ import annotations

from skillsreg.core.downloads import attachment, content_type


def test_a_download_is_an_attachment_with_its_type_and_extra_headers(app):
    with app.test_request_context():
        response = attachment(
            "a,b\r\n", mimetype="text/csv", filename="Zoë's list.csv", headers={"X-Test": "1"}
        )
        typed = attachment("{}", mimetype="text/csv; charset=utf-8", filename="x.csv")

    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"Zo_s list.csv\"; filename*=UTF-8''Zo%C3%AB%27s%20list.csv"
    )
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    assert response.headers["X-Test"] == "1"
    assert typed.headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_content_type_gets_a_charset_only_when_it_has_none():
    assert content_type("text/csv") == "text/csv; charset=utf-8"
    assert content_type("text/csv; charset=utf-8") == "text/csv; charset=utf-8"
    assert content_type("application/pdf") == "application/pdf"
