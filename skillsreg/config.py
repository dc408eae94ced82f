"""Configuration read from environment variables, one class per environment."""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parent.parent


class ConfigError(RuntimeError):
    """Raised when the environment cannot run the service safely."""


def _env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


class Config:
    """Settings shared by every environment; each reads its environment variable."""

    ENV_NAME = "base"
    SERVICE_NAME = "Web professionals skills register"
    SECRET_KEY = os.environ.get("SECRET_KEY")
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    # No pre-ping (a round trip per request): core.db.configure_engine replaces the connections
    # PostgreSQL closed when they are checked out of the pool, without asking the server.
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict[str, Any]] = {}
    BASE_URL = os.environ.get("BASE_URL", "http://127.0.0.1:5000")
    SERVER_NAME = os.environ.get("SERVER_NAME") or None
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "http")
    REDIS_URL = os.environ.get("REDIS_URL") or None
    # Published framework pages and API documents: Redis when a URL is given, else per process.
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL") or REDIS_URL
    CACHE_TYPE = os.environ.get("CACHE_TYPE") or (
        "RedisCache" if CACHE_REDIS_URL else "SimpleCache"
    )
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX") or "skillsreg:"
    # Repeat requests for those pages from people without cookies answered before Flask runs.
    PAGE_CACHE = _env_bool("PAGE_CACHE", True)
    PAGE_CACHE_ENTRIES = _env_int("PAGE_CACHE_ENTRIES", 512)
    # How stale another process's copy may be when no shared cache carries the generation.
    PAGE_CACHE_CHECK_SECONDS = _env_int("PAGE_CACHE_CHECK_SECONDS", 1)
    TRUSTED_PROXIES = _env_int("TRUSTED_PROXIES", 0)

    MAIL_SERVER = os.environ.get("MAIL_SERVER") or None
    MAIL_PORT = _env_int("MAIL_PORT", 25)
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME") or None
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD") or None
    MAIL_USE_TLS = _env_bool("MAIL_USE_TLS", False)
    MAIL_USE_SSL = _env_bool("MAIL_USE_SSL", False)
    MAIL_DEFAULT_SENDER = os.environ.get("MAIL_DEFAULT_SENDER", "skillsreg@localhost")
    MAIL_TIMEOUT = _env_int("MAIL_TIMEOUT", 10)

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_NAME = "skillsreg_session"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=30)
    PERMANENT_SESSION_LIFETIME = timedelta(hours=12)
    WTF_CSRF_TIME_LIMIT = None  # the token lives as long as the session; expiry lost typed answers

    PASSWORD_RESET_MAX_AGE = timedelta(hours=1)
    # argon2id for new password hashes: OWASP's 19 MiB and 2 passes (see accounts/services.py).
    # Not read from the environment, and production refuses anything weaker.
    PASSWORD_HASH_TIME_COST = 2
    PASSWORD_HASH_MEMORY_KIB = 19 * 1024
    RATELIMIT_SIGN_IN = os.environ.get("RATELIMIT_SIGN_IN", "5 per minute;30 per hour")
    RATELIMIT_RESET = os.environ.get("RATELIMIT_RESET", "5 per minute;20 per hour")
    RATELIMIT_HEADERS_ENABLED = True
    RATELIMIT_CONFIRM = os.environ.get("RATELIMIT_CONFIRM", "5 per minute;20 per hour")
    CONFIRMATION_EMAILS_PER_HOUR = _env_int("CONFIRMATION_EMAILS_PER_HOUR", 3)
    UNCONFIRMED_ACCOUNT_DAYS = _env_int("UNCONFIRMED_ACCOUNT_DAYS", 30)
    GOVUK_FRONTEND_DIR = os.environ.get(
        "GOVUK_FRONTEND_DIR", str(ROOT / "node_modules" / "govuk-frontend" / "dist" / "govuk")
    )
    FRAMEWORKS_DIR = os.environ.get("FRAMEWORKS_DIR", str(ROOT / "frameworks"))
    DEMO_DATA = False

    OFFER_EXPIRY_DAYS = _env_int("OFFER_EXPIRY_DAYS", 5)
    REVIEW_LINK_DAYS = _env_int("REVIEW_LINK_DAYS", 14)
    REVIEW_REQUESTS_PER_DAY = _env_int("REVIEW_REQUESTS_PER_DAY", 10)
    RATELIMIT_REVIEW = os.environ.get("RATELIMIT_REVIEW", "5 per minute;30 per hour")
    # The organisers' mailbox: ORGANIZER of calendar invitations, so replies reach people.
    ORGANISER_EMAIL = os.environ.get("ORGANISER_EMAIL", "")
    ORGANISER_NAME = os.environ.get("ORGANISER_NAME", "Workshop organisers")
    REGISTER_AUTO_REPUBLISH = _env_bool("REGISTER_AUTO_REPUBLISH", False)
    # The register's PDF is laid out in parts of this many people, this many parts at once (each
    # in its own process; 0 means one per CPU, at most 4): see skillsreg/register/pdf.py.
    REGISTER_PDF_PART_ROWS = _env_int("REGISTER_PDF_PART_ROWS", 500)
    REGISTER_PDF_PROCESSES = _env_int("REGISTER_PDF_PROCESSES", 0)
    LIBRARY_MAX_UPLOAD_MB = _env_int("LIBRARY_MAX_UPLOAD_MB", 20)
    LIBRARY_ARCHIVE_MAX_UNPACKED_MB = _env_int("LIBRARY_ARCHIVE_MAX_UNPACKED_MB", 100)
    LIBRARY_ARCHIVE_MAX_RATIO = _env_int("LIBRARY_ARCHIVE_MAX_RATIO", 100)
    LIBRARY_ARCHIVE_MAX_ENTRIES = _env_int("LIBRARY_ARCHIVE_MAX_ENTRIES", 1000)
    REQUEST_CPU_LOG = os.environ.get("REQUEST_CPU_LOG") or None  # `make load` sets it

    # The task queue (Huey): sqlite:///<file> on one host, redis://host:port/db in production.
    JOBS_URL = (
        os.environ.get("JOBS_URL")
        or os.environ.get("REDIS_URL")
        or f"sqlite:///{ROOT / 'instance' / 'jobs.db'}"
    )
    JOBS_QUEUE_NAME = os.environ.get("JOBS_QUEUE_NAME", "skillsreg")
    JOBS_MAX_ATTEMPTS = _env_int("JOBS_MAX_ATTEMPTS", 5)
    JOBS_RETRY_DELAY = _env_int("JOBS_RETRY_DELAY", 10)  # seconds; doubled after each failure
    JOBS_WORKERS = _env_int("JOBS_WORKERS", 2)
    JOBS_PAGE_REFRESH_SECONDS = _env_int("JOBS_PAGE_REFRESH_SECONDS", 3)  # a running job's page
    FRAMEWORK_IMPORT_QUEUE_KB = _env_int("FRAMEWORK_IMPORT_QUEUE_KB", 256)
    # Community insight: smallest group a count may describe (never under 5), and the
    # differential privacy budget of each public release and of all releases together.
    INSIGHT_MIN_CELL = _env_int("INSIGHT_MIN_CELL", 10)
    INSIGHT_EPSILON_PER_RELEASE = float(os.environ.get("INSIGHT_EPSILON_PER_RELEASE") or 2.0)
    INSIGHT_EPSILON_TOTAL = float(os.environ.get("INSIGHT_EPSILON_TOTAL") or 6.0)
    INSIGHT_MAX_RATINGS_PER_PERSON = _env_int("INSIGHT_MAX_RATINGS_PER_PERSON", 12)
    # How each release's epsilon is shared by its tables; checked when the app starts.
    # Count the skills picture again on the task queue whenever what it counts changes.
    INSIGHT_WARM_PICTURE = True
    INSIGHT_RELEASE_SHARES = (
        os.environ.get("INSIGHT_RELEASE_SHARES") or "everyone=0.5,sector=0.25,region=0.25"
    )

    # Open Badges credentials: a JWK set (JSON) or the path of a JWKS or PEM file; never the DB.
    CREDENTIALS_SIGNING_KEYS = os.environ.get("CREDENTIALS_SIGNING_KEYS") or None
    CREDENTIALS_ISSUER_NAME = os.environ.get(
        "CREDENTIALS_ISSUER_NAME", "Public Sector Web Professionals Network"
    )
    CREDENTIALS_ISSUER_DESCRIPTION = os.environ.get(
        "CREDENTIALS_ISSUER_DESCRIPTION",
        "A community of people who run public sector websites, with a shared skills framework.",
    )
    CREDENTIALS_ISSUER_URL = os.environ.get("CREDENTIALS_ISSUER_URL") or None
    CREDENTIALS_ISSUER_EMAIL = os.environ.get("CREDENTIALS_ISSUER_EMAIL") or None
    CREDENTIALS_SKILL_LEVEL_YEARS = _env_int("CREDENTIALS_SKILL_LEVEL_YEARS", 3)

    @property
    def RATELIMIT_STORAGE_URI(self) -> str:  # noqa: N802 - Flask reads upper-case settings
        return self.REDIS_URL or "memory://"


