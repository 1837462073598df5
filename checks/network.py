"""Invocation and network checks: who can call the function, and from where.

A path counts as open only when nothing narrows it: ``InvocationPath.narrowed`` is set by the
provider when a condition pins the caller to a known source (aws:SourceArn/SourceAccount,
PrincipalOrgID, SourceVpce, an IAM condition, public network access disabled ...).
"""

from __future__ import annotations

from scanner.findings import Verdict
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.registry import ScanContext, check


def _describe(p: InvocationPath) -> str:
    conds = f"; conditions {', '.join(p.conditions)} do not narrow it" if p.conditions else ""
    return f"{p.via}: {p.principal} ({p.evidence}){conds}"


def _paths_verdict(fn: ServerlessFunction, open_paths: list[InvocationPath], what: str) -> Verdict:
    return Verdict.fail_if([_describe(p) for p in open_paths],
                           passed=f"{len(fn.network.invocation)} invocation path(s), none {what}")


@check("ZT-NET-001", "Function can be invoked anonymously")
def anonymous_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.principal_kind == "anonymous" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "anonymous")


@check("ZT-NET-002", "Function can be invoked by any authenticated principal")
def any_authenticated_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.principal_kind == "any_authenticated" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "open to any authenticated principal")


@check("ZT-NET-003", "Function can be invoked cross-account without source conditions")
def cross_account_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation
                  if p.cross_account and not p.narrowed and p.principal_kind not in ("anonymous", "any_authenticated")]
    return _paths_verdict(fn, open_paths, "granted to another account without conditions")


@check("ZT-NET-004", "Service principal may invoke the function without SourceArn/SourceAccount (confused deputy)")
def confused_deputy_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation
                  if p.principal_kind == "service" and p.via == "resource_policy" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "granted to a service principal without source conditions")


@check("ZT-NET-005", "Function endpoint accepts traffic from the whole internet")
def unrestricted_ingress(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    public = fn.network.public_ingress
    if public is None:
        return Verdict.not_applicable("the function has no network endpoint of its own")
    where = fn.network.ingress or fn.network.endpoint_url or "endpoint"
    return Verdict.fail_if([f"{where}: reachable from any internet address"] if public else [],
                           passed=f"ingress restricted ({where}; {', '.join(fn.network.ingress_restrictions[:3])})")


@check("ZT-NET-006", "Function is not attached to a private network")
def no_private_network(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    net = fn.network.private_network
    return Verdict.fail_if([] if net.attached else ["no VPC/VNet/connector attachment"],
                           passed=f"attached to {net.network_id or ', '.join(net.subnets)}")


@check("ZT-NET-007", "Egress is not routed through the private network")
def egress_not_private(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    net = fn.network.private_network
    if not net.attached:
        return Verdict.not_applicable("not attached to a private network (reported by ZT-NET-006)")
    if net.egress_via_private is None:
        return Verdict.not_applicable("egress routing is not configurable for this attachment")
    return Verdict.fail_if([] if net.egress_via_private else
                           [f"{net.network_id}: only private-range traffic goes through the private network"],
                           passed=f"all egress routed through {net.network_id}")


def _any_origin(origins: list[str]) -> list[str]:
    return [o for o in origins if o.strip() in ("*", "null") or o.strip().rstrip("/") in ("http://*", "https://*")]


@check("ZT-NET-008", "CORS allows any origin")
def cors_any_origin(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    cors = fn.network.cors
    if cors is None:
        return Verdict.not_applicable("no CORS configuration on the platform")
    wild = _any_origin(cors.allowed_origins)
    return Verdict.fail_if([f"allowed origins {', '.join(cors.allowed_origins)}"] if wild else [],
                           passed=f"allowed origins: {', '.join(cors.allowed_origins) or 'none'}")


@check("ZT-NET-009", "CORS allows any origin with credentials")
def cors_any_origin_credentials(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    cors = fn.network.cors
    if cors is None:
        return Verdict.not_applicable("no CORS configuration on the platform")
    wild = _any_origin(cors.allowed_origins)
    bad = bool(wild) and cors.allow_credentials
    return Verdict.fail_if([f"allowed origins {', '.join(cors.allowed_origins)} with credentials allowed"]
                           if bad else [],
                           passed="credentials are not combined with a wildcard origin")


_MIN_TLS = (1, 2)


def _tls_below(version: str | None) -> bool:
    if not version:
        return False
    try:
        parts = tuple(int(p) for p in version.strip().split(".")[:2])
    except ValueError:
        return False
    return parts < _MIN_TLS


@check("ZT-NET-010", "HTTPS is not enforced or TLS below 1.2 is accepted")
def transport_security(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    enc = fn.encryption
    if enc.https_only is None and enc.min_tls_version is None and enc.scm_min_tls_version is None:
        return Verdict.not_applicable("the function has no HTTP endpoint")
    evidence = []
    if enc.https_only is False:
        evidence.append("HTTPS is not enforced: plain HTTP requests are served")
    if _tls_below(enc.min_tls_version):
        evidence.append(f"minimum TLS version {enc.min_tls_version}")
    if _tls_below(enc.scm_min_tls_version):
        evidence.append(f"management (SCM) site minimum TLS version {enc.scm_min_tls_version}")
    return Verdict.fail_if(evidence, passed=f"HTTPS only; minimum TLS {enc.min_tls_version or 'platform default'}")


def _management_verdict(fn: ServerlessFunction, scm_site: bool, passed: str) -> Verdict:
    """ZT-NET-014 reads the SCM site's reachability; ZT-NET-011 every other management exposure."""
    exposures = fn.network.management
    if exposures is None:
        return Verdict.not_applicable("the platform has no separate management plane")
    return Verdict.fail_if([f"{e.kind}: {e.detail}" for e in exposures if (e.kind == "scm_unrestricted") == scm_site],
                           passed=passed)


@check("ZT-NET-011", "Management plane is exposed (basic-auth publishing, FTP, remote debugging)")
def management_exposed(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _management_verdict(fn, False, "basic auth, FTP and remote debugging off")


@check("ZT-NET-014", "SCM (Kudu) site has no network restriction of its own")
def scm_site_open(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _management_verdict(fn, True, "the SCM site is restricted or unreachable from the internet")


@check("ZT-NET-012", "Private network attachment uses a single availability zone")
def single_zone(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    net = fn.network.private_network
    if not net.attached:
        return Verdict.not_applicable("not attached to a private network")
    zones = net.availability_zones
    if zones is None:
        return Verdict.not_applicable("zones of the attachment are not visible")
    return Verdict.fail_if([f"subnets {', '.join(net.subnets)} all in {', '.join(zones) or 'one zone'}"]
                           if len(zones) < 2 else [],
                           passed=f"subnets span {', '.join(zones)}")


@check("ZT-NET-013", "Function is invocable with only a shared key")
def key_only_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.auth == "key" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "protected by a shared key alone")
