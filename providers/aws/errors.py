"""Turn botocore errors into one line that says what went wrong, never a traceback."""

from __future__ import annotations

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    ProfileNotFound,
)

ACCESS_DENIED = {"AccessDenied", "AccessDeniedException", "UnauthorizedOperation", "UnrecognizedClientException"}
EXPIRED = {"ExpiredToken", "ExpiredTokenException", "RequestExpired", "InvalidClientTokenId"}


def describe(exc: BaseException, call: str = "") -> str:
    where = f"{call}: " if call else ""
    if isinstance(exc, ClientError):
        err = exc.response.get("Error", {})
        code = err.get("Code", "Error")
        message = " ".join(str(err.get("Message", "")).split())[:200]
        return f"{where}{code}: {message}" if message else f"{where}{code}"
    if isinstance(exc, EndpointConnectionError):
        return f"{where}endpoint did not answer ({exc.kwargs.get('endpoint_url', '')})"
    if isinstance(exc, NoCredentialsError):
        return f"{where}no AWS credentials found (profile, environment, SSO or instance role)"
    if isinstance(exc, ProfileNotFound):
        return f"{where}{exc}"
    if isinstance(exc, BotoCoreError):
        return f"{where}{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"
    return f"{where}{type(exc).__name__}: {' '.join(str(exc).split())[:200]}"


def error_code(exc: BaseException) -> str | None:
    return exc.response.get("Error", {}).get("Code") if isinstance(exc, ClientError) else None


def is_not_found(exc: BaseException) -> bool:
    return error_code(exc) in {"ResourceNotFoundException", "NotFoundException", "NoSuchEntity"}
