"""gunicorn settings for production: `gunicorn --config gunicorn_conf.py --workers 4 wsgi:app`.

The app is built once in the master process and warmed there (every template compiled, the
mappers configured, the published versions' structure read) before the workers are forked, so
a new or restarted worker answers its first requests as fast as its thousandth and the workers
share those pages of memory, instead of each paying about a second of CPU while serving.
"""

preload_app = True


def when_ready(server):
    """Warm the preloaded app before the first worker is forked."""
    from skillsreg.app import warm_up

    warm_up(server.app.wsgi())
