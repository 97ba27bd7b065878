"""Read settings: the TOML file, then `QFON_<SECTION>_<KEY>` environment overrides, then validate.

Every problem is reported at once, one `section.key: problem` line each (a ConfigError, exit 2).
"""

from __future__ import annotations

import json
import os
import tomllib
import typing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from qfon.errors import ConfigError
from qfon.settings.model import DEFAULT_CONFIG_PATH, ENV_PREFIX, Settings


def resolve_config_path(explicit: str | Path | None, env: Mapping[str, str]) -> tuple[Path, bool]:
    """The file to read and whether it must exist (`--config` or `$QFON_CONFIG` must)."""
    if explicit:
        return Path(explicit), True
    if env.get("QFON_CONFIG"):
        return Path(env["QFON_CONFIG"]), True
    return DEFAULT_CONFIG_PATH, False


def read_toml(path: Path, required: bool) -> dict[str, Any]:
    """The file's content as a dict; an absent optional file is an empty one."""
    if not path.exists():
        if required:
            raise ConfigError(f"{path}: no such configuration file")
        return {}
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML ({exc})") from None
    except OSError as exc:
        raise ConfigError(f"{path}: cannot be read ({exc.strerror})") from None


def _is_structured(annotation: Any) -> bool:
    """Whether a field takes a list or a table, so that its environment value is parsed."""
    origin = typing.get_origin(annotation)
    if origin in (list, dict):
        return True
    return any(_is_structured(arg) for arg in typing.get_args(annotation))


def _env_value(raw: str, annotation: Any, var: str) -> Any:
    if not _is_structured(annotation):
        return raw
    text = raw.strip()
    if text.startswith(("[", "{")):
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{var}: not valid JSON ({exc.msg})") from None
    if typing.get_origin(annotation) is dict:
        raise ConfigError(f"{var}: must be a JSON object")
    return [item.strip() for item in text.split(",") if item.strip()]


def apply_env_overrides(data: dict[str, Any], env: Mapping[str, str]) -> dict[str, Any]:
    """Overlay `QFON_<SECTION>_<KEY>` variables onto the file's values."""
    merged = {
        name: dict(value) if isinstance(value, dict) else value for name, value in data.items()
    }
    for section_name, section_field in Settings.model_fields.items():
        section_model = section_field.annotation
        if not (isinstance(section_model, type) and issubclass(section_model, BaseModel)):
            continue
        for key, field in section_model.model_fields.items():
            var = f"{ENV_PREFIX}{section_name}_{key}".upper()
            if var in env:
                section = merged.setdefault(section_name, {})
                if not isinstance(section, dict):
                    continue  # reported by validation as "must be a table"
                section[key] = _env_value(env[var], field.annotation, var)
    return merged


def _location(loc: tuple[int | str, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "settings"


def format_validation_error(error: ValidationError) -> str:
    """One `section.key: problem` line per problem."""
    lines = []
    for item in error.errors():
        message = item["msg"].removeprefix("Value error, ")
        if item["type"] == "extra_forbidden":
            message = "unknown key"
        elif item["type"] == "model_type":
            message = "must be a table of keys"
        lines.append(f"{_location(item['loc'])}: {message}")
    return "\n".join(lines)


def load_settings(path: str | Path | None = None, env: Mapping[str, str] | None = None) -> Settings:
    """Settings from the file (see `resolve_config_path`) and the environment, validated."""
    env = os.environ if env is None else env
    config_path, required = resolve_config_path(path, env)
    data = apply_env_overrides(read_toml(config_path, required), env)
    try:
        return Settings.model_validate(data)
    except ValidationError as exc:
        raise ConfigError(format_validation_error(exc)) from None
