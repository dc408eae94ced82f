"""The round as a JSON document (following schemas/round.schema.json) and its hash."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import asdict, fields
from functools import cache
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


@cache
def _field_names(cls: type) -> frozenset[str]:
    return frozenset(item.name for item in fields(cls))


def _known(cls: type, values: dict[str, Any]) -> dict[str, Any]:
    """Keep the keys a dataclass knows, so documents from later versions still load."""
    names = _field_names(cls)
    if names.issuperset(values):
        return dict(values)
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
        choices=tuple(
            Choice(choice["workshop_id"], choice["rank"], choice.get("available", True))
            for choice in values.get("choices", ())
        ),
        submitted_at=str(values.get("submitted_at", "")),
    )


def _read_workshop(values: dict[str, Any]) -> Workshop:
    known = _known(Workshop, values)
    known["target_roles"] = tuple(known.get("target_roles", ()))
    known["target_skills"] = tuple(known.get("target_skills", ()))
    return Workshop(**known)


def _consumed(items: list[Any]) -> Iterator[Any]:
    """Yield the items of a list, letting go of each one once it has been read."""
    for index, item in enumerate(items):
        items[index] = None
        yield item


def read_round(doc: dict[str, Any], applicants: Iterable[Applicant]) -> Round:
    """Read a round from its document, with its applicants already read."""
    try:
        settings = dict(doc.get("settings", {}))
        weights = Weights(**_known(Weights, settings.pop("weights", {})))
        return Round(
            id=str(doc["id"]),
            workshops=tuple(_read_workshop(values) for values in doc["workshops"]),
            applicants=tuple(applicants),
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


def round_from_document(doc: dict[str, Any], *, consume: bool = False) -> Round:
    """Read a round back from its document; raise AllocationError if it cannot be read.

    With `consume` the document's applicants are let go of as they are read, so a large round's
    objects take the memory its document held (the document is useless afterwards).
    """
    try:
        applicants = doc["applicants"]
        if consume and isinstance(applicants, list):
            applicants = _consumed(applicants)
        read = (_read_applicant(values) for values in applicants)
    except (KeyError, TypeError) as error:
        raise AllocationError(f"The round document cannot be read: {error!r}.") from error
    return read_round(doc, read)


def canonical_json(doc: Any) -> str:
    """Return the one JSON text of a document that its hash is taken over."""
    # Parsed JSON holds no cycles: looking for them costs a tenth of the time and changes nothing.
    return json.dumps(
        doc, sort_keys=True, separators=(",", ":"), ensure_ascii=False, check_circular=False
    )


def input_hash(doc: dict[str, Any]) -> str:
    """Return the sha256 of the document's canonical JSON, as hex."""
    return hashlib.sha256(canonical_json(doc).encode("utf-8")).hexdigest()


def load_schema() -> dict[str, Any]:
    """Return the JSON Schema that round documents follow."""
    return json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))


SHOWN_VALUE = 40  # characters of a refused value quoted in a message


def shown(value: Any) -> str:
    """Return a value as JSON for a message, cut short: a refused value may be megabytes long."""
    if isinstance(value, dict):
        return f"an object of {len(value)} properties"
    if isinstance(value, list):
        return f"a list of {len(value)} items"
    if isinstance(value, str):
        value = value[: SHOWN_VALUE + 1]
    text = json.dumps(value, ensure_ascii=False, default=repr)
    return text if len(text) <= SHOWN_VALUE else text[: SHOWN_VALUE - 1] + "\N{HORIZONTAL ELLIPSIS}"


@cache
def compiled_validator() -> Callable[[Any], Any]:
    """Return the round schema compiled to Python once per process (fastjsonschema).

    jsonschema's general validator took 1.2 s on a 10,000-applicant round and 6 s on 50,000;
    the compiled one checks the same schema in one pass over the document.
    """
    import fastjsonschema

    schema = {key: value for key, value in load_schema().items() if key != "$schema"}
    # fastjsonschema knows drafts up to 7; this schema uses nothing newer than $defs references.
    return fastjsonschema.compile(schema, handlers={}, use_default=False)  # type: ignore[no-any-return]


_RULES: dict[str, Callable[[Any, Any], str]] = {
    "minimum": lambda value, limit: f"{shown(value)} is less than the minimum of {limit}",
    "maximum": lambda value, limit: f"{shown(value)} is more than the maximum of {limit}",
    "exclusiveMinimum": lambda value, limit: f"{shown(value)} must be more than {limit}",
    "minLength": lambda value, limit: f"{shown(value)} must be at least {limit} character long",
    "const": lambda value, wanted: f"must be {shown(wanted)}, not {shown(value)}",
    "type": lambda value, wanted: f"{shown(value)} is not of type {shown(wanted)}",
}


def _schema_problem(error: Any) -> str:
    """Return one line saying where the document breaks the schema and how."""
    where = "/".join(str(part) for part in error.path[1:]) or "document"
    explain = _RULES.get(error.rule)
    if explain is not None:
        return f"{where}: {explain(error.value, error.rule_definition)}"
    if error.rule == "required":
        missing = sorted(set(error.rule_definition) - set(error.value or {}))
        return f"{where}: missing {', '.join(shown(name) for name in missing[:5])}"
    if error.rule == "additionalProperties" and isinstance(error.value, dict):
        allowed = set(error.definition.get("properties", {}))
        extra = sorted(key for key in error.value if key not in allowed)
        return f"{where}: unexpected property {', '.join(shown(key) for key in extra[:3])}"
    return f"{where}: breaks the schema's rule {shown(error.rule)}"


def validate_document(doc: dict[str, Any]) -> None:
    """Raise AllocationError saying where a document first breaks the schema."""
    import fastjsonschema

    try:
        compiled_validator()(doc)
    except fastjsonschema.JsonSchemaValueException as error:
        raise AllocationError(
            ["The round document does not follow the schema:", _schema_problem(error)]
        ) from None
