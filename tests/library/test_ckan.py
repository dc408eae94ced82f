"""Pushing publications to CKAN through ckanapi, over real HTTP, against a local fake portal."""

from __future__ import annotations

import pytest
import requests

from skillsreg.library.models import PushStatus, TargetKind
from skillsreg.library.publishing import (
    PublishedFile,
    PublishingError,
    push_to_target,
    pushes_for,
    withdraw_pushed,
)
from skillsreg.library.services import check_connection
from skillsreg.library.targets import dataset_name
from tests.clock import NOW

pytestmark = pytest.mark.usefixtures("pinned_clock")

FILES = [
    PublishedFile("register-2.csv", "text/csv", b"name\r\nAda\r\n"),
    PublishedFile("register-2.pdf", "application/pdf", b"%PDF-1.7 pretend"),
]


def test_dataset_names_follow_ckan_rules():
    assert dataset_name("skills-", "Register 3") == "skills-register-3"
    assert dataset_name("", "x") == "x-"
    assert len(dataset_name("p-", "a" * 300)) == 100


def test_first_push_creates_the_dataset_and_uploads_each_file(
    db, ckan_target, fake_ckan, organiser
):
    portal, _server = fake_ckan

    push = push_to_target(
        ckan_target.id, key="register-2", title="Register 2", files=FILES, actor=organiser, now=NOW
    )

    assert push.status is PushStatus.OK
    dataset = portal.dataset_named("skills-register-2")
    assert dataset["title"] == "Register 2"
    assert dataset["owner_org"] == portal.organisations["web-community"]["id"]
    assert [r["name"] for r in dataset["resources"]] == ["register-2.csv", "register-2.pdf"]
    assert [r["format"] for r in dataset["resources"]] == ["CSV", "PDF"]
    assert portal.file("skills-register-2", "register-2.pdf") == b"%PDF-1.7 pretend"
    # The recorded addresses serve what was uploaded.
    assert requests.get(push.remote_urls[0], timeout=5).content == b"name\r\nAda\r\n"
    assert portal.calls == ["package_show", "package_create", "resource_create", "resource_create"]


def test_pushing_the_same_files_again_calls_nothing(db, ckan_target, fake_ckan, organiser):
    portal, _server = fake_ckan
    push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )
    portal.calls.clear()

    again = push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )

    assert again.status is PushStatus.UNCHANGED
    assert portal.calls == []


def test_new_content_updates_resources_in_place(db, ckan_target, fake_ckan, organiser):
    portal, _server = fake_ckan
    push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )
    ids = [r["id"] for r in portal.dataset_named("skills-register-2")["resources"]]
    changed = [PublishedFile("register-2.csv", "text/csv", b"name\r\nBob\r\n")]

    push_to_target(
        ckan_target.id, key="register-2", title="Renamed", files=changed, actor=organiser, now=NOW
    )

    dataset = portal.dataset_named("skills-register-2")
    assert dataset["title"] == "Renamed"
    assert [r["id"] for r in dataset["resources"]] == ids[:1]  # the PDF was dropped
    assert portal.file("skills-register-2", "register-2.csv") == b"name\r\nBob\r\n"
    assert "resource_update" in portal.calls
    assert "resource_delete" in portal.calls


def test_withdrawal_deletes_the_resources(db, ckan_target, fake_ckan, organiser):
    portal, _server = fake_ckan
    push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )

    (result,) = withdraw_pushed(key="register-2", replacement=None, actor=organiser, now=NOW)

    assert result.status is PushStatus.WITHDRAWN
    assert portal.dataset_named("skills-register-2")["resources"] == []
    assert portal.uploads == {}


def test_withdrawal_can_leave_a_notice_instead(db, ckan_target, fake_ckan, organiser):
    portal, _server = fake_ckan
    push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )
    notice = [PublishedFile("withdrawn.txt", "text/plain", b"Withdrawn on 23 November 2026.")]

    withdraw_pushed(key="register-2", replacement=notice, actor=organiser, now=NOW)

    resources = portal.dataset_named("skills-register-2")["resources"]
    assert [r["name"] for r in resources] == ["withdrawn.txt"]
    assert portal.file("skills-register-2", "withdrawn.txt") == b"Withdrawn on 23 November 2026."


def test_a_wrong_token_is_refused_with_a_clear_error(db, make_target, fake_ckan, organiser):
    _portal, server = fake_ckan
    target = make_target(TargetKind.CKAN, server.url, secret="wrong", name="Wrong token")

    with pytest.raises(PublishingError, match="refused the API token for package_create"):
        push_to_target(
            target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
        )
    assert pushes_for("register-2")[0].status is PushStatus.FAILED


def test_an_unknown_organisation_is_a_validation_error(db, make_target, fake_ckan, organiser):
    _portal, server = fake_ckan
    target = make_target(
        TargetKind.CKAN, server.url, secret="ckan-token-123", folder="nobody", name="Bad org"
    )

    with pytest.raises(PublishingError, match="rejected package_create"):
        push_to_target(
            target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
        )
    with pytest.raises(PublishingError, match="has no organisation nobody"):
        check_connection(target)


def test_an_unreachable_portal_fails_and_the_retry_succeeds(db, ckan_target, fake_ckan, organiser):
    portal, server = fake_ckan
    server.stop()

    with pytest.raises(PublishingError, match="Could not connect to the CKAN portal"):
        push_to_target(
            ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
        )

    server.start()
    push = push_to_target(
        ckan_target.id, key="register-2", title="R", files=FILES, actor=organiser, now=NOW
    )
    assert push.status is PushStatus.OK
    assert portal.file("skills-register-2", "register-2.csv") == b"name\r\nAda\r\n"


def test_connection_check_names_the_ckan_version(db, ckan_target):
    assert check_connection(ckan_target).startswith("Connected: CKAN 2.10.4")
