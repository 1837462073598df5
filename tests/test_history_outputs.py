"""What a scheduled scan does around its store: the history commands, notifications through Apprise
to a local webhook receiver, and reports written to S3 (moto)."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path
from typing import Any, ClassVar

import boto3
import pytest

from scanner import outputs
from scanner.demo.aws.fixtures import PUBLIC_URL, DemoFunction
from tests.conftest import findings_of, run_cli, seeded_aws
from tests.history_stores import BACKENDS, store_for
from tests.test_history_store import scan_args

SECRET = "sk_live_51H8xYzAbCdEfGhIjKlMnOpQrStUvWx"
FUNCTIONS = [DemoFunction("open-door", "python3.12", "reader", url_auth="NONE", permissions=[PUBLIC_URL],
                          env={"STRIPE_KEY": SECRET}),
             DemoFunction("locked", "python3.12", "reader", url_auth="AWS_IAM")]


@pytest.fixture(scope="module")
def endpoint(moto_endpoint: str) -> Iterator[str]:
    with seeded_aws(moto_endpoint, FUNCTIONS) as proxied:
        yield proxied


@pytest.fixture(scope="module", params=BACKENDS)
def two_scans(request: pytest.FixtureRequest, endpoint: str, aws_env: dict[str, str],
              tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[dict[str, Any]], list[str]]]:
    tmp = tmp_path_factory.mktemp(f"twice-{request.param}")
    with store_for(request.param, tmp) as store:
        docs, stderr = [], []
        for i in range(2):
            result = run_cli(scan_args(endpoint, tmp / str(i), "--store", store), tmp / str(i), aws_env)
            assert result.code == 0, result.stderr
            docs.append(result.document)
            stderr.append(result.stderr)
        yield store, docs, stderr


def test_a_second_scan_in_a_row_has_nothing_new(two_scans: tuple[str, list[dict[str, Any]], list[str]]) -> None:
    _, docs, stderr = two_scans
    assert "ztscan: history: 0 new, 0 resolved, 0 changed, 0 removed since scan " + docs[0]["scan"]["id"] in stderr[1]
    assert {f["delta"] for f in findings_of(docs[1])} <= {"unchanged", None}


def test_history_list_show_and_trend(two_scans: tuple[str, list[dict[str, Any]], list[str]], tmp_path: Path) -> None:
    store, docs, _ = two_scans
    ids = [d["scan"]["id"] for d in docs]
    listed = run_cli(["history", "list", "--store", store, "--json"])
    assert listed.code == 0, listed.stderr
    assert [s["id"] for s in json.loads(listed.stdout)] == ids[::-1]
    shown = run_cli(["history", "show", ids[0][:8], "--store", store])
    assert shown.code == 0 and f"scan {ids[0]}" in shown.stdout
    assert "NEW       critical ZT-NET-001 open-door" in shown.stdout
    trend = run_cli(["history", "trend", "--store", store, "--since", "30d", "--format", "json"])
    points = json.loads(trend.stdout)
    assert [p["scan_id"] for p in points] == ids and points[0]["failing"]["critical"] == 1
    page = tmp_path / "trend.html"
    html = run_cli(["history", "trend", "--store", store, "--format", "html", "--out", str(page)])
    assert html.code == 0 and page.read_text().count("<polyline") == 6 and "<script" not in page.read_text()
    missing = run_cli(["history", "show", "no-such-scan", "--store", store])
    assert missing.code == 2 and "no such scan" in missing.stderr


def test_diff_takes_two_scan_ids(two_scans: tuple[str, list[dict[str, Any]], list[str]], tmp_path: Path) -> None:
    store, docs, _ = two_scans
    result = run_cli(["diff", docs[0]["scan"]["id"], docs[1]["scan"]["id"], "--store", store])
    assert result.code == 0, result.stderr
    assert result.stdout.splitlines()[0].endswith("0 new, 0 resolved, 0 changed")
    saved = tmp_path / "old.json"
    saved.write_text(json.dumps(docs[0]))
    mixed = run_cli(["diff", str(saved), docs[1]["scan"]["id"], "--store", store, "--format", "json"])
    assert mixed.code == 0 and json.loads(mixed.stdout)["new"] == []
    unknown = run_cli(["diff", "nope", docs[1]["scan"]["id"], "--store", store])
    assert unknown.code == 2 and "neither a scan file nor one scan id" in unknown.stderr


def test_no_store_writes_nothing_and_the_config_key_chooses_the_store(
        endpoint: str, aws_env: dict[str, str], tmp_path: Path) -> None:
    env = {**aws_env, "ZTSCAN_STORE": str(tmp_path / "default.db")}
    skipped = run_cli(scan_args(endpoint, tmp_path / "a", "--no-store"), tmp_path / "a", env)
    assert skipped.code == 0 and skipped.document["history"] is None and not (tmp_path / "default.db").exists()
    config = tmp_path / "ztscan.toml"
    config.write_text(f'[scan]\nstore = "{tmp_path / "configured.db"}"\nretain = "30d"\nnotify_on = "critical"\n')
    configured = run_cli(scan_args(endpoint, tmp_path / "b", "--config", str(config)), tmp_path / "b", env)
    assert configured.code == 0, configured.stderr
    assert configured.document["history"]["store"] == str(tmp_path / "configured.db")
    bad = tmp_path / "bad.toml"
    bad.write_text('[scan]\nretain = "six months"\n')
    assert run_cli(scan_args(endpoint, tmp_path / "c", "--config", str(bad)), None, env).code == 2


class Receiver(BaseHTTPRequestHandler):
    received: ClassVar[list[dict[str, Any]]] = []

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length", 0))
        Receiver.received.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
        self.send_response(200)
        self.end_headers()

    def log_message(self, *_args: Any) -> None:
        return


@pytest.fixture
def webhook() -> Iterator[str]:
    Receiver.received = []
    server = HTTPServer(("127.0.0.1", 0), Receiver)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{server.server_port}"
    server.shutdown()
    server.server_close()


def test_notify_sends_one_message_with_the_new_findings_and_no_secret(
        endpoint: str, aws_env: dict[str, str], tmp_path: Path, webhook: str) -> None:
    """Apprise's json:// posts {"title", "message", "type"}: https://github.com/caronc/apprise/wiki/Notify_Custom_JSON"""
    store = str(tmp_path / "history.db")
    args = ["--store", store, "--notify", f"json://{webhook}/hooks/ztscan", "--notify", "json://127.0.0.1:9/dead",
            "--notify-on", "critical"]
    first = run_cli(scan_args(endpoint, tmp_path / "1", *args), tmp_path / "1", aws_env)
    assert first.code == 0, first.stderr
    assert len(Receiver.received) == 1 and Receiver.received[0]["path"] == "/hooks/ztscan"
    body = Receiver.received[0]["body"]
    assert body["title"].startswith("ztscan: 1 new failing finding(s) at or above critical")
    assert "critical ZT-NET-001" in body["message"] and "open-door" in body["message"]
    assert "locked" not in body["message"] and SECRET not in json.dumps(body) and SECRET[:8] not in json.dumps(body)
    failed = [line for line in first.stderr.splitlines() if "notification not sent" in line]
    assert failed == ["ztscan: notification not sent: json:// did not accept it"]
    again = run_cli(scan_args(endpoint, tmp_path / "2", *args[:4]), tmp_path / "2", aws_env)
    assert again.code == 0 and len(Receiver.received) == 1  # nothing new, nothing sent


