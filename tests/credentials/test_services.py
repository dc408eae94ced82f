"""Issuing credentials: the OB 3.0 shape, independent signature checks, revocation, erasure."""

from __future__ import annotations

import json
from datetime import timedelta

import jwt as pyjwt
import pytest
from jwt.algorithms import OKPAlgorithm

from skillsreg.core.db import utcnow
from skillsreg.credentials import rules, services
from skillsreg.credentials.keys import read_claims
from skillsreg.credentials.models import CredentialKind
from skillsreg.frameworks.exchange import case_item_id
from skillsreg.register.personal_data import erase_account, personal_data
from tests.conftest import DEFAULT_PASSWORD


def independent_decode(token: str, jwks: dict) -> dict:
    """Check the signature with PyJWT and cryptography, not joserfc which signed it."""
    header = pyjwt.get_unverified_header(token)
    kid = header["kid"].rsplit("#", 1)[1]
    (jwk,) = [k for k in jwks["keys"] if k["kid"] == kid]
    public = {k: v for k, v in jwk.items() if k != "d"}
    key = OKPAlgorithm.from_jwk(json.dumps(public))
    return pyjwt.decode(token, key, algorithms=["EdDSA"], options={"verify_aud": False})


def credential_of(row) -> dict:
    return rules.credential_from_claims(read_claims(row.jwt))


def test_an_attendance_credential_is_a_valid_open_badge(issued, ob3_validator):
    ob3_validator.validate(credential_of(issued))
    assert issued.kind is CredentialKind.ATTENDANCE


def test_the_signature_checks_out_with_an_independent_library(issued, signing_key, signer):
    claims = independent_decode(issued.jwt, signer.keys.public_jwks())
    header = pyjwt.get_unverified_header(issued.jwt)
    assert header["alg"] == "EdDSA"
    assert header["kid"] == f"{signer.issuer.id}#{signing_key['keys'][0]['kid']}"
    assert claims["iss"] == signer.issuer.id
    assert claims["jti"] == f"urn:uuid:{issued.uuid}"
    assert claims["type"] == ["VerifiableCredential", "OpenBadgeCredential"]


def test_the_independent_library_rejects_a_changed_credential(issued, signer):
    head, _, signature = issued.jwt.split(".")
    claims = read_claims(issued.jwt)
    claims["credentialSubject"]["name"] = "Someone Else"
    forged = pyjwt.utils.base64url_encode(json.dumps(claims).encode()).decode()
    with pytest.raises(pyjwt.InvalidSignatureError):
        independent_decode(f"{head}.{forged}.{signature}", signer.keys.public_jwks())


def test_attendance_aligns_to_the_case_items_of_the_workshops_skills(issued, version, signer):
    achievement = credential_of(issued)["credentialSubject"]["achievement"]
    _, cods = case_item_id(signer.base_url, "web-professionals", "1.0.0", "skill", "CODS")
    assert [a["targetCode"] for a in achievement["alignment"]] == ["CODS", "ACCS"]
    assert achievement["alignment"][0]["targetUrl"] == cods
    assert achievement["alignment"][0]["targetType"] == "CFItem"
    assert achievement["name"] == "Attended: Accessible content workshop"


def test_the_recipient_is_named_and_identified_by_a_salted_hash(issued, member):
    subject = credential_of(issued)["credentialSubject"]
    identity = subject["identifier"][0]
    assert subject["name"] == member.name
    assert member.email not in issued.jwt
    assert identity["identityHash"] == rules.hashed_email(member.email, identity["salt"])


def test_only_recorded_attendees_get_a_credential(attended_workshop, create_user, signer):
    stranger = create_user(email="stranger@example.gov.uk")
    with pytest.raises(services.CredentialError, match="not recorded as attending"):
        services.issue_attendance_credential(
            attended_workshop, stranger, signer=signer, actor=None, now=utcnow()
        )


def test_a_second_credential_for_the_same_workshop_is_refused(
    issued, attended_workshop, member, signer
):
    with pytest.raises(services.CredentialError, match="already has"):
        services.issue_attendance_credential(
            attended_workshop, member, signer=signer, actor=None, now=utcnow()
        )


def test_issuing_for_a_workshop_skips_people_who_have_one(attended_workshop, organiser, signer):
    assert (
        services.issue_attendance_credentials(
            attended_workshop, signer=signer, actor=organiser, now=utcnow()
        )
        == 1
    )
    assert (
        services.issue_attendance_credentials(
            attended_workshop, signer=signer, actor=organiser, now=utcnow()
        )
        == 0
    )


