"""Files are downloaded, never rendered: no response can be an uploaded page or script."""

from __future__ import annotations

from tests.security.walk import filled_urls, parameterless_pages, sample_objects

INLINE_SAFE = {"application/pdf", "text/plain", "image/png", "image/svg+xml", "application/json"}


def test_every_response_forbids_sniffing_and_files_come_as_attachments(
    app, client, login_as, administrator, member, organiser
):
    login_as(administrator)
    values = sample_objects(administrator, member, organiser)
    values["fmt"] = ["yaml", "json", "csv", "case"]
    urls = parameterless_pages(app)
    urls += [url for _, url, methods in filled_urls(app, values) if "GET" in methods]
    files = []
    for url in dict.fromkeys(urls):
        response = client.get(url)
        response.close()
        assert response.headers.get("X-Content-Type-Options") == "nosniff", url
        assert "script-src 'self'" in response.headers.get("Content-Security-Policy", ""), url
        disposition = response.headers.get("Content-Disposition", "")
        if disposition:
            files.append(url)
            kind = disposition.split(";")[0].strip()
            assert kind == "attachment" or response.mimetype in INLINE_SAFE, (url, disposition)
            assert response.mimetype != "text/html", url
    assert any(url.endswith("/export.yaml") for url in files), files
