"""The Google APIs emulator behind ``ztscan demo`` and the GCP tests: HTTP server, routes,
estate builders and the demo estate, one module each."""

from scanner.demo.gcp.builders import gen1_function, gen2_function, policy, project
from scanner.demo.gcp.estate import demo_estate
from scanner.demo.gcp.server import Emulator, serve

__all__ = ["Emulator", "demo_estate", "gen1_function", "gen2_function", "policy", "project", "serve"]
