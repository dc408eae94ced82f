"""Signing keys from configuration, VC-JWT signing and checking with joserfc (EdDSA, Ed25519)."""

from __future__ import annotations

import json
import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joserfc import jws, jwt
from joserfc.errors import JoseError
from joserfc.jwk import OKPKey

from skillsreg.core.errors import DomainError

ALGORITHM = "EdDSA"


@contextmanager
def _eddsa_allowed() -> Iterator[None]:
    # RFC 9864 prefers the fully specified "Ed25519", but Open Badges 3.0 verifiers expect
    # "EdDSA" with an Ed25519 key, which is exactly what is checked here; joserfc warns anyway.
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="EdDSA is deprecated")
        yield


class SigningKeyError(DomainError):
    """The signing keys are missing or unusable."""


class SignatureError(Exception):
    """A JWT's signature does not check out against the key it names."""


@dataclass(frozen=True)
class SigningKeys:
    """The keys from configuration: the first private key signs; every key is published."""

    keys: tuple[OKPKey, ...]

    @property
    def current(self) -> OKPKey:
        for key in self.keys:
            if key.is_private:
                return key
        raise SigningKeyError("Credentials cannot be issued: no private signing key is configured")

    def public_jwks(self) -> dict[str, Any]:
        """The JWK set verifiers fetch: every key's public half, newest first."""
        return {"keys": [public_jwk(key) for key in self.keys]}


def public_jwk(key: OKPKey) -> dict[str, Any]:
    data = key.as_dict(private=False)
    data.update(kid=key.thumbprint(), use="sig", alg=ALGORITHM)
    return data


def generate_key() -> dict[str, Any]:
    """A new Ed25519 private key as a JWK, its kid the RFC 7638 thumbprint."""
    key = OKPKey.generate_key("Ed25519", private=True)
    data = key.as_dict(private=True)
    data.update(kid=key.thumbprint(), use="sig", alg=ALGORITHM)
    return data


def load_keys(setting: str | None) -> SigningKeys:
    """Keys from CREDENTIALS_SIGNING_KEYS: a JWK set as JSON, or the path of a JWKS or PEM file."""
    if not setting:
        raise SigningKeyError(
            "Credentials cannot be issued: CREDENTIALS_SIGNING_KEYS is not set (see README)"
        )
    text = setting.strip()
    if not text.startswith("{"):
        path = Path(os.path.expanduser(text))
        if not path.is_file():
            raise SigningKeyError(f"CREDENTIALS_SIGNING_KEYS names {path}, which is not a file")
        text = path.read_text().strip()
    try:
        if text.startswith("-----BEGIN"):
            keys: list[OKPKey] = [OKPKey.import_key(text)]
        else:
            keys = [OKPKey.import_key(item) for item in json.loads(text)["keys"]]
    except (ValueError, KeyError, TypeError, JoseError) as error:
        raise SigningKeyError(f"CREDENTIALS_SIGNING_KEYS cannot be read: {error}") from None
    if not keys or any(key.as_dict().get("crv") != "Ed25519" for key in keys):
        raise SigningKeyError("CREDENTIALS_SIGNING_KEYS must hold Ed25519 keys only")
    return SigningKeys(tuple(keys))


def sign(claims: dict[str, Any], key: OKPKey, *, kid: str) -> str:
    """The compact VC-JWT of a payload, with the key's DID URL as `kid`."""
    header = {"alg": ALGORITHM, "kid": kid, "typ": "JWT"}
    with _eddsa_allowed():
        return jwt.encode(header, claims, key, algorithms=[ALGORITHM])


def check_signature(token: str, jwks: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The header and claims of a JWT whose signature one of the published keys made."""
    try:
        header = jws.extract_compact(token.encode()).headers()  # unverified: finds the key
    except (JoseError, ValueError) as error:
        raise SignatureError(f"it is not a readable JWT ({error})") from None
    if header.get("alg") != ALGORITHM:
        raise SignatureError(f"it is signed with {header.get('alg')!r}, not EdDSA")
    kid = str(header.get("kid", "")).rsplit("#", 1)[-1]
    found = [item for item in jwks.get("keys", []) if item.get("kid") == kid]
    if not found:
        raise SignatureError("it names a signing key this issuer has not published")
    try:
        key = OKPKey.import_key({k: v for k, v in found[0].items() if k != "d"})
        with _eddsa_allowed():
            token_ = jwt.decode(token, key, algorithms=[ALGORITHM])
    except (JoseError, ValueError) as error:
        raise SignatureError(f"the signature does not match ({error})") from None
    return dict(token_.header), dict(token_.claims)


def read_claims(token: str) -> dict[str, Any]:
    """The payload of a JWT this service signed itself, without checking it again."""
    return dict(json.loads(jws.extract_compact(token.encode()).payload))
