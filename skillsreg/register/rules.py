"""Register rules without Flask or SQLAlchemy: consent fields, filtering, CSV/JSON/CSVW output."""

from __future__ import annotations

import csv
import enum
import io
import json
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any


class ConsentField(enum.Enum):
    """A piece of a person's details they may agree to have published in the register."""

    NAME = "name"
    ORGANISATION = "organisation"
    JOB_TITLE = "job_title"
    ROLES = "roles"
    SECTOR = "sector"
    REGION = "region"
    TOP_SKILLS = "top_skills"
    COMMITMENTS = "commitments"

    # Members are singletons compared by identity, so the identity hash is right; it is also
    # far cheaper than Enum's own, which matters when a register of 100,000 people is built.
    __hash__ = object.__hash__

    @property
    def label(self) -> str:
        return FIELD_LABELS[self]


# Column order in every published file.
FIELD_ORDER = list(ConsentField)
FIELD_BY_VALUE = {field.value: field for field in ConsentField}

FIELD_LABELS = {
    ConsentField.NAME: "Name",
    ConsentField.ORGANISATION: "Organisation",
    ConsentField.JOB_TITLE: "Job title",
    ConsentField.ROLES: "Role",
    ConsentField.SECTOR: "Sector",
    ConsentField.REGION: "Region",
    ConsentField.TOP_SKILLS: "Top skills",
    ConsentField.COMMITMENTS: "Public commitments",
}

# Version 1 of the wording people agree to, seeded by the migration.
INITIAL_WORDING = {
    ConsentField.NAME: "Publish my name",
    ConsentField.ORGANISATION: "Publish who I work for",
    ConsentField.JOB_TITLE: "Publish the title of my job",
    ConsentField.ROLES: "Publish the role and level of my latest submitted self-assessment",
    ConsentField.SECTOR: "Publish the sector I work in",
    ConsentField.REGION: "Publish the region I work in",
    ConsentField.TOP_SKILLS: (
        "Publish a summary of my strongest skills from my latest submitted self-assessment"
    ),
    ConsentField.COMMITMENTS: (
        "Publish the development goals I choose to make public commitments, "
        "with whether I kept them"
    ),
}

TOP_SKILLS_COUNT = 3

# How wide each column of the register's PDF is against the others: a sector or a region fits
# on one line ("Third sector (charity, voluntary or community)", "Yorkshire and The Humber" in
# a four-column register), and a wrapped cell costs a line box and the register pages.
PDF_COLUMN_WEIGHTS = {
    ConsentField.NAME: 3.0,
    ConsentField.ORGANISATION: 3.0,
    ConsentField.JOB_TITLE: 3.0,
    ConsentField.ROLES: 3.0,
    ConsentField.SECTOR: 3.4,
    ConsentField.REGION: 2.0,
    ConsentField.TOP_SKILLS: 5.0,
    ConsentField.COMMITMENTS: 5.0,
}


class Population(enum.Enum):
    """Whom a register is built from."""

    FRAMEWORK = "framework"
    WORKSHOPS = "workshops"


@dataclass(frozen=True)
class PopulationSpec:
    """A chosen population: everyone interested in the framework, or given workshops' applicants."""

    kind: Population
    workshop_ids: tuple[int, ...] = ()

    def describe(self, workshop_titles: Mapping[int, str] | None = None) -> str:
        if self.kind is Population.FRAMEWORK:
            return "Everyone interested in the framework"
        titles = workshop_titles or {}
        names = [titles.get(i, f"workshop {i}") for i in self.workshop_ids]
        return "Applicants of " + ", ".join(names)

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind.value, "workshop_ids": list(self.workshop_ids)}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> PopulationSpec:
        return cls(Population(data["kind"]), tuple(int(i) for i in data.get("workshop_ids", ())))


@dataclass
class Person:
    """What the service holds about one candidate for the register, and what they agreed to."""

    user_id: int
    values: dict[ConsentField, str]
    consented: frozenset[ConsentField] = field(default_factory=frozenset)


