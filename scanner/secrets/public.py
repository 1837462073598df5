"""Values that look like credentials but are public by design, each with the vendor's reason.

``public_value`` rules are exact shapes of the value and run before the format detectors (a Firebase
web API key is an ``AIza`` Google key; a Supabase anon key is a JWT). ``public_name`` rules decide by
the setting's name alone, so they run after the detectors: a real token under such a name stays a secret.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

_GUID = r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}"
_APP_INSIGHTS_KEYS = ("IngestionEndpoint|LiveEndpoint|ProfilerEndpoint|SnapshotEndpoint|ApplicationId|"
                      "AADAudience|EndpointSuffix|Location")
# Azurite's account key is printed in its documentation: https://learn.microsoft.com/azure/storage/common/storage-use-azurite
_AZURITE_KEY = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw=="
_GOOGLE_KEY = re.compile(r"^AIza[0-9A-Za-z\-_]{35}$")
_FIREBASE_WEB_CONFIG = frozenset({"apiKey", "authDomain", "projectId", "storageBucket", "messagingSenderId",
                                  "appId", "measurementId", "databaseURL"})

# (value shape, setting-name shape or None, reason)
_PUBLIC_VALUES: tuple[tuple[re.Pattern[str], re.Pattern[str] | None, str], ...] = (
    (re.compile(r"^pk_(?:live|test)_[0-9A-Za-z]{24,}$"), None,
     "Stripe publishable key: public by design, identifies the account to Stripe.js "
     "(https://docs.stripe.com/keys)"),
    (re.compile(r"^https?://[0-9a-f]{32}@[^\s:/@]+(?::\d+)?/(?:[^\s@:]*/)?\d+$"), None,
     "Sentry DSN with only its public key: safe to keep public, it only submits events "
     "(https://docs.sentry.io/product/sentry-basics/dsn-explainer/)"),
    (re.compile(rf"(?i)^InstrumentationKey=[0-9a-f-]+(?:;(?:{_APP_INSIGHTS_KEYS})=[^;]*)*;?$"), None,
     "Application Insights connection string: ingestion identifiers, not a credential "
     "(https://learn.microsoft.com/azure/azure-monitor/app/sdk-connection-string)"),
    (re.compile(rf"^{_GUID}$"), re.compile(r"(?i)instrumentation_?key$"),
     "Application Insights instrumentation key: an ingestion identifier, not a credential "
     "(https://learn.microsoft.com/azure/azure-monitor/app/sdk-connection-string)"),
    (_GOOGLE_KEY, re.compile(r"(?i)firebase"),
     "Firebase web API key: public by design, it identifies the project; access is enforced by "
     "Security Rules and App Check (https://firebase.google.com/docs/projects/api-keys)"),
    (re.compile(r"^pk\.eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$"), None,
     "Mapbox public token: meant for client-side use (https://docs.mapbox.com/help/dive-deeper/access-tokens/)"),
    (re.compile(r"^pub[0-9a-f]{32}$"), None,
     "Datadog client token: for browser and mobile SDKs, it cannot read data "
     "(https://docs.datadoghq.com/account_management/api-app-keys/#client-tokens)"),
    (re.compile(r"^(?:AC|SK)[0-9a-f]{32}$"), re.compile(r"(?i)twilio|_sid$|account_?sid|api_?key_?sid"),
     "Twilio Account SID or API key SID: the username half of a credential pair; the Auth Token or API "
     "key secret is the credential (https://www.twilio.com/docs/iam/api/account)"),
    (re.compile(r"^phc_[A-Za-z0-9]{43}$"), None,
     "PostHog project API key: public, write-only (https://posthog.com/docs/api#authentication)"),
    (re.compile(r"^-----BEGIN (?:CERTIFICATE|PUBLIC KEY)-----(?![\s\S]*PRIVATE KEY)[\s\S]*-----$"), None,
     "a certificate or public key: public by definition"),
)
_JWT_PAYLOAD = re.compile(r"^eyJ[A-Za-z0-9_-]+\.(eyJ[A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+$")
_SUPABASE_ANON = ("Supabase anon key: safe in a browser, row-level security enforces access "
                  "(https://supabase.com/docs/guides/api/api-keys)")

# https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection
_IDENTITY_CONNECTION = re.compile(
    r"(?i)__(credential|clientId|tenantId|accountName|serviceUri|blobServiceUri|queueServiceUri|"
    r"tableServiceUri|fullyQualifiedNamespace|accountEndpoint|topicEndpointUri|managedIdentityResourceId)$"
)
_PUBLIC_NAME = re.compile(r"(?i)(^|_)(public|publishable)(_|$)|site_?key$|search_?only")
# Analytics project tokens ship inside every browser and app build (Mixpanel "project token",
# Amplitude "API key" next to its separate secret key, Segment client-side "write key").
_ANALYTICS_NAME = re.compile(r"(?i)mixpanel.*token|amplitude.*api_?key|segment.*write_?key")


def public_value(name: str, text: str) -> str | None:
    """Why the value is public by design, from its exact shape (and name where the shape is shared)."""
    for shape, setting_name, reason in _PUBLIC_VALUES:
        if shape.match(text) and (setting_name is None or setting_name.search(name)):
            return reason
    if _AZURITE_KEY in text and "AccountName=devstoreaccount1" in text:
        return "Azurite's well-known development account key (documented by Microsoft), not a credential"
    if text.startswith("{") and _is_firebase_web_config(text):
        return "Firebase web app configuration: public by design (https://firebase.google.com/docs/projects/api-keys)"
    if _is_supabase_anon_key(text):
        return _SUPABASE_ANON
    return None


def public_name(name: str) -> str | None:
    """Why a setting holds no secret, from its name alone (asked only when no token format matched)."""
    if _IDENTITY_CONNECTION.search(name):
        return ("identity-based connection setting: names the resource or identity, holds no secret "
                "(https://learn.microsoft.com/azure/azure-functions/functions-reference#configure-an-identity-based-connection)")
    if _PUBLIC_NAME.search(name):
        return "the name says the value is public (a publishable key, site key or public key)"
    if _ANALYTICS_NAME.search(name):
        return ("analytics project token: public by design, embedded in client SDKs "
                "(https://docs.mixpanel.com/docs/tracking-methods/id-management/authentication, "
                "https://amplitude.com/docs/apis/keys-and-tokens)")
    return None


def _is_firebase_web_config(text: str) -> bool:
    try:
        config = json.loads(text)
    except ValueError:
        return False
    return (isinstance(config, dict) and set(config) <= _FIREBASE_WEB_CONFIG
            and isinstance(config.get("apiKey"), str) and bool(_GOOGLE_KEY.match(config["apiKey"])))


def _is_supabase_anon_key(text: str) -> bool:
    match = _JWT_PAYLOAD.match(text)
    if not match:
        return False
    segment = match.group(1)
    try:
        claims = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
    except (binascii.Error, ValueError):
        return False
    return isinstance(claims, dict) and claims.get("iss") == "supabase" and claims.get("role") == "anon"
