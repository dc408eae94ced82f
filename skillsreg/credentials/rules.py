"""Open Badges 3.0 credentials as plain data: their shape, the status list bitstring, baking."""

from __future__ import annotations

import base64
import gzip
import hashlib
import html
import json
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
OB_CONTEXT = "https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json"
OB_SCHEMA = (
    "https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json"
)
OB_NAMESPACE = "https://purl.imsglobal.org/ob/v3p0"
CREDENTIAL_TYPES = ["VerifiableCredential", "OpenBadgeCredential"]
# The W3C Bitstring Status List asks for at least 16KB of bits, so no one index stands out.
STATUS_LIST_BITS = 131_072
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_KEYWORD = b"openbadgecredential"
SVG_ELEMENT = re.compile(
    r"<openbadges:credential[^>]*>\s*(?:<!\[CDATA\[)?\s*([^<\]\s]+)\s*(?:\]\]>)?\s*"
    r"</openbadges:credential>",
    re.DOTALL,
)


@dataclass(frozen=True)
class Alignment:
    """A CASE item the achievement points at."""

    name: str
    url: str
    code: str
    framework: str
    description: str = ""

    def as_json(self) -> dict[str, Any]:
        data = {
            "type": ["Alignment"],
            "targetName": self.name,
            "targetUrl": self.url,
            "targetType": "CFItem",
            "targetCode": self.code,
            "targetFramework": self.framework,
        }
        if self.description:
            data["targetDescription"] = self.description
        return data


@dataclass(frozen=True)
class Issuer:
    """The community that issues credentials: its did:web identifier and how it describes itself."""

    id: str
    name: str
    url: str
    description: str = ""
    email: str = ""

    def as_json(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "type": ["Profile"], "name": self.name}
        data["url"] = self.url
        if self.description:
            data["description"] = self.description
        if self.email:
            data["email"] = self.email
        return data


@dataclass(frozen=True)
class AchievementFacts:
    """What was achieved, in words, with the skills it is aligned to."""

    id: str
    name: str
    description: str
    criteria: str
    achievement_type: str
    alignments: tuple[Alignment, ...] = field(default_factory=tuple)

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "type": ["Achievement"],
            "achievementType": self.achievement_type,
            "name": self.name,
            "description": self.description,
            "criteria": {"narrative": self.criteria},
            "alignment": [a.as_json() for a in self.alignments],
        }


