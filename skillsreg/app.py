"""Application factory: create_app builds the app from small register_* helpers."""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from typing import Any

import click
from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.routing import Map

from skillsreg.config import ROOT, ConfigError, load_config
from skillsreg.core.lazy import LazyCommand
from skillsreg.core.templating import Environment


class App(Flask):
    """Flask, able to finish its set-up on first use (the command line defers it).

    The set-up is finished before anything routes a request or builds a URL (both go through
    `url_map`), before `flask shell` and before any of the project's commands is loaded.
    """

    jinja_environment = Environment
    _pending_setup: Callable[[Flask], None] | None = None
    _setup_thread: int | None = None

    def defer_setup(self, finish: Callable[[Flask], None]) -> None:
        """Run `finish(app)` the first time the app is really used."""
        self._setup_lock = threading.RLock()
        self._pending_setup = finish

    def finish_setup(self) -> None:
        """Run the deferred set-up once; other threads wait for it."""
        if self._pending_setup is None or self._setup_thread == threading.get_ident():
            return
        with self._setup_lock:
            finish = self._pending_setup
            if finish is None:
                return
            self._setup_thread = threading.get_ident()
            try:
                finish(self)
            finally:
                self._setup_thread = None
            self._pending_setup = None

    @property  # type: ignore[override]
    def url_map(self) -> Map:
        """The routes, once every blueprint is registered."""
        self.finish_setup()
        return self._url_map

    @url_map.setter
    def url_map(self, value: Map) -> None:
        self._url_map = value

    def make_shell_context(self) -> dict[str, Any]:
        """`flask shell` gets the finished app."""
        self.finish_setup()
        return super().make_shell_context()


COMMAND_LINE_SETTINGS = (
    "Settings come from environment variables (the README's Configuration); SKILLSREG_ENV is "
    "production unless set: on your own machine, SKILLSREG_ENV=development needs none."
)


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the application for an environment, with optional setting overrides.

    On the command line (`flask ...`) the web stack (database models, blueprints, jobs) is wired
    only when a command first needs the application context, so `flask --help` stays fast; the
    web server and the tests get a fully built app at once.
    """
    app = App(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
    )
    on_command_line = click.get_current_context(silent=True) is not None
    try:
        config = load_config(config_name)
    except ConfigError as error:
        if not on_command_line:
            raise
        # Flask prints this as one line ("Error: ...") where it would print a traceback.
        from flask.cli import NoAppException

        raise NoAppException(f"{error} {COMMAND_LINE_SETTINGS}") from error
    app.config.from_object(config)
    app.config.update(overrides)
    if not on_command_line:
        finish_setup(app)
    else:
        app.defer_setup(finish_setup)
    register_migrations(app)
    register_cli(app)
    return app


def finish_setup(app: Flask) -> None:
    """Bind the extensions, models, templates, pages, error handlers and jobs."""
    from skillsreg.core.timing import register_cpu_timing

    register_extensions(app)
    register_models()
    register_templates(app)
    register_blueprints(app)
    register_security_headers(app)
    register_errors(app)
    register_queue(app)
    register_cpu_timing(app)
    register_proxy(app)  # outermost: the page cache sees the client's scheme and host


def warm_up(app: Flask) -> None:
    """Do once, before a preloading server forks its workers, what each would do at first use.

    Compiles every template, configures the ORM mappers and builds the structure of the
    published framework versions (skipped, with a warning, if the database cannot be read).
    Then it closes every database connection it opened: a forked worker must never share one.
    """
    import logging

    from sqlalchemy import orm

    from skillsreg.extensions import db
    from skillsreg.frameworks.structure import keep_published

    for name in app.jinja_env.list_templates():
        app.jinja_env.get_template(name)
    orm.configure_mappers()
    with app.app_context():
        try:
            keep_published()
        except Exception:  # the workers will build them on first use instead
            logging.getLogger(__name__).warning(
                "Could not read the published versions", exc_info=True
            )
        finally:
            db.session.remove()
            db.engine.dispose()


def register_proxy(app: Flask) -> None:
    """Believe X-Forwarded-* headers from the reverse proxies in front of gunicorn, if any."""
    hops = app.config["TRUSTED_PROXIES"]
    if hops:
        app.wsgi_app = ProxyFix(  # type: ignore[method-assign]
            app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_prefix=hops
        )


def register_queue(app: Flask) -> None:
    """Point the task queue at its storage and load every kind of job the workers run."""
    from skillsreg.core.jobs.queue import init_queue

    init_queue(app)
    import skillsreg.assessments.jobs
    import skillsreg.core.mail
    import skillsreg.development.reminders.jobs
    import skillsreg.frameworks.jobs
    import skillsreg.insight.jobs
    import skillsreg.library.jobs
    import skillsreg.register.jobs
    import skillsreg.workshops.selection.jobs  # noqa: F401


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the database engine settings to the app."""
    from govuk_frontend_wtf.main import WTFormsHelpers

    from skillsreg.core.caching import register_cache
    from skillsreg.core.db import configure_engine, ensure_sqlite_folder
    from skillsreg.extensions import csrf, db, limiter, login_manager

    ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    register_cache(app)


