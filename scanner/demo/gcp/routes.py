"""What the emulated Google APIs answer: requests routed by path to the estate's resources.

Each answer has the JSON shape the public REST reference documents for that method.
"""

from __future__ import annotations

import hashlib
import re
from typing import Any

from scanner.demo.gcp.builders import prune
from scanner.demo.gcp.fixtures import predefined_roles, runtimes_json

_DEFAULT_PAGE_SIZE = 50
_ROLE_PATH = re.compile(r"^/v1/(?:(?:projects|organizations)/[^/]+/)?roles/[^/]+$")


def versioned(policy: dict[str, Any], query: dict[str, list[str]]) -> dict[str, Any]:
    """A policy as getIamPolicy returns it for the requested version: below 3, conditional
    bindings come back under a mangled role without their condition
    (https://cloud.google.com/iam/docs/policies#versions)."""
    requested = int((query.get("options.requestedPolicyVersion") or ["0"])[0] or 0)
    conditional = any("condition" in b for b in policy["bindings"])
    if not conditional:
        return {**policy, "version": 1}
    if requested >= 3:
        return {**policy, "version": 3}
    bindings = []
    for b in policy["bindings"]:
        if "condition" in b:
            digest = hashlib.sha256(repr(b["condition"]).encode()).hexdigest()[:16]
            b = {"role": f"{b['role']}_withcond_{digest}", "members": b["members"]}
        bindings.append(b)
    return {**policy, "version": 1, "bindings": bindings}


