"""Credentials through GOOGLE_APPLICATION_CREDENTIALS, and bad input: one line, the right exit code."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from scanner.demo.gcp import Emulator, serve
from tests.gcp.conftest import Run, ztscan
from tests.gcp.estate import ALPHA, BETA, GAMMA, build_estate


@pytest.fixture(scope="module")
def strict() -> Iterator[Emulator]:
    """An emulator that refuses requests without valid credentials."""
    estate = build_estate() | {"require_auth": True}
    with serve(estate) as running:
        yield running


def no_traceback(run: Run) -> None:
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    assert len([line for line in run.stderr.splitlines() if line.startswith("ztscan: error")]) <= 1


def test_service_account_key_file(strict: Emulator, tmp_path: Path) -> None:
    key = strict.write_service_account_key(tmp_path / "key.json", project_id=ALPHA)
    env = strict.env | {"GOOGLE_APPLICATION_CREDENTIALS": str(key)}
    run = ztscan(
        ["scan", "gcp", "--gcp-endpoint", strict.base_url, "--format", "json", "--out", str(tmp_path)], tmp_path, env
    )
    assert run.code == 0, run.stderr
    assert len(run.doc["functions"]) == 15
    assert {t["status"] for t in run.doc["targets"]} == {"complete"}
    assert "PRIVATE KEY" not in run.stdout + run.stderr + run.raw


def test_token_endpoint_grants_for_the_key_file(strict: Emulator, tmp_path: Path) -> None:
    """The OAuth JWT-bearer grant against the key's token_uri (the flow without self-signed JWTs)."""
    from google.auth.transport.requests import Request
    from google.oauth2 import service_account

    key = strict.write_service_account_key(tmp_path / "key.json")
    creds = service_account.Credentials.from_service_account_file(
        str(key), scopes=["https://www.googleapis.com/auth/cloud-platform.read-only"]
    )
    creds.refresh(Request())
    assert creds.token.startswith("ya29.emu-") and creds.expiry is not None


def test_unknown_key_is_a_usage_error(strict: Emulator, tmp_path: Path) -> None:
    key = strict.write_service_account_key(tmp_path / "key.json", trusted=False)
    env = strict.env | {"GOOGLE_APPLICATION_CREDENTIALS": str(key)}
    run = ztscan(
        ["scan", "gcp", "--gcp-endpoint", strict.base_url, "--format", "json", "--out", str(tmp_path)], tmp_path, env
    )
    assert run.code == 2 and run.doc is None
    assert "401 Request had invalid authentication credentials." in run.stderr
    assert "PRIVATE KEY" not in run.stderr
    no_traceback(run)


def test_anonymous_against_an_endpoint_that_wants_credentials(strict: Emulator, tmp_path: Path) -> None:
    run = ztscan(
        ["scan", "gcp", "--gcp-endpoint", strict.base_url, "--anonymous", "--out", str(tmp_path)], tmp_path, strict.env
    )
    assert run.code == 2
    assert "the API wants credentials and --anonymous sends none" in run.stderr
    no_traceback(run)


def test_no_credentials_at_all(emulator: Emulator, tmp_path: Path) -> None:
    env = emulator.env | {
        "CLOUDSDK_CONFIG": str(tmp_path / "gcloud"),  # no gcloud application-default credentials
        "GCE_METADATA_HOST": "127.0.0.1:9",
        "GCE_METADATA_IP": "127.0.0.1:9",  # no metadata server
        "HOME": str(tmp_path),
    }
    run = ztscan(["scan", "gcp", "--gcp-endpoint", emulator.base_url, "--out", str(tmp_path)], tmp_path, env)
    assert run.code == 2
    assert "no Google credentials found" in run.stderr
    no_traceback(run)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--project", "Bad_Project!"], "is not a project id"),
        (["--gcp-endpoint", "ftp://example"], "must be an http:// or https:// URL"),
        (["--folder", "folders/abc"], "is not a numeric id"),
        (["--workers", "0"], "--workers"),
        (["--no-such-flag"], "No such option"),
    ],
)
def test_bad_flags_exit_2(args: list[str], message: str, tmp_path: Path) -> None:
    run = ztscan(["scan", "gcp", "--anonymous", "--out", str(tmp_path), *args], tmp_path, {})
    assert run.code == 2 and message in run.stderr
    no_traceback(run)


def test_endpoint_not_answering(tmp_path: Path) -> None:
    run = ztscan(
        ["scan", "gcp", "--gcp-endpoint", "http://127.0.0.1:9", "--anonymous", "--out", str(tmp_path)],
        tmp_path,
        {"NO_PROXY": "127.0.0.1"},
    )
    assert run.code == 2
    assert "gcp: cannot use the Google APIs at http://127.0.0.1:9: no answer (connection failed)" in run.stderr
    no_traceback(run)


def test_named_projects_unknown_and_inactive(emulator: Emulator, tmp_path: Path) -> None:
    run = ztscan(
        [
            "scan",
            "gcp",
            "--gcp-endpoint",
            emulator.base_url,
            "--anonymous",
            "--format",
            "json",
            "--out",
            str(tmp_path),
            "--project",
            ALPHA,
            "--project",
            f"{GAMMA},no-such-project",
        ],
        tmp_path,
        emulator.env,
    )
    assert run.code == 3
    assert run.target(ALPHA)["status"] == "complete"
    assert run.target(GAMMA) == {
        "provider": "gcp",
        "account": GAMMA,
        "region": None,
        "status": "failed",
        "functions": 0,
        "error": "project is DELETE_REQUESTED, not ACTIVE",
    }
    missing = run.target("no-such-project")
    assert missing["status"] == "failed"
    assert missing["error"] == (
        "project not readable: 403 Permission denied on resource project no-such-project (or it may not exist)."
    )
    assert {f["account"] for f in run.doc["functions"]} == {ALPHA}
    no_traceback(run)


@pytest.mark.parametrize(
    ("flag", "value", "projects"),
    [
        ("--folder", "555", {BETA}),
        ("--organization", "organizations/100200300400", {ALPHA}),
    ],
)
def test_search_restricted_by_parent(
    emulator: Emulator, tmp_path: Path, flag: str, value: str, projects: set[str]
) -> None:
    run = ztscan(
        [
            "scan",
            "gcp",
            "--gcp-endpoint",
            emulator.base_url,
            "--anonymous",
            "--format",
            "json",
            "--out",
            str(tmp_path),
            flag,
            value,
        ],
        tmp_path,
        emulator.env,
    )
    assert run.code == 0, run.stderr
    assert {t["account"] for t in run.doc["targets"]} == projects
    assert run.doc["scan"]["scope"]["gcp"][flag[2:]].endswith(value.rsplit("/", 1)[-1])


def test_config_file_gcp_table(emulator: Emulator, tmp_path: Path) -> None:
    config = tmp_path / "ztscan.toml"
    config.write_text(
        f'[gcp]\nprojects = ["{BETA}"]\ngcp_endpoint = "{emulator.base_url}"\nanonymous = true\nworkers = 2\n',
        encoding="utf-8",
    )
    run = ztscan(
        ["scan", "gcp", "--config", str(config), "--format", "json", "--out", str(tmp_path)], tmp_path, emulator.env
    )
    assert run.code == 0, run.stderr
    assert [t["account"] for t in run.doc["targets"]] == [BETA]