def register_migrations(app: Flask) -> None:
    """Bind Flask-Migrate; on the command line only once `flask db` runs (Alembic loads slowly)."""

    def init() -> click.Command:
        from flask_migrate import Migrate

        from skillsreg.core.db import render_migration_item
        from skillsreg.extensions import db

        if isinstance(app, App):
            app.finish_setup()
        migrate = Migrate(
            compare_type=True, render_as_batch=True, render_item=render_migration_item
        )
        migrate.init_app(app, db, directory=str(ROOT / "migrations"))
        return app.cli.commands["db"]

    if click.get_current_context(silent=True) is None:
        init()  # the web server and the tests: flask_migrate.upgrade() needs it bound
        return
    app.cli.add_command(LazyCommand("db", init, short_help="Perform database migrations."))


def register_models() -> None:
    """Import every domain's models so the metadata (and so Alembic) knows all tables."""
    import skillsreg.accounts.models
    import skillsreg.assessments.models
    import skillsreg.core.audit
    import skillsreg.core.jobs.models
    import skillsreg.core.mail
    import skillsreg.credentials.models
    import skillsreg.development.cpd.models
    import skillsreg.development.models
    import skillsreg.development.reminders.models
    import skillsreg.frameworks.models
    import skillsreg.insight.models
    import skillsreg.library.models
    import skillsreg.register.models
    import skillsreg.reviews.models
    import skillsreg.workshops.models
    import skillsreg.workshops.offers.models
    import skillsreg.workshops.selection.models  # noqa: F401


def register_templates(app: Flask) -> None:
    """Find our templates first, then the GOV.UK Frontend macros."""
    from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(ROOT / "templates")),
            PrefixLoader(
                {
                    "govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja"),
                    "govuk_frontend_wtf": PackageLoader("govuk_frontend_wtf"),
                }
            ),
        ]
    )
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True

    from skillsreg.core.templating import FILTERS, keep_form_widgets, template_context

    app.context_processor(template_context)
    app.jinja_env.filters.update(FILTERS)
    keep_form_widgets()


