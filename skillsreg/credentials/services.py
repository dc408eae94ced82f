"""Issue, publish and revoke Open Badges 3.0 credentials."""

from __future__ import annotations

import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.core import audit
from skillsreg.core.errors import DomainError
from skillsreg.credentials import rules
from skillsreg.credentials.keys import SigningKeys, load_keys, public_jwk, sign
from skillsreg.credentials.models import Credential, CredentialKind
from skillsreg.extensions import db
from skillsreg.frameworks.exchange import case_item_id
from skillsreg.frameworks.models import FrameworkVersion
from skillsreg.reviews.queries import ValidatedLevel
from skillsreg.workshops.models import ChoiceStatus, Workshop


class CredentialError(DomainError):
    """A credential cannot be issued or changed as asked."""


@dataclass(frozen=True)
class Signer:
    """Who issues (the community's profile), where it lives, and the keys it signs with."""

    base_url: str
    issuer: rules.Issuer
    keys: SigningKeys

    @property
    def status_list_url(self) -> str:
        return f"{self.base_url}/credentials/status/revocation"

    def kid(self) -> str:
        return f"{self.issuer.id}#{self.keys.current.thumbprint()}"


def signer_from_config(config: Any) -> Signer:
    """The signer the app's settings describe; raises CredentialError without usable keys."""
    base_url = config["BASE_URL"].rstrip("/")
    issuer = rules.Issuer(
        id=rules.did_web(base_url),
        name=config["CREDENTIALS_ISSUER_NAME"],
        url=config.get("CREDENTIALS_ISSUER_URL") or base_url,
        description=config["CREDENTIALS_ISSUER_DESCRIPTION"],
        email=config.get("CREDENTIALS_ISSUER_EMAIL") or "",
    )
    return Signer(base_url, issuer, load_keys(config.get("CREDENTIALS_SIGNING_KEYS")))


def did_document(signer: Signer) -> dict[str, Any]:
    """The did:web document: every published key as a JsonWebKey verification method."""
    methods = [
        {
            "id": f"{signer.issuer.id}#{key.thumbprint()}",
            "type": "JsonWebKey",
            "controller": signer.issuer.id,
            "publicKeyJwk": public_jwk(key),
        }
        for key in signer.keys.keys
    ]
    ids = [m["id"] for m in methods]
    return {
        "@context": ["https://www.w3.org/ns/did/v1", "https://w3id.org/security/jwk/v1"],
        "id": signer.issuer.id,
        "verificationMethod": methods,
        "assertionMethod": ids,
        "authentication": ids,
    }


def _free_status_index() -> int:
    # Random places, so neighbouring bits say nothing about when or to whom a credential went.
    used = set(db.session.scalars(sa.select(Credential.status_index)))
    if len(used) >= rules.STATUS_LIST_BITS:
        raise CredentialError("The status list is full: start a new one before issuing more")
    while True:
        index = secrets.randbelow(rules.STATUS_LIST_BITS)
        if index not in used:
            return index


def _issue(
    user: User,
    *,
    kind: CredentialKind,
    achievement: rules.AchievementFacts,
    signer: Signer,
    now: datetime,
    valid_until: datetime | None,
    actor: User | None,
    **fields: Any,
) -> Credential:
    public_id = str(uuid.uuid4())
    salt = secrets.token_hex(8)
    index = _free_status_index()
    credential = rules.build_credential(
        credential_id=f"urn:uuid:{public_id}",
        issuer=signer.issuer,
        achievement=achievement,
        recipient_name=user.name,
        recipient_hash=rules.hashed_email(user.email, salt),
        salt=salt,
        valid_from=now,
        valid_until=valid_until,
        status_list_url=signer.status_list_url,
        status_index=index,
        image_url=f"{signer.base_url}/credentials/{public_id}/badge.svg",
    )
    kid = signer.kid()
    token = sign(rules.jwt_claims(credential), signer.keys.current, kid=kid)
    row = Credential(
        uuid=public_id,
        user_id=user.id,
        kind=kind,
        name=achievement.name,
        status_index=index,
        key_id=kid,
        jwt=token,
        issued_at=now,
        valid_until=valid_until,
        issued_by_id=actor.id if actor else None,
        **fields,
    )
    db.session.add(row)
    db.session.flush()
    audit.record(
        "credential.issue",
        actor=actor,
        subject_type="credential",
        subject_id=row.id,
        kind=kind.value,
    )
    return row


