"""Generate large, schema-valid framework documents for query-count tests and benchmarks."""

from __future__ import annotations

import copy
import random
from typing import Any

Doc = dict[str, Any]

LEVEL_NAMES = ("Follow", "Assist", "Apply", "Enable", "Ensure", "Initiate", "Set strategy")
VOCABULARY = (
    "plan publish review content pages users accessible search data measure improve "
    "service design test secure host code standards guidance team budget policy audit "
    "feedback forms journeys editors council residents channels campaigns analytics "
    "performance quality"
)
WORDS = VOCABULARY.split()
ROLE_STEPS = ("junior", "senior", "lead")


def _sentence(rng: random.Random, words: int = 12) -> str:
    text = " ".join(rng.choice(WORDS) for _ in range(words))
    return text[0].upper() + text[1:] + "."


def skill_code(index: int) -> str:
    """Codes that follow the schema: a capital letter, then up to 7 capitals or digits."""
    return f"S{index:03d}"


def make_large_doc(
    *,
    skills: int = 150,
    levels: int = 7,
    roles: int = 30,
    categories: int = 10,
    slug: str = "generated",
    seed: int = 1,
) -> Doc:
    """A published version 1.0.0 with every skill described at every level."""
    rng = random.Random(seed)
    cats = [
        {"code": f"area-{n}", "name": f"Area {n}", "description": _sentence(rng)}
        for n in range(1, categories + 1)
    ]
    skill_list = [
        {
            "code": skill_code(n),
            "name": f"Skill {n} {rng.choice(WORDS)}",
            "category": cats[n % categories]["code"],
            "description": _sentence(rng, 20),
            "guidance": _sentence(rng, 30),
            "descriptors": [
                {"level": level, "text": _sentence(rng, 25)} for level in range(1, levels + 1)
            ],
        }
        for n in range(1, skills + 1)
    ]
    codes = [skill["code"] for skill in skill_list]
    per_step = min(20, len(codes))
    role_list = [
        {
            "code": f"role-{n}",
            "name": f"Role {n}",
            "description": _sentence(rng),
            "levels": [
                {
                    "code": step,
                    "name": f"{step.title()} role {n}",
                    "description": _sentence(rng),
                    "profile": {
                        code: min(levels, depth + 1 + rng.randrange(3))
                        for code in rng.sample(codes, per_step)
                    },
                }
                for depth, step in enumerate(ROLE_STEPS)
            ],
        }
        for n in range(1, roles + 1)
    ]
    return {
        "format": 1,
        "framework": {
            "slug": slug,
            "title": f"Generated framework {slug}",
            "description": "A large generated framework.",
            "licence": "CC-BY-4.0",
            "owner": "Test owner",
        },
        "version": {
            "number": "1.0.0",
            "status": "published",
            "parent": None,
            "release_notes": "First version.",
            "published_on": "2026-11-27",
        },
        "levels": [
            {"number": n, "name": LEVEL_NAMES[(n - 1) % len(LEVEL_NAMES)], "description": "At n."}
            for n in range(1, levels + 1)
        ],
        "categories": cats,
        "skills": skill_list,
        "roles": role_list,
    }


def make_large_child(parent: Doc, *, status: str = "published") -> Doc:
    """Version 1.1.0 of a generated document: reworded, changed, merged, new and retired skills."""
    doc = copy.deepcopy(parent)
    doc["version"].update(number="1.1.0", status=status, parent=parent["version"]["number"])
    if status != "published":
        doc["version"]["published_on"] = None
    skills = doc["skills"]
    for index, skill in enumerate(skills):
        skill["relation"] = {"type": "unchanged", "from": [skill["code"]]}
        if index % 5 == 1:
            skill["relation"]["type"] = "reworded"
            skill["descriptors"][0]["text"] = skill["descriptors"][0]["text"][:-1] + " well."
        elif index % 11 == 2 and len(skill["descriptors"]) > 1:
            skill["relation"]["type"] = "changed"
            skill["description"] = "A new meaning for this skill."
            skill["descriptors"][-1]["text"] = "Something else entirely at the top level."
    retired = skills[-1]
    merged_into, merged_from = skills[-3], skills[-2]
    merged_into["relation"] = {"type": "merged", "from": [merged_into["code"], merged_from["code"]]}
    doc["skills"] = [skill for skill in skills if skill not in (retired, merged_from)]
    doc["skills"].append(
        {
            "code": "NEW1",
            "name": "A new skill",
            "category": doc["categories"][0]["code"],
            "description": "Added in this version.",
            "guidance": "",
            "descriptors": [{"level": 1, "text": "Knows it."}, {"level": 2, "text": "Does it."}],
            "relation": {"type": "new", "from": []},
        }
    )
    gone = {retired["code"], merged_from["code"]}
    for role in doc["roles"]:
        for step in role["levels"]:
            step["profile"] = {c: lv for c, lv in step["profile"].items() if c not in gone}
    doc["retired"] = [{"code": retired["code"], "note": "No longer needed."}]
    return doc
