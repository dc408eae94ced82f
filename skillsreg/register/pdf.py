"""The register's PDF at any size: laid out in parts, in parallel processes, joined and numbered.

WeasyPrint lays out one part of REGISTER_PDF_PART_ROWS people at a time, so a process's memory
grows with the part, not the register; REGISTER_PDF_PROCESSES parts are laid out at once, each in
its own process (a register of 100,000 people is thousands of pages). The parts are joined a part
at a time (JoinedPdf), so the joining process's memory does not grow with the register either.
Only when every part is laid out is the number of pages known: the parts are laid out
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
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from html import escape
from itertools import accumulate
from multiprocessing import get_context
from typing import IO, TYPE_CHECKING, Any

from skillsreg.config import ROOT
from skillsreg.core.fonts import font_config

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint import CSS, HTML

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
    """Collect only the objects made inside, and only when the block collects them itself: a
    part makes millions, and each of Python's full collections meanwhile would walk every
    object of the process too (the app, the fonts), which cost a quarter of a part's time;
    the automatic collections of the part's own objects, most of them alive until its end,
    cost another twentieth. Objects older than the block are frozen for it and collected as
    usual after it."""
    enabled = gc.isenabled()
    gc.freeze()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
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

    laid_out = PdfReader(io.BytesIO(content))
    part = PdfWriter(clone_from=laid_out)
    part.pdf_header = laid_out.pdf_header  # WeasyPrint's version, not pypdf's default of 1.3
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


class JoinedPdf:
    """A PDF written to `out` a part at a time.

    Each part's pages, and the objects they use, are numbered on from the parts before and
    written as the part comes, then forgotten: memory does not grow with the number of parts
    (pypdf's writer holds every part's objects until it writes them all). The first part gives
    the document its PDF version, information (title, author) and language; the parts'
    outlines are joined in order.
    """

    def __init__(self, out: IO[bytes]) -> None:
        self._out = out
        self._size = 0
        self._offsets: list[int | None] = [None]  # where each object starts; 1 is the page tree
        self._pages: list[int] = []
        self._outline: list[tuple[int, Any]] = []  # the top-level items, linked at the end
        self._outline_count = 0
        self._lang: Any = None
        self._info: Any = None

    def add(self, content: bytes) -> None:
        """Write the pages of one part (a PDF) after those of the parts before."""
        with _young_objects_only():
            self._add(content)
            gc.collect()  # pypdf's objects point back to their reader: free the part's now

    def _add(self, content: bytes) -> None:
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(content))
        catalog: Any = reader.trailer["/Root"]
        part = _Renumbered(self._reserve)
        if self._info is None:
            self._write_bytes(reader.pdf_header.encode() + b"\n%\xe2\xe3\xcf\xd3\n")
            self._info = part.copy(reader.trailer["/Info"])
            self._lang = catalog.get("/Lang")
        # Pages and top-level outline items are written here, not as reached: their links to
        # the part's page tree and outline become links to the document's.
        pages = [
            (part.number(page.indirect_reference, reached=False), page) for page in reader.pages
        ]
        items = [(part.number(ref, reached=False), ref.get_object()) for ref in _outline(catalog)]
        for number, page in pages:
            self._write(number, part.copy(_without(page, "/Parent"), Parent=_ref(1)))
            self._pages.append(number)
        for number, item in items:
            self._outline.append((number, part.copy(_without(item, *OUTLINE_LINKS))))
        if items:
            self._outline_count += int(catalog["/Outlines"].get("/Count", len(items)))
        for number, obj in part.reached():
            self._write(number, obj)

    def close(self) -> None:
        """Write the page tree, the outline, the catalog and the cross-reference table."""
        from pypdf.generic import ArrayObject, NumberObject

        kids = ArrayObject(_ref(number) for number in self._pages)
        self._write(1, _dictionary(Type=_name("/Pages"), Kids=kids, Count=NumberObject(len(kids))))
        catalog = _dictionary(Type=_name("/Catalog"), Pages=_ref(1))
        if self._lang is not None:
            catalog[_name("/Lang")] = self._lang
        if self._outline:
            catalog[_name("/Outlines")] = _ref(self._write_outline())
        root, info = self._reserve(), self._reserve()
        self._write(root, catalog)
        self._write(info, self._info)
        self._write_xref(root, info)

    def _write_outline(self) -> int:
        outline = self._reserve()
        numbers = [number for number, _ in self._outline]
        for index, (number, item) in enumerate(self._outline):
            item[_name("/Parent")] = _ref(outline)
            if index > 0:
                item[_name("/Prev")] = _ref(numbers[index - 1])
            if index + 1 < len(numbers):
                item[_name("/Next")] = _ref(numbers[index + 1])
            self._write(number, item)
        self._write(
            outline,
            _dictionary(
                Count=_number(self._outline_count), First=_ref(numbers[0]), Last=_ref(numbers[-1])
            ),
        )
        return outline

    def _write_xref(self, root: int, info: int) -> None:
        start = self._size
        lines = [f"xref\n0 {len(self._offsets) + 1}\n", "0000000000 65535 f \n"]
        for number, offset in enumerate(self._offsets, start=1):
            if offset is None:
                raise RuntimeError(f"object {number} was numbered but never written")
            lines.append(f"{offset:010} 00000 n \n")
        lines.append(f"trailer\n<< /Size {len(self._offsets) + 1} /Root {root} 0 R")
        lines.append(f" /Info {info} 0 R >>\nstartxref\n{start}\n%%EOF\n")
        self._write_bytes("".join(lines).encode())

    def _reserve(self) -> int:
        self._offsets.append(None)
        return len(self._offsets)

    def _write(self, number: int, obj: Any) -> None:
        self._offsets[number - 1] = self._size
        data = io.BytesIO()
        data.write(f"{number} 0 obj\n".encode())
        obj.write_to_stream(data)
        data.write(b"\nendobj\n")
        self._write_bytes(data.getvalue())

    def _write_bytes(self, data: bytes) -> None:
        self._out.write(data)
        self._size += len(data)


OUTLINE_LINKS = ("/Parent", "/Prev", "/Next")


class _Renumbered:
    """One part's objects, copied with the numbers they take in the joined document."""

    def __init__(self, reserve: Callable[[], int]) -> None:
        self._reserve = reserve
        self._numbers: dict[int, int] = {}
        self._waiting: deque[Any] = deque()

    def number(self, ref: Any, *, reached: bool = True) -> int:
        """The joined document's number for the part's object `ref`; an object `reached` from
        one copied is copied in turn (reached())."""
        if ref.idnum not in self._numbers:
            self._numbers[ref.idnum] = self._reserve()
            if reached:
                self._waiting.append(ref)
        return self._numbers[ref.idnum]

    def copy(self, obj: Any, **entries: Any) -> Any:
        """`obj` with the joined document's numbers in its references (and `entries` added)."""
        from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

        if isinstance(obj, IndirectObject):
            return _ref(self.number(obj))
        if isinstance(obj, ArrayObject):
            return ArrayObject(self.copy(item) for item in obj)
        if not isinstance(obj, DictionaryObject):
            return obj  # numbers, names, strings: written as they are
        copied: Any = StreamObject() if isinstance(obj, StreamObject) else DictionaryObject()
        if isinstance(obj, StreamObject):
            copied.set_data(obj._data)  # as it is, still compressed
        for key, value in obj.items():
            copied[key] = self.copy(value)
        for key, value in entries.items():
            copied[_name(f"/{key}")] = value
        return copied

    def reached(self) -> Iterator[tuple[int, Any]]:
        """Each object reached from those copied so far, copied, with its number."""
        while self._waiting:
            ref = self._waiting.popleft()
            yield self._numbers[ref.idnum], self.copy(ref.get_object())


