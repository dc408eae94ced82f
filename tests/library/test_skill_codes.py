"""Library documents name the framework skills they help develop."""

from __future__ import annotations

import pytest

from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.library import services
from skillsreg.library.models import Document
from skillsreg.library.publishing import LibraryError
from skillsreg.library.rules import parse_skill_codes
from tests.assessments.test_services import import_version
from tests.pages import check_page, error_messages


def test_skill_codes_are_read_in_upper_case_without_duplicates():
    assert parse_skill_codes(" accs, EDIT ,, accs") == ["ACCS", "EDIT"]


@pytest.fixture
def document(db, organiser):
    import_version("1.0.0")
    made = Document(title="Accessible PDFs", owner=organiser)
    _db.session.add(made)
    _db.session.commit()
    return made


def test_editing_a_document_sets_its_skills(document, organiser):
    services.update_document(
        document, title="Accessible PDFs", summary="", tags=[], skill_codes=["DOCA", "ACCS"],
        actor=organiser, now=utcnow(),
    )  # fmt: skip
    assert document.skill_codes == ["ACCS", "DOCA"]
    services.update_document(
        document, title="Accessible PDFs", summary="", tags=[], skill_codes=["ACCS"],
        actor=organiser, now=utcnow(),
    )  # fmt: skip
    assert document.skill_codes == ["ACCS"]


def test_an_unknown_skill_code_is_refused(document, organiser):
    with pytest.raises(LibraryError, match="NOPE is not a skill code"):
        services.update_document(
            document, title="Accessible PDFs", summary="", tags=[], skill_codes=["NOPE"],
            actor=organiser, now=utcnow(),
        )  # fmt: skip


def test_the_edit_form_keeps_what_was_typed_when_a_code_is_unknown(
    client, login_as, organiser, document
):
    login_as(organiser)
    response = client.post(
        f"/library/{document.id}/edit",
        data={"title": "Accessible PDFs", "summary": "", "tags": "", "skill_codes": "accs, nope"},
    )
    page = check_page(response, errors=True)
    assert error_messages(page) == ["NOPE is not a skill code of the framework"]
    assert page.select_one("#skill_codes")["value"] == "accs, nope"
    response = client.post(
        f"/library/{document.id}/edit",
        data={"title": "Accessible PDFs", "summary": "", "tags": "", "skill_codes": "accs"},
    )
    assert response.status_code == 302
    assert "Framework skills" in client.get(f"/library/{document.id}").get_data(as_text=True)
