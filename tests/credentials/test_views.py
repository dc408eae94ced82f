"""Credential pages, downloads, public keys, the status list and the CLI."""

from __future__ import annotations

import io
import json

import pytest

from skillsreg.core.db import utcnow
from skillsreg.core.templating import govuk_date
from skillsreg.credentials import rules, services
from skillsreg.credentials.keys import read_claims
from skillsreg.frameworks.exchange import case_item_id
from skillsreg.reviews import services as review_services
from tests.assessments.test_services import import_version, submitted
from tests.pages import check_page
from tests.reviews.helpers import RITA, agree_all, ask


def show_url(credential) -> str:
    return f"/credentials/{credential.uuid}"


@pytest.mark.parametrize(
    "path",
    ["/credentials", "/credentials/manage", "/credentials/00000000-0000-4000-8000-000000000000"],
)
def test_credential_pages_need_signing_in(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert "/sign-in" in response.headers["Location"]


def test_a_member_sees_their_credentials(client, login_as, member, issued):
    login_as(member)
    page = check_page(client.get("/credentials"), title="Your credentials")
    assert page.find("a", string="Attended: Accessible content workshop")


def test_the_credential_page_verifies_it_and_offers_every_download(
    client, login_as, member, issued
):
    login_as(member)
    page = check_page(client.get(show_url(issued)), title=issued.name)
    assert "Valid credential" in page.get_text()
    hrefs = {a["href"] for a in page.select("a[download]")}
    assert {f"{show_url(issued)}/credential.json", f"{show_url(issued)}/credential.jwt"} <= hrefs
    assert f"{show_url(issued)}/baked.png" in hrefs


def test_someone_elses_credential_is_not_found(client, login_as, create_user, issued):
    login_as(create_user())
    assert client.get(show_url(issued)).status_code == 404
    assert client.get(f"{show_url(issued)}/credential.jwt").status_code == 404
    assert client.get(f"{show_url(issued)}/verify").status_code == 404


def test_downloads_are_the_signed_credential(client, login_as, member, issued, signer):
    login_as(member)
    jwt = client.get(f"{show_url(issued)}/credential.jwt").get_data(as_text=True)
    data = client.get(f"{show_url(issued)}/credential.json").get_json()
    png = client.get(f"{show_url(issued)}/baked.png").get_data()
    svg = client.get(f"{show_url(issued)}/baked.svg").get_data(as_text=True)
    assert jwt == issued.jwt
    assert rules.without_proof(data) == rules.credential_from_claims(read_claims(issued.jwt))
    assert data["proof"][0]["jwt"] == issued.jwt
    assert rules.unbake_png(png) == issued.jwt
    assert rules.unbake_svg(svg) == issued.jwt


def test_making_a_credential_public_gives_it_a_verification_page(client, login_as, member, issued):
    login_as(member)
    response = client.post(f"{show_url(issued)}/visibility", data={"visibility": "public"})
    assert response.status_code == 302
    client.get("/sign-out")
    with client.session_transaction() as session:
        session.clear()
    page = check_page(client.get(f"{show_url(issued)}/verify"), title="Check a credential")
    text = page.get_text(" ", strip=True)
    assert "Valid credential" in text
    assert "It has not been revoked." in text
    assert f"Issued {govuk_date(issued.issued_at)}" in text
    assert member.name in text


def test_choosing_no_visibility_shows_an_error(client, login_as, member, issued):
    login_as(member)
    page = check_page(client.post(f"{show_url(issued)}/visibility", data={}), errors=True)
    assert "Choose who can see this credential" in page.get_text()


def test_a_revoked_public_credential_says_so_on_its_page(client, login_as, member, issued):
    login_as(member)
    client.post(f"{show_url(issued)}/visibility", data={"visibility": "public"})
    response = client.post(f"{show_url(issued)}/revoke", data={"reason": "No longer accurate"})
    assert response.status_code == 302
    page = check_page(client.get(f"{show_url(issued)}/verify"))
    assert "It has been revoked by the issuer." in page.get_text()
    assert "This credential is not valid" in page.get_text()


def test_revoking_needs_a_reason(client, login_as, member, issued):
    login_as(member)
    page = check_page(client.post(f"{show_url(issued)}/revoke", data={"reason": ""}), errors=True)
    assert "Enter why the credential is revoked" in page.get_text()
    assert not issued.is_revoked


def test_anyone_can_check_an_uploaded_badge(client, issued):
    png = services_png(issued)
    response = client.post(
        "/credentials/verify",
        data={"upload": (io.BytesIO(png), "badge.png")},
        content_type="multipart/form-data",
    )
    assert "Valid credential" in check_page(response).get_text()


def services_png(credential) -> bytes:
    from skillsreg.credentials.badges import badge_png

    return badge_png(credential.jwt)


def test_a_pasted_tampered_jwt_is_not_valid(client, issued):
    head, body, signature = issued.jwt.split(".")
    forged = f"{head}.{body[:-4]}AAAA.{signature}"
    page = check_page(client.post("/credentials/verify", data={"credential": forged}))
    assert "This credential is not valid" in page.get_text()


def test_checking_nothing_shows_an_error(client):
    page = check_page(client.post("/credentials/verify", data={"credential": ""}), errors=True)
    assert "Paste a credential or choose a file" in page.get_text()


def test_the_keys_and_did_document_are_published(client, signing_key):
    jwks = client.get("/.well-known/jwks.json")
    did = client.get("/.well-known/did.json").get_json()
    assert jwks.mimetype == "application/jwk-set+json"
    (key,) = jwks.get_json()["keys"]
    assert key["kid"] == signing_key["keys"][0]["kid"]
    assert "d" not in key
    assert did["verificationMethod"][0]["publicKeyJwk"] == key


def test_an_old_public_key_stays_published_after_rotation(app, client, signing_key):
    from skillsreg.credentials.keys import generate_key

    new = generate_key()
    old_public = {k: v for k, v in signing_key["keys"][0].items() if k != "d"}
    app.config["CREDENTIALS_SIGNING_KEYS"] = json.dumps({"keys": [new, old_public]})
    kids = [k["kid"] for k in client.get("/.well-known/jwks.json").get_json()["keys"]]
    assert kids == [new["kid"], old_public["kid"]]


def test_without_signing_keys_the_key_pages_are_unavailable(app, client):
    app.config["CREDENTIALS_SIGNING_KEYS"] = None
    assert client.get("/.well-known/jwks.json").status_code == 503


def test_the_status_list_is_a_signed_credential(client, issued):
    response = client.get("/credentials/status/revocation")
    claims = read_claims(response.get_data(as_text=True))
    assert response.mimetype == "application/vc+jwt"
    assert claims["credentialSubject"]["type"] == "BitstringStatusList"


def test_alignment_urls_resolve_to_the_case_item(client, issued, signer):
    credential = rules.credential_from_claims(read_claims(issued.jwt))
    alignment = credential["credentialSubject"]["achievement"]["alignment"][0]
    identifier, _ = case_item_id(signer.base_url, "web-professionals", "1.0.0", "skill", "CODS")
    path = alignment["targetUrl"].removeprefix(signer.base_url)
    item = client.get(path).get_json()
    assert item["identifier"] == identifier
    assert item["humanCodingScheme"] == "CODS"
    assert client.get(f"/ims/case/v1p1/CFItems/{identifier[:-4]}ffff").status_code == 404


def test_organisers_issue_credentials_to_recorded_attendees(
    client, login_as, organiser, attended_workshop
):
    login_as(organiser)
    page = check_page(client.get("/credentials/manage"), title="Credentials")
    assert "1 attended, 0 have a credential" in page.get_text(" ", strip=True)
    response = client.post(f"/credentials/workshops/{attended_workshop.slug}/issue")
    assert response.status_code == 302
    page = check_page(client.get("/credentials/manage"))
    assert "1 attended, 1 has a credential" in page.get_text(" ", strip=True)


def test_members_cannot_issue_workshop_credentials(client, login_as, member, attended_workshop):
    login_as(member)
    assert client.get("/credentials/manage").status_code == 403
    assert client.post(f"/credentials/workshops/{attended_workshop.slug}/issue").status_code == 403


@pytest.fixture
def validated_assessment(db, create_user):
    owner = create_user(name="Vera Validated")
    assessment = submitted(owner, import_version("1.0.0"))
    review, _ = ask(assessment, owner)
    review_services.give_review(
        review, answers=agree_all(assessment), reviewer=RITA, now=utcnow(), link="L"
    )
    review_services.accept_review(review, member=owner, accepted=[], now=utcnow())
    return owner


def test_a_member_gets_a_credential_for_a_validated_level(
    client, login_as, validated_assessment, ob3_validator
):
    login_as(validated_assessment)
    page = check_page(client.get("/credentials"))
    forms = page.select("form[action^='/credentials/skill-levels/']")
    assert forms
    response = client.post(forms[0]["action"])
    assert response.status_code == 302
    credential = client.get(response.headers["Location"] + "/credential.json").get_json()
    ob3_validator.validate(rules.without_proof(credential))
    assert (
        "Rita Reviewer" in credential["credentialSubject"]["achievement"]["criteria"]["narrative"]
    )
    page = check_page(client.get("/credentials"))
    assert len(page.select("form[action^='/credentials/skill-levels/']")) == len(forms) - 1


def test_a_level_validated_for_someone_else_is_not_found(
    client, login_as, member, validated_assessment
):
    from skillsreg.reviews.queries import validated_levels

    level = validated_levels(validated_assessment.id)[0]
    login_as(member)
    assert client.post(f"/credentials/skill-levels/{level.rating_id}").status_code == 404


def test_the_cli_verifies_and_exits_non_zero_when_invalid(runner, issued, member, tmp_path):
    good = tmp_path / "good.jwt"
    good.write_text(issued.jwt)
    result = runner.invoke(args=["credentials", "verify", str(good)])
    assert result.exit_code == 0, result.output
    assert "This credential is valid." in result.output

    head, body, signature = issued.jwt.split(".")
    bad = tmp_path / "bad.jwt"
    bad.write_text(f"{head}.{body[:-4]}AAAA.{signature}")
    result = runner.invoke(args=["credentials", "verify", str(bad)])
    assert result.exit_code == 1
    assert "FAIL  The signature is not valid" in result.output

    services.revoke_credential(issued, reason="Asked", actor=member, now=utcnow())
    result = runner.invoke(args=["credentials", "verify", str(good)])
    assert result.exit_code == 1
    assert "FAIL  It has been revoked by the issuer." in result.output


def test_the_cli_checks_against_a_given_key_set_and_status_list(runner, issued, signer, tmp_path):
    from skillsreg.credentials.keys import generate_key

    badge = tmp_path / "badge.png"
    badge.write_bytes(services_png(issued))
    status = tmp_path / "status.jwt"
    status.write_text(services.status_list_credential(signer, now=utcnow()))
    published = tmp_path / "jwks.json"
    published.write_text(json.dumps(signer.keys.public_jwks()))
    other = tmp_path / "other.json"
    other.write_text(json.dumps({"keys": [generate_key()]}))
    args = ["credentials", "verify", str(badge), "--status-list", str(status)]
    assert runner.invoke(args=[*args, "--jwks", str(published)]).exit_code == 0
    result = runner.invoke(args=[*args, "--jwks", str(other)])
    assert result.exit_code == 1
    assert "has not published" in result.output


def test_generate_key_writes_a_private_file_once(runner, tmp_path):
    path = tmp_path / "keys.json"
    assert runner.invoke(args=["credentials", "generate-key", "--output", str(path)]).exit_code == 0
    first = path.read_text()
    assert (path.stat().st_mode & 0o777) == 0o600
    assert json.loads(first)["keys"][0]["crv"] == "Ed25519"
    again = runner.invoke(
        args=["credentials", "generate-key", "--output", str(path), "--if-missing"]
    )
    assert again.exit_code == 0
    assert path.read_text() == first


def test_the_badge_image_in_the_credential_is_served_without_the_credential(client, issued, signer):
    image = rules.credential_from_claims(read_claims(issued.jwt))["image"]["id"]
    response = client.get(image.removeprefix(signer.base_url))
    assert response.mimetype == "image/svg+xml"
    assert rules.unbake_svg(response.get_data(as_text=True)) is None
    assert issued.name in response.get_data(as_text=True)


def test_organisers_can_revoke_a_members_credential(client, login_as, organiser, issued):
    login_as(organiser)
    check_page(client.get(show_url(issued)), title=issued.name)
    response = client.post(f"{show_url(issued)}/revoke", data={"reason": "Issued in error"})
    assert response.status_code == 302
    assert issued.is_revoked


@pytest.fixture
def expired(member, version, signer):
    from datetime import timedelta

    issued_at = utcnow() - timedelta(days=800)
    return services.issue_skill_level_credential(
        member,
        services.SkillLevelFacts(version.id, "ACCS", 3, "Rita Reviewer", "1 January 2024"),
        signer=signer,
        valid_until=issued_at + timedelta(days=365),
        actor=member,
        now=issued_at,
    )


@pytest.fixture
def forged(issued):
    from joserfc.jwk import OKPKey

    from skillsreg.credentials.keys import generate_key, sign

    return sign(read_claims(issued.jwt), OKPKey.import_key(generate_key()), kid=issued.key_id)


@pytest.mark.parametrize(
    ("which", "message"),
    [("expired", "It has expired"), ("forged", "The signature is not valid")],
)
def test_the_check_page_and_the_cli_refuse_expired_and_wrong_key_credentials(
    client, runner, tmp_path, request, which, message
):
    value = request.getfixturevalue(which)
    token = value if isinstance(value, str) else value.jwt
    page = check_page(client.post("/credentials/verify", data={"credential": token}))
    assert "This credential is not valid" in page.get_text()
    assert message in page.get_text()
    path = tmp_path / "credential.jwt"
    path.write_text(token)
    result = runner.invoke(args=["credentials", "verify", str(path)])
    assert result.exit_code == 1
    assert f"FAIL  {message}" in result.output


def test_without_signing_keys_the_check_page_still_answers(app, client, issued):
    app.config["CREDENTIALS_SIGNING_KEYS"] = None
    page = check_page(client.post("/credentials/verify", data={"credential": issued.jwt}))
    assert "names a signing key this issuer has not published" in page.get_text()
