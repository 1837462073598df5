"""Invocation and network checks: who can call the function, and from where.

A path counts as open only when nothing narrows it: ``InvocationPath.narrowed`` is set by the
provider when a condition pins the caller to a known source (aws:SourceArn/SourceAccount,
PrincipalOrgID, SourceVpce, an IAM condition, public network access disabled ...).
"""

from __future__ import annotations

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import InvocationPath, ServerlessFunction
from scanner.registry import ScanContext, check


def _describe(p: InvocationPath) -> str:
    conds = f"; conditions {', '.join(p.conditions)} do not narrow it" if p.conditions else ""
    return f"{p.via}: {p.principal} ({p.evidence}){conds}"


def _paths_verdict(fn: ServerlessFunction, open_paths: list[InvocationPath], what: str) -> Verdict:
    return Verdict.fail_if([_describe(p) for p in open_paths],
                           passed=f"{len(fn.network.invocation)} invocation path(s), none {what}")


@check(
    id="ZT-NET-001",
    title="Function can be invoked anonymously",
    pillar=Pillar.network,
    severity=Severity.critical,
    rationale="Never trust, always verify: every call should carry an identity the platform checks.",
    risk="Anyone on the internet can run the function, spend its budget and reach whatever its identity can.",
    remediation=fix(
        aws=("Lambda > function > Configuration > Function URL: set Auth type AWS_IAM; Permissions: remove "
             "resource-policy statements whose Principal is '*' or add an aws:SourceArn/aws:SourceAccount "
             "condition.",
             "aws lambda update-function-url-config --function-name FN --auth-type AWS_IAM && "
             "aws lambda remove-permission --function-name FN --statement-id SID",
             'resource "aws_lambda_function_url" "fn" { authorization_type = "AWS_IAM" }'),
        azure=("Function app > Authentication: add an identity provider and set 'Restrict access' to "
               "'Require authentication'; set anonymous HTTP triggers to authLevel function, and restrict "
               "public network access.",
               "az webapp auth update -g RG -n APP --enabled true --action Return401",
               'auth_settings_v2 { auth_enabled = true\n  require_authentication = true }'),
        gcp=("Cloud Functions > function > Permissions: remove allUsers from the Cloud Functions/Cloud Run "
             "Invoker role and grant it to the calling service accounts.",
             "gcloud functions remove-invoker-policy-binding FN --member=allUsers --region=REGION",
             'resource "google_cloudfunctions2_function_iam_member" "x" { member = "serviceAccount:CALLER" }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/urls-auth.html",
                "https://learn.microsoft.com/azure/app-service/overview-authentication-authorization",
                "https://cloud.google.com/functions/docs/securing/managing-access-iam"],
    compliance={"CIS-AWS-Compute": ["4.6"], "AWS-FSBP": ["Lambda.1"], "CIS-Azure": ["9.1"],
                "NIST-800-53": ["AC-3", "IA-2", "SC-7"], "NIST-800-207": ["Tenet 3", "Tenet 6"],
                "OWASP-Serverless": ["A2:2017", "A5:2017"]},
)
def anonymous_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.principal_kind == "anonymous" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "anonymous")


@check(
    id="ZT-NET-002",
    title="Function can be invoked by any authenticated principal",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="'Any signed-in principal' (allAuthenticatedUsers, {\"AWS\": \"*\"}, any social login) is "
    "everyone with a free account: authentication without authorisation.",
    risk="Any account holder of the cloud or identity provider, in any organisation, can run the function.",
    remediation=fix(
        aws=("Replace Principal {\"AWS\": \"*\"} with the calling account or role ARNs, or add an "
             "aws:PrincipalOrgID condition.",
             "aws lambda remove-permission --function-name FN --statement-id SID && aws lambda add-permission "
             "--function-name FN --statement-id caller --action lambda:InvokeFunction --principal ACCOUNT_ID",
             None),
        azure=("Authentication: remove social identity providers or restrict the Entra ID provider to your "
               "tenant and allowed applications/groups.",
               "az webapp auth microsoft update -g RG -n APP --allowed-token-audiences api://APP",
               None),
        gcp=("Remove allAuthenticatedUsers from the invoker role; grant it to named service accounts.",
             "gcloud functions remove-invoker-policy-binding FN --member=allAuthenticatedUsers --region=REGION",
             None),
    ),
    references=["https://cloud.google.com/iam/docs/principals-overview#all-authenticated-users",
                "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"],
    compliance={"CIS-AWS-Compute": ["4.6"], "AWS-FSBP": ["Lambda.1"], "NIST-800-53": ["AC-3", "AC-6"],
                "NIST-800-207": ["Tenet 6"], "OWASP-Serverless": ["A5:2017"]},
)
def any_authenticated_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.principal_kind == "any_authenticated" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "open to any authenticated principal")