def validated(version, **overrides):
    values = {
        "version_id": version.id,
        "skill_code": "ACCS",
        "level": 3,
        "reviewer": "Rita Reviewer, Head of digital, Leeds City Council",
        "reviewed_on": "2026-11-30",
    }
    values.update(overrides)
    return services.SkillLevelFacts(**values)


def test_a_validated_skill_level_becomes_a_credential(member, version, signer, ob3_validator):
    now = utcnow()
    row = services.issue_skill_level_credential(
        member,
        validated(version),
        signer=signer,
        valid_until=now + timedelta(days=1095),
        actor=member,
        now=now,
    )
    credential = credential_of(row)
    ob3_validator.validate(credential)
    achievement = credential["credentialSubject"]["achievement"]
    assert "at level 3, Practitioner" in achievement["name"]
    assert "Skills framework for public-sector web professionals 1.0.0" in achievement["name"]
    assert "Rita Reviewer" in achievement["criteria"]["narrative"]
    assert [a["targetCode"] for a in achievement["alignment"]] == ["ACCS"]
    assert credential["validUntil"] == rules.iso(now + timedelta(days=1095))


@pytest.mark.parametrize(("skill_code", "level"), [("NOPE", 3), ("ACCS", 9)])
def test_a_level_not_in_the_framework_is_refused(member, version, signer, skill_code, level):
    with pytest.raises(services.CredentialError, match="not in the framework"):
        services.issue_skill_level_credential(
            member,
            validated(version, skill_code=skill_code, level=level),
            signer=signer,
            valid_until=None,
            actor=member,
            now=utcnow(),
        )


def test_revoking_sets_the_credentials_bit_in_the_signed_status_list(issued, signer, member):
    def bit() -> bool:
        claims = independent_decode(
            services.status_list_credential(signer, now=utcnow()), signer.keys.public_jwks()
        )
        assert claims["type"] == ["VerifiableCredential", "BitstringStatusListCredential"]
        return rules.status_bit(claims["credentialSubject"]["encodedList"], issued.status_index)

    assert bit() is False
    services.revoke_credential(issued, reason="Asked by the member", actor=member, now=utcnow())
    assert bit() is True
    with pytest.raises(services.CredentialError, match="already revoked"):
        services.revoke_credential(issued, reason="Again", actor=member, now=utcnow())


def test_each_credential_gets_its_own_status_index(issued, member, version, signer):
    other = services.issue_skill_level_credential(
        member, validated(version), signer=signer, valid_until=None, actor=member, now=utcnow()
    )
    entry = credential_of(other)["credentialStatus"]
    assert other.status_index != issued.status_index
    assert entry["statusListIndex"] == str(other.status_index)
    assert entry["statusListCredential"] == signer.status_list_url


def test_a_revoked_credential_cannot_be_made_public(issued, member):
    services.revoke_credential(issued, reason="Mistake", actor=member, now=utcnow())
    with pytest.raises(services.CredentialError, match="cannot be made public"):
        services.set_public(issued, public=True, actor=member)


def test_credentials_are_in_the_members_data_download(issued, member):
    rows = personal_data(member)["credentials"]
    assert [row["uuid"] for row in rows] == [issued.uuid]


def test_erasing_the_account_revokes_and_deletes_the_signed_copy(issued, member, db):
    erase_account(member, password=DEFAULT_PASSWORD, now=utcnow())
    db.session.refresh(issued)
    assert issued.is_revoked
    assert issued.jwt == ""
    assert issued.user_id is None


def test_the_did_document_lists_every_published_key(signer):
    document = services.did_document(signer)
    assert document["id"] == signer.issuer.id
    assert document["assertionMethod"] == [m["id"] for m in document["verificationMethod"]]
    assert "d" not in document["verificationMethod"][0]["publicKeyJwk"]


@pytest.mark.parametrize(
    "breakage",
    [
        lambda c: c["credentialSubject"]["achievement"].pop("criteria"),
        lambda c: c["type"].remove("OpenBadgeCredential"),
        lambda c: c.update(validFrom="yesterday"),
        lambda c: c["@context"].pop(1),
        lambda c: c["credentialSubject"]["achievement"]["alignment"][0].pop("targetUrl"),
    ],
)
def test_the_schema_rejects_a_credential_missing_what_ob3_requires(issued, ob3_validator, breakage):
    credential = credential_of(issued)
    breakage(credential)
    assert list(ob3_validator.iter_errors(credential))


def test_withdrawing_consent_to_publish_revokes_credentials_and_closes_their_pages(issued, member):
    from skillsreg.register.services import withdraw_all_consent

    services.set_public(issued, public=True, actor=member)
    withdraw_all_consent(member, source="privacy settings", now=utcnow())
    assert not issued.is_public
    assert issued.is_revoked
    assert issued.jwt  # unlike erasure, the member keeps their (revoked) copy
