"""Random requests: the JSON API answers JSON errors and no form answers a 500, whatever is sent."""

from __future__ import annotations

from urllib.parse import quote, urlencode

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.assessments.test_services import import_version
from tests.security.walk import as_form_data, form_pages, post_forms, sample_objects

SETTINGS = settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

WORDS = st.sampled_from(
    ["frameworks", "web-professionals", "versions", "1.0.0", "skills", "roles", "CONT",
     "programmer", "changes", "openapi.json", "..", ".", "%00", "latest"]
)  # fmt: skip
SEGMENTS = st.one_of(WORDS, st.text(min_size=1, max_size=20))
QUERY = st.dictionaries(
    st.one_of(st.sampled_from(["q", "page", "per_page", "level", "category", "format"]), st.text()),
    st.one_of(st.text(max_size=30), st.integers().map(str)),
    max_size=4,
)


@pytest.fixture
def published(db):
    import_version("1.0.0")
    db.session.commit()


@pytest.mark.usefixtures("published")
@SETTINGS
@given(
    segments=st.lists(SEGMENTS, max_size=7),
    query=QUERY,
    method=st.sampled_from(["GET", "POST", "DELETE"]),
)
def test_the_api_answers_json_and_never_a_server_error(
    app, client, monkeypatch, segments, query, method
):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    url = "/api/v1/" + "/".join(quote(s, safe="") for s in segments)
    if query:
        url += "?" + urlencode(query)
    response = client.open(url, method=method)
    assert response.status_code < 500, url
    if 300 <= response.status_code < 400:  # "//" merged into "/" by the router
        assert response.location.startswith("/api/v1/"), (url, response.location)
        return
    assert response.is_json, (url, response.mimetype)
    if response.status_code >= 400:
        assert "error" in response.json, url


@pytest.fixture
def forms(app, client, login_as, administrator, member, organiser, monkeypatch):
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    login_as(administrator)
    pages = form_pages(app, client, sample_objects(administrator, member, organiser))
    found = []
    for url in pages:
        for form in post_forms(url, client.get(url).get_data(as_text=True)):
            if form.text_fields and not form.action.startswith("/sign-out"):
                found.append(form)
    assert len(found) >= 15
    return found


@SETTINGS
@given(data=st.data())
def test_random_text_in_any_form_never_causes_a_server_error(client, forms, data):
    form = data.draw(st.sampled_from(forms))
    values = form.filled("")
    for name in form.text_fields:
        values[name] = [data.draw(st.text(max_size=200)) for _ in values[name]]
    response = client.post(form.action, data=as_form_data(values))
    assert response.status_code < 500, (form.action, values)
