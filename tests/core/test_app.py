"""The service as a whole: pages, errors, headers, CSRF, health, configuration, demo data."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from skillsreg.accounts.models import User
from skillsreg.app import warm_up
from skillsreg.config import ConfigError, ProductionConfig, load_config
from skillsreg.core.demo import DEMO_ACCOUNTS
from skillsreg.extensions import db as _db
from skillsreg.frameworks import structure
from tests.assessments.test_services import import_version
from tests.pages import check_page


def test_the_start_page_offers_the_main_journeys(client):
    page = check_page(client.get("/"), title="Start")
    nav = [a.get_text(strip=True) for a in page.select(".govuk-service-navigation__list a")]
    assert nav[:5] == ["Frameworks", "Self-assessment", "Workshops", "Register", "Library"]
    assert "Sign in" in nav
    assert page.select_one(".govuk-phase-banner") is not None
    assert page.select_one("a.govuk-skip-link[href='#main-content']") is not None


def test_signed_in_people_see_their_account_and_sign_out(client, login_as, member):
    login_as(member)
    page = check_page(client.get("/home"))
    assert page.find("a", href="/account") is not None
    assert page.select_one("form[action='/sign-out'] button").get_text(strip=True) == "Sign out"


@pytest.mark.parametrize(("label", "path"), [("Register", "/register/"), ("Library", "/library/")])
def test_the_navigation_leads_to_the_register_and_the_library(client, label, path):
    page = check_page(client.get("/"))
    links = page.select(".govuk-service-navigation a")
    assert [a["href"] for a in links if a.get_text(strip=True) == label] == [path]
    check_page(client.get(path))


def test_unknown_pages_get_the_gov_uk_404(client):
    check_page(client.get("/no-such-page"), status=404, title="Page not found")


def test_a_server_error_gets_the_gov_uk_500(app, client, monkeypatch):
    from skillsreg.core import views

    def broken(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(views, "render_template", broken)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    check_page(client.get("/privacy"), status=500, title="Sorry, there is a problem")


def test_security_headers_are_on_every_response(client):
    response = client.get("/")
    csp = response.headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp
    assert "'unsafe-inline'" not in csp
    assert "script-src 'self' 'nonce-" in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Cache-Control"] == "no-store"


def test_the_inline_script_carries_the_csp_nonce(client):
    response = client.get("/")
    nonce = response.headers["Content-Security-Policy"].split("'nonce-")[1].split("'")[0]
    page = check_page(response)
    inline = [s for s in page.find_all("script") if not s.get("src")]
    assert inline
    assert all(s.get("nonce") == nonce for s in inline)


def test_session_cookies_are_http_only_and_same_site_lax(client, create_user):
    user = create_user()
    response = client.post(
        "/sign-in", data={"email": user.email, "password": "correct horse battery staple"}
    )
    cookie = next(
        c for c in response.headers.getlist("Set-Cookie") if c.startswith("skillsreg_session=")
    )
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookies_are_secure():
    assert ProductionConfig.SESSION_COOKIE_SECURE is True
    assert ProductionConfig.REMEMBER_COOKIE_SECURE is True


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.usefixtures("csrf_on")
@pytest.mark.parametrize(
    "url", ["/sign-in", "/sign-up", "/sign-out", "/forgotten-password", "/account/password"]
)
def test_posts_without_a_csrf_token_are_refused(client, login_as, member, url):
    login_as(member)
    page = check_page(client.post(url, data={"email": member.email}), status=400)
    assert "problem with your request" in page.get_text()


@pytest.mark.usefixtures("csrf_on")
def test_posts_with_the_csrf_token_are_accepted(client, create_user):
    user = create_user()
    page = check_page(client.get("/sign-in"))
    token = page.find("input", attrs={"name": "csrf_token"})["value"]
    data = {"email": user.email, "password": "correct horse battery staple", "csrf_token": token}
    assert client.post("/sign-in", data=data).status_code == 302


def test_health_check_reports_the_database_reachable(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json == {"status": "ok", "database": "reachable"}


def test_health_check_reports_the_database_unreachable(client, db, monkeypatch):
    def fail(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT 1", {}, Exception("connection refused"))

    monkeypatch.setattr(db.session, "execute", fail)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json["database"] == "unreachable"


@pytest.mark.parametrize("lost", [sa.exc.OperationalError, sa.exc.InterfaceError])
def test_a_lost_database_shows_the_service_unavailable_page(app, client, monkeypatch, lost):
    from skillsreg.core import views

    def fail(*args, **kwargs):
        raise lost("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(views, "render_template", fail)
    response = client.get("/privacy")
    check_page(response, status=503, title="Sorry, the service is unavailable")
    assert response.headers["Retry-After"] == "30"


def test_a_database_lost_after_the_page_was_made_does_not_turn_it_into_an_error(app, monkeypatch):
    """PostgreSQL restarting between the page and the session's closing rollback (make
    load-outage saw it): the context closes quietly and the next one gets a fresh session."""
    from sqlalchemy.orm import Session

    from skillsreg.extensions import db

    close = Session.close
    failed = []

    def close_on_a_dead_connection(session):
        if not failed:
            failed.append(session)
            raise sa.exc.OperationalError(
                "ROLLBACK", {}, Exception("terminating connection due to administrator command")
            )
        return close(session)

    monkeypatch.setattr(Session, "close", close_on_a_dead_connection)
    with app.app_context():  # as each request's own context does, in gunicorn
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1
        lost = db.session()
    assert failed == [lost]
    monkeypatch.setattr(Session, "close", close)
    with app.app_context():
        assert db.session() is not lost
        assert db.session.execute(sa.text("SELECT 1")).scalar() == 1


def test_gov_uk_frontend_files_are_served_from_the_installed_package(client):
    for url, status in [
        ("/govuk-frontend/govuk-frontend.min.js", 200),
        ("/assets/images/favicon.svg", 200),
        ("/assets/../../package.json", 404),
    ]:
        response = client.get(url)
        response.close()
        assert response.status_code == status, url


def test_production_refuses_to_start_without_a_secret_key(monkeypatch):
    monkeypatch.setattr(ProductionConfig, "SECRET_KEY", None)
    with pytest.raises(ConfigError, match="SECRET_KEY is not set"):
        load_config("production")


def test_an_unknown_environment_name_is_refused():
    with pytest.raises(ConfigError, match="SKILLSREG_ENV must be one of"):
        load_config("staging")


def test_demo_load_creates_each_role_once_and_only_in_development(app, runner, db):
    result = runner.invoke(args=["demo", "load"])
    assert result.exit_code == 1
    assert "only loaded in development" in result.output
    app.config["DEMO_DATA"] = True
    try:
        first = runner.invoke(args=["demo", "load"])
        second = runner.invoke(args=["demo", "load"])
    finally:
        app.config["DEMO_DATA"] = False
    assert first.exit_code == 0, first.output
    assert second.exit_code == 0, second.output
    for account in DEMO_ACCOUNTS:
        assert account["email"] in first.output
        assert account["password"] in first.output
    assert first.output.count("(new)") == 3
    assert "(new)" not in second.output
    demo_emails = {account["email"] for account in DEMO_ACCOUNTS}
    users = db.session.scalars(sa.select(User).where(User.email.in_(demo_emails))).all()
    assert sorted(u.role.value for u in users) == ["administrator", "member", "organiser"]


def test_the_schema_comes_from_migrations_on_this_database(app):
    with app.app_context():
        tables = set(sa.inspect(_db.engine).get_table_names())
    assert "alembic_version" in tables
    assert {"users", "password_reset_tokens", "outbox_messages"} <= tables


def test_wsgi_refuses_to_start_without_a_secret_key_in_one_line():
    env = {k: v for k, v in os.environ.items() if k not in ("SECRET_KEY", "SKILLSREG_ENV")}
    env["DATABASE_URL"] = "sqlite://"
    result = subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=Path(__file__).resolve().parents[2],
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    assert result.returncode == 3
    assert result.stderr.strip().splitlines() == [
        "skillsreg will not start: SECRET_KEY is not set: production refuses to start without it."
    ]


def test_the_start_page_leads_to_the_framework_and_self_assessment(client):
    page = check_page(client.get("/"))
    nav = {a.get_text(strip=True): a["href"] for a in page.select(".govuk-service-navigation a")}
    assert nav["Frameworks"] == "/frameworks"
    assert nav["Self-assessment"] == "/assessments/"
    assert nav["Workshops"] == "/workshops/"


def test_an_api_address_no_rule_matches_still_answers_json(client):
    response = client.get("/api/v1/frameworks%0A/x")
    assert response.status_code == 404
    assert response.is_json
    assert response.json["error"]["status"] == 404
    assert client.get("/no-such-page").mimetype == "text/html"


def test_input_the_database_cannot_store_gets_the_gov_uk_400(app, client, monkeypatch):
    from skillsreg.core import views

    def refuse(*args, **kwargs):
        raise sa.exc.DataError("UPDATE", {}, Exception("text fields cannot contain NUL"))

    monkeypatch.setattr(views, "render_template", refuse)
    check_page(client.get("/privacy"), status=400, title="Sorry, there is a problem")


def test_a_signed_in_person_gets_the_503_page_when_the_database_is_lost(
    client, db, login_as, member, monkeypatch
):
    login_as(member)

    def fail(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))

    monkeypatch.setattr(db.session, "scalar", fail)
    check_page(client.get("/account"), status=503, title="Sorry, the service is unavailable")


def test_the_503_page_needs_nothing_from_the_lost_database(
    app, client, login_as, member, monkeypatch
):
    from skillsreg.core import views

    def fail(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT", {}, Exception("server closed the connection"))

    login_as(member)
    monkeypatch.setattr(views, "render_template", fail)
    # Reading the (expired) signed-in user again would need the database: shown as signed out.
    page = check_page(client.get("/privacy"), status=503, title="Sorry, the service is unavailable")
    assert page.find("a", href="/account") is None


@pytest.fixture
def replaced_pools(app):
    """Engine pools a test replaces, closed once the `db` fixture has given its connection back.

    Disposing of the engine (as warming up does) leaves the test's own connection to its old
    pool, which would otherwise be dropped with that connection still open.
    """
    pools: list[Any] = []
    yield pools
    for pool in pools:
        pool.dispose()


def test_warming_up_compiles_the_templates_and_keeps_the_published_versions(
    replaced_pools, app, db
):
    version = import_version("1.0.0")  # imported published
    structure.clear_cache()
    app.jinja_env.cache.clear()
    replaced_pools.append(_db.engine.pool)

    warm_up(app)

    names = app.jinja_env.list_templates()
    assert len(app.jinja_env.cache) == len(names)
    assert (version.id, version.content_hash) in structure.cached_keys()
    assert _db.engine.pool.checkedin() == 0  # nothing a forked worker could share
    structure.clear_cache()
