"""Malformed framework documents: a clear error with a place, never a crash or half a version."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from skillsreg.core.db import utcnow
from skillsreg.core.errors import DomainError
from skillsreg.frameworks import services
from skillsreg.frameworks.document import DocumentInvalid, parse_document
from skillsreg.frameworks.models import Framework, FrameworkVersion
from tests.frameworks.test_document import make_child, make_doc
from tests.security.walk import row_counts

SETTINGS = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WRONG_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(min_value=-(2**70), max_value=2**70),
    st.floats(allow_nan=True),
    st.text(max_size=30),
    st.just("x" * 100_000),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.text(max_size=5), st.integers(), max_size=3),
)


def paths(tree: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every place in a document tree, as a tuple of keys and indexes."""
    found = [prefix]
    if isinstance(tree, dict):
        for key, value in tree.items():
            found += paths(value, (*prefix, key))
    elif isinstance(tree, list):
        for index, value in enumerate(tree):
            found += paths(value, (*prefix, index))
    return found


@st.composite
def mutated_documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid document with one to three things broken: dropped, retyped, duplicated."""
    doc = draw(st.sampled_from([make_doc, make_child]))()
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        places = [p for p in paths(doc) if p]
        place = draw(st.sampled_from(places))
        *parent_path, key = place
        parent = doc
        for step in parent_path:
            parent = parent[step]
        mutation = draw(st.sampled_from(["drop", "retype", "duplicate"]))
        if mutation == "drop":
            del parent[key]
        elif mutation == "retype":
            parent[key] = draw(WRONG_VALUES)
        elif isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))  # a second skill with the same code…
        else:
            parent[key] = [copy.deepcopy(parent[key])] * 2
    return doc


def refusal(call: Any) -> Exception | None:
    """The DocumentInvalid or DomainError a call raised; None if it succeeded."""
    try:
        call()
    except (DocumentInvalid, DomainError) as error:
        return error
    return None


def assert_clear(error: Exception, filename: str) -> None:
    """A refusal says what is wrong and where (the file, then the place in it)."""
    if isinstance(error, DocumentInvalid):
        assert error.errors
        assert all(e.message for e in error.errors)
        assert all(e.path.startswith(filename) for e in error.errors)
    else:
        assert isinstance(error, DomainError)
        assert error.message


def import_checked(db: Any, doc: dict[str, Any]) -> None:
    """Import inside a savepoint; a refusal must name a place and leave no row behind."""
    savepoint = db.session.begin_nested()
    before = row_counts()
    try:
        error = refusal(
            lambda: services.import_document(doc, filename="framework.yaml", now=utcnow())
        )
        if error is not None:
            assert_clear(error, "framework.yaml")
            assert row_counts() == before
    finally:
        savepoint.rollback()


@pytest.fixture
def parent_version(db):
    """1.0.0 stored, so children (make_child) are checked against a real parent too."""
    services.import_document(make_doc(), filename="parent.yaml", now=utcnow())
    db.session.commit()


@pytest.mark.usefixtures("parent_version")
@SETTINGS
@given(doc=mutated_documents())
def test_a_mutated_document_is_imported_or_refused_with_places(db, doc):
    import_checked(db, doc)


@SETTINGS
@given(
    doc=mutated_documents(),
    cut=st.integers(min_value=0, max_value=4000),
    noise=st.text(max_size=20),
    as_json=st.booleans(),
)
def test_broken_text_is_refused_as_a_document_error(db, doc, cut, noise, as_json):
    import json

    text = json.dumps(doc) if as_json else yaml.safe_dump(doc, allow_unicode=True)
    text = text[:cut] + noise + text[cut:]
    filename = "framework.json" if as_json else "framework.yaml"
    parsed: list[Any] = []
    error = refusal(lambda: parsed.append(parse_document(text, filename=filename)))
    if error is not None:
        assert_clear(error, filename)
    elif isinstance(parsed[0], dict):
        import_checked(db, parsed[0])


def test_an_import_refused_late_leaves_no_framework_behind(db):
    doc = make_doc()
    doc["skills"].append(copy.deepcopy(doc["skills"][0]))  # the same code twice
    with pytest.raises((DocumentInvalid, DomainError)):
        services.import_document(doc, filename="framework.yaml", now=utcnow())
    assert db.session.query(Framework).count() == 0
    assert db.session.query(FrameworkVersion).count() == 0


@st.composite
def uploads(draw: st.DrawFn) -> tuple[bytes, str]:
    """A file a person might upload: a broken document as YAML or JSON, or any bytes at all."""
    import json

    filename = draw(st.sampled_from(["framework.yaml", "framework.yml", "framework.json"]))
    doc = draw(mutated_documents())
    if draw(st.booleans()):
        return draw(st.binary(max_size=300)), filename
    text = json.dumps(doc) if filename.endswith(".json") else yaml.safe_dump(doc)
    return text.encode(draw(st.sampled_from(["utf-8", "utf-16", "latin-1"])), "replace"), filename


@SETTINGS
@given(upload=uploads())
@example(upload=(b"?", "framework.yaml"))  # YAML's lone "?": a mapping whose key is null
def test_the_upload_page_refuses_a_broken_file_with_an_error_and_writes_nothing(
    app, client, login_as, organiser, monkeypatch, upload
):
    import io

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    login_as(organiser)
    content, filename = upload
    before = row_counts()
    response = client.post(
        "/frameworks/import",
        data={"file": (io.BytesIO(content), filename)},
        content_type="multipart/form-data",
    )
    assert response.status_code < 500
    if response.status_code != 302:
        assert "govuk-error-summary" in response.get_data(as_text=True)
        assert row_counts() == before
