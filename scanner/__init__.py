"""ztscan: zero-trust posture scanner for serverless functions."""

__version__ = "0.1.0"