def register_blueprints(app: Flask) -> None:
    """Mount each domain's blueprint."""
    from skillsreg.accounts.views import admin_bp
    from skillsreg.accounts.views import bp as accounts_bp
    from skillsreg.api.views import bp as api_bp
    from skillsreg.assessments.views import bp as assessments_bp
    from skillsreg.core.jobs.views import bp as jobs_bp
    from skillsreg.core.views import bp as core_bp
    from skillsreg.credentials.views import bp as credentials_bp
    from skillsreg.development.cpd.views import bp as cpd_bp
    from skillsreg.development.reminders.views import bp as reminders_bp
    from skillsreg.development.views import bp as development_bp
    from skillsreg.frameworks.views import bp as frameworks_bp
    from skillsreg.frameworks.views.case import case_bp
    from skillsreg.home.views import bp as home_bp
    from skillsreg.insight.views import bp as insight_bp
    from skillsreg.library.views import bp as library_bp
    from skillsreg.register.views import bp as register_bp
    from skillsreg.reviews.views import bp as reviews_bp
    from skillsreg.workshops.offers.views import bp as offers_bp
    from skillsreg.workshops.selection.views import bp as selection_bp
    from skillsreg.workshops.views import bp as workshops_bp

    app.register_blueprint(core_bp)
    app.register_blueprint(accounts_bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(frameworks_bp)
    app.register_blueprint(api_bp)
    app.register_blueprint(assessments_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(selection_bp)
    app.register_blueprint(offers_bp)
    app.register_blueprint(register_bp)
    app.register_blueprint(library_bp)
    app.register_blueprint(development_bp)
    app.register_blueprint(home_bp)
    app.register_blueprint(insight_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(reviews_bp)
    app.register_blueprint(credentials_bp)
    app.register_blueprint(case_bp)
    app.register_blueprint(cpd_bp)
    app.register_blueprint(reminders_bp)


def register_security_headers(app: Flask) -> None:
    """Give every response a CSP nonce and the security headers."""
    from skillsreg.core.security import apply_security_headers

    @app.before_request
    def make_csp_nonce() -> None:
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.after_request
    def add_headers(response):
        return apply_security_headers(response, nonce=g.get("csp_nonce"), secure=request.is_secure)


def register_errors(app: Flask) -> None:
    """Render GOV.UK error pages for HTTP errors and lost database connections."""
    from skillsreg.core.errors import register_error_handlers

    register_error_handlers(app)


def register_cli(app: Flask) -> None:
    """Add the project's command groups to `flask`, each imported only when it is run."""
    for name, path, short_help, needs_app in COMMAND_GROUPS:
        load = _group_loader(app, path, needs_app=needs_app)
        app.cli.add_command(LazyCommand(name, load, short_help=short_help))


# (name, "module:attribute", the line `flask --help` shows, whether its commands need the
# finished app; `workshops` finishes it per command, since `allocate` only solves a file)
COMMAND_GROUPS = (
    ("users", "skillsreg.accounts.cli:users_cli", "Manage accounts.", True),
    ("demo", "skillsreg.core.cli:demo_cli", "Demonstration data for development.", True),
    ("mail", "skillsreg.core.cli:mail_cli", "The email outbox.", True),
    (
        "frameworks",
        "skillsreg.frameworks.cli:frameworks_cli",
        "Import, export and compare skills frameworks.",
        True,
    ),
    (
        "workshops",
        "skillsreg.workshops.cli:workshops_cli",
        "Workshop selection rounds and offers.",
        False,
    ),
    ("data", "skillsreg.register.cli:data_cli", "Personal data housekeeping.", True),
    ("jobs", "skillsreg.core.jobs.cli:jobs_cli", "The task queue and its workers.", True),
    (
        "credentials",
        "skillsreg.credentials.cli:credentials_cli",
        "Open Badges credentials: signing keys and verification.",
        True,
    ),
    (
        "reminders",
        "skillsreg.development.reminders.cli:reminders_cli",
        "Development reminder emails.",
        True,
    ),
    ("insight", "skillsreg.insight.cli:insight_cli", "Community skills insight releases.", True),
)


def _group_loader(app: Flask, path: str, *, needs_app: bool) -> Callable[[], click.Command]:
    def load() -> click.Command:
        import importlib

        if needs_app and isinstance(app, App):
            app.finish_setup()
        module, attribute = path.split(":")
        command: click.Command = getattr(importlib.import_module(module), attribute)
        return command

    return load
