"""The extra reads (ancestry, node policies, roles, keys) are per node, role and key: never per
function. A fresh emulator counts exactly what one scan asks for."""

from __future__ import annotations

from pathlib import Path

from scanner.demo.gcp import serve
from tests.gcp.conftest import ztscan
from tests.gcp.estate import build_estate


def test_one_read_per_folder_organization_role_and_key(tmp_path: Path) -> None:
    estate = build_estate()
    active = [p for p in estate["projects"] if p["state"] == "ACTIVE"]
    policies = [p["iamPolicy"] for p in active] + [f["iamPolicy"] for p in active for f in p["functions"]]
    policies += [n["iamPolicy"] for n in estate["folders"] + estate["organizations"]]
    policies += list(estate["topics"].values())  # trigger topics: their publishers are invokers
    roles = {b["role"] for pol in policies for b in pol["bindings"]}
    with serve(estate) as em:
        run = ztscan(
            ["scan", "gcp", "--gcp-endpoint", em.base_url, "--anonymous", "--format", "json", "--out", str(tmp_path)],
            tmp_path,
            em.env,
        )
        assert run.code == 0, run.stderr
        counts = dict(em.requests)
    assert counts["resourcemanager.folders GET get"] == 3  # 555 above zt-beta; 710 and 700 above zt-delta
    assert counts["resourcemanager.folders POST getIamPolicy"] == 3
    assert counts["resourcemanager.organizations POST getIamPolicy"] == 1  # shared by all three projects
    assert counts["iam GET roles.get"] == len(roles)
    assert counts["kms GET cryptoKeys.get"] == 2
    assert run.doc["scan"]["scope"]["gcp"]["role permissions"] == [f"{r}: IAM API roles.get" for r in sorted(roles)]
