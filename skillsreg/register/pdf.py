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
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from functools import cache
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
    document = HTML(string=html, base_url=ROOT.as_uri()).render(
        stylesheets=sheets, font_config=font_config(), pdf_variant="pdf/ua-1"
    )
    pages = len(document.pages)
    content = document.write_pdf()
    del document
    gc.collect()  # WeasyPrint's boxes hold cycles: free them before the next part
    return content, pages


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


def processes_to_use(configured: int | None) -> int:
    """REGISTER_PDF_PROCESSES, or one per CPU (at most 4) when it is not set."""
    if configured:
        return max(1, configured)
    return max(1, min(4, os.cpu_count() or 1))


@contextmanager
def _mapper(processes: int) -> Iterator[Callable[..., Iterable[Any]]]:
    """map() over this many processes (spawned: a forked web or queue worker would share its
    database connections with the child); one means here, in this process."""
    if processes <= 1:
        yield map
        return
    with ProcessPoolExecutor(processes, mp_context=get_context("spawn")) as pool:
        yield pool.map


def join_parts(
    parts: Iterable[tuple[str, Sequence[str]]],
    *,
    count: int,
    processes: int,
    metadata: dict[str, str],
    on_part: Callable[[int, int], None] | None = None,
) -> bytes:
    """Lay out `count` parts (HTML and extra styles each), join them and number every page.

    A single part keeps WeasyPrint's own "Page n of N" footer and is returned as it is.
    """
    if count == 1:
        html, css = next(iter(parts))
        content = render_part(html, css)[0]
        if on_part is not None:
            on_part(1, 1)
        return content
    from pypdf import PdfReader, PdfWriter

    rendered: list[tuple[bytes, int]] = []
    with _mapper(processes) as mapper:
        htmls, sheets = zip(*((html, (*css, NO_PAGE_NUMBER)) for html, css in parts), strict=True)
        for done, result in enumerate(mapper(render_part, htmls, sheets), start=1):
            rendered.append(result)
            if on_part is not None:
                on_part(done, count)
        total = sum(pages for _, pages in rendered)
        firsts, counts = [], []
        for _, pages in rendered:
            firsts.append(1 + sum(counts))
            counts.append(pages)
        stamps = list(mapper(render_stamps, firsts, counts, [total] * len(counts)))
    writer = PdfWriter()
    for (content, _), stamp in zip(rendered, stamps, strict=True):
        start = len(writer.pages)
        writer.append(PdfReader(io.BytesIO(content)))
        for page, number in zip(
            writer.pages[start:], PdfReader(io.BytesIO(stamp)).pages, strict=True
        ):
            page.merge_page(number)
            page.compress_content_streams()  # merging leaves the page's content uncompressed
    writer.add_metadata({f"/{key.title()}": value for key, value in metadata.items()})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
