"""Members signing in, saving self-assessment answers and expressing interest (locust).

Every write the server acknowledged (a redirect after the save) is appended to a JSON-lines
file, one per process, so `tests/load/run.py` can check afterwards that each one is in the
database. Started by `make load`; see tests/load/run.py for the settings.
"""

from __future__ import annotations

import html
import itertools
import json
import os
import random
import re
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

from locust import between, events, task
from locust.contrib.fasthttp import FastHttpUser

LOAD_DIR = Path(os.environ.get("LOAD_DIR") or Path(tempfile.gettempdir()) / "skillsreg-load")
PASSWORD = os.environ.get("LOAD_PASSWORD", "load test member password")
FRAMEWORK = os.environ.get("LOAD_FRAMEWORK", "web-professionals")
UNAVAILABLE = "Sorry, the service is unavailable"

_numbers = itertools.count(1)
_lock = threading.Lock()
_log = None


def record(entry: dict[str, Any]) -> None:
    """Append one write (acknowledged or only attempted) to this process's log."""
    global _log  # one log per process, opened on first use
    with _lock:
        if _log is None:
            LOAD_DIR.mkdir(parents=True, exist_ok=True)
            _log = (LOAD_DIR / f"writes-{os.getpid()}.jsonl").open("a", encoding="utf-8")
        _log.write(json.dumps({"at": time.time(), **entry}) + "\n")
        _log.flush()


@events.request.add_listener
def check_errors(response: Any = None, exception: Any = None, **_: Any) -> None:
    """A 503 must be the GOV.UK page; count it separately from other server errors."""
    if response is None or response.status_code != 503:
        return
    good = UNAVAILABLE in response.text
    record({"kind": "503", "govuk_page": good})


# Found with regular expressions, not by parsing the page: on one machine the load generator's
# own CPU competes with the server's, and a parse of each page cost more than the request.
CSRF_TOKEN = re.compile(
    r'name="csrf_token"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*?name="csrf_token"'
)
EVIDENCE = re.compile(r'<textarea[^>]*name="evidence_([^"]+)"')
FIELD = re.compile(r"<(input|select|textarea)\b([^>]*)>")
NAME = re.compile(r'\bname="([^"]*)"')
VALUE = re.compile(r'\bvalue="([^"]*)"')


def _fields(page: Any) -> list[tuple[str, str, str]]:
    """Each form field of a page as (tag, name, value), in the page's order."""
    fields = []
    for tag, attributes in FIELD.findall(page.text):
        name, value = NAME.search(attributes), VALUE.search(attributes)
        if name:
            fields.append(
                (tag, html.unescape(name.group(1)), html.unescape(value.group(1) if value else ""))
            )
    return fields


def _token(page: Any) -> str:
    match = CSRF_TOKEN.search(page if isinstance(page, str) else page.text)
    return (match.group(1) or match.group(2) or "") if match else ""


def _levels(html: str, skill: str) -> list[str]:
    """The values of the level radios of a skill on an answer page."""
    radios = re.findall(rf'<input[^>]*name="level_{re.escape(skill)}"[^>]*>', html)
    return [found.group(1) for radio in radios if (found := re.search(r'value="([^"]*)"', radio))]


