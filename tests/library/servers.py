"""Real servers the publishing tests talk to over HTTP on 127.0.0.1: WsgiDAV and a fake CKAN."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from cheroot import wsgi
from wsgidav.wsgidav_app import WsgiDAVApp

from tests.conftest import free_port


class ThreadedServer:
    """A WSGI app served by cheroot in a thread; it can be stopped and started again."""

    def __init__(self, app: Any, port: int | None = None) -> None:
        self.app = app
        self.port = port or free_port()
        self.server: wsgi.Server | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.server = wsgi.Server(("127.0.0.1", self.port), self.app, numthreads=4)
        self.server.prepare()  # binds now, so the first request cannot beat the listener
        self.thread = threading.Thread(target=self.server.serve, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        if self.server is not None:
            self.server.stop()
            assert self.thread is not None
            self.thread.join(timeout=10)
            self.server = None


def webdav_app(root: Path, *, users: dict[str, str] | None = None) -> WsgiDAVApp:
    """WsgiDAV serving a folder; anonymous unless users (name: password) are given."""
    user_mapping: dict[str, Any] = (
        {"*": {name: {"password": password} for name, password in users.items()}}
        if users
        else {"*": True}
    )
    return WsgiDAVApp(
        {
            "host": "127.0.0.1",
            "provider_mapping": {"/": str(root)},
            "simple_dc": {"user_mapping": user_mapping},
            "http_authenticator": {
                "accept_basic": True,
                "accept_digest": False,
                "default_to_digest": False,
            },
            "verbose": 0,
            "logging": {"enable": False, "enable_loggers": []},
            "property_manager": True,
            "lock_storage": True,
            "dir_browser": {"enable": False},
        }
    )
