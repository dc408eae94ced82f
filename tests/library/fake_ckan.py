"""A small local CKAN: the action API calls the publishing code uses, as CKAN documents them.

POST /api/3/action/<name> (and /api/action/<name>) with a JSON body, or a multipart body
when a file is uploaded; answers {"success": true, "result": ...} or {"success": false,
"error": {"__type": ..., "message": ...}} with CKAN's status codes (403, 404, 409).
Writes need the API token in the Authorization header. Uploaded files are served back at the
resource's url, so tests can read what arrived.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from werkzeug.wrappers import Request, Response

WRITES = {
    "package_create",
    "package_update",
    "resource_create",
    "resource_update",
    "resource_delete",
}


class ActionError(Exception):
    def __init__(self, status: int, kind: str, **details: Any) -> None:
        super().__init__(kind)
        self.status = status
        self.body = {"__type": kind, **details}


def _not_found(what: str) -> ActionError:
    return ActionError(404, "Not Found Error", message=f"Not found: {what}")


def _now() -> str:
    return datetime.now(UTC).replace(tzinfo=None).isoformat()


class FakeCkan:
    """The portal's state (datasets, resources, uploaded bytes) and its WSGI app."""

    def __init__(self, *, api_key: str, organisations: Iterable[str] = ("community",)) -> None:
        self.api_key = api_key
        self.base_url = ""  # set once the server has a port
        self.organisations = {
            name: {"id": str(uuid.uuid4()), "name": name} for name in organisations
        }
        self.datasets: dict[str, dict[str, Any]] = {}  # by id
        self.uploads: dict[str, tuple[str, bytes]] = {}  # resource id: (file name, bytes)
        self.calls: list[str] = []
        self.actions: dict[str, Callable[[dict[str, Any], dict[str, Any]], Any]] = {
            "status_show": self.status_show,
            "organization_show": self.organization_show,
            "package_show": self.package_show,
            "package_create": self.package_create,
            "package_update": self.package_update,
            "resource_create": self.resource_create,
            "resource_update": self.resource_update,
            "resource_delete": self.resource_delete,
        }

    # --- state helpers -------------------------------------------------------------------

    def dataset_named(self, name: str) -> dict[str, Any] | None:
        return next((d for d in self.datasets.values() if d["name"] == name), None)

    def _dataset(self, id_or_name: str) -> dict[str, Any]:
        found = self.datasets.get(id_or_name) or self.dataset_named(id_or_name)
        if found is None:
            raise _not_found("Dataset")
        return found

    def _resource(self, resource_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
        for dataset in self.datasets.values():
            for resource in dataset["resources"]:
                if resource["id"] == resource_id:
                    return dataset, resource
        raise _not_found("Resource")

    def file(self, dataset_name: str, resource_name: str) -> bytes | None:
        """The bytes uploaded for a resource, by dataset and resource name."""
        dataset = self.dataset_named(dataset_name)
        for resource in dataset["resources"] if dataset else []:
            if resource["name"] == resource_name:
                return self.uploads[resource["id"]][1]
        return None

    # --- actions -------------------------------------------------------------------------

    def status_show(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        return {"ckan_version": "2.10.4", "site_url": self.base_url, "extensions": []}

    def organization_show(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        for found in self.organisations.values():
            if data.get("id") in (found["id"], found["name"]):
                return found
        raise _not_found("Organization")

    def package_show(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        return json.loads(json.dumps(self._dataset(data.get("id", ""))))

    def _check_org(self, data: dict[str, Any]) -> str | None:
        """The organisation's id; CKAN takes its name or id as owner_org."""
        org = data.get("owner_org")
        if org is None:
            return None
        for found in self.organisations.values():
            if org in (found["id"], found["name"]):
                return str(found["id"])
        raise ActionError(409, "Validation Error", owner_org=["Organization does not exist"])

    def package_create(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        name = data.get("name", "")
        if not name or self.dataset_named(name):
            raise ActionError(409, "Validation Error", name=["That URL is already in use."])
        dataset = {
            "id": str(uuid.uuid4()),
            "name": name,
            "title": data.get("title", name),
            "notes": data.get("notes", ""),
            "owner_org": self._check_org(data),
            "metadata_created": _now(),
            "metadata_modified": _now(),
            "resources": [],
        }
        self.datasets[dataset["id"]] = dataset
        return dataset

    def package_update(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        dataset = self._dataset(data.get("id") or data.get("name", ""))
        for field in ("name", "title", "notes"):
            if field in data:
                dataset[field] = data[field]
        if "owner_org" in data:
            dataset["owner_org"] = self._check_org(data)
        if "resources" in data:  # resources left out of the update are deleted
            kept = {r["id"] for r in data["resources"] if r.get("id")}
            dataset["resources"] = [r for r in dataset["resources"] if r["id"] in kept]
        dataset["metadata_modified"] = _now()
        return dataset

    def _store(
        self, resource: dict[str, Any], dataset: dict[str, Any], files: dict[str, Any]
    ) -> None:
        upload = files.get("upload")
        if upload is not None:
            filename = upload.filename or "upload"
            self.uploads[resource["id"]] = (filename, upload.read())
            resource["url"] = (
                f"{self.base_url}/dataset/{dataset['id']}/resource/{resource['id']}"
                f"/download/{filename}"
            )
            resource["url_type"] = "upload"
            resource["size"] = len(self.uploads[resource["id"]][1])
            resource["mimetype"] = resource.get("mimetype") or upload.mimetype

    def resource_create(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        dataset = self._dataset(data.get("package_id", ""))
        resource = {
            "id": str(uuid.uuid4()),
            "package_id": dataset["id"],
            "name": data.get("name", ""),
            "format": data.get("format", ""),
            "mimetype": data.get("mimetype", ""),
            "description": data.get("description", ""),
            "url": data.get("url", ""),
            "created": _now(),
        }
        self._store(resource, dataset, files)
        dataset["resources"].append(resource)
        return resource

    def resource_update(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        dataset, resource = self._resource(data.get("id", ""))
        for field in ("name", "format", "mimetype", "description", "url"):
            if field in data:
                resource[field] = data[field]
        self._store(resource, dataset, files)
        resource["last_modified"] = _now()
        return resource

    def resource_delete(self, data: dict[str, Any], files: dict[str, Any]) -> Any:
        dataset, resource = self._resource(data.get("id", ""))
        dataset["resources"].remove(resource)
        self.uploads.pop(resource["id"], None)
        return None

    # --- HTTP ----------------------------------------------------------------------------

    def _call(self, request: Request, action: str) -> tuple[int, dict[str, Any]]:
        self.calls.append(action)
        if action not in self.actions:
            raise ActionError(400, "Bad request", message=f"Action name not known: {action}")
        if action in WRITES and request.headers.get("Authorization") != self.api_key:
            raise ActionError(403, "Authorization Error", message="Access denied")
        if request.mimetype == "application/json":
            data = json.loads(request.get_data() or b"{}")
        else:
            data = request.form.to_dict()
        result = self.actions[action](data, request.files.to_dict())
        return 200, {
            "help": f"{self.base_url}/api/3/action/help_show?name={action}",
            "success": True,
            "result": result,
        }

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        request = Request(environ)
        try:
            return self._respond(request)(environ, start_response)
        finally:
            request.close()  # closes the uploaded files' temporary files

    def _respond(self, request: Request) -> Response:
        path = request.path
        if request.method == "GET" and "/download/" in path:
            resource_id = path.split("/resource/", 1)[-1].split("/", 1)[0]
            if resource_id not in self.uploads:
                return Response("Not found", status=404)
            return Response(self.uploads[resource_id][1])
        for prefix in ("/api/3/action/", "/api/action/"):
            if path.startswith(prefix) and request.method == "POST":
                try:
                    status, body = self._call(request, path[len(prefix) :])
                except ActionError as error:
                    status, body = error.status, {"success": False, "error": error.body}
                return Response(json.dumps(body), status=status, mimetype="application/json")
        return Response("Not found", status=404)
