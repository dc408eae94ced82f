"""The production application for gunicorn: `gunicorn wsgi:app`."""

import sys

from skillsreg.app import create_app
from skillsreg.config import ConfigError

# gunicorn stops its master (instead of restarting the worker) when a worker exits with 3.
WORKER_BOOT_ERROR = 3

try:
    app = create_app("production")
except ConfigError as error:
    print(f"skillsreg will not start: {error}", file=sys.stderr)
    sys.exit(WORKER_BOOT_ERROR)
