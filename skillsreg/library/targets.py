"""Clients for publishing targets: a WebDAV folder (requests) and a CKAN portal (ckanapi)."""

from __future__ import annotations

import io
import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol
from urllib.parse import quote

from skillsreg.core.lazy import lazy_module
from skillsreg.library.models import PublishingTarget, TargetKind
from skillsreg.library.rules import secret_env_problem

if TYPE_CHECKING:
    import ckanapi
    import requests
else:  # imported when a target is first used: together they take a tenth of a second
    ckanapi = lazy_module("ckanapi")
    requests = lazy_module("requests")

# Server-side requests: only administrators choose target addresses, and any address they
# choose (including ones inside the hosting network) is reached from the app servers. WebDAV
# requests never follow redirects; ckanapi follows them through requests, which drops the
# Authorization header when the host changes. Answers are summarised, never shown raw.
TIMEOUT = (5, 30)  # seconds to connect, seconds to wait for each answer
USER_AGENT = "skillsreg-publishing/1"


class TargetError(Exception):
    """The target could not be reached or refused the request; the message says why."""


@dataclass(frozen=True)
class RemoteFile:
    name: str
    media_type: str
    content: bytes
    description: str = ""


class TargetClient(Protocol):
    def check(self) -> str:
        """Check the target answers and accepts the credentials; say what was found."""

    def put_files(
        self, key: str, title: str | None, files: Sequence[RemoteFile], notes: str = ""
    ) -> list[str]:
        """Create or replace these files of a publication; return their addresses."""

    def remove_files(self, key: str, names: Sequence[str]) -> None:
        """Remove these files of a publication; files already gone are not an error."""

    def close(self) -> None:
        """Close the connections the client opened."""


def read_secret(target: PublishingTarget) -> str | None:
    """The password or API token, read from the environment variable the target names."""
    if not target.secret_env:
        return None
    problem = secret_env_problem(target.secret_env)
    if problem is not None:
        raise TargetError(f"The environment variable {target.secret_env} cannot be used: {problem}")
    secret = os.environ.get(target.secret_env)
    if secret is None:
        raise TargetError(
            f"The environment variable {target.secret_env} that should hold the password or "
            "API token is not set on the server"
        )
    return secret


@contextmanager
def client_for(target: PublishingTarget) -> Iterator[TargetClient]:
    """The client speaking this target's protocol, closed after use."""
    client: TargetClient = (
        CkanClient(target) if target.kind is TargetKind.CKAN else WebDavClient(target)
    )
    try:
        yield client
    finally:
        client.close()


def _segments(path: str) -> list[str]:
    return [part for part in path.strip().split("/") if part and part not in (".", "..")]


