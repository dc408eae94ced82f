"""The register's PDF at any size: laid out in parts, in parallel processes, joined and numbered.

WeasyPrint lays out one part of REGISTER_PDF_PART_ROWS people at a time, so a process's memory
grows with the part, not the register; REGISTER_PDF_PROCESSES parts are laid out at once, each in
its own process (a register of 100,000 people is over 4,000 pages). The parts are joined with
pypdf. Only when every part is laid out is the number of pages known: the parts are laid out
without a page number, then each page is stamped "Page n of N" in the same place and type as a
one-part register's own footer (the stamps are laid out by WeasyPrint too, so the type is
embedded the same way, and drawn on the part's pages as form XObjects).

Most of a part's CPU goes on WeasyPrint's work per element and per box, so the part is laid out
with less of it: no user-agent rules for pseudo-elements the register never has, and stamps that
are pages without margin boxes, added to the part's pages without re-encoding their content.

The functions that run in other processes take and return plain values: they import neither
Flask nor the app, and a process started for them loads only WeasyPrint.
"""

from __future__ import annotations

import gc
import io
import os
import re
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from html import escape
from itertools import accumulate
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from skillsreg.config import ROOT

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint import CSS, HTML
    from weasyprint.text.fonts import FontConfiguration

STYLESHEET = ROOT / "templates" / "pdf" / "register.css"
STAMP_STYLESHEET = ROOT / "templates" / "pdf" / "register-page-number.css"
DEFAULT_PART_ROWS = 500
# A part of a long register is laid out without margin boxes (a fifth of a page's CPU): its
# running header and page number are stamped on afterwards.
NO_MARGIN_BOXES = (
    "@page { @top-left { content: none; } @top-right { content: none; }"
    " @bottom-right { content: none; } }"
)
# WeasyPrint's user-agent rules for these pseudo-elements match every element, so each element
# of a part had six more styles worked out: the register has no lists, footnotes or notes.
UNUSED_PSEUDO_ELEMENTS = re.compile(
    r"^::(marker|footnote-call|footnote-marker|note-call|note-marker|note-callback) \{.*\}$",
    re.MULTILINE,
)
STAMP_NAME = "/RegisterPageNumber"

_fonts = threading.local()


