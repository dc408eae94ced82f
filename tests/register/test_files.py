"""A long register's PDF is laid out in parts and joined, its pages numbered on throughout."""

from __future__ import annotations

import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from skillsreg.register import files
from skillsreg.register.files import RegisterTable, pdf_bytes
from skillsreg.register.rules import ConsentField

PUBLISHED = datetime(2026, 12, 6, 12, 0, tzinfo=UTC)


def table(people: int) -> RegisterTable:
    return RegisterTable(
        title="Register of web professionals: number 7",
        number=7,
        published_at=PUBLISHED,
        population="Everyone interested in the framework",
        columns=[ConsentField.NAME, ConsentField.ORGANISATION],
        rows=[{"name": f"Person {n:03}", "organisation": "Hove Council"} for n in range(people)],
    )


def page_texts(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_a_long_register_is_joined_from_parts_with_every_person_and_page_numbers_running_on(
    app, monkeypatch
):
    monkeypatch.setattr(files, "PDF_PART_ROWS", 40)
    parts = []
    with app.test_request_context():
        pdf = pdf_bytes(table(100), on_part=lambda done, total: parts.append((done, total)))
    assert parts == [(1, 3), (2, 3), (3, 3)]
    texts = page_texts(pdf)
    everything = "\n".join(texts)
    assert [n for n in range(100) if f"Person {n:03}" not in everything] == []
    numbers = [int(re.search(r"Page (\d+)", text).group(1)) for text in texts]
    assert numbers == list(range(1, len(texts) + 1))
    assert everything.count("100 people") == 1  # the caption, once, in the first part
    assert "Published 6 December 2026" in texts[-1]  # the running header of later parts


def test_a_short_register_is_one_part_numbered_page_n_of_m(app):
    with app.test_request_context():
        texts = page_texts(pdf_bytes(table(5)))
    assert "Page 1 of 1" in texts[0]
