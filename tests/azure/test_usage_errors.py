"""Bad input ends in one line on stderr and exit 2 (or a failed target), never a traceback,
and never with a credential in the message."""

from __future__ import annotations

from scanner.demo.azure.server import serve
from tests.azure.conftest import ztscan
from tests.azure.estate import SECRETS, SUB_A, SUB_B, SUB_C, estate


def _one_line_error(run) -> str:  # type: ignore[no-untyped-def]
    assert "Traceback" not in run.stderr and "Traceback" not in run.stdout
    lines = [line for line in run.stderr.splitlines() if line.strip() and "collecting" not in line]
    assert len(lines) == 1 and "error" in lines[0], run.stderr
    return lines[0]


def test_one_subscription_complete_exits_0(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url, "--subscription", SUB_B)
    assert result.code == 0, result.stderr
    assert [t["account"] for t in result.doc["targets"]] == [SUB_B]
    assert {f["account"] for f in result.doc["functions"]} == {SUB_B}
    assert result.doc["summary"]["targets_incomplete"] == 0


def test_repeatable_subscription_flag(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url, "--subscription", SUB_B, "--subscription", SUB_A.upper())
    assert sorted(t["account"] for t in result.doc["targets"]) == sorted([SUB_A, SUB_B])


def test_unknown_subscription_is_a_usage_error(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url, "--subscription", "12345678-1234-4234-8234-123456789012")
    assert result.code == 2
    assert "not found or not visible" in _one_line_error(result)


def test_unknown_subscription_beside_a_known_one_is_a_failed_target(arm, run) -> None:  # type: ignore[no-untyped-def]
    missing = "12345678-1234-4234-8234-123456789012"
    result = run("--azure-endpoint", arm.base_url, "--subscription", SUB_B, "--subscription", missing)
    assert result.code == 3
    target = next(t for t in result.doc["targets"] if t["account"] == missing)
    assert target["status"] == "failed" and "not visible" in target["error"]


def test_malformed_subscription_id(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url, "--subscription", "prod-sub")
    assert result.code == 2
    assert "not a subscription id" in _one_line_error(result)


def test_plain_http_endpoint_is_refused(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url.replace("https://", "http://"))
    assert result.code == 2
    assert "https://" in _one_line_error(result)


def test_unknown_cloud(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-cloud", "mars")
    assert result.code == 2
    line = _one_line_error(result)
    assert "cloud" in line and "'public', 'usgov' or 'china'" in line


def test_endpoint_not_answering(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", "https://127.0.0.1:9")
    assert result.code == 2
    line = _one_line_error(result)
    assert "not reachable" in line and "Connection refused" in line and "127.0.0.1:9" in line


def test_token_failure(arm, run) -> None:  # type: ignore[no-untyped-def]
    env = dict(arm.env, IDENTITY_HEADER="wrong-header-value")
    result = run("--azure-endpoint", arm.base_url, env=env)
    assert result.code == 2
    line = _one_line_error(result)
    assert "Azure credential failed" in line
    assert arm.identity_header not in result.stderr + result.stdout


def test_config_file_keys(arm, run, tmp_path) -> None:  # type: ignore[no-untyped-def]
    config = tmp_path / "ztscan.toml"
    config.write_text(f'[azure]\nendpoint = "{arm.base_url}"\nsubscriptions = ["{SUB_B}"]\nworkers = 2\n')
    result = run("--config", str(config))
    assert result.code == 0, result.stderr
    assert [t["account"] for t in result.doc["targets"]] == [SUB_B]


def test_stacks_api_unavailable_falls_back_to_bundled_dates(tmp_path) -> None:  # type: ignore[no-untyped-def]
    data = estate()
    data["faults"] = {"forbidden": ["/providers/Microsoft.Web/functionAppStacks"]}
    with serve(data) as emulator:
        result = ztscan(["--azure-endpoint", emulator.base_url, "--subscription", SUB_C], emulator.env, tmp_path)
    assert "function app stacks API unavailable (AuthorizationFailed (HTTP 403)); using bundled dates" in result.stderr
    assert result.code == 3  # c-odd stays unreadable; the stacks API itself costs no fact
    assert result.fn("c-node-win")["unknown"] == {}
    rt = result.fn("c-node-win")["runtime"]
    assert rt["deprecated_on"] == "2026-04-30" and rt["lifecycle_source"] == "ztscan runtime data 2026-11-01"


def test_verbose_logging_leaks_no_secret_or_token(arm, run) -> None:  # type: ignore[no-untyped-def]
    result = run("--azure-endpoint", arm.base_url, "--subscription", SUB_A, "--verbose")
    assert result.code == 3
    assert "Microsoft.Web/sites" in result.stderr  # the API activity is there
    for value in [*SECRETS.values(), arm.identity_header, *arm.tokens]:
        assert value not in result.stderr + result.stdout + result.text
