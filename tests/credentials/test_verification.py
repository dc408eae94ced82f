"""Verification: a good credential passes; tampered, wrong-key, expired and revoked ones fail."""

from __future__ import annotations

import base64
import json
from datetime import timedelta

import pytest

from skillsreg.core.db import utcnow
from skillsreg.credentials import rules, services
from skillsreg.credentials.badges import badge_png, badge_svg
from skillsreg.credentials.keys import generate_key, read_claims, sign
from skillsreg.credentials.verification import verify_upload


def check(upload: bytes | str, signer, *, now=None):
    body = upload.encode() if isinstance(upload, str) else upload
    return verify_upload(
        body,
        jwks=signer.keys.public_jwks(),
        status_lists=lambda url: (
            services.status_list_credential(signer, now=utcnow())
            if url == signer.status_list_url
            else None
        ),
        now=now or utcnow(),
    )


def failures(verdict) -> list[str]:
    return [c.message for c in verdict.checks if not c.passed]


def tampered(token: str) -> str:
    head, _, signature = token.split(".")
    claims = read_claims(token)
    claims["credentialSubject"]["achievement"]["name"] = "Expert in everything"
    body = base64.urlsafe_b64encode(json.dumps(claims).encode()).rstrip(b"=").decode()
    return f"{head}.{body}.{signature}"


def test_an_issued_credential_is_valid(issued, signer):
    verdict = check(issued.jwt, signer)
    assert verdict.is_valid, failures(verdict)
    assert [c.message for c in verdict.checks][-1] == "It has not been revoked."


def test_a_tampered_credential_fails_on_its_signature(issued, signer):
    verdict = check(tampered(issued.jwt), signer)
    assert not verdict.is_valid
    assert failures(verdict)[0].startswith("The signature is not valid")


def test_a_credential_signed_with_another_key_fails(issued, signer):
    from joserfc.jwk import OKPKey

    intruder = OKPKey.import_key(generate_key())
    claims = read_claims(issued.jwt)
    forged = sign(claims, intruder, kid=issued.key_id)  # claims our key's id
    verdict = check(forged, signer)
    assert failures(verdict)[0].startswith("The signature is not valid")


def test_a_key_the_issuer_never_published_is_named_as_such(issued, signer):
    from joserfc.jwk import OKPKey

    intruder = OKPKey.import_key(generate_key())
    forged = sign(read_claims(issued.jwt), intruder, kid=f"{signer.issuer.id}#other")
    assert "has not published" in failures(check(forged, signer))[0]


def test_an_expired_credential_fails(member, version, signer):
    issued_at = utcnow() - timedelta(days=800)
    row = services.issue_skill_level_credential(
        member,
        services.SkillLevelFacts(version.id, "ACCS", 3, "Rita Reviewer", "1 January 2024"),
        signer=signer,
        valid_until=issued_at + timedelta(days=365),
        actor=member,
        now=issued_at,
    )
    verdict = check(row.jwt, signer)
    assert not verdict.is_valid
    assert failures(verdict) == [
        f"It has expired: it was valid until {(issued_at + timedelta(days=365)).day} "
        f"{issued_at + timedelta(days=365):%B %Y}."
    ]


def test_a_credential_not_valid_yet_fails(issued, signer):
    verdict = check(issued.jwt, signer, now=utcnow() - timedelta(days=1))
    assert failures(verdict)[0].startswith("It is not valid yet")


def test_a_revoked_credential_fails(issued, signer, member):
    services.revoke_credential(issued, reason="Asked", actor=member, now=utcnow())
    assert failures(check(issued.jwt, signer)) == ["It has been revoked by the issuer."]


def test_an_unreadable_status_list_fails_rather_than_passing(issued, signer):
    verdict = verify_upload(
        issued.jwt.encode(),
        jwks=signer.keys.public_jwks(),
        status_lists=lambda url: None,
        now=utcnow(),
    )
    assert failures(verdict) == [
        f"Its revocation status could not be read from {signer.status_list_url}."
    ]


def test_the_downloaded_json_verifies_and_a_changed_copy_does_not(issued, signer):
    data = rules.json_download(
        rules.credential_from_claims(read_claims(issued.jwt)), jwt=issued.jwt, kid=issued.key_id
    )
    assert check(json.dumps(data), signer).is_valid
    data["credentialSubject"]["name"] = "Someone Else"
    assert "The JSON file has been changed" in failures(check(json.dumps(data), signer))[0]


@pytest.mark.parametrize("kind", ["svg", "png"])
def test_a_baked_badge_carries_a_credential_that_verifies(issued, signer, kind):
    image = (
        badge_png(issued.jwt)
        if kind == "png"
        else badge_svg(title=issued.name, subtitle="", issuer_name="x", jwt=issued.jwt).encode()
    )
    assert rules.extract_jwt(image) == issued.jwt
    assert check(image, signer).is_valid


def test_a_badge_with_a_tampered_credential_baked_in_fails(issued, signer):
    image = badge_png(tampered(issued.jwt))
    assert not check(image, signer).is_valid


def test_something_that_is_not_a_credential_is_explained(signer):
    assert failures(check("hello there", signer))[0].startswith("No credential was found")
