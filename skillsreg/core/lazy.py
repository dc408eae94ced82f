"""Loading slow libraries and command groups on first use, so `flask --help` stays fast."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable
from types import ModuleType
from typing import Any

import click


def lazy_module(name: str) -> ModuleType:
    """Return the module `name`, imported when one of its attributes is first used."""
    if name in sys.modules:
        return sys.modules[name]
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ModuleNotFoundError(f"No module named {name!r}", name=name)
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


class LazyCommand(click.Command):
    """A command listed with a short help and loaded only when it is run (or asked for help)."""

    def __init__(self, name: str, load: Callable[[], click.Command], *, short_help: str) -> None:
        super().__init__(name, short_help=short_help, help=short_help)
        self._load = load

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        """Hand the arguments to the real command, which parses and runs them."""
        return self._load().make_context(info_name, args, parent=parent, **extra)


def finish_app_setup() -> None:
    """Finish the current app's deferred set-up (see skillsreg.app.App) before a command runs."""
    from flask import current_app

    finish = getattr(current_app._get_current_object(), "finish_setup", None)  # type: ignore[attr-defined]
    if finish is not None:
        finish()