@check(
    id="ZT-NET-003",
    title="Function can be invoked cross-account without source conditions",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="Another account named in the invoke policy is trusted wholesale unless a condition pins the "
    "calling resource or organisation.",
    risk="Every principal and every resource of the other account (or project) can invoke the function.",
    remediation=fix(
        aws=("Name the calling role ARN instead of the account root, or add aws:SourceArn / "
             "aws:PrincipalOrgID conditions to the permission.",
             "aws lambda add-permission --function-name FN --statement-id partner --action lambda:InvokeFunction "
             "--principal arn:aws:iam::PARTNER:role/caller",
             None),
        gcp=("Grant the invoker role to the specific service account of the other project, not to the "
             "whole project (projectViewer:/projectEditor: members).",
             "gcloud functions add-invoker-policy-binding FN --member=serviceAccount:caller@OTHER.iam.gserviceaccount.com",
             None),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/permissions-function-cross-account.html"],
    compliance={"CIS-AWS-Compute": ["4.10"], "AWS-FSBP": ["Lambda.1"], "NIST-800-53": ["AC-3", "AC-4"],
                "NIST-800-207": ["Tenet 6"], "OWASP-Serverless": ["A5:2017"]},
    providers=["aws", "gcp"],
)
def cross_account_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation
                  if p.cross_account and not p.narrowed and p.principal_kind not in ("anonymous", "any_authenticated")]
    return _paths_verdict(fn, open_paths, "granted to another account without conditions")


@check(
    id="ZT-NET-004",
    title="Service principal may invoke the function without SourceArn/SourceAccount (confused deputy)",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="A cloud service principal (s3.amazonaws.com, sns.amazonaws.com ...) acts for every customer; "
    "without aws:SourceArn or aws:SourceAccount any customer's bucket or topic can trigger the function.",
    risk="Another AWS account points its own resource at the function and invokes it with crafted events.",
    remediation=fix(
        aws=("Re-add the permission with --source-arn (and --source-account for S3).",
             "aws lambda add-permission --function-name FN --statement-id s3 --action lambda:InvokeFunction "
             "--principal s3.amazonaws.com --source-arn arn:aws:s3:::BUCKET --source-account ACCOUNT",
             'resource "aws_lambda_permission" "s3" { principal = "s3.amazonaws.com"\n'
             '  source_arn = aws_s3_bucket.b.arn  source_account = data.aws_caller_identity.me.account_id }'),
    ),
    references=["https://docs.aws.amazon.com/IAM/latest/UserGuide/confused-deputy.html",
                "https://docs.aws.amazon.com/lambda/latest/dg/access-control-resource-based.html"],
    compliance={"AWS-FSBP": ["Lambda.1"], "CIS-AWS-Compute": ["4.6"], "NIST-800-53": ["AC-3", "IA-9"],
                "NIST-800-207": ["Tenet 6"], "OWASP-Serverless": ["A5:2017"]},
    providers=["aws"],
)
def confused_deputy_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation
                  if p.principal_kind == "service" and p.via == "resource_policy" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "granted to a service principal without source conditions")


