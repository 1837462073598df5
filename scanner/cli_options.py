"""Turn a pydantic options model into click options, so one model validates both the command
line and the config file (and documents both)."""

from __future__ import annotations

import types
import typing
from typing import Any

import click
from pydantic import BaseModel, ValidationError


class OptionsError(Exception):
    """A bad option or config value, worded for one line."""


def _flag(name: str, extra: dict[str, Any]) -> str:
    return str(extra.get("flag") or "--" + name.replace("_", "-"))


def _is_list(annotation: Any) -> bool:
    origin = typing.get_origin(annotation)
    if origin in (typing.Union, types.UnionType):
        return any(_is_list(a) for a in typing.get_args(annotation) if a is not type(None))
    return origin is list


def _is_bool(annotation: Any) -> bool:
    return annotation is bool or (
        typing.get_origin(annotation) in (typing.Union, types.UnionType) and bool in typing.get_args(annotation)
    )


def click_params(model: type[BaseModel]) -> list[click.Option]:
    params = []
    for name, field in model.model_fields.items():
        extra = field.json_schema_extra if isinstance(field.json_schema_extra, dict) else {}
        if extra.get("cli") is False:
            continue
        flag = _flag(name, extra)
        help_text = f"{field.description or ''} [config: {name}]".strip()
        if _is_bool(field.annotation) and extra.get("plain_flag"):
            params.append(click.Option([flag, name], is_flag=True, default=None, help=help_text))
        elif _is_bool(field.annotation):
            params.append(click.Option([f"{flag}/--no-{flag[2:]}", name], default=None, help=help_text))
        elif _is_list(field.annotation):
            repeatable = help_text + " (repeatable or comma-separated)"
            params.append(click.Option([flag, name], multiple=True, help=repeatable))
        else:
            params.append(click.Option([flag, name], default=None, help=help_text))
    return params


def _split(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


def build(model: type[BaseModel], cli_values: dict[str, Any], config: dict[str, Any], where: str) -> Any:
    """Config-file values, overridden by whatever was given on the command line."""
    merged = dict(config)
    for name, field in model.model_fields.items():
        value = cli_values.get(name)
        if value is None or value == ():
            continue
        merged[name] = _split(value) if _is_list(field.annotation) else value
    try:
        return model.model_validate(merged)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "options"
        field = model.model_fields.get(loc)
        extra = field.json_schema_extra if field and isinstance(field.json_schema_extra, dict) else {}
        flag = _flag(loc, extra) if field else loc
        raise OptionsError(f"{where}: {flag}: {err['msg']}") from exc
