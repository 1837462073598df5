"""Azure Functions provider: function apps and their deployment slots, read through ARM."""

from providers.azure.options import AzureOptions
from providers.azure.provider import AzureProvider

__all__ = ["AzureOptions", "AzureProvider"]