def _outline(catalog: Any) -> list[Any]:
    """References to the top-level items of a PDF's outline."""
    if "/Outlines" not in catalog or "/First" not in catalog["/Outlines"]:
        return []
    refs = [catalog["/Outlines"].raw_get("/First")]
    while "/Next" in refs[-1].get_object():
        refs.append(refs[-1].get_object().raw_get("/Next"))
    return refs


def _without(dictionary: Any, *keys: str) -> Any:
    from pypdf.generic import DictionaryObject

    return DictionaryObject((key, value) for key, value in dictionary.items() if key not in keys)


def _dictionary(**entries: Any) -> Any:
    from pypdf.generic import DictionaryObject

    return DictionaryObject((_name(f"/{key}"), value) for key, value in entries.items())


def _ref(number: int) -> Any:
    from pypdf.generic import IndirectObject

    return IndirectObject(number, 0, None)


def _name(name: str) -> Any:
    from pypdf.generic import NameObject

    return NameObject(name)


def _number(value: int) -> Any:
    from pypdf.generic import NumberObject

    return NumberObject(value)


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
    parts: Iterable[str],
    *,
    count: int,
    processes: int,
    header: tuple[str, str],
    out: IO[bytes],
    on_part: Callable[[int, int], None] | None = None,
) -> None:
    """Lay out `count` parts (the HTML of each), stamp every page with the running
    `header` and its number and write them to `out`, joined.

    A single part keeps WeasyPrint's own header and "Page n of N" footer and is written as it
    is. The parts are stamped in the pool's processes and joined here as they come, one at a
    time.
    """
    if count == 1:
        out.write(render_part(next(iter(parts)))[0])
        if on_part is not None:
            on_part(1, 1)
        return
    ahead = 2 * processes
    with _pool(processes) as pool:
        laid_out: list[tuple[bytes, int]] = []
        calls = ((html, (NO_MARGIN_BOXES,)) for html in parts)
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
        joined = JoinedPdf(out)
        for stamped in _in_order(pool, stamp_part, stamping, ahead=ahead):
            joined.add(stamped)
        joined.close()