class ApiError(Exception):
    """An answer with a Google-style JSON error body."""

    def __init__(self, code: int, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class GoogleApis:
    """The estate behind the emulator, answering one routed request at a time."""

    def __init__(self, estate: dict[str, Any]) -> None:
        self.estate = estate

    @staticmethod
    def route_name(method: str, path: str) -> str:
        if "/keyRings/" in path:
            return f"kms {method} cryptoKeys.get"
        if _ROLE_PATH.match(path):
            return f"iam {method} roles.get"
        api = {"/v1/": "functions.v1", "/v2/": "v2", "/v3/": "resourcemanager"}.get(path[:4], "unknown")
        if path.startswith(("/v3/folders/", "/v3/organizations/")):
            api = f"resourcemanager.{path.split('/')[2]}"
        if api == "v2":
            api = "run" if "/services/" in path else "functions.v2"
        tail = path.rsplit(":", 1)[1] if ":" in path.rsplit("/", 1)[-1] else path.rsplit("/", 1)[-1]
        return (
            f"{api} {method} {tail if tail in {'getIamPolicy', 'search', 'functions', 'runtimes'} else 'get'}"
        )

    # -- resources

    def _project(self, ref: str) -> dict[str, Any]:
        for p in self.estate["projects"]:
            if ref in (p["projectId"], p["number"]):
                return p
        # Google answers 403 for a project that does not exist, so existence does not leak.
        raise ApiError(403, f"Permission denied on resource project {ref} (or it may not exist).")

    @staticmethod
    def _project_json(p: dict[str, Any]) -> dict[str, Any]:
        return {
            "name": f"projects/{p['number']}",
            "projectId": p["projectId"],
            "displayName": p["displayName"],
            "parent": p["parent"],
            "state": p["state"],
            "etag": 'W/"emu"',
        }

    def _page(self, items: list[Any], key: str, query: dict[str, list[str]]) -> dict[str, Any]:
        size = int((query.get("pageSize") or [0])[0]) or self.estate.get("page_size", _DEFAULT_PAGE_SIZE)
        size = min(size, self.estate.get("page_size", _DEFAULT_PAGE_SIZE))
        start = int((query.get("pageToken") or ["0"])[0] or 0)
        out: dict[str, Any] = {key: items[start : start + size]}
        if start + size < len(items):
            out["nextPageToken"] = str(start + size)
        return out

    def _functions(self, proj: dict[str, Any], location: str, generation: int | None) -> list[dict[str, Any]]:
        found = []
        for f in proj["functions"]:
            body = f["v1"] if f["generation"] == 1 else f["v2"]
            if location not in ("-", body["name"].split("/")[3]):
                continue
            if generation is not None and f["generation"] != generation:
                continue
            found.append(f)
        return found

    def _function(self, proj: dict[str, Any], full_name: str, key: str) -> dict[str, Any]:
        for f in proj["functions"]:
            if key == "service" and f["generation"] == 2 and f["service"]["name"] == full_name:
                return f
            if key == "v1" and f["generation"] == 1 and f["v1"]["name"] == full_name:
                return f
        raise ApiError(404, f"Resource '{full_name}' was not found")

    @staticmethod
    def _v2_view_of_gen1(f: dict[str, Any]) -> dict[str, Any]:
        """How the v2 API shows a 1st gen function (environment GEN_1, fewer details)."""
        v1 = f["v1"]
        return prune(
            {
                "name": v1["name"],
                "environment": "GEN_1",
                "state": "ACTIVE",
                "labels": v1.get("labels"),
                "url": v1.get("httpsTrigger", {}).get("url"),
                "kmsKeyName": v1.get("kmsKeyName"),
                "buildConfig": prune(
                    {
                        "runtime": v1["runtime"],
                        "entryPoint": v1.get("entryPoint"),
                        "environmentVariables": v1.get("buildEnvironmentVariables"),
                        "dockerRegistry": v1.get("dockerRegistry"),
                    }
                ),
                "serviceConfig": prune(
                    {
                        "serviceAccountEmail": v1.get("serviceAccountEmail"),
                        "ingressSettings": v1.get("ingressSettings"),
                        "environmentVariables": v1.get("environmentVariables"),
                        "securityLevel": v1.get("httpsTrigger", {}).get("securityLevel"),
                        "secretEnvironmentVariables": v1.get("secretEnvironmentVariables"),
                    }
                ),
            }
        )

    def answer(self, route: str, path: str, query: dict[str, list[str]]) -> Any:
        seg = path.strip("/").split("/")
        if route.startswith("kms"):
            return self._key(path.removeprefix("/v1/"))
        if route.startswith("iam"):
            return self._role(path.removeprefix("/v1/"))
        if route.startswith(("resourcemanager.folders", "resourcemanager.organizations")):
            node = self._node(path.removeprefix("/v3/").split(":")[0])
            if path.endswith(":getIamPolicy"):
                return versioned(node["iamPolicy"], query)
            return {k: v for k, v in node.items() if k not in ("iamPolicy", "roles")}
        if route.startswith("resourcemanager"):
            if path == "/v3/projects:search":
                return self._search(query)
            ref = seg[2].split(":")[0]
            proj = self._project(ref)
            if path.endswith(":getIamPolicy"):
                return versioned(proj["iamPolicy"], query)
            return self._project_json(proj)
        if len(seg) < 5 or seg[1] != "projects" or seg[3] != "locations":
            raise ApiError(404, f"unknown path {path}")
        proj = self._project(seg[2])
        location = seg[4]
        resource = "/".join(seg[1:]).split(":")[0]
        if route == "functions.v1 GET functions":
            return self._page([f["v1"] for f in self._functions(proj, location, 1)], "functions", query)
        if route == "functions.v1 GET getIamPolicy":
            return versioned(self._function(proj, resource, "v1")["iamPolicy"], query)
        if route == "functions.v2 GET functions":
            items = [
                f["v2"] if f["generation"] == 2 else self._v2_view_of_gen1(f)
                for f in self._functions(proj, location, None)
            ]
            return self._page(items, "functions", query)
        if route == "functions.v2 GET runtimes":
            return {"runtimes": runtimes_json()}
        if route == "run GET getIamPolicy":
            return versioned(self._function(proj, resource, "service")["iamPolicy"], query)
        if route == "run GET get":
            return self._function(proj, resource, "service")["service"]
        raise ApiError(404, f"unknown path {path}")

    def _search(self, query: dict[str, list[str]]) -> dict[str, Any]:
        text = (query.get("query") or [""])[0]
        terms = dict(t.split(":", 1) for t in text.split() if ":" in t)
        parent = terms.get("parent")
        found = [
            self._project_json(p)
            for p in self.estate["projects"]
            if terms.get("state", p["state"]) == p["state"] and parent in (None, p["parent"])
        ]
        return self._page(found, "projects", query)

    def _node(self, name: str) -> dict[str, Any]:
        """A folder or organization; like projects, one the caller cannot see answers 403."""
        for node in self.estate.get("folders", []) + self.estate.get("organizations", []):
            if node["name"] == name:
                return node
        raise ApiError(403, f"The caller does not have permission on {name} (or it may not exist).")

    def _role(self, name: str) -> dict[str, Any]:
        if name.startswith("roles/"):
            table = predefined_roles() | self.estate.get("predefined_roles", {})
            if name in table:
                return table[name]
            raise ApiError(404, f"The role named {name} was not found.")
        parent = name.split("/roles/", 1)[0]
        owner = self._node(parent) if parent.startswith("organizations/") else self._project(parent.split("/")[1])
        for role in owner.get("roles", []):
            if role["name"] == name:
                return role
        raise ApiError(404, f"The role named {name} was not found.")

    def _key(self, name: str) -> dict[str, Any]:
        for key in self.estate.get("keys", []):
            if key["name"] == name:
                return key
        raise ApiError(403, f"Permission 'cloudkms.cryptoKeys.get' denied on resource '{name}' (or it may not exist).")