@cache
def stylesheet() -> CSS:
    """The register's print styles, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


@cache
def register_html() -> type[HTML]:
    """WeasyPrint's HTML document with its user-agent styles less the rules for pseudo-elements
    the register never has (a sixth of a part's CPU went on them)."""
    from weasyprint import HTML
    from weasyprint.html import UA_COUNTER_STYLE

    sheet = user_agent_stylesheet(UA_COUNTER_STYLE)

    class RegisterHTML(HTML):
        def _ua_stylesheets(self, forms: bool = False) -> list[CSS]:
            return [sheet]

    return RegisterHTML


def user_agent_stylesheet(counter_style: Any) -> CSS:
    """WeasyPrint's HTML5 user-agent stylesheet without UNUSED_PSEUDO_ELEMENTS."""
    from weasyprint import CSS
    from weasyprint.html import UA

    text, removed = UNUSED_PSEUDO_ELEMENTS.subn("", UA)
    if removed != 6:  # another WeasyPrint: look at its stylesheet again
        raise RuntimeError(f"{removed} of WeasyPrint's 6 pseudo-element rules found")
    return CSS(string=text, counter_style=counter_style)


def font_config() -> FontConfiguration:
    """A font configuration per thread, so Pango's font caches last from one part to the next."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def render_part(html: str, extra_css: Sequence[str] = ()) -> tuple[bytes, int]:
    """Lay out one part of the register (its HTML, with the print styles and `extra_css`);
    return the PDF and its number of pages."""
    from weasyprint import CSS

    sheets = [stylesheet(), *(CSS(string=css) for css in extra_css)]
    return _render(html, sheets)


def _render(html: str, sheets: list[CSS]) -> tuple[bytes, int]:
    with _young_objects_only():
        document = register_html()(string=html, base_url=ROOT.as_uri()).render(
            stylesheets=sheets, font_config=font_config(), pdf_variant="pdf/ua-1"
        )
        pages = len(document.pages)
        content = document.write_pdf()
        del document
        gc.collect()  # WeasyPrint's boxes hold cycles: free them before the next part
    return content, pages


@contextmanager
def _young_objects_only() -> Iterator[None]:
    """Collect only the objects made inside: a part makes millions, and each of Python's full
    collections meanwhile would walk every object of the process too (the app, the fonts),
    which cost a quarter of a part's time. Objects older than the block are frozen for it and
    collected as usual after it."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


@cache
def stamp_stylesheet() -> CSS:
    """The page numbers' styles, parsed once per process."""
    from weasyprint import CSS

    path = STAMP_STYLESHEET
    return CSS(string=path.read_text(encoding="utf-8"), base_url=path.as_uri())


def render_stamps(first: int, count: int, total: int, header: tuple[str, str]) -> bytes:
    """`count` pages of the register's size showing only the running header (`header`, left and
    right; not on the document's first page) and "Page n of `total`", n running from `first`,
    where a one-part register's margin boxes show them (register-page-number.css)."""
    left, right = (escape(text) for text in header)
    html = '<!DOCTYPE html><html lang="en-GB"><body>'
    for n in range(first, first + count):
        head = "" if n == 1 else f"<p>{left}</p><p>{right}</p>"
        html += f'<section><div class="head">{head}</div>'
        html += f'<p class="number">Page {n} of {total}</p></section>'
    content, pages = _render(html + "</body></html>", [stamp_stylesheet()])
    if pages != count:
        raise RuntimeError(f"{pages} page numbers laid out for {count} pages")
    return content


def stamp_part(content: bytes, first: int, total: int, header: tuple[str, str]) -> bytes:
    """A part laid out without margin boxes, each page stamped with the running header and
    "Page n of `total`" from `first`.

    Each stamp becomes a form XObject drawn after the page's own content, which is left as it
    is: merging the pages would decode, rewrite and compress every page's content again.
    """
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, NameObject

    part = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    stamps = PdfReader(io.BytesIO(render_stamps(first, len(part.pages), total, header)))
    # The page's content may leave its coordinates changed: draw the stamp in the page's own.
    before = part._add_object(_stream(b"q\n"))
    after = part._add_object(_stream(f"\nQ q {STAMP_NAME} Do Q\n".encode()))
    for page, stamp in zip(part.pages, stamps.pages, strict=True):
        resources = _copy(page["/Resources"])
        xobjects = _copy(resources.get("/XObject"))
        xobjects[NameObject(STAMP_NAME)] = part._add_object(_form(stamp).clone(part))
        resources[NameObject("/XObject")] = xobjects
        page[NameObject("/Resources")] = resources
        contents = page.raw_get("/Contents")  # the reference, not the stream itself
        own = list(contents.get_object()) if isinstance(contents.get_object(), list) else [contents]
        page[NameObject("/Contents")] = ArrayObject([before, *own, after])
    out = io.BytesIO()
    part.write(out)
    return out.getvalue()


def _stream(data: bytes) -> Any:
    from pypdf.generic import DecodedStreamObject

    stream = DecodedStreamObject()
    stream.set_data(data)
    return stream


def _copy(dictionary: Any) -> Any:
    """A page's own copy of a dictionary that WeasyPrint may share between pages."""
    from pypdf.generic import DictionaryObject

    return DictionaryObject(dictionary.get_object() if dictionary is not None else {})


def _form(page: Any) -> Any:
    """A (stamp) page as a form XObject."""
    from pypdf.generic import NameObject

    form = _stream(page["/Contents"].get_object().get_data())
    form[NameObject("/Type")] = NameObject("/XObject")
    form[NameObject("/Subtype")] = NameObject("/Form")
    form[NameObject("/BBox")] = page.mediabox
    form[NameObject("/Resources")] = page["/Resources"]
    return form.flate_encode()


def join_pdfs(parts: Sequence[bytes], metadata: dict[str, str]) -> bytes:
    """One PDF of the parts' pages in order (its outline too), with the document's metadata."""
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter()
    for content in parts:
        writer.append(PdfReader(io.BytesIO(content)))
    writer.add_metadata({f"/{key.title()}": value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def processes_to_use(configured: int | None) -> int:
    """REGISTER_PDF_PROCESSES, or one per CPU (at most 4) when it is not set."""
    if configured:
        return max(1, configured)
    return max(1, min(4, os.cpu_count() or 1))


class _Here:
    """Runs each call at once in this process, with the interface of a process pool."""

    def submit(self, function: Callable[..., Any], *args: Any) -> Future[Any]:
        future: Future[Any] = Future()
        future.set_result(function(*args))
        return future


@contextmanager
def _pool(processes: int) -> Iterator[_Here | ProcessPoolExecutor]:
    """This many processes (spawned: a forked web or queue worker would share its database
    connections with the child); one means here, in this process."""
    if processes <= 1:
        yield _Here()
        return
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        yield pool


def _in_order(
    pool: _Here | ProcessPoolExecutor,
    function: Callable[..., Any],
    calls: Iterable[tuple[Any, ...]],
    *,
    ahead: int,
) -> Iterator[Any]:
    """function(*call) for each call, in order, with at most `ahead` calls sent at a time (so
    the HTML of every part is never all in memory at once)."""
    waiting: deque[Future[Any]] = deque()
    for call in calls:
        waiting.append(pool.submit(function, *call))
        if len(waiting) >= ahead:
            yield waiting.popleft().result()
    while waiting:
        yield waiting.popleft().result()


def join_parts(
    parts: Iterable[tuple[str, Sequence[str]]],
    *,
    count: int,
    processes: int,
    metadata: dict[str, str],
    header: tuple[str, str],
    on_part: Callable[[int, int], None] | None = None,
) -> bytes:
    """Lay out `count` parts (HTML and extra styles each), stamp every page with the running
    `header` and its number and join them.

    A single part keeps WeasyPrint's own header and "Page n of N" footer and is returned as it
    is. The
    stamping and the joining are done in the pool's processes too: pypdf's pages take memory.
    """
    if count == 1:
        html, css = next(iter(parts))
        content = render_part(html, css)[0]
        if on_part is not None:
            on_part(1, 1)
        return content
    ahead = 2 * processes
    with _pool(processes) as pool:
        laid_out: list[tuple[bytes, int]] = []
        calls = ((html, (*css, NO_MARGIN_BOXES)) for html, css in parts)
        for done, result in enumerate(_in_order(pool, render_part, calls, ahead=ahead), start=1):
            laid_out.append(result)
            if on_part is not None:
                on_part(done, count)
        ends = list(accumulate(pages for _, pages in laid_out))  # each part's last page
        total, firsts = ends[-1], [1, *(end + 1 for end in ends[:-1])]
        stamping = (
            (content, first, total, header)
            for (content, _), first in zip(laid_out, firsts, strict=True)
        )
        stamped = list(_in_order(pool, stamp_part, stamping, ahead=ahead))
        del laid_out
        return pool.submit(join_pdfs, stamped, metadata).result()  # type: ignore[no-any-return]
