"""Runtime and supply-chain checks.

End-of-support dates come from the cloud's lifecycle API when it publishes one, else from the
bundled scanner/data/runtimes.toml; ``runtime.lifecycle_source`` says which, and the evidence
repeats it. Dates are evaluated against the scan date.
"""

from __future__ import annotations

from datetime import timedelta

from checks.remediation import fix
from scanner.findings import Pillar, Severity, Verdict
from scanner.inventory import ServerlessFunction
from scanner.registry import ScanContext, check

WARNING_DAYS = 90

_UPGRADE = fix(
    aws=("Lambda > function > Runtime settings > Edit: choose a supported runtime, test and redeploy.",
         "aws lambda update-function-configuration --function-name FN --runtime python3.13",
         'resource "aws_lambda_function" "fn" { runtime = "python3.13" }'),
    azure=("Function app > Configuration > General settings: move to a supported language version and "
           "Functions host ~4.",
           "az functionapp config set -g RG -n APP --linux-fx-version 'PYTHON|3.12'",
           'site_config { application_stack { python_version = "3.12" } }'),
    gcp=("Redeploy the function on a supported runtime.",
         "gcloud functions deploy FN --runtime python312",
         'build_config { runtime = "python312" }'),
)
_RUNTIME_REFS = ["https://docs.aws.amazon.com/lambda/latest/dg/lambda-runtimes.html",
                 "https://learn.microsoft.com/azure/azure-functions/language-support-policy",
                 "https://cloud.google.com/functions/docs/runtime-support"]


def _source(fn: ServerlessFunction) -> str:
    return fn.runtime.lifecycle_source or "unknown source"


