"""Schemathesis over every operation of the OpenAPI document, with every check, in-process.

Its examples, coverage and fuzzing phases, valid and invalid input, run against a database
holding a framework with two published versions and a draft (which must never be shown).
Bounded and repeatable: a fixed number of examples per operation, derandomized, no deadline.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import CHECKS, load_all_checks

from skillsreg.api.openapi import build_document
from skillsreg.core.db import utcnow
from skillsreg.frameworks import services
from tests.api.test_views import published_child
from tests.frameworks.test_document import make_doc

EXAMPLES = 15  # per operation and phase: about 30 s for the ten operations
load_all_checks()
ALL_CHECKS = list(CHECKS.get_all())
SCHEMA = schemathesis.openapi.from_dict(build_document())


@pytest.fixture
def api(app: Any, db: Any, organiser: Any) -> Any:
    first = services.import_document(make_doc(), filename="1.0.0.yaml", now=utcnow()).version
    services.import_document(published_child(), filename="1.1.0.yaml", now=utcnow())
    services.create_draft(first.framework, actor=organiser, now=utcnow())
    db.session.commit()
    return app


def test_every_check_and_operation_is_included() -> None:
    names = {getattr(check, "__name__", type(check).__name__) for check in ALL_CHECKS}
    assert {"not_a_server_error", "response_schema_conformance", "unsupported_method"} <= names
    assert {"status_code_conformance", "negative_data_rejection"} <= names
    assert len(list(SCHEMA.get_all_operations())) == len(build_document()["paths"])


@SCHEMA.parametrize()
@settings(
    max_examples=EXAMPLES,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)
def test_every_operation_conforms_to_the_openapi_document(api: Any, case: Any) -> None:
    case.call_and_validate(checks=ALL_CHECKS, app=api)
