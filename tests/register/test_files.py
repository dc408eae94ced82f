"""A long register's PDF is laid out in parts and joined, its pages numbered "n of N" throughout."""

from __future__ import annotations

import gc
import io
import re
import tracemalloc
from datetime import UTC, datetime
from typing import Any

from pypdf import PdfReader

from skillsreg.register import files
from skillsreg.register.files import RegisterTable, pdf_blocks
from skillsreg.register.pdf import JoinedPdf, register_html, render_part
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


def pdf_bytes(register: RegisterTable, **options: Any) -> bytes:
    return b"".join(pdf_blocks(register, **options))


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


def margins(pdf: bytes, page: int) -> list[tuple[str, float, float, float]]:
    """Where a page's running header (its left text) and "Page n of N" start, and their size."""
    found = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        if text.startswith(("Page", "Register of")):
            x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
            found.append((text.strip(), round(x, 2), round(y, 2), round(size, 2)))

    PdfReader(io.BytesIO(pdf)).pages[page].extract_text(visitor_text=visit)
    return sorted(found)


def test_a_joined_register_has_its_header_and_numbers_where_a_one_part_register_does(app):
    with app.test_request_context():
        one_part = pdf_bytes(table(40))
        app.config["REGISTER_PDF_PART_ROWS"] = 30
        joined = pdf_bytes(table(70))
    assert len(page_texts(one_part)) == 2
    assert 2 < len(page_texts(joined)) < 10  # digits are as wide as each other: "of 2", "of 5"
    [(number, *where)] = [text for text in margins(joined, 0) if text[0].startswith("Page")]
    assert number == f"Page 1 of {len(page_texts(joined))}"  # and no header on the first page
    assert [tuple(where)] == [text[1:] for text in margins(one_part, 0) if text[0] == "Page 1 of 2"]
    # The header's left text and the page number start where they do in a one-part register.
    assert [text[1:] for text in margins(joined, 1)] == [text[1:] for text in margins(one_part, 1)]
    assert [text[0][:12] for text in margins(joined, 1)] == ["Page 2 of 5", "Register of "]
    # The PDF version WeasyPrint wrote, not pypdf's default of 1.3.
    assert joined.split(b"\n", 1)[0] == one_part.split(b"\n", 1)[0] == b"%PDF-1.7"


# WeasyPrint's own ::marker rule keeps a list's markers out of the list's text-transform.
LIST = (
    '<!DOCTYPE html><html lang="en"><body><ol style="list-style-type: lower-alpha;'
    ' text-transform: uppercase"><li>First</li></ol></body></html>'
)


def test_parts_are_laid_out_without_user_agent_styles_for_pseudo_elements_they_never_have():
    from weasyprint import HTML

    assert page_texts(HTML(string=LIST).write_pdf()) == ["FIRSTa. "]
    assert page_texts(register_html()(string=LIST).write_pdf()) == ["FIRSTA. "]


def test_laying_out_a_part_collects_once_leaving_older_objects_out():
    html = '<!DOCTYPE html><html lang="en"><body><p>Hi</p></body></html>'
    render_part(html)  # the styles are parsed once per process, before the part
    frozen: list[int] = []
    gc.callbacks.append(lambda phase, info: frozen.append(gc.get_freeze_count()))
    try:
        content, pages = render_part(html)
    finally:
        gc.callbacks.pop()
    assert content.startswith(b"%PDF")
    assert pages == 1
    assert len(frozen) == 2  # the part's own objects were collected once, at its end...
    assert min(frozen) > 0  # ...with the objects made before it left out
    assert gc.get_freeze_count() == 0  # and afterwards everything is collected as usual
    assert gc.isenabled()


def test_the_running_header_is_the_apps_in_one_part_and_in_joined_registers(app, monkeypatch):
    monkeypatch.setattr(files, "RUNNING_HEADER", "Register of Hove's web people")
    with app.test_request_context():
        one_part = pdf_bytes(table(40))
        app.config["REGISTER_PDF_PART_ROWS"] = 30
        joined = pdf_bytes(table(70))
    for pdf in (one_part, joined):
        texts = page_texts(pdf)
        assert "Register of Hove's web people" not in texts[0]  # no header on the first page
        assert all("Register of Hove's web people" in text for text in texts[1:])


def small_pdf(heading: str, people: int) -> bytes:
    rows = "".join(f"<p>{heading} person {n}</p>" for n in range(people))
    html = f'<!DOCTYPE html><html lang="cy"><head><title>{heading}</title></head><body>'
    return render_part(f"{html}<h1>{heading}</h1>{rows}</body></html>")[0]


def test_parts_are_written_out_as_they_are_joined_with_their_outlines_in_order():
    first, second = small_pdf("First", 80), small_pdf("Second", 3)
    out = io.BytesIO()
    joined = JoinedPdf(out)
    joined.add(first)
    written = out.tell()
    assert written > len(first) // 2  # the first part's pages are out before the second comes
    joined.add(second)
    assert out.tell() > written
    joined.close()
    reader = PdfReader(io.BytesIO(out.getvalue()))
    texts = page_texts(out.getvalue())
    assert texts == page_texts(first) + page_texts(second)
    assert [item.title for item in reader.outline] == ["First", "Second"]
    assert [reader.get_destination_page_number(item) for item in reader.outline] == [
        0,
        len(page_texts(first)),
    ]
    assert reader.metadata is not None
    assert reader.metadata.title == "First"  # the document's information is the first part's
    assert reader.trailer["/Root"]["/Lang"] == "cy"


def test_joining_more_parts_takes_no_more_memory(tmp_path):
    part = small_pdf("Part", 80)

    def peak_joining(parts: int) -> int:
        with (tmp_path / f"{parts}.pdf").open("wb") as out:
            tracemalloc.start()
            try:
                joined = JoinedPdf(out)
                for _ in range(parts):
                    joined.add(part)
                joined.close()
                return tracemalloc.get_traced_memory()[1]
            finally:
                tracemalloc.stop()

    few, many = peak_joining(4), peak_joining(20)
    assert many < 2 * few  # pypdf's writer, holding every part, took five times as much
