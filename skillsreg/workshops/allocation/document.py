"""The round as a JSON document (following schemas/round.schema.json) and its hash."""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from skillsreg.workshops.allocation.model import (
    AllocationError,
    Applicant,
    Choice,
    Round,
    Settings,
    Weights,
    Workshop,
)

FORMAT = "skillsreg-workshop-round"
VERSION = 1
SCHEMA_PATH = Path(__file__).resolve().parent.parent / "schemas" / "round.schema.json"


def _workshop(workshop: Workshop) -> dict[str, Any]:
    document = asdict(workshop)
    document["target_roles"] = list(workshop.target_roles)
    document["target_skills"] = list(workshop.target_skills)
    return document


def _applicant(applicant: Applicant) -> dict[str, Any]:
    return {
        "id": applicant.id,
        "sector": applicant.sector,
        "organisation": applicant.organisation,
        "roles": list(applicant.roles),
        "manages_web_team": applicant.manages_web_team,
        "years_managing": applicant.years_managing,
        "attended_before": applicant.attended_before,
        "skills": dict(sorted(applicant.skills.items())),
        "choices": [
            asdict(choice)
            for choice in sorted(applicant.choices, key=lambda c: (c.rank, c.workshop_id))
        ],
        "submitted_at": applicant.submitted_at,
    }


def input_document(round: Round) -> dict[str, Any]:
    """Return the round as a JSON-serialisable document, in a canonical order."""
    return {
        "format": FORMAT,
        "version": VERSION,
        "id": round.id,
        "settings": {
            "max_places_per_person": round.settings.max_places_per_person,
            "time_limit": round.settings.time_limit,
            "mip_rel_gap": round.settings.mip_rel_gap,
            "weights": asdict(round.settings.weights),
        },
        "workshops": [_workshop(w) for w in sorted(round.workshops, key=lambda w: w.id)],
        "applicants": [_applicant(a) for a in sorted(round.applicants, key=lambda a: a.id)],
        "locked_in": [
            {"applicant": person, "workshop": where}
            for person, where in sorted(set(round.locked_in))
        ],
        "locked_out": [
            {"applicant": person, "workshop": where}
            for person, where in sorted(
                set(round.locked_out), key=lambda lock: (lock[0], lock[1] or "")
            )
        ],
    }


def _known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Keep the keys a dataclass knows, so documents from later versions still load."""
    names = {item.name for item in fields(cls)}
    return {key: value for key, value in values.items() if key in names}


def _read_applicant(values: dict[str, Any]) -> Applicant:
    return Applicant(
        id=str(values["id"]),
        sector=str(values["sector"]),
        organisation=str(values["organisation"]),
        roles=tuple(values.get("roles", ())),
        manages_web_team=bool(values.get("manages_web_team", False)),
        years_managing=int(values.get("years_managing", 0)),
        attended_before=bool(values.get("attended_before", False)),
        skills={str(key): int(level) for key, level in values.get("skills", {}).items()},
        choices=tuple(Choice(**_known(Choice, choice)) for choice in values.get("choices", ())),
        submitted_at=str(values.get("submitted_at", "")),
    )


def _read_workshop(values: dict[str, Any]) -> Workshop:
    known = _known(Workshop, values)
    known["target_roles"] = tuple(known.get("target_roles", ()))
    known["target_skills"] = tuple(known.get("target_skills", ()))
    return Workshop(**known)


def round_from_document(doc: dict[str, Any]) -> Round:
    """Read a round back from its document; raise AllocationError if it cannot be read."""
    try:
        settings = dict(doc.get("settings", {}))
        weights = Weights(**_known(Weights, settings.pop("weights", {})))
        return Round(
            id=str(doc["id"]),
            workshops=tuple(_read_workshop(values) for values in doc["workshops"]),
            applicants=tuple(_read_applicant(values) for values in doc["applicants"]),
            settings=Settings(weights=weights, **_known(Settings, settings)),
            locked_in=tuple(
                (lock["applicant"], lock["workshop"]) for lock in doc.get("locked_in", ())
            ),
            locked_out=tuple(
                (lock["applicant"], lock.get("workshop")) for lock in doc.get("locked_out", ())
            ),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        raise AllocationError(f"The round document cannot be read: {error!r}.") from error


def canonical_json(doc: dict[str, Any]) -> str:
    """Return the one JSON text of a document that its hash is taken over."""
    return json.dumps(doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def input_hash(doc: dict[str, Any]) -> str:
    """Return the sha256 of the document's canonical JSON, as hex."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema that round documents follow."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


def validate_document(doc: dict[str, Any]) -> None:
    """Raise AllocationError listing where a document breaks the schema (needs jsonschema)."""
    # Imported here because only the offline tools and tests validate documents.
    import jsonschema

    validator = jsonschema.Draft202012Validator(load_schema())
    problems = sorted(
        f"{'/'.join(str(part) for part in error.absolute_path) or 'document'}: {error.message}"
        for error in validator.iter_errors(doc)
    )
    if problems:
        raise AllocationError(["The round document does not follow the schema:", *problems])