class Member(FastHttpUser):
    """One member: signs in once, then saves answers and sends one expression of interest."""

    wait_time = between(0.5, 2)

    def on_start(self) -> None:
        self.number = next(_numbers)
        self.email = f"load{self.number}@example.gov.uk"
        self.assessment: str | None = None
        self.categories: list[str] = []
        self.saves = 0
        self.interest_sent = False
        self.signed_in = False

    def _sign_in(self) -> bool:
        page = self.client.get("/sign-in", name="/sign-in")
        if page.status_code != 200:
            return False
        data = {"email": self.email, "password": PASSWORD, "csrf_token": _token(page)}
        response = self.client.post("/sign-in", data=data, allow_redirects=False)
        self.signed_in = response.status_code == 302
        return self.signed_in

    def _start_assessment(self) -> bool:
        url = f"/assessments/new/{FRAMEWORK}"
        page = self.client.get(url, name="/assessments/new/[slug]")
        if page.status_code != 200:
            return False
        options = [v for t, n, v in _fields(page) if t == "input" and n == "role_level" and v]
        data = {"role_level": options[0], "csrf_token": _token(page)}
        response = self.client.post(
            url, data=data, allow_redirects=False, name="/assessments/new/[slug]"
        )
        match = re.match(r".*/assessments/(\d+)$", response.headers.get("Location", ""))
        if not match:
            return False
        self.assessment = match.group(1)
        overview = self.client.get(f"/assessments/{self.assessment}", name="/assessments/[id]")
        self.categories = sorted(
            set(re.findall(rf"/assessments/{self.assessment}/categories/([\w-]+)", overview.text))
        )
        return bool(self.categories)

    def _ready(self) -> bool:
        if not self.signed_in and not self._sign_in():
            return False
        return self.assessment is not None or self._start_assessment()

    @task(4)
    def save_answers(self) -> None:
        if not self._ready() or not self.categories:
            return
        code = random.choice(self.categories)
        url = f"/assessments/{self.assessment}/categories/{code}"
        name = "/assessments/[id]/categories/[code]"
        page = self._get(url, name=name)
        if page is None:
            return
        html = page.text
        skills = EVIDENCE.findall(html)
        if not skills:
            return
        data: dict[str, str] = {"csrf_token": _token(html), "save_later": "Save"}
        answers = {}
        self.saves += 1
        for skill in skills:
            level = random.choice(_levels(html, skill))
            evidence = f"{self.email} save {self.saves}"
            data[f"level_{skill}"] = level
            data[f"evidence_{skill}"] = evidence
            answers[skill] = [level, evidence]
        write = {"kind": "rating", "assessment": int(self.assessment or 0), "answers": answers}
        # Logged before sending too: a save the server commits but never answers (the run
        # stopping mid-request, a dropped connection) may be what the database holds.
        record({**write, "acknowledged": False})
        response = self.client.post(url, data=data, allow_redirects=False, name=name)
        if self._acknowledged(response, url):
            record({**write, "acknowledged": True})

    @task(1)
    def express_interest(self) -> None:
        if self.interest_sent or not self._ready():
            return
        if not self._post_form("/workshops/interest", self._choose_first_workshop):
            return
        if not self._post_form("/workshops/interest/rank", self._rank):
            return
        answers = {
            "experience": "I run the web team",
            "manages_web_team": "yes",
            "years_managing": "3",
            "access_needs": "",
        }
        if not self._post_form("/workshops/interest/about-you", lambda _page: answers):
            return
        acknowledged = self._post_form("/workshops/interest/check", lambda _page: {})
        record({"kind": "interest", "email": self.email, "acknowledged": acknowledged})
        self.interest_sent = acknowledged

    def _get(self, url: str, name: str | None = None) -> Any:
        """The page, or None; being sent to sign in (the session lost) is recorded."""
        page = self.client.get(url, name=name, allow_redirects=False)
        if page.status_code in (302, 303) and "/sign-in" in page.headers.get("Location", ""):
            record({"kind": "signed_out", "url": url})
            self.signed_in = False
            return None
        return page if page.status_code == 200 else None

    def _post_form(self, url: str, fill: Any) -> bool:
        page = self._get(url)
        if page is None:
            return False
        data = {"csrf_token": _token(page), **fill(page)}
        response = self.client.post(url, data=data, allow_redirects=False)
        return self._acknowledged(response, url)

    def _acknowledged(self, response: Any, url: str) -> bool:
        """A redirect onwards; being sent to sign in (the form kept for later) is not a save."""
        if response.status_code not in (302, 303):
            return False
        if "/sign-in" in response.headers.get("Location", ""):
            record({"kind": "signed_out", "url": url})
            self.signed_in = False
            return False
        return True

    @staticmethod
    def _choose_first_workshop(page: Any) -> dict[str, str]:
        boxes = [v for t, n, v in _fields(page) if t == "input" and n == "workshop_ids"]
        return {"workshop_ids": boxes[0]} if boxes else {}

    @staticmethod
    def _rank(page: Any) -> dict[str, str]:
        fields = _fields(page)
        data = {name: "1" for _, name, _ in fields if name.startswith("rank_")}
        for tag, name, _ in fields:
            if tag == "input" and name.startswith("available_"):
                data.setdefault(name, "yes")
        return data
