"""Member and role classification on real ``google.iam.v1`` policies (no emulator needed)."""

from __future__ import annotations

from google.iam.v1 import policy_pb2

from providers.gcp import iam, lifecycle


def make_policy(*bindings: tuple[str, list[str]]) -> policy_pb2.Policy:
    return policy_pb2.Policy(bindings=[policy_pb2.Binding(role=r, members=m) for r, m in bindings])


def test_service_agents_and_default_accounts_of_other_projects() -> None:
    pol = make_policy(
        (
            "roles/run.invoker",
            [
                "serviceAccount:service-111@gcp-sa-pubsub.iam.gserviceaccount.com",
                "serviceAccount:service-999@gcp-sa-pubsub.iam.gserviceaccount.com",
                "serviceAccount:999-compute@developer.gserviceaccount.com",
                "serviceAccount:other@appspot.gserviceaccount.com",
                "projectOwner:other",
            ],
        )
    )
    paths = {
        p.principal.split(":", 1)[1]: (p.principal_kind, p.cross_account)
        for p in iam.invocation_paths(pol, ["roles/run.invoker"], "mine", "111", "x")
    }
    assert paths == {
        "service-111@gcp-sa-pubsub.iam.gserviceaccount.com": ("service", False),
        "service-999@gcp-sa-pubsub.iam.gserviceaccount.com": ("service", True),
        "999-compute@developer.gserviceaccount.com": ("identity", True),
        "other@appspot.gserviceaccount.com": ("identity", True),
        "other": ("account", True),
    }


def test_deploy_role_alone_is_not_escalation() -> None:
    pol = make_policy(
        ("roles/cloudfunctions.developer", ["serviceAccount:a@p.iam.gserviceaccount.com"]),
        ("roles/logging.admin", ["serviceAccount:a@p.iam.gserviceaccount.com"]),
    )
    grants = iam.identity_grants(pol, "a@p.iam.gserviceaccount.com", "p")
    assert grants.privilege_escalation == [] and grants.admin == []
    assert [g.source for g in grants.modify_functions] == ["roles/cloudfunctions.developer"]
    assert [g.source for g in grants.wildcard] == ["roles/logging.admin"]


def test_runtime_names() -> None:
    assert lifecycle.parse("python310") == ("python", "3.10")
    assert lifecycle.parse("go113") == ("go", "1.13")
    assert lifecycle.parse("php82") == ("php", "8.2")
    assert lifecycle.parse("dotnet8") == ("dotnet", "8")
    assert lifecycle.parse("java17") == ("java", "17")
    assert lifecycle.parse("custom") == (None, None)
