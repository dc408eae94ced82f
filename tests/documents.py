"""Framework files read and checked once per test run, however many tests import them.

Most tests start by importing the shipped framework (1.0.0, often 1.1.0 too), and reading it
costs far more than the test: PyYAML's pure-Python composer (the service's loader keeps every
node's line and column) and a JSON Schema check of a few thousand nodes, twice per import.
Both are pure functions of their arguments, so `remember_framework_documents` (an autouse
fixture in tests/conftest.py) has the framework services reuse the answer for arguments they
were given before: the tree is handed out as a fresh copy each time, errors are never kept (a
refused file is read again), and the parser's and checker's own tests call them directly, so
they always run in full. TEST_READ_FRAMEWORKS_EVERY_TIME=1 turns the reuse off.
"""

from __future__ import annotations

import pickle
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest

from skillsreg.frameworks import document, jobs, services
from skillsreg.frameworks.positions import ParsedDocument
from skillsreg.frameworks.views.editor import lifecycle

# Distinct documents remembered: the shipped files and a few variants. Hypothesis makes many that
# are read once, and each kept tree is more for every garbage collection to look through.
KEPT = 8


class Remembered:
    """A bounded memo of one pure function's answers, keyed by what `key` makes of the call."""

    def __init__(self, function: Callable[..., Any], key: Callable[..., Any]) -> None:
        self.function = function
        self.key = key
        self.answers: OrderedDict[Any, Any] = OrderedDict()
        self.calls = 0
        self.reused = 0

    def lookup(self, *args: Any, **kwargs: Any) -> tuple[Any, bool]:
        self.calls += 1
        try:
            key = self.key(*args, **kwargs)
        except (TypeError, ValueError):
            return self.function(*args, **kwargs), False
        if key in self.answers:
            self.answers.move_to_end(key)
            self.reused += 1
            return self.answers[key], True
        answer = self.function(*args, **kwargs)  # an exception is raised again next time too
        self.answers[key] = answer
        if len(self.answers) > KEPT:
            self.answers.popitem(last=False)
        return answer, False


def _copy_tree(parsed: Any) -> Any:
    """A tree nobody else holds; a `ParsedDocument` keeps its way back to line numbers."""
    tree = pickle.loads(pickle.dumps(dict(parsed), protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301 - our own bytes
    if isinstance(parsed, ParsedDocument):
        return ParsedDocument(tree, parsed._locate)
    return tree


def _parse_key(text: str, *, filename: str) -> tuple[str, str]:
    return text, filename


def _validate_key(
    doc: Any, *, parent: dict[str, Any] | None = None, schema: dict[str, Any]
) -> tuple[str, str, str]:
    # repr tells apart what equality would not (1 and True, a list and a tuple, key order).
    return repr(doc), repr(parent), repr(schema)


@contextmanager
def framework_documents_remembered() -> Iterator[dict[str, Remembered]]:
    """Within this block the framework services read and check each distinct document once."""
    parse = Remembered(document.parse_document, _parse_key)
    validate = Remembered(document.validate_document, _validate_key)

    def parse_document(text: str, *, filename: str) -> Any:
        parsed, _ = parse.lookup(text, filename=filename)
        return _copy_tree(parsed)

    def validate_document(doc: Any, **options: Any) -> Any:
        errors, _ = validate.lookup(doc, **options)
        return list(errors)

    with pytest.MonkeyPatch.context() as patch:
        for module in (services, jobs, lifecycle):
            patch.setattr(module, "parse_document", parse_document)
        patch.setattr(services, "validate_document", validate_document)
        yield {"parse": parse, "validate": validate}
