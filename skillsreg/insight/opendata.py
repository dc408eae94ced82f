"""A release's open-data files: CSV, its CSV-on-the-Web metadata and JSON (pure functions)."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

CSV_COLUMNS = [
    ("release", "Release number", "integer"),
    ("framework", "Framework", "string"),
    ("framework_version", "Framework version", "string"),
    ("cut", "How people are grouped: all (everyone), sector or region", "string"),
    ("group", "The group: all, a sector or a region (not-given: no region given)", "string"),
    ("skill_code", "Skill code", "string"),
    ("skill_name", "Skill", "string"),
    ("category", "Category", "string"),
    ("measure", "Measure: level (0 is not applicable) or gap against the role level", "string"),
    ("value", "Level number or gap status (below, meets, above)", "string"),
    ("noisy_count", "People, with differentially private noise added", "integer"),
]


def figure_rows(release: dict[str, Any]) -> list[list[Any]]:
    """One row per published count: everyone first, then each cut's groups, each in the
    skills' order."""
    tables = [("all", "all", release["skills"])]
    for cut, table in release.get("cuts", {}).items():
        tables += [(cut, group["code"], group["skills"]) for group in table["groups"]]
    rows = []
    for cut, group, skills in tables:
        for skill in skills:
            head = [
                release["number"],
                release["framework"],
                release["framework_version"],
                cut,
                group,
                skill["code"],
                skill["name"],
                skill["category"],
            ]
            rows += [[*head, "level", level, n] for level, n in skill["levels"].items()]
            rows += [[*head, "gap", status, n] for status, n in skill["gaps"].items()]
    return rows


def release_csv(release: dict[str, Any]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([name for name, _, _ in CSV_COLUMNS])
    writer.writerows(figure_rows(release))
    return out.getvalue().encode()


def csv_name(number: int) -> str:
    return f"community-skills-release-{number}.csv"


def release_metadata(release: dict[str, Any], *, url_base: str) -> bytes:
    """CSV on the Web (W3C tabular metadata) describing the CSV and how it was made noisy."""
    metadata = {
        "@context": ["http://www.w3.org/ns/csvw", {"@language": "en"}],
        "url": csv_name(release["number"]),
        "dc:title": f"Community skills release {release['number']}",
        "dc:description": (
            "How members of the community rate themselves against the skills framework, as "
            "counts of people with differentially private noise added "
            f"(epsilon {release['epsilon']:g} in all, each table noised separately: "
            f"{_tables(release)}). "
            f"Methodology: {url_base}/insight/methodology"
        ),
        "dc:license": {"@id": "https://creativecommons.org/licenses/by/4.0/"},
        "dc:issued": {"@value": release["made_at"], "@type": "xsd:dateTime"},
        "dc:publisher": "Public Sector Web Professionals Network",
        "tableSchema": {
            "columns": [
                {"name": name, "titles": title, "datatype": datatype}
                for name, title, datatype in CSV_COLUMNS
            ],
            "primaryKey": ["cut", "group", "skill_code", "measure", "value"],
        },
    }
    return json.dumps(metadata, indent=2).encode()


TABLE_NAMES = {"all": "Everyone", "sector": "By sector", "region": "By region"}


def release_tables(release: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(name, {epsilon, sensitivity, scale}) of each table of a release. Releases made before
    the tables had their own shares record one scale for all: they are described from it."""
    budget = release.get("budget") or {}
    if "tables" in budget:
        return [(TABLE_NAMES[cut], table) for cut, table in budget["tables"].items()]
    shares = budget.get("epsilon_per_cut") or {"all": release["epsilon"]}
    return [
        (
            TABLE_NAMES[cut],
            {
                "epsilon": epsilon,
                "sensitivity": round(release["scale"] * epsilon),
                "scale": release["scale"],
            },
        )
        for cut, epsilon in shares.items()
    ]


def _tables(release: dict[str, Any]) -> str:
    return "; ".join(
        f"{name.lower()} epsilon {table['epsilon']:g}, discrete Laplace scale {table['scale']:g}"
        for name, table in release_tables(release)
    )


def release_json(release: dict[str, Any]) -> bytes:
    return json.dumps(release, indent=2, sort_keys=False).encode()
