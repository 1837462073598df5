"""Builders of emulator estate entries: functions, projects and IAM policies as the Google APIs
return them (camelCase JSON, unset fields omitted), so tests and the bench describe an estate in a
few keyword arguments."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any


def policy(*bindings: tuple[str, list[str]] | dict[str, Any]) -> dict[str, Any]:
    """An IAM policy from ``(role, members)`` pairs or ready binding dicts."""
    out = []
    for b in bindings:
        out.append(b if isinstance(b, dict) else {"role": b[0], "members": list(b[1])})
    return {"version": 3, "etag": "BwYemu00000=", "bindings": out}


def _secret_env(project: str, items: dict[str, str] | None) -> list[dict[str, str]]:
    # items: env key -> "secret" or "secret:version"
    out = []
    for key, ref in (items or {}).items():
        secret, _, version = ref.partition(":")
        out.append({"key": key, "projectId": project, "secret": secret, "version": version or "latest"})
    return out


def _secret_volumes(project: str, items: dict[str, str] | None) -> list[dict[str, Any]]:
    # items: mount path -> secret name
    return [
        {
            "mountPath": mount,
            "projectId": project,
            "secret": secret,
            "versions": [{"version": "1", "path": "value"}],
        }
        for mount, secret in (items or {}).items()
    ]


def _registry(registry: str, project: str, location: str) -> dict[str, str]:
    if registry == "CONTAINER_REGISTRY":
        return {"dockerRegistry": "CONTAINER_REGISTRY"}
    return {
        "dockerRegistry": "ARTIFACT_REGISTRY",
        "dockerRepository": f"projects/{project}/locations/{location}/repositories/gcf-artifacts",
    }


def prune(d: dict[str, Any]) -> dict[str, Any]:
    """Drop empty values: the real APIs omit unset fields from their JSON."""
    return {k: v for k, v in d.items() if v not in (None, "", [], {})}


@dataclass(frozen=True)
class Source:
    """What a function of either generation is deployed with: code, identity, settings and network."""

    runtime: str = "python312"
    service_account: str | None = None
    env: dict[str, str] | None = None
    build_env: dict[str, str] | None = None
    secret_env: dict[str, str] | None = None
    secret_volumes: dict[str, str] | None = None
    ingress: str = "ALLOW_ALL"
    event_type: str | None = None
    vpc_connector: str | None = None
    egress: str | None = None
    kms_key: str | None = None
    registry: str = "ARTIFACT_REGISTRY"
    labels: dict[str, str] | None = None
    invokers: dict[str, Any] | None = None
    build_service_account: str | None = None


def gen1_function(
    project: str, location: str, name: str, *, security_level: str = "SECURE_ALWAYS", **source: Any
) -> dict[str, Any]:
    """A 1st gen function as the v1 API returns it, with its function IAM policy; ``source`` takes
    the fields of ``Source``."""
    s = Source(**source)
    full = f"projects/{project}/locations/{location}/functions/{name}"
    v1: dict[str, Any] = {
        "name": full,
        "status": "ACTIVE",
        "entryPoint": "main",
        "runtime": s.runtime,
        "availableMemoryMb": 256,
        "timeout": "60s",
        "versionId": "3",
        "updateTime": "2026-09-01T10:00:00Z",
        "serviceAccountEmail": s.service_account,
        "labels": s.labels,
        "environmentVariables": s.env,
        "buildEnvironmentVariables": s.build_env,
        "ingressSettings": s.ingress,
        "secretEnvironmentVariables": _secret_env(project, s.secret_env),
        "secretVolumes": _secret_volumes(project, s.secret_volumes),
        "vpcConnector": s.vpc_connector,
        "vpcConnectorEgressSettings": s.egress,
        "kmsKeyName": s.kms_key,
        "buildServiceAccount": s.build_service_account,
        **_registry(s.registry, project, location),
    }
    if s.event_type:
        v1["eventTrigger"] = {
            "eventType": s.event_type,
            "resource": f"projects/{project}/topics/{name}",
            "failurePolicy": {"retry": {}},
        }
    else:
        v1["httpsTrigger"] = {
            "url": f"https://{location}-{project}.cloudfunctions.net/{name}",
            "securityLevel": security_level,
        }
    return {"generation": 1, "v1": prune(v1), "iamPolicy": policy(*(s.invokers or {}).items())}


def gen2_function(
    project: str,
    location: str,
    name: str,
    *,
    direct_vpc: tuple[str, str] | None = None,
    invoker_iam_disabled: bool = False,
    **source: Any,
) -> dict[str, Any]:
    """A 2nd gen function (v2 API) plus the Cloud Run service behind it and that service's IAM policy;
    ``source`` takes the fields of ``Source``."""
    s = Source(**source)
    full = f"projects/{project}/locations/{location}/functions/{name}"
    service = f"projects/{project}/locations/{location}/services/{name}"
    uri = f"https://{name}-{hashlib.sha256(full.encode()).hexdigest()[:10]}-{location[:2]}.a.run.app"
    run_ingress = {
        "ALLOW_ALL": "INGRESS_TRAFFIC_ALL",
        "ALLOW_INTERNAL_ONLY": "INGRESS_TRAFFIC_INTERNAL_ONLY",
        "ALLOW_INTERNAL_AND_GCLB": "INGRESS_TRAFFIC_INTERNAL_LOAD_BALANCER",
    }[s.ingress]
    v2: dict[str, Any] = {
        "name": full,
        "environment": "GEN_2",
        "state": "ACTIVE",
        "url": uri,
        "labels": s.labels,
        "kmsKeyName": s.kms_key,
        "updateTime": "2026-10-01T10:00:00Z",
        "buildConfig": prune(
            {
                "runtime": s.runtime,
                "entryPoint": "main",
                "environmentVariables": s.build_env,
                "serviceAccount": s.build_service_account,
                **_registry(s.registry, project, location),
            }
        ),
        "serviceConfig": prune(
            {
                "service": service,
                "uri": uri,
                "timeoutSeconds": 60,
                "availableMemory": "256M",
                "ingressSettings": s.ingress,
                "vpcConnector": s.vpc_connector,
                "vpcConnectorEgressSettings": s.egress,
                "serviceAccountEmail": s.service_account,
                "environmentVariables": s.env,
                "secretEnvironmentVariables": _secret_env(project, s.secret_env),
                "secretVolumes": _secret_volumes(project, s.secret_volumes),
                "allTrafficOnLatestRevision": True,
            }
        ),
    }
    if s.event_type:
        v2["eventTrigger"] = {"eventType": s.event_type, "retryPolicy": "RETRY_POLICY_DO_NOT_RETRY"}
        if "pubsub" in s.event_type:  # the Eventarc trigger's transport topic
            v2["eventTrigger"] |= {
                "trigger": f"projects/{project}/locations/{location}/triggers/{name}-trigger",
                "pubsubTopic": f"projects/{project}/topics/{name}",
            }
    vpc_access: dict[str, Any] = {}
    if s.vpc_connector:
        vpc_access = {
            "connector": s.vpc_connector,
            "egress": "ALL_TRAFFIC" if s.egress == "ALL_TRAFFIC" else "PRIVATE_RANGES_ONLY",
        }
    elif direct_vpc:
        vpc_access = {
            "networkInterfaces": [{"network": direct_vpc[0], "subnetwork": direct_vpc[1]}],
            "egress": s.egress or "PRIVATE_RANGES_ONLY",
        }
    run = {
        "name": service,
        "uri": uri,
        "urls": [uri],
        "ingress": run_ingress,
        "labels": s.labels,
        "invokerIamDisabled": invoker_iam_disabled,
        "launchStage": "GA",
        "template": prune(
            {"serviceAccount": s.service_account, "vpcAccess": vpc_access, "encryptionKey": s.kms_key}
        ),
    }
    return {
        "generation": 2,
        "v2": prune(v2),
        "service": prune(run),
        "iamPolicy": policy(*(s.invokers or {}).items()),
    }


def project(
    project_id: str,
    number: str,
    *,
    display_name: str | None = None,
    parent: str = "organizations/100200300400",
    state: str = "ACTIVE",
    iam: dict[str, list[str]] | None = None,
    bindings: list[dict[str, Any]] | None = None,
    roles: list[dict[str, Any]] | None = None,
    functions: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """A project; ``iam`` maps role -> members of the project IAM policy, ``bindings`` adds
    ready (e.g. conditional) bindings, ``roles`` are its custom roles."""
    return {
        "projectId": project_id,
        "number": number,
        "displayName": display_name or project_id,
        "parent": parent,
        "state": state,
        "iamPolicy": policy(*(iam or {}).items(), *(bindings or [])),
        "roles": roles or [],
        "functions": functions or [],
    }


def conditional(role: str, members: list[str], expression: str, title: str) -> dict[str, Any]:
    """A binding with an IAM condition, as a version 3 policy carries it."""
    return {"role": role, "members": list(members), "condition": {"title": title, "expression": expression}}


def folder(number: str, parent: str, *, display_name: str | None = None, iam: dict[str, Any] | None = None,
           bindings: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """A folder (Resource Manager v3 Folder) with its IAM policy."""
    return {
        "name": f"folders/{number}",
        "parent": parent,
        "displayName": display_name or f"folder-{number}",
        "state": "ACTIVE",
        "createTime": "2024-01-10T09:00:00Z",
        "updateTime": "2024-01-10T09:00:00Z",
        "etag": "BwYemuF00=",
        "iamPolicy": policy(*(iam or {}).items(), *(bindings or [])),
    }


def organization(number: str, *, iam: dict[str, Any] | None = None, bindings: list[dict[str, Any]] | None = None,
                 roles: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """An organization node: its IAM policy and its custom roles."""
    return {
        "name": f"organizations/{number}",
        "iamPolicy": policy(*(iam or {}).items(), *(bindings or [])),
        "roles": roles or [],
    }


def custom_role(parent: str, role_id: str, permissions: list[str], *, deleted: bool = False) -> dict[str, Any]:
    """A custom role under ``projects/P`` or ``organizations/O``, as roles.get returns it
    (https://cloud.google.com/iam/docs/reference/rest/v1/organizations.roles#Role)."""
    return prune(
        {
            "name": f"{parent}/roles/{role_id}",
            "title": role_id,
            "description": f"Custom role {role_id}",
            "includedPermissions": sorted(permissions),
            "stage": "GA",
            "etag": "BwYemuR00=",
            "deleted": deleted,
        }
    )


def crypto_key(name: str, *, state: str | None = "ENABLED", rotation_days: int | None = 90) -> dict[str, Any]:
    """A symmetric CryptoKey as cryptoKeys.get returns it
    (https://cloud.google.com/kms/docs/reference/rest/v1/projects.locations.keyRings.cryptoKeys).
    ``state`` is the primary version's state; ``None``: no primary version."""
    template = {"protectionLevel": "SOFTWARE", "algorithm": "GOOGLE_SYMMETRIC_ENCRYPTION"}
    key: dict[str, Any] = {
        "name": name,
        "purpose": "ENCRYPT_DECRYPT",
        "createTime": "2025-03-01T08:00:00.000000Z",
        "versionTemplate": template,
        "destroyScheduledDuration": "2592000s",
    }
    if state is not None:
        key["primary"] = {
            "name": f"{name}/cryptoKeyVersions/1",
            "state": state,
            "createTime": "2025-03-01T08:00:00.000000Z",
            "generateTime": "2025-03-01T08:00:00.000000Z",
            **template,
        }
    if rotation_days:
        key["rotationPeriod"] = f"{rotation_days * 86400}s"
        key["nextRotationTime"] = "2026-12-30T08:00:00Z"
    return key