class DevelopmentConfig(Config):
    """Laptop settings: SQLite under instance/, mail to the console and the outbox."""

    ENV_NAME = "development"
    DEBUG = True
    SECRET_KEY = os.environ.get("SECRET_KEY", "dev-only-not-secret")
    SQLALCHEMY_DATABASE_URI = os.environ.get(
        "DATABASE_URL", f"sqlite:///{ROOT / 'instance' / 'skillsreg.db'}"
    )
    DEMO_DATA = True
    # `make run` writes a key here when there is none (instance/ is not in git).
    CREDENTIALS_SIGNING_KEYS = os.environ.get("CREDENTIALS_SIGNING_KEYS") or str(
        ROOT / "instance" / "credentials-signing-keys.json"
    )


class TestConfig(Config):
    """Settings the test suite starts from; tests override what they need."""

    ENV_NAME = "test"
    TESTING = True
    SECRET_KEY = "test-secret"  # noqa: S105 - fixed key for reproducible tests
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL", "sqlite://")
    WTF_CSRF_ENABLED = False  # tests that check CSRF switch it back on
    RATELIMIT_SIGN_IN = "1000 per minute"  # tests that check throttling lower it
    RATELIMIT_RESET = "1000 per minute"
    RATELIMIT_CONFIRM = "1000 per minute"
    RATELIMIT_REVIEW = "1000 per minute"
    REDIS_URL = None
    CACHE_REDIS_URL = None
    CACHE_TYPE = "NullCache"  # ids repeat between tests; tests of the cache give it a real one
    CACHE_NO_NULL_WARNING = True
    PAGE_CACHE = False  # tests of the page cache turn it on
    MAIL_DEFAULT_SENDER = "skillsreg@test.invalid"
    ORGANISER_EMAIL = "workshops@test.invalid"
    JOBS_URL = "memory://"  # the test fixtures choose a SQLite file, or Redis with PostgreSQL
    JOBS_QUEUE_NAME = "skillsreg-test"
    REGISTER_PDF_PROCESSES = 1  # in the test's own process; test_files.py tests the pool
    INSIGHT_WARM_PICTURE = False  # the cache is off in tests; tests of the warming turn it on
    # Tests make thousands of accounts: hashing each at OWASP's cost was a fifth of the suite's
    # time. tests/accounts/test_services.py checks production's parameters.
    PASSWORD_HASH_TIME_COST = 1
    PASSWORD_HASH_MEMORY_KIB = 64


