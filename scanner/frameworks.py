"""Compliance frameworks ztscan maps its checks to: titles of frameworks and controls, in one place.

Checks name the controls they support in their metadata (``compliance={framework id: [control]}``);
this module holds what those ids mean. Control numbers follow the cited edition of each framework.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Framework:
    id: str
    title: str
    controls: dict[str, str]
    aliases: tuple[str, ...] = ()


FRAMEWORKS: dict[str, Framework] = {
    f.id: f
    for f in [
        Framework(
            "CIS-AWS-Compute",
            "CIS AWS Compute Services Benchmark v1.0.0, section 4 (Lambda)",
            {
                "4.2": "Ensure Cloudwatch Lambda insights is enabled",
                "4.3": "Ensure AWS Secrets manager is configured and being used by Lambda for databases",
                "4.4": "Ensure least privilege is used with Lambda function access",
                "4.5": "Ensure every Lambda function has its own IAM Role",
                "4.6": "Ensure Lambda functions are not exposed to everyone",
                "4.8": "Ensure that Code Signing is enabled for Lambda functions",
                "4.9": "Ensure there are no Lambda functions with admin privileges within your AWS account",
                "4.10": "Ensure Lambda functions do not allow unknown cross account access via permission policies",
                "4.11": "Ensure that the runtime environment versions used for your Lambda functions do not have "
                "end of support dates",
                "4.12": "Ensure encryption in transit is enabled for Lambda environment variables",
            },
            aliases=("cis-aws", "cis-aws-compute", "cis_aws"),
        ),
        Framework(
            "CIS-Azure",
            "CIS Microsoft Azure Foundations Benchmark v2.0.0, section 9 (App Service)",
            {
                "9.1": "Ensure App Service Authentication is set up for apps in Azure App Service",
                "9.2": "Ensure Web App Redirects All HTTP traffic to HTTPS in Azure App Service",
                "9.3": "Ensure Web App is using the latest version of TLS encryption",
                "9.5": "Ensure that Register with Azure Active Directory is enabled on App Service",
                "9.7": "Ensure that 'Python version' is the Latest Stable Version, if Used to Run the Web App",
                "9.10": "Ensure FTP deployments are Disabled",
                "9.11": "Ensure Azure Key Vaults are Used to Store Secrets",
            },
            aliases=("cis-azure", "cis_azure"),
        ),
        Framework(
            "CIS-GCP",
            "CIS Google Cloud Platform guidance for Cloud Functions",
            {
                "CF-SECRETS": "Secrets are not stored in Cloud Functions environment variables "
                "(CIS GCP guidance; not a numbered Foundations control)",
            },
            aliases=("cis-gcp", "cis_gcp"),
        ),
        Framework(
            "AWS-FSBP",
            "AWS Foundational Security Best Practices (Security Hub), Lambda controls",
            {
                "Lambda.1": "Lambda function policies should prohibit public access",
                "Lambda.2": "Lambda functions should use supported runtimes",
                "Lambda.3": "Lambda functions should be in a VPC",
                "Lambda.5": "VPC Lambda functions should operate in multiple Availability Zones",
                "Lambda.7": "Lambda functions should have AWS X-Ray active tracing enabled",
            },
            aliases=("fsbp", "aws-fsbp", "aws_fsbp"),
        ),
        Framework(
            "OWASP-Serverless",
            "OWASP Serverless Top 10 (2017 interpretation)",
            {
                "A2:2017": "Broken Authentication",
                "A3:2017": "Sensitive Data Exposure",
                "A5:2017": "Broken Access Control",
                "A6:2017": "Security Misconfiguration",
                "A9:2017": "Using Components with Known Vulnerabilities",
                "A10:2017": "Insufficient Logging and Monitoring",
            },
            aliases=("owasp", "owasp-serverless", "owasp_serverless"),
        ),
        Framework(
            "NIST-800-207",
            "NIST SP 800-207 Zero Trust Architecture, tenets (section 2.1)",
            {
                "Tenet 1": "All data sources and computing services are considered resources",
                "Tenet 2": "All communication is secured regardless of network location",
                "Tenet 3": "Access to individual enterprise resources is granted on a per-session basis",
                "Tenet 4": "Access to resources is determined by dynamic policy",
                "Tenet 5": "The enterprise monitors and measures the integrity and security posture of all "
                "owned and associated assets",
                "Tenet 6": "All resource authentication and authorization are dynamic and strictly enforced "
                "before access is allowed",
                "Tenet 7": "The enterprise collects as much information as possible about the current state "
                "of assets, network infrastructure and communications and uses it to improve its security posture",
            },
            aliases=("nist-800-207", "zta", "nist_800_207", "800-207"),
        ),
        Framework(
            "NIST-800-53",
            "NIST SP 800-53 Rev. 5",
            {
                "AC-2": "Account Management",
                "AC-3": "Access Enforcement",
                "AC-4": "Information Flow Enforcement",
                "AC-6": "Least Privilege",
                "AC-6(9)": "Least Privilege | Log Use of Privileged Functions",
                "AC-17": "Remote Access",
                "AU-6": "Audit Record Review, Analysis, and Reporting",
                "AU-11": "Audit Record Retention",
                "AU-12": "Audit Record Generation",
                "CM-7": "Least Functionality",
                "CM-14": "Signed Components",
                "CP-10": "System Recovery and Reconstitution",
                "IA-2": "Identification and Authentication (Organizational Users)",
                "IA-5(7)": "Authenticator Management | No Embedded Unencrypted Static Authenticators",
                "IA-9": "Service Identification and Authentication",
                "SA-22": "Unsupported System Components",
                "SC-7": "Boundary Protection",
                "SC-8": "Transmission Confidentiality and Integrity",
                "SC-12": "Cryptographic Key Establishment and Management",
                "SC-28": "Protection of Information at Rest",
                "SC-36": "Distributed Processing and Storage",
                "SI-2": "Flaw Remediation",
                "SI-4": "System Monitoring",
                "SI-7": "Software, Firmware, and Information Integrity",
                "SR-3": "Supply Chain Controls and Processes",
            },
            aliases=("nist-800-53", "800-53", "nist_800_53"),
        ),
    ]
}


def resolve(name: str) -> str | None:
    """A framework id from a user's spelling of it (case-insensitive id or alias)."""
    wanted = name.strip().lower()
    for fw in FRAMEWORKS.values():
        if wanted == fw.id.lower() or wanted in fw.aliases:
            return fw.id
    return None
