"""WeasyPrint's font configuration, one per thread, shared by every PDF the service renders."""

from __future__ import annotations

import atexit
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # WeasyPrint takes a second to import: only renders load it
    from weasyprint.text.fonts import FontConfiguration

_fonts = threading.local()


def font_config() -> FontConfiguration:
    """This thread's font configuration, so Pango's font caches last from one render to the next."""
    if not hasattr(_fonts, "config"):
        from weasyprint.text.fonts import FontConfiguration

        _fonts.config = FontConfiguration()
        if threading.current_thread() is threading.main_thread():
            atexit.register(_let_go)
    return _fonts.config


def _let_go() -> None:
    """Free the main thread's configuration while Pango's libraries are still loaded.

    Otherwise it lives until the interpreter clears the main thread's state, after the modules
    that loaded those libraries are gone, and its Pango objects are unreferenced through code
    no longer there: the process crashed at exit (a segmentation fault after `pytest
    tests/assessments` had passed). Other threads' configurations go when their thread ends.
    """
    if hasattr(_fonts, "config"):
        del _fonts.config
