"""The library's Atom 1.0 feed announcing new documents and new versions."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from datetime import datetime

from skillsreg.library.models import Document
from skillsreg.library.queries import FeedEntry

ATOM = "http://www.w3.org/2005/Atom"


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def _add(parent: ET.Element, tag: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM}}}{tag}", attributes)
    if text is not None:
        element.text = text
    return element


def build_feed(
    entries: Sequence[FeedEntry],
    *,
    title: str,
    feed_url: str,
    library_url: str,
    document_url: Callable[[Document], str],
    now: datetime,
) -> bytes:
    """The feed as UTF-8 XML; ElementTree escapes every title and summary."""
    ET.register_namespace("", ATOM)
    feed = ET.Element(f"{{{ATOM}}}feed")
    _add(feed, "id", feed_url)
    _add(feed, "title", title)
    _add(feed, "updated", _stamp(entries[0].updated if entries else now))
    _add(_add(feed, "author"), "name", title)
    _add(feed, "link", rel="self", type="application/atom+xml", href=feed_url)
    _add(feed, "link", rel="alternate", type="text/html", href=library_url)
    for entry in entries:
        document, version = entry.document, entry.version
        url = document_url(document)
        item = _add(feed, "entry")
        _add(item, "id", f"{url}#version-{version.number}")
        if entry.is_new_document:
            _add(item, "title", f"New document: {document.title}")
        else:
            _add(item, "title", f"New version {version.number}: {document.title}")
        _add(item, "updated", _stamp(version.created_at))
        _add(item, "published", _stamp(version.created_at))
        _add(item, "link", rel="alternate", type="text/html", href=url)
        for tag in document.tags:
            _add(item, "category", term=tag)
        summary = version.note or document.summary
        if summary:
            _add(item, "summary", summary, type="text")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
