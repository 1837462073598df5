"""One process reaches many accounts (an organisation scan assumes a role in each): their sessions
must share the parsed SDK service models, or every account costs its own copy (~22 MB for a region's
clients; bench/org_scale.py measured ~1 GB for 21 accounts before they were shared)."""

from __future__ import annotations

from providers.aws import targets


def _account_session(key: str) -> object:
    return targets._SharedModels.session(aws_access_key_id=key, aws_secret_access_key="secret",
                                         aws_session_token="token", region_name="eu-west-1")


def test_sessions_of_different_accounts_share_one_model_loader() -> None:
    first, second = _account_session("AKIAFIRST"), _account_session("AKIASECOND")
    loader = first._session.get_component("data_loader")
    assert second._session.get_component("data_loader") is loader
    first.client("lambda", region_name="eu-west-1")
    second.client("lambda", region_name="eu-west-1")
    # each session keeps its own credentials
    assert first.get_credentials().access_key == "AKIAFIRST"
    assert second.get_credentials().access_key == "AKIASECOND"
    # boto3 adds its data directory to every session's loader: the shared one lists it once
    assert len(loader.search_paths) == len(set(loader.search_paths))


def test_responses_keep_timestamps_as_sent() -> None:
    """ztscan reads no response timestamp; parsing them all cost ~5% of a scan's CPU. The body is the
    GetRole response of the IAM API reference's example."""
    session = _account_session("AKIATIME")._session
    operation = session.get_service_model("iam").operation_model("GetRole")
    body = b"""<GetRoleResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><GetRoleResult><Role>
      <Path>/application_abc/component_xyz/</Path><Arn>arn:aws:iam::123456789012:role/application_abc/component_xyz/S3Access</Arn>
      <RoleName>S3Access</RoleName><AssumeRolePolicyDocument>%7B%7D</AssumeRolePolicyDocument>
      <CreateDate>2012-05-08T23:34:01Z</CreateDate><RoleId>AROADBQP57FF2AEXAMPLE</RoleId></Role></GetRoleResult>
      <ResponseMetadata><RequestId>df37e965-9967-11e1-a4c3-270EXAMPLE04</RequestId></ResponseMetadata></GetRoleResponse>"""
    parsed = session.get_component("response_parser_factory").create_parser("query").parse(
        {"body": body, "headers": {}, "status_code": 200}, operation.output_shape)
    assert parsed["Role"]["CreateDate"] == "2012-05-08T23:34:01Z"
