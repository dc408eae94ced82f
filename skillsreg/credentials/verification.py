"""Check a credential: signature, shape, dates and revocation status, each in plain English."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from skillsreg.credentials import rules
from skillsreg.credentials.keys import SignatureError, check_signature

# Given a status list URL, the compact JWT of that status list credential, or None.
StatusLists = Callable[[str], str | None]


@dataclass(frozen=True)
class Check:
    passed: bool
    message: str


@dataclass
class Verdict:
    """What was checked and what was found; valid only when every check passed."""

    checks: list[Check] = field(default_factory=list)
    credential: dict[str, Any] | None = None
    issuer_name: str = ""

    @property
    def is_valid(self) -> bool:
        return bool(self.checks) and all(c.passed for c in self.checks)

    @property
    def summary(self) -> str:
        if self.is_valid:
            return "This credential is valid."
        return "This credential is not valid."

    def add(self, passed: bool, message: str) -> bool:
        self.checks.append(Check(passed, message))
        return passed


def verify_upload(
    upload: bytes, *, jwks: dict[str, Any], status_lists: StatusLists, now: datetime
) -> Verdict:
    """Verify what someone pasted or uploaded: a JWT, a downloaded JSON file or a baked badge."""
    token = rules.extract_jwt(upload)
    if token is None:
        verdict = Verdict()
        verdict.add(
            False,
            "No credential was found. Paste the credential's JWT, or upload its JSON file or "
            "badge image (SVG or PNG) as downloaded from this service.",
        )
        return verdict
    verdict = verify_token(token, jwks=jwks, status_lists=status_lists, now=now)
    if verdict.credential is not None and upload.lstrip().startswith(b"{"):
        shown = rules.without_proof(json.loads(upload))
        verdict.add(
            shown == verdict.credential,
            "The JSON file says the same as the signed credential inside it."
            if shown == verdict.credential
            else "The JSON file has been changed: it no longer says what the signed credential "
            "inside it says.",
        )
    return verdict


def verify_token(
    token: str, *, jwks: dict[str, Any], status_lists: StatusLists, now: datetime
) -> Verdict:
    """Verify a compact VC-JWT against the issuer's published keys and status list."""
    verdict = Verdict()
    try:
        _, claims = check_signature(token, jwks)
    except SignatureError as error:
        verdict.add(False, f"The signature is not valid: {error}.")
        return verdict
    credential = rules.credential_from_claims(claims)
    verdict.credential = credential
    issuer = credential.get("issuer")
    verdict.issuer_name = issuer.get("name", "") if isinstance(issuer, dict) else str(issuer)
    verdict.add(True, f"The signature is valid: {verdict.issuer_name or 'the issuer'} signed it.")
    if not _check_shape(verdict, credential, claims):
        return verdict
    _check_dates(verdict, credential, now)
    _check_status(verdict, credential, jwks=jwks, status_lists=status_lists)
    return verdict


def _check_shape(verdict: Verdict, credential: dict[str, Any], claims: dict[str, Any]) -> bool:
    types = credential.get("type", [])
    is_badge = isinstance(types, list) and (
        "OpenBadgeCredential" in types or "AchievementCredential" in types
    )
    subject = credential.get("credentialSubject")
    if not is_badge or not isinstance(subject, dict) or "achievement" not in subject:
        return verdict.add(False, "It is not an Open Badges 3.0 credential.")
    issuer = credential.get("issuer")
    issuer_id = issuer.get("id") if isinstance(issuer, dict) else issuer
    if claims.get("iss") != issuer_id or claims.get("jti") != credential.get("id"):
        return verdict.add(False, "Its JWT claims do not match the credential inside it.")
    return verdict.add(True, f"It is an Open Badges 3.0 credential: {credential.get('name')}.")


def _check_dates(verdict: Verdict, credential: dict[str, Any], now: datetime) -> None:
    try:
        valid_from = rules.parse_time(credential["validFrom"])
        valid_until = (
            rules.parse_time(credential["validUntil"]) if "validUntil" in credential else None
        )
    except (KeyError, ValueError, TypeError):
        verdict.add(False, "Its dates cannot be read.")
        return
    if valid_from > now:
        verdict.add(False, f"It is not valid yet: it starts on {_day(valid_from)}.")
    elif valid_until is not None and valid_until <= now:
        verdict.add(False, f"It has expired: it was valid until {_day(valid_until)}.")
    elif valid_until is not None:
        verdict.add(
            True, f"It is in date: issued {_day(valid_from)}, valid until {_day(valid_until)}."
        )
    else:
        verdict.add(True, f"It is in date: issued {_day(valid_from)}, with no expiry date.")


def _day(moment: datetime) -> str:
    return f"{moment.day} {moment:%B %Y}"


def _check_status(
    verdict: Verdict, credential: dict[str, Any], *, jwks: dict[str, Any], status_lists: StatusLists
) -> None:
    entry = credential.get("credentialStatus")
    if not isinstance(entry, dict) or entry.get("type") != "BitstringStatusListEntry":
        verdict.add(False, "It has no status list entry, so whether it was revoked is unknown.")
        return
    url = str(entry.get("statusListCredential", ""))
    token = status_lists(url)
    if token is None:
        verdict.add(False, f"Its revocation status could not be read from {url}.")
        return
    try:
        _, claims = check_signature(token, jwks)
        subject = claims["credentialSubject"]
        revoked = rules.status_bit(subject["encodedList"], int(entry["statusListIndex"]))
    except (SignatureError, KeyError, ValueError, TypeError) as error:
        verdict.add(False, f"Its status list cannot be trusted or read ({error}).")
        return
    if revoked:
        verdict.add(False, "It has been revoked by the issuer.")
    else:
        verdict.add(True, "It has not been revoked.")