def _skill_alignments(
    version: FrameworkVersion, codes: list[str], base_url: str
) -> tuple[rules.Alignment, ...]:
    skills = {s.code: s for s in version.skills}
    framework = f"{version.framework.title} {version.number}"
    found = []
    for code in codes:
        skill = skills.get(code)
        if skill is None:
            continue
        _, uri = case_item_id(base_url, version.framework.slug, version.number, "skill", code)
        found.append(rules.Alignment(skill.name, uri, code, framework, skill.description))
    return tuple(found)


def issue_attendance_credential(
    workshop: Workshop, user: User, *, signer: Signer, actor: User | None, now: datetime
) -> Credential:
    """Sign a credential saying this member attended the workshop, as the organisers recorded."""
    attended = any(
        c.attended and c.status is ChoiceStatus.ACCEPTED and c.eoi.user_id == user.id
        for c in workshop.choices
    )
    if not attended:
        raise CredentialError(f"{user.name} is not recorded as attending this workshop")
    if _existing(user, workshop_id=workshop.id) is not None:
        raise CredentialError(f"{user.name} already has a credential for this workshop")
    version = db.session.get(FrameworkVersion, workshop.target_version_id or 0)
    alignments = (
        _skill_alignments(version, workshop.target_skill_codes, signer.base_url) if version else ()
    )
    day = f"{workshop.starts_at.day} {workshop.starts_at:%B %Y}"
    achievement = rules.AchievementFacts(
        id=f"{signer.base_url}/workshops/{workshop.slug}",
        name=f"Attended: {workshop.title}",
        description=(
            f"Took part in the workshop {workshop.title!r} on {day} ({workshop.full_venue})."
        ),
        criteria=(
            "Awarded to people the workshop's organisers recorded as attending the whole "
            f"workshop on {day}."
        ),
        achievement_type="Assignment",
        alignments=alignments,
    )
    return _issue(
        user,
        kind=CredentialKind.ATTENDANCE,
        achievement=achievement,
        signer=signer,
        now=now,
        valid_until=None,
        actor=actor,
        workshop_id=workshop.id,
        version_id=version.id if version else None,
    )


def issue_attendance_credentials(
    workshop: Workshop, *, signer: Signer, actor: User, now: datetime
) -> int:
    """Issue a credential to every recorded attendee who has none yet; return how many."""
    issued = 0
    for choice in workshop.choices:
        user = choice.eoi.user
        if (
            choice.attended
            and choice.status is ChoiceStatus.ACCEPTED
            and _existing(user, workshop_id=workshop.id) is None
        ):
            issue_attendance_credential(workshop, user, signer=signer, actor=actor, now=now)
            issued += 1
    return issued


@dataclass(frozen=True)
class SkillLevelFacts:
    """A skill level someone independent confirmed, in plain values."""

    version_id: int
    skill_code: str
    level: int
    reviewer: str  # "Name, job title, organisation"
    reviewed_on: str  # as people read it: "30 November 2026"
    source_ref: str = ""


def facts_of(validated: ValidatedLevel) -> SkillLevelFacts:
    """The plain facts of a level validated through an independent review."""
    reviewer = ", ".join(
        part
        for part in (
            validated.reviewer_name,
            validated.reviewer_job_title,
            validated.reviewer_organisation,
        )
        if part
    )
    return SkillLevelFacts(
        version_id=validated.version_id,
        skill_code=validated.skill_code,
        level=validated.level,
        reviewer=reviewer,
        reviewed_on=f"{validated.reviewed_at.day} {validated.reviewed_at:%B %Y}",
        source_ref=f"rating:{validated.rating_id}",
    )


