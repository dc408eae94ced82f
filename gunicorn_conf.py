"""gunicorn settings for production: `gunicorn --config gunicorn_conf.py --workers 4 wsgi:app`.

The app is built once in the master process and warmed there (every template compiled, the
mappers configured, the published versions' structure read) before the workers are forked, so
a new or restarted worker answers its first requests as fast as its thousandth and the workers
share those pages of memory, instead of each paying about a second of CPU while serving.

What the master built is then frozen out of the garbage collector's sight: it lives as long as
the workers do, and a full collection that walked its two hundred thousand objects paused a
worker for about a tenth of a second, and wrote to (so copied) the pages they share.
"""

import gc

preload_app = True


def when_ready(server):
    """Warm the preloaded app before the first worker is forked, then freeze what it made."""
    from skillsreg.app import warm_up

    warm_up(server.app.wsgi())
    gc.collect()
    gc.freeze()
