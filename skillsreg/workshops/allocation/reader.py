"""Read a round file's document in one pass over its applicants: check, hash and build the round.

The schema check (fastjsonschema), the canonical JSON of the hash and the round's objects each
walked all applicants; on a 50,000-applicant round that was 1.2 s of a 4.3 s command. Here each
applicant is checked by a few strict type tests while its objects are built, and its canonical
JSON is hashed a block at a time. The strict tests (of the whole document, so a plain file never
needs the schema compiled) accept only what the schema accepts. Anything else, a mistake or an
unusual but valid spelling such as a rank of `1.0`, goes through the compiled schema check and
the plain reader instead, so a bad file is refused whole with exactly the schema check's message.
"""

from __future__ import annotations

import hashlib
from typing import Any

from skillsreg.workshops.allocation.document import (
    FORMAT,
    VERSION,
    canonical_json,
    input_hash,
    read_round,
    round_from_document,
    validate_document,
)
from skillsreg.workshops.allocation.model import Applicant, Choice, Round

APPLICANT_KEYS = frozenset(
    (
        "id",
        "sector",
        "organisation",
        "roles",
        "manages_web_team",
        "years_managing",
        "attended_before",
        "skills",
        "choices",
        "submitted_at",
    )
)
CHOICE_KEYS = frozenset(("workshop_id", "rank", "available"))
ROUND_KEYS = frozenset(
    ("format", "version", "id", "settings", "workshops", "applicants", "locked_in", "locked_out")
)
SETTINGS_KEYS = frozenset(("max_places_per_person", "time_limit", "mip_rel_gap", "weights"))
WORKSHOP_KEYS = frozenset(
    (
        "id",
        "capacity",
        "target_roles",
        "target_skills",
        "max_sector_share",
        "max_per_organisation",
        "min_per_target_role",
    )
)
LOCK_KEYS = frozenset(("applicant", "workshop"))
SEED_MAXIMUM = 2**31 - 1  # the schema's


def _is_int(value: Any, low: int) -> bool:
    return type(value) is int and value >= low


def _is_number(value: Any, low: int) -> bool:
    return (type(value) is int or type(value) is float) and value >= low


def _is_text(value: Any, shortest: int = 0) -> bool:
    return type(value) is str and len(value) >= shortest


def _are_texts(values: Any) -> bool:
    return type(values) is list and all(type(value) is str for value in values)


# The weights' rules in the schema: the kind of number and its minimum.
WEIGHT_RULES = {
    "preference": (_is_number, 0),
    "manages_web_team": (_is_number, 0),
    "years_managing": (_is_number, 0),
    "role_match": (_is_number, 0),
    "skill_match": (_is_number, 0),
    "newcomer": (_is_number, 0),
    "role_shortfall": (_is_number, 0),
    "rank_horizon": (_is_int, 1),
    "years_cap": (_is_int, 1),
    "skill_level_cap": (_is_int, 1),
}


def _plain_settings(settings: Any) -> bool:
    if type(settings) is not dict or settings.keys() != SETTINGS_KEYS:
        return False
    weights, time_limit = settings["weights"], settings["time_limit"]
    return (
        _is_int(settings["max_places_per_person"], 1)
        and _is_number(time_limit, 0)
        and time_limit > 0
        and _is_number(settings["mip_rel_gap"], 0)
        and type(weights) is dict
        and weights.keys() == WEIGHT_RULES.keys()
        and all(rule(weights[name], low) for name, (rule, low) in WEIGHT_RULES.items())
    )


def _plain_workshop(values: Any) -> bool:
    if type(values) is not dict or values.keys() != WORKSHOP_KEYS:
        return False
    share, most = values["max_sector_share"], values["max_per_organisation"]
    return (
        _is_text(values["id"], 1)
        and _is_int(values["capacity"], 0)
        and _are_texts(values["target_roles"])
        and _are_texts(values["target_skills"])
        and (share is None or (_is_number(share, 0) and share <= 1))
        and (most is None or _is_int(most, 0))
        and _is_int(values["min_per_target_role"], 0)
    )


def _plain_locks(locks: Any, *, whole_round: bool) -> bool:
    """Tell whether locks plainly follow the schema (`whole_round`: a null workshop allowed)."""
    if type(locks) is not list:
        return False
    for lock in locks:
        if type(lock) is not dict or lock.keys() != LOCK_KEYS:
            return False
        where = lock["workshop"]
        if not _is_text(lock["applicant"], 1):
            return False
        if not (_is_text(where, 1) or (whole_round and where is None)):
            return False
    return True


def _plain_round(document: dict[str, Any]) -> bool:
    """Tell whether everything but the applicants plainly follows the schema."""
    seed = document.get("seed", 0)
    workshops = document.get("workshops")
    return (
        document.keys() - {"seed"} == ROUND_KEYS
        and _is_int(seed, 0)
        and seed <= SEED_MAXIMUM
        and _is_text(document["format"])
        and document["format"] == FORMAT
        and _is_int(document["version"], VERSION)
        and document["version"] == VERSION
        and _is_text(document["id"], 1)
        and _plain_settings(document["settings"])
        and type(workshops) is list
        and all(_plain_workshop(values) for values in workshops)
        and type(document["applicants"]) is list
        and _plain_locks(document["locked_in"], whole_round=False)
        and _plain_locks(document["locked_out"], whole_round=True)
    )


