"""The register's PDF at any size: laid out in parts, in parallel processes, joined and numbered.

WeasyPrint lays out one part of REGISTER_PDF_PART_ROWS people at a time, so a process's memory
grows with the part, not the register; REGISTER_PDF_PROCESSES parts are laid out at once, each in
its own process (a register of 100,000 people is over 4,000 pages). The parts are joined with
pypdf. Only when every part is laid out is the number of pages known: the parts are laid out
without a page number, then each page is stamped "Page n of N" in the same place and type as a
one-part register's own footer (the stamps are blank pages laid out by WeasyPrint too, so the
type is embedded the same way).

The functions that run in other processes take and return plain values: they import neither
Flask nor the app, and a process started for them loads only WeasyPrint.
"""

from __future__ import annotations

import gc
import io
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
from itertools import accumulate
from multiprocessing import get_context
from typing import TYPE_CHECKING, Any

from skillsreg.config import ROOT

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint import CSS
    from weasyprint.text.fonts import FontConfiguration

STYLESHEET = ROOT / "templates" / "pdf" / "register.css"
DEFAULT_PART_ROWS = 500
NO_PAGE_NUMBER = "@page { @bottom-right { content: none; } }"
# A stamp page shows only its number: the running header is on the part's own page.
STAMP_CSS = "@page { @top-left { content: none; } @top-right { content: none; } }"

_fonts = threading.local()


@cache
def stylesheet() -> CSS:
    """The register's print styles, parsed once per process."""
    from weasyprint import CSS

    return CSS(string=STYLESHEET.read_text(encoding="utf-8"), base_url=STYLESHEET.as_uri())


def font_config() -> FontConfiguration:
    """A font configuration per thread, so Pango's font caches last from one part to the next."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
    return _fonts.config


def render_part(html: str, extra_css: Sequence[str] = ()) -> tuple[bytes, int]:
    """Lay out one part of the register (its HTML, with the print styles and `extra_css`);
    return the PDF and its number of pages."""
    from weasyprint import CSS, HTML

    sheets = [stylesheet(), *(CSS(string=css) for css in extra_css)]
    with _young_objects_only():
        document = HTML(string=html, base_url=ROOT.as_uri()).render(
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


def render_stamps(first: int, count: int, total: int) -> bytes:
    """`count` blank pages of the register's size whose footer reads "Page n of `total`",
    n running from `first`."""
    html = '<!DOCTYPE html><html lang="en-GB"><body>'
    html += '<div style="break-after: page"></div>' * (count - 1) + "<div></div></body></html>"
    numbers = (
        f"@page {{ @bottom-right {{ content: 'Page ' counter(page) ' of {total}'; }} }}"
        f" @page :first {{ counter-reset: page {first}; }}"
    )
    return render_part(html, (STAMP_CSS, numbers))[0]


def stamp_part(content: bytes, first: int, total: int) -> bytes:
    """A part laid out without page numbers, each page stamped "Page n of `total`" from `first`."""
    from pypdf import PdfReader, PdfWriter

    part = PdfWriter(clone_from=PdfReader(io.BytesIO(content)))
    stamps = PdfReader(io.BytesIO(render_stamps(first, len(part.pages), total)))
    for page, number in zip(part.pages, stamps.pages, strict=True):
        page.merge_page(number)
        page.compress_content_streams()  # merging leaves the page's content uncompressed
    out = io.BytesIO()
    part.write(out)
    return out.getvalue()


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
    on_part: Callable[[int, int], None] | None = None,
) -> bytes:
    """Lay out `count` parts (HTML and extra styles each), number every page and join them.

    A single part keeps WeasyPrint's own "Page n of N" footer and is returned as it is. The
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
        calls = ((html, (*css, NO_PAGE_NUMBER)) for html, css in parts)
        for done, result in enumerate(_in_order(pool, render_part, calls, ahead=ahead), start=1):
            laid_out.append(result)
            if on_part is not None:
                on_part(done, count)
        ends = list(accumulate(pages for _, pages in laid_out))  # each part's last page
        total, firsts = ends[-1], [1, *(end + 1 for end in ends[:-1])]
        stamping = (
            (content, first, total) for (content, _), first in zip(laid_out, firsts, strict=True)
        )
        stamped = list(_in_order(pool, stamp_part, stamping, ahead=ahead))
        del laid_out
        return pool.submit(join_pdfs, stamped, metadata).result()  # type: ignore[no-any-return]
