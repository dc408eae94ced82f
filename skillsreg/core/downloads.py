"""One way to send a body as a file download: attachment, safe name, extra headers."""

from __future__ import annotations

from flask import Response

from skillsreg.core.filenames import content_disposition


def attachment(
    body: str | bytes, *, mimetype: str, filename: str, headers: dict[str, str] | None = None
) -> Response:
    """A response the browser saves as `filename` (nosniff is added to every response).

    A `mimetype` with parameters ("text/csv; charset=utf-8") is sent as it is; a bare one gets
    Flask's default charset where it applies.
    """
    if ";" in mimetype:
        response = Response(body, content_type=mimetype)
    else:
        response = Response(body, mimetype=mimetype)
    response.headers["Content-Disposition"] = content_disposition(filename)
    response.headers.update(headers or {})
    return response
