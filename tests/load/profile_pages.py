"""The server CPU of the pages `make load` asks for, in one process (the Flask test client).

Prepares LOAD_DATABASE_URL as `make load` does (dropped and rebuilt, the demo framework, one
member), signs in, starts an assessment and then times each page PROFILE_RUNS (200) times,
printing the mean and p95 CPU milliseconds and the SQL statements of one request. With
`--profile PAGE` (for example `answer-get`) it prints cProfile's 30 costliest functions of
that page instead. Run from the repository root:

    LOAD_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/skillsreg_test_load \\
        .venv/bin/python -m tests.load.profile_pages
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import re
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa

os.environ.setdefault("LOAD_USERS", "1")
# Production settings are read when skillsreg.config is first imported, and checked.
os.environ["SECRET_KEY"] = secrets.token_hex(32)
os.environ["DATABASE_URL"] = os.environ.get("LOAD_DATABASE_URL", "")

from tests.load import run  # reads LOAD_USERS and LOAD_DATABASE_URL when imported

CSRF_TOKEN = re.compile(
    r'name="csrf_token"[^>]*?value="([^"]*)"|value="([^"]*)"[^>]*?name="csrf_token"'
)
RUNS = int(os.environ.get("PROFILE_RUNS", "200"))


def _app() -> Any:
    from skillsreg.app import create_app

    jobs = tempfile.NamedTemporaryFile(suffix=".db", delete=False)  # noqa: SIM115
    return create_app(
        "production",
        SESSION_COOKIE_SECURE=False,
        REMEMBER_COOKIE_SECURE=False,
        PREFERRED_URL_SCHEME="http",  # as `make load` (plain HTTP), so no referrer check
        JOBS_URL=f"sqlite:///{jobs.name}",
        RATELIMIT_SIGN_IN="100000 per minute",
    )


def _form(client: Any, url: str) -> tuple[str, str]:
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    html = page.get_data(as_text=True)
    token = CSRF_TOKEN.search(html)
    return html, (token.group(1) or token.group(2) or "") if token else ""


def _pages(client: Any) -> dict[str, Callable[[], Any]]:
    """Each timed page as a request to make; the member is signed in with a draft."""
    _, token = _form(client, "/sign-in")
    signed = client.post(
        "/sign-in",
        data={"email": "load1@example.gov.uk", "password": run.PASSWORD, "csrf_token": token},
    )
    assert signed.status_code == 302, signed.status_code
    start = f"/assessments/new/{os.environ.get('LOAD_FRAMEWORK', 'web-professionals')}"
    html, token = _form(client, start)
    role_level = re.findall(r'name="role_level"[^>]*value="([^"]+)"', html) or re.findall(
        r'<option value="([^"]+)"', html
    )
    started = client.post(start, data={"role_level": role_level[0], "csrf_token": token})
    assessment = re.search(r"/assessments/(\d+)$", started.headers["Location"]).group(1)
    overview = client.get(f"/assessments/{assessment}").get_data(as_text=True)
    code = re.findall(rf"/assessments/{assessment}/categories/([\w-]+)", overview)[0]
    answer = f"/assessments/{assessment}/categories/{code}"
    html, token = _form(client, answer)
    data = {"csrf_token": token, "save_later": "Save"}
    for skill in re.findall(r'<textarea[^>]*name="evidence_([^"]+)"', html):
        data[f"level_{skill}"] = "na"
        data[f"evidence_{skill}"] = "profiled"

    def ok(response: Any, status: int = 200) -> Any:
        assert response.status_code == status, response.status_code
        return response

    saves = itertools.count()

    def save() -> Any:
        # New evidence each time, as a member's: every rating is written.
        evidence = f"profiled {next(saves)}"
        answers = {
            key: evidence if key.startswith("evidence_") else value for key, value in data.items()
        }
        saved = ok(client.post(answer, data=answers), 302)
        with client.session_transaction() as session:
            session.pop("_flashes", None)  # as the next page shown would: they pile up otherwise
        return saved

    interest = _interest_pages(client, ok)
    return {
        "answer-get": lambda: ok(client.get(answer)),
        "answer-post": save,
        "overview-get": lambda: ok(client.get(f"/assessments/{assessment}")),
        "start-get": lambda: ok(client.get(start)),
        "sign-in-get": lambda: ok(client.get("/sign-in")),
        **interest,
    }


def _interest_pages(client: Any, ok: Callable[..., Any]) -> dict[str, Callable[[], Any]]:
    """The interest journey as `make load` takes it, its draft left unsent so each page repeats."""
    answers = {"experience": "I run the web team", "manages_web_team": "yes", "years_managing": "3"}

    def fill(url: str, fields: Callable[[str], dict[str, str]]) -> Callable[[], Any]:
        """The form's POST, filled from its page once (the CSRF token lasts the session)."""
        html, token = _form(client, url)
        data = {"csrf_token": token, **fields(html)}
        return lambda: ok(client.post(url, data=data), 302)

    # Each form is filled from its page once the previous step is saved, as a member's is.
    choose = fill("/workshops/interest", _first_workshop)
    choose()
    rank = fill("/workshops/interest/rank", _ranked_first)
    rank()
    about = fill("/workshops/interest/about-you", lambda _html: answers)
    about()
    return {
        "interest-get": lambda: ok(client.get("/workshops/interest")),
        "interest-post": choose,
        "rank-get": lambda: ok(client.get("/workshops/interest/rank")),
        "rank-post": rank,
        "about-you-get": lambda: ok(client.get("/workshops/interest/about-you")),
        "about-you-post": about,
        "check-get": lambda: ok(client.get("/workshops/interest/check")),
    }


