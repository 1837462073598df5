"""Parse IAM policy documents: JSON text (plain or URL-encoded) or already-decoded dicts."""

from __future__ import annotations

import json
import urllib.parse
from typing import Any


class PolicyError(ValueError):
    """The policy document is not valid IAM JSON."""


def as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def decode(document: Any) -> Any:
    """Documents arrive decoded, or as (URL-encoded) JSON text from some endpoints."""
    if isinstance(document, str):
        text = urllib.parse.unquote(document) if document.lstrip().startswith("%7B") else document
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise PolicyError(f"policy is not JSON ({exc.msg})") from exc
    return document


def parse_document(document: str | dict[str, Any]) -> list[dict[str, Any]]:
    doc = decode(document)
    if not isinstance(doc, dict):
        raise PolicyError("policy is not a JSON object")
    statements = doc.get("Statement", [])
    statements = [statements] if isinstance(statements, dict) else statements
    if not isinstance(statements, list) or not all(isinstance(s, dict) for s in statements):
        raise PolicyError("policy Statement is not a list of objects")
    for statement in statements:
        if statement.get("Effect") not in ("Allow", "Deny"):
            raise PolicyError(f"statement {statement.get('Sid', '')!r} has no Effect Allow or Deny")
    return statements


def sid(statement: dict[str, Any], index: int) -> str:
    return str(statement.get("Sid") or f"statement {index}")