def published_values(person: Person) -> dict[ConsentField, str]:
    """Only the fields this person agreed to, and only those with something to say."""
    return {
        name: value
        for name, value in person.values.items()
        if name in person.consented and value.strip()
    }


def is_listed(person: Person) -> bool:
    """A person appears in the register only if at least one consented field has a value."""
    return bool(published_values(person))


def columns_for(consented: Iterable[ConsentField]) -> list[ConsentField]:
    """The columns of a register: each field at least one person in it agreed to publish."""
    used = set(consented)
    return [name for name in FIELD_ORDER if name in used]


def row_for(person: Person, columns: Sequence[ConsentField]) -> dict[str, str]:
    """One person's row: a cell for every column, empty where they did not agree."""
    values = published_values(person)
    return {name.value: values.get(name, "") for name in columns}


def pdf_column_widths(columns: Sequence[ConsentField]) -> list[float]:
    """Each column's share of the PDF table's width, in per cent (PDF_COLUMN_WEIGHTS)."""
    total = sum(PDF_COLUMN_WEIGHTS[name] for name in columns)
    return [round(100 * PDF_COLUMN_WEIGHTS[name] / total, 2) for name in columns]


def top_skills_summary(ratings: Iterable[tuple[str, int | None]]) -> str:
    """The strongest rated skills, highest level first: 'Accessibility (5); Content design (4)'."""
    rated = [(name, level) for name, level in ratings if level is not None]
    rated.sort(key=lambda pair: (-pair[1], pair[0]))
    return "; ".join(f"{name} (level {level})" for name, level in rated[:TOP_SKILLS_COUNT])


def role_summary(role: str, level: str) -> str:
    return f"{role} ({level})" if role and level else role


def csv_lines(columns: Sequence[ConsentField], rows: Iterable[dict[str, str]]) -> Iterator[str]:
    """The CSV file as a stream of lines: a header of column names, then one line per person."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    names = [name.value for name in columns]
    writer.writerow(names)
    yield flush()
    for row in rows:
        writer.writerow([row[name] for name in names])
        yield flush()


def json_chunks(
    header: Mapping[str, Any], columns: Sequence[ConsentField], rows: Iterable[dict[str, str]]
) -> Iterator[str]:
    """The JSON file as a stream: the header's keys, the columns, then the people one by one."""
    head = dict(header)
    head["columns"] = [{"name": c.value, "title": c.label} for c in columns]
    opening = json.dumps(head, ensure_ascii=False, indent=2)[:-2]  # drop the closing "\n}"
    yield opening + ',\n  "people": ['
    first = True
    for row in rows:
        yield ("\n    " if first else ",\n    ") + json.dumps(row, ensure_ascii=False)
        first = False
    yield "\n  ]\n}\n" if not first else "]\n}\n"


def in_blocks(pieces: Iterable[str], *, size: int = 64 * 1024) -> Iterator[bytes]:
    """Join many small pieces of text into blocks of about `size` bytes for sending."""
    block: list[str] = []
    length = 0
    for piece in pieces:
        block.append(piece)
        length += len(piece)
        if length >= size:
            yield "".join(block).encode("utf-8")
            block, length = [], 0
    if block:
        yield "".join(block).encode("utf-8")


def csvw_metadata(
    *, csv_url: str, title: str, issued: str, columns: Sequence[ConsentField]
) -> dict[str, Any]:
    """W3C CSV on the Web metadata describing the register's CSV file and each of its columns."""
    return {
        "@context": "http://www.w3.org/ns/csvw",
        "url": csv_url,
        "dc:title": title,
        "dc:issued": {"@value": issued, "@type": "xsd:date"},
        "dc:publisher": "Web professionals skills register",
        "dialect": {"header": True, "encoding": "utf-8"},
        "tableSchema": {
            "columns": [
                {
                    "name": name.value,
                    "titles": name.label,
                    "datatype": "string",
                    "required": False,
                }
                for name in columns
            ]
        },
    }
