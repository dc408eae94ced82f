"""Application factory: create_app builds the app from small register_* helpers."""

from __future__ import annotations

import secrets
from typing import Any

from flask import Flask, g, request
from govuk_frontend_wtf.main import WTFormsHelpers
from jinja2 import ChoiceLoader, FileSystemLoader, PackageLoader, PrefixLoader
from werkzeug.middleware.proxy_fix import ProxyFix

from skillsreg.config import ROOT, load_config
from skillsreg.core.caching import register_cache
from skillsreg.core.timing import register_cpu_timing
from skillsreg.extensions import csrf, db, limiter, login_manager


def create_app(config_name: str | None = None, **overrides: Any) -> Flask:
    """Build the application for an environment, with optional setting overrides."""
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder="static",
        instance_path=str(ROOT / "instance"),
    )
    app.config.from_object(load_config(config_name))
    app.config.update(overrides)
    register_proxy(app)
    register_extensions(app)
    register_models()
    register_templates(app)
    register_blueprints(app)
    register_security_headers(app)
    register_errors(app)
    register_queue(app)
    register_cli(app)
    register_cpu_timing(app)
    return app


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
    import skillsreg.frameworks.jobs
    import skillsreg.library.jobs
    import skillsreg.register.jobs
    import skillsreg.workshops.selection.jobs  # noqa: F401


def register_extensions(app: Flask) -> None:
    """Bind the extensions and the database engine settings to the app."""
    from skillsreg.core.db import configure_engine, ensure_sqlite_folder

    ensure_sqlite_folder(app.config["SQLALCHEMY_DATABASE_URI"])
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    register_migrations(app)
    csrf.init_app(app)
    login_manager.init_app(app)
    limiter.init_app(app)
    WTFormsHelpers(app)
    register_cache(app)


def register_migrations(app: Flask) -> None:
    """Bind Flask-Migrate; on the command line only once `flask db` runs (Alembic loads slowly)."""
    import click

    def init() -> click.Command:
        from flask_migrate import Migrate

        from skillsreg.core.db import render_migration_item

        migrate = Migrate(
            compare_type=True, render_as_batch=True, render_item=render_migration_item
        )
        migrate.init_app(app, db, directory=str(ROOT / "migrations"))
        return app.cli.commands["db"]

    if click.get_current_context(silent=True) is None:
        init()  # the web server and the tests: flask_migrate.upgrade() needs it bound
        return
    from skillsreg.core.lazy import LazyCommand

    app.cli.add_command(LazyCommand("db", init, short_help="Perform database migrations."))


def register_models() -> None:
    """Import every domain's models so the metadata (and so Alembic) knows all tables."""
    import skillsreg.accounts.models
    import skillsreg.assessments.models
    import skillsreg.core.audit
    import skillsreg.core.jobs.models
    import skillsreg.core.mail
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

    from skillsreg.core.templating import FILTERS, template_context

    app.context_processor(template_context)
    app.jinja_env.filters.update(FILTERS)


def register_blueprints(app: Flask) -> None:
    """Mount each domain's blueprint."""
    from skillsreg.accounts.views import admin_bp
    from skillsreg.accounts.views import bp as accounts_bp
    from skillsreg.api.views import bp as api_bp
    from skillsreg.assessments.views import bp as assessments_bp
    from skillsreg.core.jobs.views import bp as jobs_bp
    from skillsreg.core.views import bp as core_bp
    from skillsreg.frameworks.views import bp as frameworks_bp
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
    app.register_blueprint(home_bp)
    app.register_blueprint(insight_bp)
    app.register_blueprint(jobs_bp)
    app.register_blueprint(reviews_bp)


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
    """Add the project's command groups to `flask`."""
    from skillsreg.accounts.cli import users_cli
    from skillsreg.core.cli import demo_cli, mail_cli
    from skillsreg.core.jobs.cli import jobs_cli
    from skillsreg.frameworks.cli import frameworks_cli
    from skillsreg.insight.cli import insight_cli
    from skillsreg.register.cli import data_cli
    from skillsreg.workshops.cli import workshops_cli

    app.cli.add_command(users_cli)
    app.cli.add_command(demo_cli)
    app.cli.add_command(mail_cli)
    app.cli.add_command(frameworks_cli)
    app.cli.add_command(workshops_cli)
    app.cli.add_command(data_cli)
    app.cli.add_command(jobs_cli)
    app.cli.add_command(insight_cli)
