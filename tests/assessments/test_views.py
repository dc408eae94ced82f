"""Self-assessment pages: start, rate, check, submit, results, history, compare and share."""

from __future__ import annotations

import secrets
from datetime import timedelta

import pytest
import sqlalchemy as sa

from skillsreg.assessments.models import Assessment
from skillsreg.assessments.pdf import cache_key
from skillsreg.core.db import utcnow
from skillsreg.extensions import db as _db
from skillsreg.workshops.models import ExpressionOfInterest, Workshop, WorkshopStatus
from tests.assessments.test_services import import_version, publish, rate_all, start, submitted
from tests.pages import check_page, error_messages


@pytest.fixture
def version(db):
    return import_version("1.0.0")


@pytest.fixture
def signed_in(client, login_as, member):
    login_as(member)
    return member


def url(name, **values):
    return f"/assessments{name.format(**values)}"


def test_the_history_page_offers_to_start(client, signed_in, version):
    page = check_page(client.get("/assessments/"), title="Your self-assessments")

    assert page.find("a", href="/assessments/new/web-professionals")
    assert "You have not started a self-assessment yet" in page.get_text()


def test_starting_an_assessment_opens_its_task_list(client, signed_in, version):
    check_page(client.get("/assessments/new/web-professionals"), title="Start a self-assessment")

    response = client.post(
        "/assessments/new/web-professionals", data={"role_level": "web-manager/assistant"}
    )

    assessment = _db.session.scalar(sa.select(Assessment))
    assert response.headers["Location"] == f"/assessments/{assessment.id}"
    page = check_page(client.get(response.headers["Location"]), title="Your self-assessment")
    assert "0 of 9 skills rated" in page.get_text()
    assert page.select(".govuk-task-list__item")


def test_starting_without_a_role_level_shows_the_error(client, signed_in, version):
    page = check_page(
        client.post("/assessments/new/web-professionals", data={"role_level": ""}), errors=True
    )

    assert error_messages(page) == ["Choose the role and role level to measure against"]


