"""CSV files people open in a spreadsheet: a BOM for Excel, and no cell that runs as a formula."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

# OWASP's list, plus the full-width forms spreadsheets also read as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\n", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def safe_cell(value: object) -> str:
    """The value as text that a spreadsheet shows rather than runs."""
    text = "" if value is None else str(value)
    # A spreadsheet would run a cell starting like a formula, even after spaces; a quote
    # keeps it text.
    return f"'{text}" if text.lstrip(" ").startswith(FORMULA_STARTS) else text


def spreadsheet_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """A header and rows as CSV with a byte order mark, every cell made safe."""
    out = io.StringIO()
    out.write("\ufeff")  # so Excel reads the UTF-8 of names like Zoë
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