@check(
    id="ZT-RUN-001",
    title="Function runs on a runtime past its end of support",
    pillar=Pillar.runtime,
    severity=Severity.high,
    rationale="An unsupported runtime no longer receives security patches from the cloud or the language.",
    risk="Known vulnerabilities in the language runtime and OS image stay exploitable; the cloud may block "
    "updates to the function.",
    remediation=_UPGRADE,
    references=_RUNTIME_REFS,
    compliance={"CIS-AWS-Compute": ["4.11"], "AWS-FSBP": ["Lambda.2"], "CIS-Azure": ["9.7"],
                "NIST-800-53": ["SI-2", "SA-22"], "OWASP-Serverless": ["A9:2017"], "NIST-800-207": ["Tenet 5"]},
)
def deprecated_runtime(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    rt = fn.runtime
    if rt.name is None:
        return Verdict.not_applicable(f"no managed runtime (package type {rt.package_type or 'unknown'})")
    past = rt.deprecated_on is not None and rt.deprecated_on <= ctx.scan_date
    return Verdict.fail_if(
        [f"{rt.name} reached end of support on {rt.deprecated_on} (source: {_source(fn)}; "
         f"scan date {ctx.scan_date})"] if past else [],
        passed=f"{rt.name} is supported" + (f" until {rt.deprecated_on} (source: {_source(fn)})"
                                             if rt.deprecated_on else " (no end-of-support date published)"),
    )


@check(
    id="ZT-RUN-002",
    title=f"Function runtime reaches end of support within {WARNING_DAYS} days",
    pillar=Pillar.runtime,
    severity=Severity.low,
    rationale="Upgrading before end of support avoids running unpatched and being blocked from updates.",
    risk="Within weeks the runtime stops receiving patches and the function can no longer be updated.",
    remediation=_UPGRADE,
    references=_RUNTIME_REFS,
    compliance={"CIS-AWS-Compute": ["4.11"], "NIST-800-53": ["SA-22", "SI-2"], "OWASP-Serverless": ["A9:2017"]},
)
def runtime_near_deprecation(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    rt = fn.runtime
    if rt.name is None:
        return Verdict.not_applicable(f"no managed runtime (package type {rt.package_type or 'unknown'})")
    if rt.deprecated_on is None:
        return Verdict.fail_if([], passed=f"{rt.name}: no end-of-support date published")
    if rt.deprecated_on <= ctx.scan_date:
        return Verdict.not_applicable(f"{rt.name} is already past end of support (reported by ZT-RUN-001)")
    days = (rt.deprecated_on - ctx.scan_date).days
    soon = rt.deprecated_on <= ctx.scan_date + timedelta(days=WARNING_DAYS)
    return Verdict.fail_if(
        [f"{rt.name} reaches end of support on {rt.deprecated_on}, in {days} days (source: {_source(fn)})"]
        if soon else [],
        passed=f"{rt.name} supported for {days} more days (until {rt.deprecated_on}, source: {_source(fn)})",
    )


@check(
    id="ZT-RUN-003",
    title="Code signing is not enforced",
    pillar=Pillar.runtime,
    severity=Severity.medium,
    rationale="Enforced code signing lets only artifacts signed by trusted publishers be deployed.",
    risk="Anyone with deploy rights (or a compromised pipeline) can ship unreviewed code to the function.",
    remediation=fix(
        aws=("Create a signing profile (AWS Signer) and a code signing configuration with "
             "UntrustedArtifactOnDeployment=Enforce, then attach it to the function.",
             "aws lambda put-function-code-signing-config --function-name FN --code-signing-config-arn CSC_ARN",
             'resource "aws_lambda_code_signing_config" "c" { policies { untrusted_artifact_on_deployment = '
             '"Enforce" } }'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/configuration-codesigning.html"],
    compliance={"CIS-AWS-Compute": ["4.8"], "NIST-800-53": ["CM-14", "SI-7"], "NIST-800-207": ["Tenet 5"],
                "OWASP-Serverless": ["A9:2017"]},
    providers=["aws"],
)
def code_signing(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    mode = fn.supply_chain.code_signing
    if mode is None:
        return Verdict.not_applicable("code signing does not exist for this function type")
    if fn.runtime.package_type and fn.runtime.package_type.lower() == "image":
        return Verdict.not_applicable("container-image functions are verified by image signing, not Lambda code signing")
    evidence = {"none": ["no code signing configuration"],
                "warn": ["code signing configuration only warns on untrusted artifacts"]}.get(mode, [])
    return Verdict.fail_if(evidence, passed="untrusted artifacts are rejected (Enforce)")


@check(
    id="ZT-RUN-004",
    title="Function uses layers published by other accounts",
    pillar=Pillar.runtime,
    severity=Severity.medium,
    rationale="A layer is code that runs inside the function; one published by another account is outside "
    "your review and change control.",
    risk="The other account's publisher (or whoever compromises it) supplies code that runs with the "
    "function's identity and secrets.",
    remediation=fix(
        aws=("Copy the layer's reviewed content into a layer published in your own account (or vendor it into "
             "the deployment package) and reference that version.",
             "aws lambda publish-layer-version --layer-name NAME --zip-file fileb://layer.zip && "
             "aws lambda update-function-configuration --function-name FN --layers OWN_LAYER_ARN",
             'layers = [aws_lambda_layer_version.own.arn]'),
    ),
    references=["https://docs.aws.amazon.com/lambda/latest/dg/chapter-layers.html"],
    compliance={"NIST-800-53": ["SR-3", "SI-7"], "OWASP-Serverless": ["A9:2017"], "NIST-800-207": ["Tenet 5"]},
    providers=["aws"],
)
def external_layers(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    layers = fn.supply_chain.layers
    if layers is None:
        return Verdict.not_applicable("no layer concept for this function")
    external = [la for la in layers if la.external]
    return Verdict.fail_if([f"layer {la.id} is owned by account {la.owner}" for la in external],
                           passed=f"{len(layers)} layer(s), all from the function's own account")


@check(
    id="ZT-RUN-005",
    title="Function image is built into a deprecated container registry",
    pillar=Pillar.runtime,
    severity=Severity.medium,
    rationale="Container Registry is shut down; images there no longer receive vulnerability scanning and "
    "its storage buckets carry coarse, project-wide access.",
    risk="Builds and redeploys fail, and the image store's access control cannot be tightened per repository.",
    remediation=fix(
        gcp=("Redeploy the function with --docker-registry=artifact-registry (or a --docker-repository in "
             "Artifact Registry).",
             "gcloud functions deploy FN --docker-registry=artifact-registry",
             'docker_registry = "ARTIFACT_REGISTRY"'),
    ),
    references=["https://cloud.google.com/artifact-registry/docs/transition/gcr-repositories",
                "https://cloud.google.com/functions/docs/building#image_registry"],
    compliance={"NIST-800-53": ["SA-22", "SR-3"], "OWASP-Serverless": ["A9:2017"]},
    providers=["gcp"],
)
def deprecated_registry(fn: ServerlessFunction, ctx: ScanContext) -> Verdict:
    deprecated = fn.supply_chain.deprecated_registry
    if deprecated is None:
        return Verdict.not_applicable("no build registry for this function")
    return Verdict.fail_if([f"image registry {fn.supply_chain.image_registry} is deprecated"] if deprecated else [],
                           passed=f"image registry {fn.supply_chain.image_registry}")