BLOCK = 2048  # applicants hashed (and let go of) together: one JSON text each, not 50,000


def _plain_choices(
    choices: list[Any], known: dict[tuple[str, int, bool], Choice]
) -> tuple[Choice, ...] | None:
    made = []
    for choice in choices:
        if type(choice) is not dict or choice.keys() != CHOICE_KEYS:
            return None
        workshop_id, rank, available = choice["workshop_id"], choice["rank"], choice["available"]
        if not (
            type(workshop_id) is str
            and workshop_id
            and type(rank) is int
            and rank >= 1
            and type(available) is bool
        ):
            return None
        # Choices are frozen values, and few differ: sharing them saves building 150,000.
        key = (workshop_id, rank, available)
        choice = known.get(key)
        if choice is None:
            choice = known[key] = Choice(workshop_id, rank, available)
        made.append(choice)
    return tuple(made)


def _plain_lists(roles: Any, skills: Any) -> bool:
    if type(roles) is not list or type(skills) is not dict:
        return False
    for role in roles:
        if type(role) is not str:
            return False
    return all(type(level) is int and level >= 0 for level in skills.values())


def _plain_applicant(values: Any, known: dict[tuple[str, int, bool], Choice]) -> Applicant | None:
    """Return the applicant of a document that plainly follows the schema, or None."""
    if type(values) is not dict or values.keys() != APPLICANT_KEYS:
        return None
    key, sector, organisation = values["id"], values["sector"], values["organisation"]
    manages, years, attended = (
        values["manages_web_team"],
        values["years_managing"],
        values["attended_before"],
    )
    roles, skills, choices = values["roles"], values["skills"], values["choices"]
    if not (
        type(key) is str
        and key
        and type(sector) is str
        and type(organisation) is str
        and type(manages) is bool
        and type(years) is int
        and years >= 0
        and type(attended) is bool
        and type(values["submitted_at"]) is str
        and type(choices) is list
        and _plain_lists(roles, skills)
    ):
        return None
    made = _plain_choices(choices, known)
    if made is None:
        return None
    # JSON object keys are strings: the parsed skills dict is already what the round holds.
    return Applicant(
        key,
        sector,
        organisation,
        tuple(roles),
        manages,
        years,
        attended,
        skills,
        made,
        values["submitted_at"],
    )


def _document_of(applicant: Applicant) -> dict[str, Any]:
    """Return the values an applicant was read from (they were plain, so this is exact)."""
    return {
        "id": applicant.id,
        "sector": applicant.sector,
        "organisation": applicant.organisation,
        "roles": list(applicant.roles),
        "manages_web_team": applicant.manages_web_team,
        "years_managing": applicant.years_managing,
        "attended_before": applicant.attended_before,
        "skills": applicant.skills,
        "choices": [
            {"workshop_id": c.workshop_id, "rank": c.rank, "available": c.available}
            for c in applicant.choices
        ],
        "submitted_at": applicant.submitted_at,
    }


def _read_applicants(items: list[Any], hasher: Any) -> list[Applicant] | None:
    """Check, hash and read the applicants, letting go of each block once read.

    Returns None, with the list as it was, at the first applicant that is not plain.
    """
    read: list[Applicant] = []
    known: dict[tuple[str, int, bool], Choice] = {}
    for start in range(0, len(items), BLOCK):
        block = items[start : start + BLOCK]
        for values in block:
            applicant = _plain_applicant(values, known)
            if applicant is None:
                items[:start] = [_document_of(done) for done in read[:start]]
                return None
            read.append(applicant)
        try:
            text = canonical_json(block)[1:-1].encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: the plain path says what it says
            items[:start] = [_document_of(done) for done in read[:start]]
            return None
        hasher.update(b"," + text if start else text)
        items[start : start + BLOCK] = [None] * len(block)
    return read


def read_document(document: dict[str, Any]) -> tuple[Round, str]:
    """Check a round document against the schema, and return its round and its input hash.

    The hash is `input_hash` of the document without its replay seed. The document's
    applicants are let go of as they are read: the document is useless afterwards.
    Raises AllocationError saying where the document first breaks the schema.
    """
    rest = {key: value for key, value in document.items() if key not in ("applicants", "seed")}
    if _plain_round(document):
        # In canonical JSON "applicants" comes first: the schema's other keys sort after it.
        hasher = hashlib.sha256(b'{"applicants":[')
        applicants = _read_applicants(document["applicants"], hasher)
        if applicants is not None:
            hasher.update(("]," + canonical_json(rest)[1:]).encode("utf-8"))
            return read_round(document, applicants), hasher.hexdigest()
    validate_document(document)
    digest = input_hash({key: value for key, value in document.items() if key != "seed"})
    return round_from_document(document, consume=True), digest