class ProductionConfig(Config):
    """Production: refuses to start without a secret key and a database."""

    ENV_NAME = "production"
    SESSION_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    REMEMBER_COOKIE_SECURE = _env_bool("SESSION_COOKIE_SECURE", True)
    PREFERRED_URL_SCHEME = os.environ.get("PREFERRED_URL_SCHEME", "https")

    def check(self) -> None:
        """Refuse to run with settings that would be unsafe in production."""
        if not self.SECRET_KEY:
            raise ConfigError("SECRET_KEY is not set: production refuses to start without it.")
        if not self.SQLALCHEMY_DATABASE_URI:
            raise ConfigError("DATABASE_URL is not set: production needs a database.")
        if self.PASSWORD_HASH_MEMORY_KIB < 19 * 1024 or self.PASSWORD_HASH_TIME_COST < 2:
            raise ConfigError("Passwords must be hashed with at least 19 MiB and 2 passes.")


CONFIGS: dict[str, type[Config]] = {
    "development": DevelopmentConfig,
    "test": TestConfig,
    "production": ProductionConfig,
}


def load_config(name: str | None) -> Config:
    """Return the configuration for an environment name (default from SKILLSREG_ENV)."""
    name = name or os.environ.get("SKILLSREG_ENV", "production")
    if name not in CONFIGS:
        raise ConfigError(f"SKILLSREG_ENV must be one of {', '.join(CONFIGS)}, not {name!r}.")
    config = CONFIGS[name]()
    if isinstance(config, ProductionConfig):
        config.check()
    return config
