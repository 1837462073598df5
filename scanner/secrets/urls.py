"""Passwords in URL userinfo (``scheme://user:password@host``), for every scheme.

Real passwords carry raw ``#``, ``/``, ``!``, ``$`` or even ``@`` that a URL parser reads as a fragment,
a path or a host (RFC 3986 section 3.2.1 wants them percent-encoded; drivers accept them raw), so the
userinfo is cut by hand: it ends at the LAST ``@`` of the URL, and the password is everything after the
first ``:`` in it, percent-decoded.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from scanner.secrets.heuristics import is_ordinary, is_placeholder

_SCHEME = re.compile(r"(?<![A-Za-z0-9+.-])([A-Za-z][A-Za-z0-9+.-]{0,19})://")
_WHITESPACE = re.compile(r"\s")
# "user:password@host:port" with no scheme (proxies, Redis and AMQP settings split into parts).
_BARE_USERINFO = re.compile(r"^[\w.%+-]*:(\S+)@[A-Za-z0-9.-]+(?::\d{1,5})?(?:/\S*)?$")
# "host:8443/path?mail=a@b": what looks like a password is a port followed by a path or query.
_PORT_THEN_PATH = re.compile(r"^\d{1,5}[/?#]")
# Schemes named in a detector; any other is reported as "url", since what looks like a scheme might be
# the start of a password.
_KNOWN_SCHEMES = frozenset({
    "http", "https", "ftp", "ftps", "sftp", "ssh", "git", "postgres", "postgresql", "mysql", "mariadb", "mssql",
    "sqlserver", "oracle", "mongodb", "mongodb+srv", "redis", "rediss", "amqp", "amqps", "kafka", "nats", "mqtt",
    "mqtts", "smtp", "smtps", "imap", "imaps", "ldap", "ldaps", "cockroachdb", "clickhouse", "neo4j", "neo4j+s",
    "bolt", "couchbase", "couchbases", "memcached", "elasticsearch", "s3", "sb", "wss", "ws",
})


def url_password_hits(text: str) -> list[str]:
    """A detector label for each URL in the value whose userinfo holds a password that is not a placeholder."""
    if "@" not in text:
        return []
    if "://" not in text:
        bare = _BARE_USERINFO.match(text)
        password = bare.group(1) if bare else ""
        real = password and not is_ordinary(password) and not is_placeholder(unquote(password))
        return ["password in scheme-less userinfo"] if real else []
    starts = list(_SCHEME.finditer(text))
    found: list[str] = []
    for i, match in enumerate(starts):
        end = starts[i + 1].start() if i + 1 < len(starts) else len(text)
        url = _WHITESPACE.split(text[match.end():end], maxsplit=1)[0]
        if _has_password(url):
            scheme = match.group(1).lower()
            found.append(f"password in a {scheme}:// URL" if scheme in _KNOWN_SCHEMES else "password in URL userinfo")
    return found


def _has_password(rest: str) -> bool:
    """``rest`` is the URL after ``scheme://``."""
    at = rest.rfind("@")
    if at < 0:
        return False
    user, colon, password = rest[:at].partition(":")
    if not colon or any(c in user for c in "/?#") or _PORT_THEN_PATH.match(password):
        return False
    return bool(password) and not is_placeholder(password) and not is_placeholder(unquote(password))