class WebDavClient:
    """Files go to <base URL>/<folder>/<key>/<name>; folders are made with MKCOL when missing."""

    def __init__(self, target: PublishingTarget) -> None:
        self.base = target.base_url.rstrip("/")
        self.folder = _segments(target.folder)
        secret = read_secret(target)
        self.auth = (target.username, secret or "") if target.username else None
        self.session = requests.Session()
        self.session.headers["User-Agent"] = USER_AGENT

    def close(self) -> None:
        self.session.close()

    def _url(self, parts: Sequence[str], *, collection: bool = False) -> str:
        # Quoting keeps "/" inside a segment; "." and ".." would still climb out of the folder.
        if any(part.strip() in ("", ".", "..") for part in parts):
            raise TargetError(f"{'/'.join(parts)} is not a name the service can push")
        path = "/".join(quote(part, safe="") for part in parts)
        url = f"{self.base}/{path}" if path else self.base
        return url + "/" if collection else url

    def _send(self, method: str, url: str, **kwargs: Any) -> requests.Response:
        try:
            response = self.session.request(
                method, url, auth=self.auth, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.Timeout:
            raise TargetError(f"The WebDAV server at {self.base} did not answer in time") from None
        except requests.RequestException as error:
            raise TargetError(f"Could not connect to the WebDAV server at {self.base}") from error
        if response.status_code == 401:
            raise TargetError("The WebDAV server refused the user name or password")
        if response.status_code == 403:
            raise TargetError(f"The WebDAV server does not allow {method} on {url}")
        return response

    def check(self) -> str:
        url = self._url(self.folder, collection=True)
        response = self._send("PROPFIND", url, headers={"Depth": "0"})
        if response.status_code == 207:
            return f"Connected: the folder {url} exists"
        if response.status_code == 404:
            response = self._send(
                "PROPFIND", self._url([], collection=True), headers={"Depth": "0"}
            )
            if response.status_code == 207:
                return f"Connected: the folder {url} will be created at the first push"
        raise TargetError(f"Unexpected answer from the WebDAV server: HTTP {response.status_code}")

    def _make_folders(self, parts: Sequence[str]) -> None:
        for depth in range(1, len(parts) + 1):
            url = self._url(parts[:depth], collection=True)
            status = self._send("MKCOL", url).status_code
            # 201: made; 405: MKCOL is not allowed on something that already exists.
            if status in (200, 201, 405):
                continue
            if status == 409:
                raise TargetError(f"The WebDAV server could not create {url}: a parent is missing")
            raise TargetError(f"The WebDAV server could not create {url}: HTTP {status}")

    def put_files(
        self, key: str, title: str | None, files: Sequence[RemoteFile], notes: str = ""
    ) -> list[str]:
        parts = [*self.folder, key]
        urls = [self._url([*parts, file.name]) for file in files]  # refuse bad names up front
        self._make_folders(parts)
        for file, url in zip(files, urls, strict=True):
            status = self._send(
                "PUT", url, data=file.content, headers={"Content-Type": file.media_type}
            ).status_code
            if status not in (200, 201, 204):
                raise TargetError(f"The WebDAV server did not store {file.name}: HTTP {status}")
        return urls

    def remove_files(self, key: str, names: Sequence[str]) -> None:
        for name in names:
            url = self._url([*self.folder, key, name])
            status = self._send("DELETE", url).status_code
            # 207 on DELETE lists members that could not be deleted: a partial failure.
            if status not in (200, 204, 404):
                raise TargetError(f"The WebDAV server did not delete {name}: HTTP {status}")


def dataset_name(prefix: str, key: str) -> str:
    """A CKAN dataset name: 2-100 lowercase letters, digits, - and _."""
    name = re.sub(r"[^a-z0-9_-]+", "-", f"{prefix}{key}".lower()).strip("-")
    return name[:100].ljust(2, "-")


def _format(name: str) -> str:
    return name.rsplit(".", 1)[-1].upper() if "." in name else ""


class CkanClient:
    """Each publication is a dataset; each file a resource uploaded through the action API."""

    def __init__(self, target: PublishingTarget) -> None:
        self.base = target.base_url.rstrip("/")
        self.organisation = target.folder.strip()
        self.prefix = target.dataset_prefix.strip()
        self.api = ckanapi.RemoteCKAN(self.base, apikey=read_secret(target), user_agent=USER_AGENT)
        self.api.base_url = "api/3/action/"

    def close(self) -> None:
        self.api.close()

    def _call(self, action: str, data: dict[str, Any], files: dict[str, Any] | None = None) -> Any:
        try:
            return self.api.call_action(
                action, data, files=files or None, requests_kwargs={"timeout": TIMEOUT}
            )
        except ckanapi.NotFound:
            raise
        except ckanapi.NotAuthorized:
            raise TargetError(f"The CKAN portal refused the API token for {action}") from None
        except ckanapi.ValidationError as error:
            raise TargetError(f"The CKAN portal rejected {action}: {error}") from None
        except requests.Timeout:
            raise TargetError(f"The CKAN portal at {self.base} did not answer in time") from None
        except requests.RequestException as error:
            raise TargetError(f"Could not connect to the CKAN portal at {self.base}") from error
        except ckanapi.CKANAPIError as error:
            raise TargetError(f"Unexpected answer from the CKAN portal to {action}") from error

    def _dataset(self, key: str) -> dict[str, Any] | None:
        try:
            return self._call("package_show", {"id": dataset_name(self.prefix, key)})  # type: ignore[no-any-return]
        except ckanapi.NotFound:
            return None

    def check(self) -> str:
        try:
            status = self._call("status_show", {})
            if self.organisation:
                self._call("organization_show", {"id": self.organisation})
        except ckanapi.NotFound:
            raise TargetError(f"The CKAN portal has no organisation {self.organisation}") from None
        version = status.get("ckan_version", "unknown") if isinstance(status, dict) else "unknown"
        return f"Connected: CKAN {version} at {self.base}"

    def put_files(
        self, key: str, title: str | None, files: Sequence[RemoteFile], notes: str = ""
    ) -> list[str]:
        name = dataset_name(self.prefix, key)
        dataset = self._dataset(key)
        try:
            if dataset is None:
                extra = {"owner_org": self.organisation} if self.organisation else {}
                if notes:
                    extra["notes"] = notes
                dataset = self._call(
                    "package_create", {"name": name, "title": title or key, **extra}
                )
            elif (title and dataset.get("title") != title) or (
                notes and dataset.get("notes") != notes
            ):
                wanted = {
                    "title": title or dataset.get("title"),
                    "notes": notes or dataset.get("notes"),
                }
                dataset = self._call("package_update", {**dataset, **wanted})
        except ckanapi.NotFound:
            raise TargetError(
                f"The CKAN portal lost the dataset {name} while updating it"
            ) from None
        existing = {res["name"]: res for res in dataset.get("resources", [])}
        urls = []
        for file in files:
            upload = {"upload": (file.name, io.BytesIO(file.content), file.media_type)}
            fields = {"name": file.name, "format": _format(file.name), "mimetype": file.media_type}
            if file.description:
                fields["description"] = file.description
            try:
                if file.name in existing:
                    resource = self._call(
                        "resource_update", {"id": existing[file.name]["id"], **fields}, upload
                    )
                else:
                    resource = self._call(
                        "resource_create", {"package_id": dataset["id"], **fields}, upload
                    )
            except ckanapi.NotFound:
                raise TargetError(f"The CKAN portal lost a resource of {name}") from None
            urls.append(resource.get("url", ""))
        return urls

    def remove_files(self, key: str, names: Sequence[str]) -> None:
        dataset = self._dataset(key)
        if dataset is None:
            return
        for resource in dataset.get("resources", []):
            if resource["name"] in names:
                try:
                    self._call("resource_delete", {"id": resource["id"]})
                except ckanapi.NotFound:
                    continue  # already gone