def _first_workshop(html: str) -> dict[str, str]:
    return {"workshop_ids": re.findall(r'name="workshop_ids"[^>]*value="([^"]+)"', html)[0]}


def _ranked_first(html: str) -> dict[str, str]:
    ranks = dict.fromkeys(re.findall(r'name="(rank_\d+)"', html), "1")
    return {**ranks, **dict.fromkeys(re.findall(r'name="(available_\d+)"', html), "yes")}


def _cpu_ms(action: Callable[[], Any]) -> list[float]:
    times = []
    for _ in range(RUNS):
        started = time.process_time()
        action()
        times.append((time.process_time() - started) * 1000)
    return times


def _statements(app: Any, action: Callable[[], Any]) -> list[str]:
    from skillsreg.extensions import db

    seen: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        seen.append(" ".join(statement.split())[:100])

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        action()
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return seen


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", help="print cProfile's costliest functions of this page")
    parser.add_argument("--no-prepare", action="store_true", help="reuse the prepared database")
    options = parser.parse_args()
    if not options.no_prepare:
        run.prepare()
    app = _app()
    client = app.test_client()
    pages = _pages(client)
    for action in pages.values():  # warm: templates compiled, caches filled
        for _ in range(3):
            action()
    if options.profile:
        profiler = cProfile.Profile(time.process_time)  # CPU, not waiting for PostgreSQL
        profiler.runcall(lambda: [pages[options.profile]() for _ in range(RUNS)])
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(40)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
        return
    print(f"load average {os.getloadavg()[0]:.1f}; {RUNS} runs each; CPU ms per request")
    print(f"{'page':<14} {'mean':>7} {'median':>7} {'p95':>7} {'queries':>8}")
    for name, action in pages.items():
        times = sorted(_cpu_ms(action))
        queries = _statements(app, action)
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        mean, median = statistics.fmean(times), statistics.median(times)
        print(f"{name:<14} {mean:7.2f} {median:7.2f} {p95:7.2f} {len(queries):8d}")
        if os.environ.get("PROFILE_SQL"):
            for statement in queries:
                print(f"    {statement}")


if __name__ == "__main__":
    main()