def issue_skill_level_credential(
    user: User,
    validated: SkillLevelFacts,
    *,
    signer: Signer,
    valid_until: datetime | None,
    actor: User | None,
    now: datetime,
) -> Credential:
    """Sign "<skill> at <level>, <framework> <version>" for a level a reviewer validated."""
    version = db.session.get(FrameworkVersion, validated.version_id)
    if version is None or not version.is_public:
        raise CredentialError("That framework version is not published")
    skill = next((s for s in version.skills if s.code == validated.skill_code), None)
    level = next((lv for lv in version.levels if lv.number == validated.level), None)
    if skill is None or level is None:
        raise CredentialError("That skill level is not in the framework version")
    if _existing(user, version_id=version.id, skill_code=skill.code, level=level.number):
        raise CredentialError(f"You already have a credential for {skill.name} at this level")
    framework = f"{version.framework.title} {version.number}"
    name = f"{skill.name} at level {level.number}, {level.name}, {framework}"
    achievement = rules.AchievementFacts(
        id=(
            f"{signer.base_url}/frameworks/{version.framework.slug}/{version.number}"
            f"/skills/{skill.code}#level-{level.number}"
        ),
        name=name,
        description=(
            f"{skill.description}\n\nLevel {level.number}, {level.name}: {level.description}"
        ),
        criteria=(
            f"The member rated themselves at level {level.number} ({level.name}) against the "
            f"{framework} and an independent reviewer, {validated.reviewer}, confirmed that level "
            f"on {validated.reviewed_on}."
        ),
        achievement_type="Competency",
        alignments=_skill_alignments(version, [skill.code], signer.base_url),
    )
    return _issue(
        user,
        kind=CredentialKind.SKILL_LEVEL,
        achievement=achievement,
        signer=signer,
        now=now,
        valid_until=valid_until,
        actor=actor,
        version_id=version.id,
        skill_code=skill.code,
        level=level.number,
        source_ref=validated.source_ref or None,
    )


def _existing(user: User, **match: Any) -> Credential | None:
    query = sa.select(Credential).where(
        Credential.user_id == user.id, Credential.revoked_at.is_(None)
    )
    for name, value in match.items():
        query = query.where(getattr(Credential, name) == value)
    return db.session.scalars(query.limit(1)).first()


def revoke_credential(
    credential: Credential, *, reason: str, actor: User | None, now: datetime
) -> None:
    """Set the credential's bit in the status list, so verifiers see it is revoked."""
    if credential.is_revoked:
        raise CredentialError("This credential is already revoked")
    credential.revoked_at = now
    credential.revoked_reason = reason[:300]
    db.session.flush()
    audit.record(
        "credential.revoke",
        actor=actor,
        subject_type="credential",
        subject_id=credential.id,
        reason=reason[:300],
    )


def revoke_all_for(user: User, *, reason: str, now: datetime) -> int:
    """Revoke every credential of a member (erasure); the signed copies are deleted too."""
    credentials = db.session.scalars(sa.select(Credential).where(Credential.user_id == user.id))
    count = 0
    for credential in credentials:
        if not credential.is_revoked:
            revoke_credential(credential, reason=reason, actor=None, now=now)
            count += 1
        credential.jwt = ""  # it names them
        credential.name = "Erased"
        credential.is_public = False
        credential.user_id = None
    db.session.flush()
    return count


def set_public(credential: Credential, *, public: bool, actor: User) -> None:
    """Let anyone with the link see and verify the credential, or stop that."""
    if public and credential.is_revoked:
        raise CredentialError("A revoked credential cannot be made public")
    credential.is_public = public
    db.session.flush()
    audit.record(
        "credential.publish" if public else "credential.unpublish",
        actor=actor,
        subject_type="credential",
        subject_id=credential.id,
    )


def revoke_on_withdrawal(user: User, *, now: datetime) -> int:
    """Revoke a member's credentials and close their pages: they withdrew consent to publish."""
    credentials = db.session.scalars(sa.select(Credential).where(Credential.user_id == user.id))
    count = 0
    for credential in credentials:
        if not credential.is_revoked:
            reason = "The member withdrew their consent to publish"
            revoke_credential(credential, reason=reason, actor=user, now=now)
            count += 1
        credential.is_public = False
    db.session.flush()
    return count


def status_list_credential(signer: Signer, *, now: datetime) -> str:
    """The signed BitstringStatusListCredential for revocation, as a compact VC-JWT."""
    revoked = set(
        db.session.scalars(
            sa.select(Credential.status_index).where(Credential.revoked_at.is_not(None))
        )
    )
    url = signer.status_list_url
    credential = {
        "@context": [rules.VC_CONTEXT],
        "id": url,
        "type": ["VerifiableCredential", "BitstringStatusListCredential"],
        "issuer": signer.issuer.id,
        "validFrom": rules.iso(now),
        "credentialSubject": {
            "id": f"{url}#list",
            "type": "BitstringStatusList",
            "statusPurpose": "revocation",
            "encodedList": rules.encode_status_list(revoked),
        },
    }
    claims = {**credential, "iss": signer.issuer.id, "jti": url, "nbf": int(now.timestamp())}
    return sign(claims, signer.keys.current, kid=signer.kid())
