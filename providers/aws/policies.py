"""The AWS policy reader's public face: resource and trust policies into invocation paths and trust
facts. The evaluation itself lives in providers/aws/evaluation/."""

from __future__ import annotations

from providers.aws.evaluation.document import PolicyError, as_list, decode, parse_document
from providers.aws.evaluation.resource import invocation_paths, trust_principals

__all__ = ["PolicyError", "as_list", "decode", "invocation_paths", "parse_document", "trust_principals"]
