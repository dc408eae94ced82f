"""Pushing publications to a real WebDAV server (WsgiDAV on 127.0.0.1)."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from skillsreg.core.audit import AuditEvent
from skillsreg.library.models import PushOperation, PushStatus, TargetKind
from skillsreg.library.publishing import (
    PublishedFile,
    PublishingError,
    content_hash,
    push_to_target,
    pushes_for,
    withdraw_pushed,
)
from skillsreg.library.services import check_connection
from tests.clock import NOW
from tests.library.servers import ThreadedServer, webdav_app

pytestmark = pytest.mark.usefixtures("pinned_clock")

FILES = [
    PublishedFile("register-1.csv", "text/csv", b"name,organisation\r\nAda,Kirklees\r\n"),
    PublishedFile("register-1.json", "application/json", b'[{"name": "Ada"}]'),
]


def remote(dav_root: Path, *parts: str) -> Path:
    return dav_root.joinpath("published", "registers", *parts)


def test_push_creates_the_folders_and_stores_every_file(db, dav_target, dav_root, organiser):
    push = push_to_target(
        dav_target.id, key="register-1", title="Register 1", files=FILES, actor=organiser, now=NOW
    )

    assert push.status is PushStatus.OK
    assert push.content_hash == content_hash(FILES)
    assert push.file_names == ["register-1.csv", "register-1.json"]
    assert remote(dav_root, "register-1", "register-1.csv").read_bytes() == FILES[0].content
    assert remote(dav_root, "register-1", "register-1.json").read_bytes() == FILES[1].content
    assert push.remote_urls[0].endswith("/published/registers/register-1/register-1.csv")
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "library.push"))
    assert event.details["status"] == "ok"
    assert event.details["key"] == "register-1"


def test_pushing_the_same_content_again_changes_nothing(db, dav_target, dav_root, organiser):
    push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    stored = remote(dav_root, "register-1", "register-1.csv")
    stored.write_bytes(b"changed on the server")  # a second real push would overwrite this

    again = push_to_target(
        dav_target.id,
        key="register-1",
        title="R",
        files=list(reversed(FILES)),
        actor=organiser,
        now=NOW + timedelta(minutes=1),
    )

    assert again.status is PushStatus.UNCHANGED
    assert stored.read_bytes() == b"changed on the server"
    assert [p.status for p in pushes_for("register-1")] == [PushStatus.UNCHANGED, PushStatus.OK]


def test_new_content_replaces_the_files_and_removes_dropped_ones(
    db, dav_target, dav_root, organiser
):
    push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    new = [PublishedFile("register-1.csv", "text/csv", b"name\r\nBob\r\n")]

    push = push_to_target(
        dav_target.id, key="register-1", title="R", files=new, actor=organiser, now=NOW
    )

    assert push.status is PushStatus.OK
    assert remote(dav_root, "register-1", "register-1.csv").read_bytes() == b"name\r\nBob\r\n"
    assert not remote(dav_root, "register-1", "register-1.json").exists()


def test_withdrawal_deletes_every_pushed_file(db, dav_target, dav_root, organiser):
    push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )

    results = withdraw_pushed(key="register-1", replacement=None, actor=None, now=NOW)

    assert [(p.operation, p.status) for p in results] == [
        (PushOperation.WITHDRAW, PushStatus.WITHDRAWN)
    ]
    assert list(remote(dav_root, "register-1").iterdir()) == []
    # Nothing more to withdraw, and pushing again after a withdrawal really pushes.
    assert withdraw_pushed(key="register-1", replacement=None, actor=None, now=NOW) == []
    again = push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    assert again.status is PushStatus.OK
    assert remote(dav_root, "register-1", "register-1.csv").exists()


def test_withdrawal_can_replace_the_files_with_a_notice(db, dav_target, dav_root, organiser):
    push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    notice = [PublishedFile("WITHDRAWN.txt", "text/plain", b"This register was withdrawn.")]

    (result,) = withdraw_pushed(key="register-1", replacement=notice, actor=organiser, now=NOW)

    assert result.status is PushStatus.WITHDRAWN
    assert sorted(p.name for p in remote(dav_root, "register-1").iterdir()) == ["WITHDRAWN.txt"]


def test_a_stopped_server_gives_a_clear_error_and_a_retry_works(
    db, dav_target, dav_server, dav_root, organiser
):
    dav_server.stop()

    with pytest.raises(PublishingError, match="Could not connect to the WebDAV server"):
        push_to_target(
            dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
        )

    (failed,) = pushes_for("register-1")
    assert failed.status is PushStatus.FAILED
    assert "Could not connect" in failed.error
    dav_server.start()
    retried = push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    assert retried.status is PushStatus.OK
    assert remote(dav_root, "register-1", "register-1.csv").exists()


def test_a_failed_withdrawal_is_recorded_and_can_be_run_again(
    db, dav_target, dav_server, dav_root, organiser
):
    push_to_target(
        dav_target.id, key="register-1", title="R", files=FILES, actor=organiser, now=NOW
    )
    dav_server.stop()

    (failed,) = withdraw_pushed(key="register-1", replacement=None, actor=None, now=NOW)

    assert failed.status is PushStatus.FAILED
    assert failed.operation is PushOperation.WITHDRAW
    dav_server.start()
    (done,) = withdraw_pushed(key="register-1", replacement=None, actor=None, now=NOW)
    assert done.status is PushStatus.WITHDRAWN
    assert list(remote(dav_root, "register-1").iterdir()) == []


def test_wrong_password_is_reported(db, make_target, dav_server, organiser):
    target = make_target(
        TargetKind.WEBDAV, dav_server.url, secret="wrong", username="publisher", name="Bad"
    )

    with pytest.raises(PublishingError, match="refused the user name or password"):
        push_to_target(target.id, key="k", title="K", files=FILES, actor=organiser, now=NOW)


def test_a_missing_secret_variable_is_reported(db, make_target, dav_server, organiser):
    target = make_target(TargetKind.WEBDAV, dav_server.url, username="publisher", name="No env")
    target.secret_env = "SKILLSREG_TEST_NOT_SET_ANYWHERE"

    with pytest.raises(PublishingError, match=r"SKILLSREG_TEST_NOT_SET_ANYWHERE .* is not set"):
        push_to_target(target.id, key="k", title="K", files=FILES, actor=organiser, now=NOW)


def test_anonymous_webdav_needs_no_credentials(db, make_target, tmp_path, organiser):
    server = ThreadedServer(webdav_app(tmp_path))
    server.start()
    try:
        target = make_target(TargetKind.WEBDAV, server.url + "/", name="Open share")
        push = push_to_target(
            target.id, key="k 1", title="K", files=FILES, actor=organiser, now=NOW
        )
    finally:
        server.stop()
    assert push.status is PushStatus.OK
    assert (tmp_path / "k 1" / "register-1.csv").exists()


def test_connection_check_reports_what_it_found(db, dav_target, dav_server, dav_root):
    assert "will be created at the first push" in check_connection(dav_target)
    remote(dav_root).mkdir(parents=True)
    assert "exists" in check_connection(dav_target)
    dav_server.stop()
    with pytest.raises(PublishingError, match="Could not connect to Community Nextcloud"):
        check_connection(dav_target)


def test_a_disabled_target_cannot_be_pushed_to(db, dav_target, organiser):
    dav_target.is_enabled = False

    with pytest.raises(PublishingError, match="turned off"):
        push_to_target(dav_target.id, key="k", title="K", files=FILES, actor=organiser, now=NOW)


def test_file_names_that_would_climb_out_of_the_folder_are_never_sent(
    db, dav_target, dav_root, organiser
):
    sneaky = [PublishedFile("..", "text/plain", b"overwrite the folder")]

    with pytest.raises(PublishingError, match="is not a name the service can push"):
        push_to_target(
            dav_target.id, key="register-9", title="x", files=sneaky, actor=organiser, now=NOW
        )

    assert pushes_for("register-9")[0].status is PushStatus.FAILED
    assert not (dav_root / "published" / "registers" / "register-9").exists()


def test_slashes_in_a_file_name_stay_inside_the_publication(db, dav_target, dav_root, organiser):
    files = [PublishedFile("../../escape.txt", "text/plain", b"hello")]

    push = push_to_target(
        dav_target.id, key="register-8", title="x", files=files, actor=organiser, now=NOW
    )

    assert push.status is PushStatus.OK
    assert not (dav_root / "escape.txt").exists()
    assert not (dav_root / "published" / "escape.txt").exists()
