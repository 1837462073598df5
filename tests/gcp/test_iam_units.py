"""Members, permissions and conditions on real ``google.iam.v1`` policies (no emulator needed).

Condition attributes: https://cloud.google.com/iam/docs/conditions-attribute-reference
"""

from __future__ import annotations

import pytest
from google.iam.v1 import policy_pb2

from providers.gcp import conditions, iam, lifecycle
from providers.gcp.roles import RolePermissions


def make_policy(*bindings: tuple[str, list[str]]) -> policy_pb2.Policy:
    return policy_pb2.Policy(bindings=[policy_pb2.Binding(role=r, members=m) for r, m in bindings])


def book(**roles: list[str]) -> dict[str, RolePermissions]:
    return {f"roles/{k.replace('_', '.')}": RolePermissions(f"roles/{k}", frozenset(v), "IAM API roles.get")
            for k, v in roles.items()}


RUN = [{"resource.name": "projects/mine/locations/l/services/s", "resource.type": "run.googleapis.com/Service",
        "resource.service": "run.googleapis.com"}]


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
    found = iam.invokers(iam.bindings(pol, "x"), "run.routes.invoke", book(run_invoker=["run.routes.invoke"]),
                         RUN, "mine", "111")
    paths = {p.principal.split(":", 1)[1]: (p.principal_kind, p.cross_account) for p in found.paths}
    assert paths == {
        "service-111@gcp-sa-pubsub.iam.gserviceaccount.com": ("service", False),
        "service-999@gcp-sa-pubsub.iam.gserviceaccount.com": ("service", True),
        "999-compute@developer.gserviceaccount.com": ("identity", True),
        "other@appspot.gserviceaccount.com": ("identity", True),
        "other": ("account", True),
    }


def test_deploy_permission_alone_is_not_escalation() -> None:
    sa = "a@p.iam.gserviceaccount.com"
    pol = make_policy(("roles/cloudfunctions.developer", [f"serviceAccount:{sa}"]))
    roles = book(cloudfunctions_developer=["cloudfunctions.functions.create", "cloudfunctions.functions.update"])
    grants = iam.identity_grants(iam.bindings(pol, "projects/p"), sa, roles, iam.FunctionReach(lambda node: []))
    assert grants.privilege_escalation == [] and grants.admin == [] and grants.wildcard == []
    assert [g.source for g in grants.modify_functions] == ["projects/p binding roles/cloudfunctions.developer"]
    # actAs from another binding completes it.
    pol = make_policy(("roles/cloudfunctions.developer", [f"serviceAccount:{sa}"]),
                      ("roles/iam.serviceAccountUser", [f"serviceAccount:{sa}"]))
    roles |= book(iam_serviceAccountUser=["iam.serviceAccounts.actAs"])
    grants = iam.identity_grants(iam.bindings(pol, "projects/p"), sa, roles, iam.FunctionReach(lambda node: []))
    assert [g.source for g in grants.privilege_escalation] == ["projects/p binding roles/cloudfunctions.developer"]


@pytest.mark.parametrize(
    ("expression", "reaches"),
    [
        ('request.time < timestamp("2027-01-01T00:00:00Z")', True),
        ('resource.name == "projects/mine/locations/l/services/s"', True),
        ('resource.name.startsWith("projects/mine/locations/l/services/t")', False),
        ('resource.type == "run.googleapis.com/Service" && request.time < timestamp("2020-01-01T00:00:00Z")', True),
        ('resource.service == "storage.googleapis.com" || resource.name.endsWith("/s")', True),
        ('!resource.name.endsWith("/s")', False),
        ('!(request.time < timestamp("2027-01-01T00:00:00Z"))', True),
        ('request.time.getHours("Europe/Berlin") >= 9 && resource.service != "run.googleapis.com"', False),
    ],
)
def test_conditions_narrow_only_by_resource(expression: str, reaches: bool) -> None:
    assert conditions.reaches(expression, RUN[0]) is reaches


@pytest.mark.parametrize(
    "expression",
    ['resource.labels.env == "prod"', 'has(resource.name)', '"x" in request.auth.access_levels',
     'resource.name.extract("{x}") == "y"', 'resource.name == '],
)
def test_conditions_outside_the_subset_are_unparseable(expression: str) -> None:
    with pytest.raises(conditions.Unparseable):
        conditions.reaches(expression, RUN[0])


def test_conditions_on_basic_roles_and_public_members_do_not_narrow() -> None:
    never = 'resource.name == "nothing"'
    assert iam.Binding("n", "roles/editor", ("user:a@x",), never, "t").reaches(RUN)
    assert iam.Binding("n", "roles/run.invoker", ("allUsers",), never, "t").reaches(RUN)
    assert not iam.Binding("n", "roles/run.invoker", ("user:a@x",), never, "t").reaches(RUN)


def test_runtime_names() -> None:
    assert lifecycle.parse("python310") == ("python", "3.10")
    assert lifecycle.parse("go113") == ("go", "1.13")
    assert lifecycle.parse("php82") == ("php", "8.2")
    assert lifecycle.parse("dotnet8") == ("dotnet", "8")
    assert lifecycle.parse("java17") == ("java", "17")
    assert lifecycle.parse("custom") == (None, None)


def test_set_iam_policy_is_escalation_not_admin() -> None:
    sa = "a@p.iam.gserviceaccount.com"
    pol = make_policy(("roles/resourcemanager.projectIamAdmin", [f"serviceAccount:{sa}"]))
    roles = book(resourcemanager_projectIamAdmin=["resourcemanager.projects.setIamPolicy"])
    grants = iam.identity_grants(iam.bindings(pol, "projects/p"), sa, roles, iam.FunctionReach(lambda node: []))
    assert grants.admin == [] and grants.wildcard == []
    assert [g.actions for g in grants.privilege_escalation] == [["resourcemanager.projects.setIamPolicy"]]