def test_reports_go_to_s3_whole_with_the_json_last(
        endpoint: str, moto_endpoint: str, aws_env: dict[str, str], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    # The scan reads Lambda through the demo proxy; the reports go to moto's S3 itself.
    s3 = boto3.client("s3", endpoint_url=moto_endpoint, region_name="us-east-1",
                      aws_access_key_id="testing", aws_secret_access_key="testing")
    s3.create_bucket(Bucket="ztscan-reports")
    env = {**aws_env, "AWS_ENDPOINT_URL_S3": moto_endpoint}
    args = ["scan", "aws", "--endpoint-url", endpoint, "--regions", "us-east-1", "--format", "json,html,sarif",
            "--out", "s3://ztscan-reports/nightly/", "--store", str(tmp_path / "h.db")]
    result = run_cli(args, None, env)
    assert result.code == 0, result.stderr
    written = [line.split()[-1] for line in result.stderr.splitlines() if line.startswith("ztscan: wrote ")]
    assert written == [f"s3://ztscan-reports/nightly/{n}" for n in ("ztscan.html", "ztscan.sarif", "ztscan.json")]
    listed = s3.list_objects_v2(Bucket="ztscan-reports", Prefix="nightly/")["Contents"]
    assert sorted(o["Key"] for o in listed) == ["nightly/ztscan.html", "nightly/ztscan.json", "nightly/ztscan.sarif"]
    doc = json.loads(s3.get_object(Bucket="ztscan-reports", Key="nightly/ztscan.json")["Body"].read())
    assert doc["history"]["store"] == str(tmp_path / "h.db")
    assert s3.head_object(Bucket="ztscan-reports", Key="nightly/ztscan.html")["ContentType"].startswith("text/html")
    missing = run_cli([*args[:-4], "--out", "s3://no-such-bucket/x/", "--no-store"], None, env)
    assert missing.code == 3
    assert missing.stderr.strip().splitlines()[-1].startswith("ztscan: error: cannot write s3://no-such-bucket/x/")


def test_a_destination_receives_the_json_last(monkeypatch: pytest.MonkeyPatch) -> None:
    order: list[str] = []

    class Recorder:
        def put(self, filename: str, write: object) -> str:
            order.append(filename)
            return filename

    monkeypatch.setattr(outputs, "destination", lambda _out: Recorder())
    monkeypatch.setattr("reports.writer", lambda _doc, fmt, _opts: (f"r.{fmt}", lambda _out: None))
    outputs.write_all(None, ["json", "html", "csv"], "anywhere")  # type: ignore[arg-type]
    assert order == ["r.html", "r.csv", "r.json"]