def test_a_category_page_shows_every_level_descriptor_inline(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    page = check_page(client.get(url("/{id}/categories/content", id=assessment.id)))

    radios = page.select("input[name=level_CONT]")
    assert [r["value"] for r in radios] == ["1", "2", "3", "4", "5", "na"]
    assert page.select("#level_CONT-item-hint")


def test_saving_a_category_records_answers_and_moves_on(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    response = client.post(
        url("/{id}/categories/content", id=assessment.id),
        data={
            "level_CONT": "4",
            "evidence_CONT": "Style guide",
            "level_EDIT": "na",
            "level_CMGT": "3",
            "save_continue": "y",
        },
    )

    assert response.status_code == 302
    assert "/categories/" in response.headers["Location"]
    assert assessment.rating_for("CONT").level == 4
    page = check_page(client.get(url("/{id}", id=assessment.id)))
    assert "3 of 9 skills rated" in page.get_text()


def test_save_and_continue_needs_an_answer_for_every_skill(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    page = check_page(
        client.post(
            url("/{id}/categories/content", id=assessment.id),
            data={"level_CONT": "4", "evidence_EDIT": "Kept text", "save_continue": "y"},
        ),
        errors=True,
    )

    assert error_messages(page) == [
        "Choose your level in Editing and publishing, or not applicable to me",
        "Choose your level in Content lifecycle management, or not applicable to me",
    ]
    assert page.find("textarea", id="evidence_EDIT").get_text() == "Kept text"
    assert page.find("input", id="level_CONT-4").has_attr("checked")
    assert assessment.rating_for("CONT").level is None


def test_skipping_a_category_saves_nothing_and_leaves_it_not_started(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    response = client.post(
        url("/{id}/categories/content", id=assessment.id),
        data={"level_CONT": "4", "skip": "y"},
    )

    assert response.headers["Location"].endswith(f"/{assessment.id}/categories/accessibility")
    assert assessment.rating_for("CONT").level is None
    page = check_page(client.get(url("/{id}", id=assessment.id)))
    status = page.select_one("#categories-1-status").get_text(" ", strip=True)
    assert status == "Not yet started"


def test_an_invalid_level_keeps_everything_typed(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    page = check_page(
        client.post(
            url("/{id}/categories/content", id=assessment.id),
            data={
                "level_CONT": "9",
                "evidence_CONT": "Kept text",
                "level_EDIT": "2",
                "save_later": "y",
            },
        ),
        errors=True,
    )

    assert error_messages(page) == ["Choose one of the levels shown, or not applicable"]
    assert page.find("textarea", id="evidence_CONT").get_text() == "Kept text"
    assert page.find("input", id="level_EDIT-2").has_attr("checked")


def test_submitting_an_incomplete_assessment_is_refused(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    page = check_page(client.post(url("/{id}/check-answers", id=assessment.id)), errors=True)

    assert "Rate every skill before you submit" in error_messages(page)[0]


def test_submitting_freezes_the_assessment_and_shows_the_confirmation(client, signed_in, version):
    assessment = start(signed_in, version)
    rate_all(assessment)
    _db.session.commit()
    check_page(client.get(url("/{id}/check-answers", id=assessment.id)), title="Check your")

    response = client.post(url("/{id}/check-answers", id=assessment.id))

    assert response.headers["Location"] == url("/{id}/submitted", id=assessment.id)
    check_page(client.get(response.headers["Location"]), title="Self-assessment submitted")
    # The queue rendered its PDF after the submission, before anyone asked for it.
    _db.session.refresh(assessment)
    assert assessment.pdf.startswith(b"%PDF-")
    assert assessment.pdf_key == cache_key(assessment)
    after = client.post(url("/{id}/categories/content", id=assessment.id), data={"level_CONT": "1"})
    assert after.headers["Location"] == url("/{id}/result", id=assessment.id)
    assert assessment.rating_for("CONT").level == 3


def test_the_result_shows_gaps_a_chart_and_another_role(client, signed_in, version):
    assessment = submitted(signed_in, version)
    _db.session.commit()

    page = check_page(client.get(url("/{id}/result", id=assessment.id)), title="Your self")
    other = check_page(client.get(url("/{id}/result?against=web-manager/head", id=assessment.id)))

    assert page.select("figure.app-chart[aria-labelledby] .app-chart__row")
    assert "Summary by category" in page.get_text()
    assert "Head of web or digital" in other.get_text()
    assert client.get(url("/{id}/result?against=x/y", id=assessment.id)).status_code == 404


def test_another_members_assessment_is_not_found(client, login_as, create_user, member, version):
    assessment = submitted(member, version)
    _db.session.commit()
    login_as(create_user())

    for path in (
        "/{id}",
        "/{id}/result",
        "/{id}/categories/content",
        "/{id}/profile.pdf",
        "/{id}/share",
    ):
        assert client.get(url(path, id=assessment.id)).status_code == 404, path
    for path in ("/{id}/categories/content", "/{id}/check-answers", "/{id}/share"):
        assert client.post(url(path, id=assessment.id), data={}).status_code == 404, path


def test_two_assessments_can_be_compared(client, signed_in, version):
    first = submitted(signed_in, version)
    second = start(signed_in, version)
    rate_all(second, level=4)
    from skillsreg.assessments import services
    from skillsreg.core.db import utcnow

    services.submit_assessment(second, now=utcnow())
    _db.session.commit()

    page = check_page(
        client.get(f"/assessments/compare?first={first.id}&second={second.id}"),
        title="Compare two",
    )

    summary = page.find(id="compare-summary").get_text(" ", strip=True)
    assert "rose, 0 fell, 0 stayed the same, 0 added and 0 removed" in summary
    assert page.find("h2", id="rose").get_text().startswith("Rose")
    labels = [o.get_text() for o in page.select("#first option")]
    assert len(set(labels)) == 2
    assert all("Web manager: Assistant web manager" in label for label in labels)


def test_a_share_link_shows_the_profile_until_it_is_revoked(client, signed_in, version):
    assessment = submitted(signed_in, version)
    _db.session.commit()

    page = check_page(client.post(url("/{id}/share", id=assessment.id)))
    link = page.select_one(".app-break-all").get_text(strip=True)
    path = link.split("skillsreg.test", 1)[1]
    check_page(client.get(path), title="Skills profile of")
    client.post(url("/{id}/share/revoke", id=assessment.id))

    assert client.get(path).status_code == 404


def test_carrying_forward_starts_a_prefilled_draft(client, signed_in, version):
    old = submitted(signed_in, version)
    newer = publish(import_version("1.1.0"))
    _db.session.commit()
    check_page(client.get("/assessments/"))
    rules = check_page(client.get("/assessments/carry-forward/web-professionals"))
    assert len(rules.select("#carry-forward-rules li")) == 7
    assert "Merged skills" in rules.select_one("#carry-forward-rules").get_text()

    response = client.post(
        "/assessments/carry-forward/web-professionals",
        data={"role_level": "web-manager/assistant"},
    )

    new = _db.session.scalar(sa.select(Assessment).where(Assessment.version_id == newer.id))
    assert new.carried_from_id == old.id
    page = check_page(client.get(response.headers["Location"]))
    assert "need your confirmation before you can submit" in page.get_text()
    content = check_page(client.get(url("/{id}/categories/content", id=new.id)))
    assert "Compare with your previous answer" in content.get_text()


def count_queries(client, path):
    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    engine = _db.session.get_bind().engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        response = client.get(path)
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    assert response.status_code == 200
    return len(statements)


def test_the_result_page_needs_the_same_queries_for_9_or_40_skills(client, signed_in, version):
    from skillsreg.assessments import services
    from skillsreg.core.db import utcnow

    small = submitted(signed_in, version)
    large = start(signed_in, version)
    for skill in version.skills:
        if large.rating_for(skill.code) is None:
            services.add_skill(large, skill_code=skill.code, now=utcnow())
    rate_all(large)
    services.submit_assessment(large, now=utcnow())
    _db.session.commit()
    assert len(large.ratings) == 40

    few = count_queries(client, url("/{id}/result", id=small.id))
    many = count_queries(client, url("/{id}/result", id=large.id))

    assert many == few
    assert many <= 15


def add_workshop(title, skill_codes, *, days=7, status=WorkshopStatus.PUBLISHED):
    starts = utcnow() + timedelta(days=days)
    workshop = Workshop(
        title=title,
        slug=title.lower().replace(" ", "-"),
        starts_at=starts,
        ends_at=starts + timedelta(hours=6),
        closes_at=starts - timedelta(days=1),
        capacity=20,
        status=status,
        target_skill_codes=skill_codes,
    )
    _db.session.add(workshop)
    return workshop


def test_the_result_suggests_upcoming_workshops_for_the_largest_gaps(client, signed_in, version):
    from skillsreg.assessments import services

    assessment = start(signed_in, version)
    rate_all(assessment, level=1)
    services.submit_assessment(assessment, now=utcnow())
    below = [r.skill_code for r in assessment.ratings if r.skill_code in ("CONT", "EDIT")]
    add_workshop("Writing for the web", below)
    add_workshop("Held last week", below, days=-7)
    add_workshop("Still a draft", below, status=WorkshopStatus.DRAFT)
    add_workshop("Unrelated skills", ["NOPE"])
    _db.session.commit()

    page = check_page(client.get(url("/{id}/result", id=assessment.id)))

    links = page.select("#workshop-suggestions a")
    assert [a.get_text() for a in links] == ["Writing for the web"]
    assert links[0]["href"] == "/workshops/writing-for-the-web"
    covered = page.select_one("#workshop-suggestions li ul").get_text(" ", strip=True)
    assert "Content design: you are level 1, your role level expects 3" in covered


def test_the_result_suggests_no_workshops_when_none_match(client, signed_in, version):
    assessment = submitted(signed_in, version)
    add_workshop("Unrelated skills", ["NOPE"])
    _db.session.commit()

    page = check_page(client.get(url("/{id}/result", id=assessment.id)))

    assert "Workshops that could help" not in page.get_text()


def share_with_organisers(assessment, *, consent=True, withdrawn=False):
    eoi = ExpressionOfInterest(
        user_id=assessment.user_id,
        share_assessment=consent,
        shared_assessment_id=assessment.id if consent else None,
        submitted_at=utcnow(),
        withdrawn_at=utcnow() if withdrawn else None,
    )
    _db.session.add(eoi)
    _db.session.commit()
    return eoi


def test_an_organiser_sees_a_profile_shared_with_them(client, login_as, member, organiser, version):
    assessment = submitted(member, version)
    share_with_organisers(assessment)
    login_as(organiser)

    page = check_page(
        client.get(url("/{id}/shared-with-organisers", id=assessment.id)),
        title=f"Skills profile of {member.name}",
    )
    response = client.get(url("/{id}/profile.pdf", id=assessment.id))

    assert page.find("a", string=lambda s: s and "Download PDF" in s)
    assert response.status_code == 200
    assert response.mimetype == "application/pdf"


@pytest.mark.parametrize(("consent", "withdrawn"), [(False, False), (True, True)])
def test_an_organiser_cannot_see_a_profile_not_shared(
    client, login_as, member, organiser, version, consent, withdrawn
):
    assessment = submitted(member, version)
    share_with_organisers(assessment, consent=consent, withdrawn=withdrawn)
    login_as(organiser)

    for path in ("/{id}/shared-with-organisers", "/{id}/profile.pdf"):
        assert client.get(url(path, id=assessment.id)).status_code == 404, path


def test_a_member_cannot_see_a_profile_shared_with_organisers(
    client, login_as, create_user, member, version
):
    assessment = submitted(member, version)
    share_with_organisers(assessment)
    login_as(create_user())

    assert client.get(url("/{id}/shared-with-organisers", id=assessment.id)).status_code == 403
    assert client.get(url("/{id}/profile.pdf", id=assessment.id)).status_code == 404


def test_answers_posted_after_the_session_expired_come_back_after_signing_in(
    client, login_as, member, version
):
    assessment = start(member, version)
    _db.session.commit()
    page = url("/{id}/categories/content", id=assessment.id)

    response = client.post(
        page, data={"level_CONT": "4", "evidence_CONT": "Typed while signed out", "save_later": "y"}
    )

    assert response.status_code == 302
    assert "/sign-in?next=" in response.headers["Location"], response.headers["Location"]
    assert assessment.rating_for("CONT").level is None
    login_as(member)
    restored = check_page(client.get(page))
    assert "You were signed out. Check your answers and save them." in restored.get_text()
    assert restored.find("textarea", id="evidence_CONT").get_text() == "Typed while signed out"
    assert restored.find("input", id="level_CONT-4").has_attr("checked")
    again = check_page(client.get(page))
    assert "You were signed out" not in again.get_text()
    assert again.find("textarea", id="evidence_CONT").get_text() == ""


def test_answers_are_kept_only_for_the_page_they_were_posted_to(client, login_as, member, version):
    assessment = start(member, version)
    _db.session.commit()

    other_code = next(
        skill.category_code
        for skill in version.skills
        if assessment.rating_for(skill.code) and skill.category_code != "content"
    )

    client.post(url("/{id}/categories/content", id=assessment.id), data={"level_CONT": "4"})
    login_as(member)
    other = check_page(
        client.get(url("/{id}/categories/{code}", id=assessment.id, code=other_code))
    )

    assert "You were signed out" not in other.get_text()


@pytest.fixture
def csrf_on(app):
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


@pytest.mark.usefixtures("csrf_on")
def test_a_signed_in_post_without_a_csrf_token_is_still_refused(client, signed_in, version):
    assessment = start(signed_in, version)
    _db.session.commit()

    response = client.post(
        url("/{id}/categories/content", id=assessment.id), data={"level_CONT": "4"}
    )

    assert response.status_code == 400
    assert assessment.rating_for("CONT").level is None


@pytest.mark.usefixtures("csrf_on")
def test_a_post_after_the_session_and_its_csrf_token_expired_is_kept(client, member, version):
    assessment = start(member, version)
    _db.session.commit()

    response = client.post(
        url("/{id}/categories/content", id=assessment.id), data={"level_CONT": "4"}
    )

    assert "/sign-in?next=" in response.headers["Location"]
    assert "skillsreg_kept_form=" in response.headers["Set-Cookie"]


def test_answers_too_long_to_keep_are_not_kept_and_the_member_is_told(client, member, version):
    assessment = start(member, version)
    _db.session.commit()

    response = client.post(
        url("/{id}/categories/content", id=assessment.id),
        data={"level_CONT": "4", "evidence_CONT": secrets.token_urlsafe(3000)},
    )

    assert "skillsreg_kept_form=" not in response.headers.get("Set-Cookie", "")
    with client.session_transaction() as session:
        assert "too long to keep" in str(session.get("_flashes"))