@check(
    id="ZT-NET-005",
    title="Function endpoint accepts traffic from the whole internet",
    pillar=Pillar.network,
    severity=Severity.medium,
    rationale="An endpoint that needs no caller outside a known network should not be reachable from every "
    "address: ingress restriction is the second lock behind authentication.",
    risk="Every internet host can probe the endpoint, brute-force keys and exploit pre-authentication bugs.",
    remediation=fix(
        aws=("Remove the function URL and front the function with API Gateway (resource policy, WAF) or a "
             "private API, or invoke it only through AWS APIs.",
             "aws lambda delete-function-url-config --function-name FN",
             None),
        azure=("Networking > Public network access: Disabled (private endpoint), or add access restrictions "
               "with default action Deny.",
               "az functionapp update -g RG -n APP --set publicNetworkAccess=Disabled",
               'site_config { ip_restriction_default_action = "Deny" }'),
        gcp=("Set ingress to internal-only or internal-and-gclb.",
             "gcloud functions deploy FN --ingress-settings internal-only",
             'service_config { ingress_settings = "ALLOW_INTERNAL_ONLY" }'),
    ),
    references=["https://cloud.google.com/functions/docs/networking/network-settings#ingress_settings",
                "https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions"],
    compliance={"NIST-800-53": ["SC-7", "AC-4"], "NIST-800-207": ["Tenet 2"], "OWASP-Serverless": ["A6:2017"]},
)
def unrestricted_ingress(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    public = fn.network.public_ingress
    if public is None:
        return Verdict.not_applicable("the function has no network endpoint of its own")
    where = fn.network.ingress or fn.network.endpoint_url or "endpoint"
    return Verdict.fail_if([f"{where}: reachable from any internet address"] if public else [],
                           passed=f"ingress restricted ({where}; {', '.join(fn.network.ingress_restrictions[:3])})")


@check(
    id="ZT-NET-006",
    title="Function is not attached to a private network",
    pillar=Pillar.network,
    severity=Severity.low,
    rationale="Attaching the function to a VPC/VNet lets its traffic be inspected and confined by network "
    "policy and lets it reach data stores over private endpoints.",
    risk="Outbound traffic goes straight to the internet: exfiltration and callbacks are unconstrained.",
    remediation=fix(
        aws=("Lambda > Configuration > VPC: choose private subnets in two or more AZs and a security group.",
             "aws lambda update-function-configuration --function-name FN --vpc-config "
             "SubnetIds=subnet-a,subnet-b,SecurityGroupIds=sg-1",
             'vpc_config { subnet_ids = var.private_subnets  security_group_ids = [aws_security_group.fn.id] }'),
        azure=("Networking > Outbound traffic > VNet integration: add a delegated subnet.",
               "az functionapp vnet-integration add -g RG -n APP --vnet VNET --subnet SUBNET",
               'virtual_network_subnet_id = azurerm_subnet.fn.id'),
        gcp=("Connect the function to a Serverless VPC Access connector or Direct VPC egress.",
             "gcloud functions deploy FN --vpc-connector CONNECTOR --egress-settings all",
             'service_config { vpc_connector = google_vpc_access_connector.c.id }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/configuration-vpc.html",
                "https://learn.microsoft.com/azure/azure-functions/functions-networking-options"],
    compliance={"AWS-FSBP": ["Lambda.3"], "NIST-800-53": ["SC-7"], "NIST-800-207": ["Tenet 2"]},
)
def no_private_network(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    net = fn.network.private_network
    return Verdict.fail_if([] if net.attached else ["no VPC/VNet/connector attachment"],
                           passed=f"attached to {net.network_id or ', '.join(net.subnets)}")


@check(
    id="ZT-NET-007",
    title="Egress is not routed through the private network",
    pillar=Pillar.network,
    severity=Severity.medium,
    rationale="With only private ranges routed through the VNet/VPC connector, internet-bound traffic "
    "bypasses the network's firewall, NAT and logging.",
    risk="Exfiltration to internet hosts is neither filtered nor logged by the private network.",
    remediation=fix(
        azure=("Networking > VNet integration: enable 'Route All' (outbound internet traffic).",
               "az functionapp config set -g RG -n APP --vnet-route-all-enabled true",
               'site_config { vnet_route_all_enabled = true }'),
        gcp=("Set VPC egress to all traffic.",
             "gcloud functions deploy FN --egress-settings all",
             'service_config { vpc_connector_egress_settings = "ALL_TRAFFIC" }'),
    ),
    references=["https://cloud.google.com/functions/docs/networking/network-settings#egress_settings",
                "https://learn.microsoft.com/azure/azure-functions/functions-networking-options#virtual-network-integration"],
    compliance={"NIST-800-53": ["SC-7", "AC-4"], "NIST-800-207": ["Tenet 2", "Tenet 7"]},
    providers=["azure", "gcp"],
)
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


_CORS_FIX = fix(
    aws=("Lambda > Configuration > Function URL > CORS: list the exact origins that call the function.",
         "aws lambda update-function-url-config --function-name FN --cors AllowOrigins=https://app.example.com",
         'cors { allow_origins = ["https://app.example.com"] }'),
    azure=("Function app > API > CORS: remove '*' and list the exact origins.",
           "az functionapp cors remove -g RG -n APP --allowed-origins '*'",
           'site_config { cors { allowed_origins = ["https://app.example.com"] } }'),
    gcp=("Return Access-Control-Allow-Origin only for known origins in the function code.", None, None),
)


@check(
    id="ZT-NET-008",
    title="CORS allows any origin",
    pillar=Pillar.network,
    severity=Severity.medium,
    rationale="A wildcard origin lets every web page script calls to the function from its visitors' "
    "browsers.",
    risk="Malicious sites drive the function from users' browsers and read its responses.",
    remediation=_CORS_FIX,
    references=["https://developer.mozilla.org/docs/Web/HTTP/CORS",
                "https://learn.microsoft.com/azure/azure-functions/functions-how-to-use-azure-function-app-settings#cors"],
    compliance={"NIST-800-53": ["AC-4"], "OWASP-Serverless": ["A6:2017"], "NIST-800-207": ["Tenet 6"]},
    providers=["aws", "azure"],
)
def cors_any_origin(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    cors = fn.network.cors
    if cors is None:
        return Verdict.not_applicable("no CORS configuration on the platform")
    wild = _any_origin(cors.allowed_origins)
    return Verdict.fail_if([f"allowed origins {', '.join(cors.allowed_origins)}"] if wild else [],
                           passed=f"allowed origins: {', '.join(cors.allowed_origins) or 'none'}")


@check(
    id="ZT-NET-009",
    title="CORS allows any origin with credentials",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="Any origin together with credentials lets any web page make authenticated calls with the "
    "user's cookies or tokens.",
    risk="A malicious page acts as the signed-in user against the function and reads the answers.",
    remediation=_CORS_FIX,
    references=["https://developer.mozilla.org/docs/Web/HTTP/Headers/Access-Control-Allow-Credentials"],
    compliance={"NIST-800-53": ["AC-4", "SC-8"], "OWASP-Serverless": ["A6:2017", "A2:2017"],
                "NIST-800-207": ["Tenet 6"]},
    providers=["aws", "azure"],
)
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


@check(
    id="ZT-NET-010",
    title="HTTPS is not enforced or TLS below 1.2 is accepted",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="All communication is secured regardless of network location: plain HTTP and TLS 1.0/1.1 "
    "expose requests, keys and tokens in transit.",
    risk="Network attackers read or alter calls, including function keys and bearer tokens.",
    remediation=fix(
        azure=("Function app > Configuration > General settings: HTTPS Only On, Minimum TLS 1.2 for the site "
               "and the SCM site.",
               "az functionapp update -g RG -n APP --set httpsOnly=true && "
               "az functionapp config set -g RG -n APP --min-tls-version 1.2",
               'https_only = true\nsite_config { minimum_tls_version = "1.2"  scm_minimum_tls_version = "1.2" }'),
        gcp=("Redeploy 1st gen HTTP functions with 'Require HTTPS' (security level SECURE_ALWAYS).",
             "gcloud functions deploy FN --trigger-http --security-level secure-always",
             'https_trigger_security_level = "SECURE_ALWAYS"'),
    ),
    references=["https://learn.microsoft.com/azure/app-service/configure-ssl-bindings#enforce-https",
                "https://cloud.google.com/functions/docs/writing/write-http-functions#https_only"],
    compliance={"CIS-Azure": ["9.2", "9.3"], "NIST-800-53": ["SC-8"], "NIST-800-207": ["Tenet 2"],
                "OWASP-Serverless": ["A3:2017"]},
    providers=["azure", "gcp"],
)
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


@check(
    id="ZT-NET-011",
    title="Management plane is exposed (basic-auth publishing, FTP, remote debugging)",
    pillar=Pillar.network,
    severity=Severity.high,
    rationale="Deployment and debugging endpoints change the code that runs; they should accept only "
    "Entra ID identities from restricted networks.",
    risk="A leaked publishing password, sniffed FTP login or debugger attach gives code execution in the app.",
    remediation=fix(
        azure=("Configuration > General settings: SCM/FTP Basic Auth Publishing Credentials Off, FTP state "
               "Disabled (or FTPS only), Remote debugging Off.",
               "az resource update -g RG -n scm --namespace Microsoft.Web --resource-type basicPublishingCredentialsPolicies "
               "--parent sites/APP --set properties.allow=false && "
               "az functionapp config set -g RG -n APP --ftps-state Disabled --remote-debugging-enabled false",
               'ftp_publish_basic_authentication_enabled = false\n'
               'webdeploy_publish_basic_authentication_enabled = false\n'
               'site_config { ftps_state = "Disabled"  remote_debugging_enabled = false }'),
    ),
    references=["https://learn.microsoft.com/azure/app-service/configure-basic-auth-disable",
                "https://learn.microsoft.com/azure/app-service/deploy-ftp"],
    compliance={"CIS-Azure": ["9.10"], "NIST-800-53": ["AC-17", "CM-7", "IA-2"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A6:2017"]},
    providers=["azure"],
)
def management_exposed(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _management_verdict(fn, False, "basic auth, FTP and remote debugging off")


@check(
    id="ZT-NET-014",
    title="SCM (Kudu) site has no network restriction of its own",
    pillar=Pillar.network,
    severity=Severity.low,
    rationale="The deployment site should be reachable only from the networks that deploy, even when it "
    "accepts only Entra ID sign-in.",
    risk="Anyone on the internet can reach the Kudu sign-in and deployment APIs; a stolen token or "
    "publishing credential works from anywhere.",
    remediation=fix(
        azure=("Function app > Networking > Access restrictions > Advanced tool site: add allow rules for the "
               "deploying networks (or 'Use main site rules') and set unmatched rule action Deny.",
               "az functionapp config access-restriction set -g RG -n APP --use-same-restrictions-for-scm-site true",
               'site_config { scm_use_main_ip_restriction = true }'),
    ),
    references=["https://learn.microsoft.com/azure/app-service/app-service-ip-restrictions#restrict-access-to-an-scm-site"],
    compliance={"CIS-Azure": ["9.10"], "NIST-800-53": ["AC-17", "SC-7"], "NIST-800-207": ["Tenet 6"]},
    providers=["azure"],
)
def scm_site_open(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    return _management_verdict(fn, True, "the SCM site is restricted or unreachable from the internet")


@check(
    id="ZT-NET-012",
    title="Private network attachment uses a single availability zone",
    pillar=Pillar.network,
    severity=Severity.low,
    rationale="Subnets in one zone tie the function's availability to that zone.",
    risk="A zone outage stops the function entirely.",
    remediation=fix(
        aws=("Lambda > Configuration > VPC: add subnets in at least two Availability Zones.",
             "aws lambda update-function-configuration --function-name FN --vpc-config "
             "SubnetIds=subnet-az-a,subnet-az-b,SecurityGroupIds=sg-1",
             'vpc_config { subnet_ids = [aws_subnet.a.id, aws_subnet.b.id] }'),
    ),
    references=["https://docs.aws.amazon.com/securityhub/latest/userguide/lambda-controls.html#lambda-5"],
    compliance={"AWS-FSBP": ["Lambda.5"], "NIST-800-53": ["CP-10", "SC-36"]},
    providers=["aws"],
)
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


@check(
    id="ZT-NET-013",
    title="Function is invocable with only a shared key",
    pillar=Pillar.network,
    severity=Severity.medium,
    rationale="A function key is a static shared secret: it identifies no caller, is rarely rotated and "
    "travels in URLs.",
    risk="Whoever obtains the key (logs, browser history, a partner) can call the function from anywhere.",
    remediation=fix(
        azure=("Enable App Service Authentication (Entra ID) in front of key-protected HTTP triggers, or "
               "restrict public network access so the key is not the only barrier.",
               "az webapp auth update -g RG -n APP --enabled true --action Return401",
               'auth_settings_v2 { auth_enabled = true  require_authentication = true }'),
    ),
    references=["https://learn.microsoft.com/azure/azure-functions/security-concepts#function-access-keys"],
    compliance={"CIS-Azure": ["9.1"], "NIST-800-53": ["IA-2", "IA-5(7)"], "NIST-800-207": ["Tenet 6"],
                "OWASP-Serverless": ["A2:2017"]},
    providers=["azure"],
)
def key_only_invoke(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    open_paths = [p for p in fn.network.invocation if p.auth == "key" and not p.narrowed]
    return _paths_verdict(fn, open_paths, "protected by a shared key alone")
