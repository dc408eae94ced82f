"""WeasyPrint's per-thread font configuration (skillsreg/core/fonts.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading

from skillsreg.config import ROOT
from skillsreg.core.fonts import font_config

RENDERS_IN_MAIN_THREAD = (
    "tests/assessments/test_pdf.py::test_the_profile_renders_a_tagged_pdf_with_its_metadata"
)


def test_each_thread_keeps_one_configuration():
    here = font_config()
    elsewhere = []
    thread = threading.Thread(target=lambda: elsewhere.append(font_config()))
    thread.start()
    thread.join()
    assert font_config() is here
    assert len(elsewhere) == 1
    assert elsewhere[0] is not here


def test_a_process_that_rendered_a_pdf_in_its_main_thread_exits_cleanly():
    """It used to pass its test and then crash as the interpreter shut down (a segmentation fault):
    the main thread's fonts outlived the modules that had loaded Pango."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name != "TEST_DATABASE_URL" and not name.startswith("PYTEST_")
    }
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            RENDERS_IN_MAIN_THREAD,
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert "1 passed" in done.stdout, done.stdout[-3000:]
    assert done.returncode == 0, f"exit code {done.returncode}"