def iso(moment: datetime) -> str:
    """A moment as the XML Schema dateTime verifiers expect, in UTC to the second."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def did_web(base_url: str) -> str:
    """The did:web identifier of a site (a port is percent-encoded, as the method says)."""
    parts = urlsplit(base_url)
    host = (parts.netloc or "localhost").replace(":", "%3A")
    path = ":".join(p for p in parts.path.split("/") if p)
    return f"did:web:{host}:{path}" if path else f"did:web:{host}"


def hashed_email(email: str, salt: str) -> str:
    """The OB 3.0 identityHash of an email address: sha256$ of the address and a salt."""
    digest = hashlib.sha256((email.strip().lower() + salt).encode()).hexdigest()
    return f"sha256${digest}"


def build_credential(
    *,
    credential_id: str,
    issuer: Issuer,
    achievement: AchievementFacts,
    recipient_name: str,
    recipient_hash: str,
    salt: str,
    valid_from: datetime,
    valid_until: datetime | None,
    status_list_url: str,
    status_index: int,
    image_url: str,
) -> dict[str, Any]:
    """An OpenBadgeCredential (OB 3.0 on the VC data model 2.0), before signing."""
    credential: dict[str, Any] = {
        "@context": [VC_CONTEXT, OB_CONTEXT],
        "id": credential_id,
        "type": list(CREDENTIAL_TYPES),
        "name": achievement.name,
        "issuer": issuer.as_json(),
        "validFrom": iso(valid_from),
        "credentialSubject": {
            "type": ["AchievementSubject"],
            "name": recipient_name,
            "identifier": [
                {
                    "type": "IdentityObject",
                    "identityHash": recipient_hash,
                    "identityType": "emailAddress",
                    "hashed": True,
                    "salt": salt,
                }
            ],
            "achievement": achievement.as_json(),
        },
        "credentialStatus": {
            "id": f"{status_list_url}#{status_index}",
            "type": "BitstringStatusListEntry",
            "statusPurpose": "revocation",
            "statusListIndex": str(status_index),
            "statusListCredential": status_list_url,
        },
        "credentialSchema": [{"id": OB_SCHEMA, "type": "1EdTechJsonSchemaValidator2019"}],
        "image": {"id": image_url, "type": "Image", "caption": achievement.name},
    }
    if valid_until is not None:
        credential["validUntil"] = iso(valid_until)
    return credential


def jwt_claims(credential: dict[str, Any]) -> dict[str, Any]:
    """The VC-JWT payload: the credential itself with the registered claims OB 3.0 lists."""
    claims = dict(credential)
    claims["iss"] = credential["issuer"]["id"]
    claims["jti"] = credential["id"]
    claims["sub"] = credential["credentialSubject"]["identifier"][0]["identityHash"]
    claims["nbf"] = _epoch(credential["validFrom"])
    if "validUntil" in credential:
        claims["exp"] = _epoch(credential["validUntil"])
    return claims


REGISTERED_CLAIMS = ("iss", "jti", "sub", "nbf", "exp", "iat")


def credential_from_claims(claims: dict[str, Any]) -> dict[str, Any]:
    """The credential inside a VC-JWT payload (the registered claims taken off)."""
    return {k: v for k, v in claims.items() if k not in REGISTERED_CLAIMS}


def _epoch(text: str) -> int:
    return int(parse_time(text).timestamp())


def parse_time(text: str) -> datetime:
    """A dateTime from a credential, as an aware datetime."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def encode_status_list(revoked: set[int], size: int = STATUS_LIST_BITS) -> str:
    """The encodedList of a Bitstring Status List: multibase base64url of the gzipped bits."""
    bits = bytearray(size // 8)
    for index in revoked:
        if not 0 <= index < size:
            raise ValueError(f"Status index {index} is outside the list")
        bits[index // 8] |= 0x80 >> (index % 8)  # index 0 is the left-most bit
    packed = base64.urlsafe_b64encode(gzip.compress(bytes(bits), mtime=0)).rstrip(b"=")
    return "u" + packed.decode()


def status_bit(encoded_list: str, index: int) -> bool:
    """Whether the bit at an index of an encodedList is set (the credential is revoked)."""
    text = encoded_list[1:] if encoded_list.startswith("u") else encoded_list
    bits = gzip.decompress(base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)))
    if not 0 <= index < len(bits) * 8:
        raise ValueError(f"Status index {index} is outside the list")
    return bool(bits[index // 8] & (0x80 >> (index % 8)))


def badge_svg(*, title: str, subtitle: str, issuer_name: str, jwt: str | None = None) -> str:
    """The badge picture as SVG; with a JWT, the credential is baked in as OB 3.0 says."""
    baked = f"<openbadges:credential><![CDATA[{jwt}]]></openbadges:credential>" if jwt else ""
    lines = _wrap(title, 22)[:3]
    text = "".join(
        f'<text x="150" y="{120 + 24 * i}" font-size="20" font-weight="700" '
        f'text-anchor="middle" fill="#ffffff">{html.escape(line)}</text>'
        for i, line in enumerate(lines)
    )
    return (
        '<svg xmlns="http://www.w3.org/2000/svg" '
        f'xmlns:openbadges="{OB_NAMESPACE}" width="300" height="300" viewBox="0 0 300 300" '
        f'role="img" aria-label="{html.escape(title)}">'
        f"{baked}<title>{html.escape(title)}</title>"
        '<circle cx="150" cy="150" r="145" fill="#1d70b8"/>'
        '<circle cx="150" cy="150" r="128" fill="none" stroke="#ffffff" stroke-width="4"/>'
        f"{text}"
        f'<text x="150" y="215" font-size="14" text-anchor="middle" fill="#ffffff">'
        f"{html.escape(subtitle[:40])}</text>"
        f'<text x="150" y="238" font-size="11" text-anchor="middle" fill="#ffffff">'
        f"{html.escape(issuer_name[:48])}</text></svg>\n"
    )


def _wrap(text: str, width: int) -> list[str]:
    lines: list[str] = []
    for word in text.split():
        if lines and len(lines[-1]) + 1 + len(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def bake_png(png: bytes, jwt: str) -> bytes:
    """The PNG with the credential in an iTXt chunk keyed "openbadgecredential", before IEND."""
    if not png.startswith(PNG_SIGNATURE):
        raise ValueError("Not a PNG image")
    data = PNG_KEYWORD + b"\x00\x00\x00" + b"\x00" + b"\x00" + jwt.encode()
    chunk = struct.pack(">I", len(data)) + b"iTXt" + data
    chunk += struct.pack(">I", zlib.crc32(b"iTXt" + data) & 0xFFFFFFFF)
    end = png.rindex(b"IEND") - 4
    return png[:end] + chunk + png[end:]


def unbake_png(png: bytes) -> str | None:
    """The credential baked into a PNG, or None."""
    position = len(PNG_SIGNATURE)
    while position + 8 <= len(png):
        (length,) = struct.unpack(">I", png[position : position + 4])
        kind = png[position + 4 : position + 8]
        data = png[position + 8 : position + 8 + length]
        if kind == b"iTXt" and data.startswith(PNG_KEYWORD + b"\x00"):
            rest = data[len(PNG_KEYWORD) + 1 :]
            compressed = rest[0] == 1
            _, _, text = rest[2:].split(b"\x00", 2)
            return (zlib.decompress(text) if compressed else text).decode().strip()
        position += 12 + length
    return None


def unbake_svg(svg: str) -> str | None:
    """The credential baked into an SVG, or None."""
    match = SVG_ELEMENT.search(svg)
    return match.group(1) if match else None


def extract_jwt(upload: bytes) -> str | None:
    """The compact JWT in what someone pasted or uploaded: a JWT, our JSON, an SVG or a PNG."""
    if upload.startswith(PNG_SIGNATURE):
        return unbake_png(upload)
    try:
        text = upload.decode("utf-8").strip()
    except UnicodeDecodeError:
        return None
    if "<svg" in text[:2000]:
        return unbake_svg(text)
    if text.startswith("{"):
        return _jwt_in_json(text)
    return text if text.count(".") == 2 and " " not in text else None


def _jwt_in_json(text: str) -> str | None:
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict):
        return None
    proof = data.get("proof")
    proofs = proof if isinstance(proof, list) else [proof]
    for item in proofs:
        if isinstance(item, dict) and isinstance(item.get("jwt"), str):
            return str(item["jwt"])
    enveloped = data.get("id", "")
    if isinstance(enveloped, str) and enveloped.startswith("data:application/vc+jwt,"):
        return enveloped.split(",", 1)[1]
    return None


def json_download(credential: dict[str, Any], *, jwt: str, kid: str) -> dict[str, Any]:
    """The credential as JSON with the VC-JWT that proves it, so the file itself verifies."""
    proof = {
        "type": "JwtProof2020",
        "proofPurpose": "assertionMethod",
        "verificationMethod": kid,
        "jwt": jwt,
    }
    return {**credential, "proof": [proof]}


def without_proof(data: dict[str, Any]) -> dict[str, Any]:
    """A downloaded JSON credential without its proof, to compare with what the JWT says."""
    return {k: v for k, v in data.items() if k != "proof"}
