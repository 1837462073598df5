"""S3 buckets whose event notifications invoke functions.

Reads per region: ListBuckets filtered to the region, each bucket's notification configuration, and
for the buckets that notify a function their policy, ACL and Block Public Access setting, plus the
account's Block Public Access setting once. S3 invokes the function as s3.amazonaws.com with the
bucket as aws:SourceArn (https://docs.aws.amazon.com/lambda/latest/dg/with-s3.html).

Anyone who can write an object fires the event. A bucket policy admits everyone unless
RestrictPublicBuckets (bucket or account) is on; a public ACL (AllUsers / AuthenticatedUsers WRITE or
FULL_CONTROL) counts unless IgnorePublicAcls is on
(https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from providers.aws.errors import describe, error_code
from providers.aws.front_doors.exposure import Exposure, PolicyError, public
from providers.aws.front_doors.messaging import fan_in
from providers.aws.front_doors.model import Blind, Doors
from providers.aws.regional import AWS_ERRORS

S3 = "s3.amazonaws.com"
_ALL_USERS = "http://acs.amazonaws.com/groups/global/AllUsers"
_AUTHENTICATED = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
_ABSENT = {"NoSuchBucketPolicy", "NoSuchPublicAccessBlockConfiguration", "NoSuchConfiguration"}


def _block(call: Any) -> dict[str, bool]:
    try:
        return dict(call()["PublicAccessBlockConfiguration"])
    except AWS_ERRORS as exc:
        if error_code(exc) in _ABSENT:
            return {}
        raise


def read_buckets(client: Callable[[str], Any], region: str, account: str) -> Doors:
    s3 = client("s3")
    try:
        pages = s3.get_paginator("list_buckets").paginate(BucketRegion=region)
        buckets = [b["Name"] for page in pages for b in page["Buckets"] if b.get("BucketRegion", region) == region]
    except AWS_ERRORS as exc:
        return Doors(blind=[Blind(describe(exc, "s3:ListAllMyBuckets"), S3, "arn:aws:s3:::*")])
    found = Doors()
    links = []
    for bucket in buckets:
        try:
            notifications = s3.get_bucket_notification_configuration(Bucket=bucket)
        except AWS_ERRORS as exc:
            found.blind.append(Blind(describe(exc, "s3:GetBucketNotification"), S3, f"arn:aws:s3:::{bucket}"))
            continue
        links += [(f"arn:aws:s3:::{bucket}", c["LambdaFunctionArn"], ",".join(c.get("Events") or []))
                  for c in notifications.get("LambdaFunctionConfigurations") or []]
    if links:
        try:
            account_block = _block(lambda: client("s3control").get_public_access_block(AccountId=account))
        except AWS_ERRORS as exc:
            found.blind += [Blind(describe(exc, "s3:GetAccountPublicAccessBlock"), target=t) for _, t, _ in links]
            return found
        found.add(fan_in(links, "bucket", S3, lambda arn: _writers(s3, arn.rsplit(":", 1)[-1], account,
                                                                       account_block)))
    return found


def _writers(s3: Any, bucket: str, account: str, account_block: dict[str, bool]) -> list[Exposure] | Blind:
    try:
        block = {k: bool(v or account_block.get(k)) for k, v in _block(
            lambda: s3.get_public_access_block(Bucket=bucket)).items()} or account_block
        try:
            policy = s3.get_bucket_policy(Bucket=bucket)["Policy"]
        except AWS_ERRORS as exc:
            if error_code(exc) not in _ABSENT:
                raise
            policy = None
        grants = s3.get_bucket_acl(Bucket=bucket)["Grants"]
        writers = public(policy, ("s3:putobject",), account, anonymous=True)
    except AWS_ERRORS as exc:
        return Blind(describe(exc, f"s3 policy/ACL/public access block of {bucket}"))
    except PolicyError as exc:
        return Blind(f"policy of bucket {bucket} could not be read: {exc}")
    if block.get("RestrictPublicBuckets"):
        writers = [w for w in writers if w.kind not in ("anonymous", "any_authenticated")]
    if not block.get("IgnorePublicAcls"):
        writers += _acl_writers(grants)
    return writers


def _acl_writers(grants: list[dict[str, Any]]) -> list[Exposure]:
    found = []
    for grant in grants:
        uri = (grant.get("Grantee") or {}).get("URI")
        if uri in (_ALL_USERS, _AUTHENTICATED) and grant.get("Permission") in ("WRITE", "FULL_CONTROL"):
            everyone = uri == _ALL_USERS
            found.append(Exposure("*" if everyone else "AuthenticatedUsers",
                                  "anonymous" if everyone else "any_authenticated", False,
                                  f"bucket ACL grants {grant['Permission']} to {uri.rsplit('/', 1)[-1]}"))
    return found
