"""A long register's PDF is laid out in parts and joined, its pages numbered "n of N" throughout."""

from __future__ import annotations

import gc
import io
import re
from datetime import UTC, datetime

from pypdf import PdfReader

from skillsreg.register.files import RegisterTable, pdf_bytes
from skillsreg.register.pdf import render_part
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


def numbers(texts: list[str]) -> list[tuple[int, int]]:
    """Each page's "Page n of N", read from the page."""
    found = [re.findall(r"Page (\d+) of (\d+)", text) for text in texts]
    assert all(len(on_page) == 1 for on_page in found), found  # one footer, never two
    return [(int(n), int(total)) for [(n, total)] in found]


def check_joined(pdf: bytes, people: int) -> list[str]:
    texts = page_texts(pdf)
    everything = "\n".join(texts)
    assert [n for n in range(people) if f"Person {n:03}" not in everything] == []
    assert numbers(texts) == [(n, len(texts)) for n in range(1, len(texts) + 1)]
    assert everything.count(f"{people} people") == 1  # the caption, once, in the first part
    # The running header is on every page but the first, in later parts too.
    assert all("Published 6 December 2026" in text for text in texts[1:])
    return texts


def test_a_long_register_is_joined_from_parts_with_every_page_numbered_n_of_all(app):
    app.config["REGISTER_PDF_PART_ROWS"] = 40
    parts = []
    with app.test_request_context():
        pdf = pdf_bytes(table(100), on_part=lambda done, total: parts.append((done, total)))
    assert parts == [(1, 3), (2, 3), (3, 3)]
    texts = check_joined(pdf, 100)
    assert len(texts) > 3  # a part of 40 people takes more than one page
    meta = PdfReader(io.BytesIO(pdf)).metadata
    assert meta is not None
    assert meta.title == "Register of web professionals: number 7"


def test_parts_laid_out_in_other_processes_join_to_the_same_pages(app):
    app.config["REGISTER_PDF_PART_ROWS"] = 60
    with app.test_request_context():
        here = pdf_bytes(table(150))
        app.config["REGISTER_PDF_PROCESSES"] = 2
        elsewhere = pdf_bytes(table(150))
    assert page_texts(elsewhere) == check_joined(here, 150)


def test_a_short_register_is_one_part_numbered_page_n_of_m(app):
    with app.test_request_context():
        texts = page_texts(pdf_bytes(table(5)))
    assert "Page 1 of 1" in texts[0]


def test_laying_out_a_part_freezes_older_objects_only_while_it_runs():
    frozen: list[int] = []
    gc.callbacks.append(lambda phase, info: frozen.append(gc.get_freeze_count()))
    try:
        content, pages = render_part('<!DOCTYPE html><html lang="en"><body><p>Hi</p></body></html>')
    finally:
        gc.callbacks.pop()
    assert content.startswith(b"%PDF")
    assert pages == 1
    assert frozen  # the part's own objects were collected...
    assert min(frozen) > 0  # ...with the objects made before it left out
    assert gc.get_freeze_count() == 0  # and afterwards everything is collected as usual
