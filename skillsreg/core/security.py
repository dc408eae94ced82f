"""Security headers for every response, including a nonce-based Content-Security-Policy."""

from __future__ import annotations

from flask import Response


def content_security_policy(nonce: str | None) -> str:
    """The CSP: our own origin only, scripts by nonce, never inline or framed."""
    script = "'self'" + (f" 'nonce-{nonce}'" if nonce else "")
    directives = {
        "default-src": "'self'",
        "script-src": script,
        "style-src": "'self'",
        "img-src": "'self' data:",
        "font-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'none'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def apply_security_headers(response: Response, *, nonce: str | None, secure: bool) -> Response:
    """Add the headers every page and file needs."""
    headers = response.headers
    if response.status_code != 304:
        # A 304's headers replace the stored page's: a new nonce would block its own scripts.
        headers.setdefault("Content-Security-Policy", content_security_policy(nonce))
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
    if response.mimetype == "text/html" and "Cache-Control" not in headers:
        # Pages may show someone's answers: never kept by a shared computer's back button or
        # by a proxy once they have signed out.
        headers["Cache-Control"] = "no-store"
    if secure:
        headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
    return response
