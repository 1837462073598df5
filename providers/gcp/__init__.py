"""Google Cloud Functions (1st and 2nd gen) provider for ztscan."""

from providers.gcp.options import GcpOptions
from providers.gcp.provider import GcpProvider

__all__ = ["GcpOptions", "GcpProvider"]
