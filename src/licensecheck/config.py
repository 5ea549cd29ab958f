"""Configuration: ``licensecheck.toml`` or ``[tool.licensecheck]`` in ``pyproject.toml`` → option defaults.

Where: ``--config FILE`` names the file; otherwise the working directory and then each parent
folder is searched, and the first folder holding a ``licensecheck.toml``, or a
``pyproject.toml`` with a ``[tool.licensecheck]`` table, wins (``licensecheck.toml`` first).
The search (and the workspace's, which goes the same way) stops below any folder named in
``LICENSECHECK_CEILING_DIRECTORIES``, as Git's repository search stops at
``GIT_CEILING_DIRECTORIES``.

What: ``pack``, ``pack-path`` (a list of folders), ``fail-on``, ``waivers``, ``baseline``,
``format`` (of ``check``), ``lang``, ``jobs``, ``calendar`` (of ``plan``), for the workspace
``workspace`` (a folder), ``database-url`` and ``record``, and for the language server
``lsp-declaration`` (the declaration its code lenses evaluate rules against), for the pack
supply chain ``require-signed`` and ``trusted-keys`` (public key files), ``evidence-root``
(a folder evidence files may also be in), and ``cache`` (``false``: never use the pack
cache); ``snake_case``
spellings are accepted too.
Relative paths are relative to the file's folder, so a configuration works from any
subfolder. The values become the commands' defaults: a flag on the command line always wins.
"""

from __future__ import annotations

import json
import os
import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator
from pydantic_core import PydanticCustomError

from . import codes

# the search's names, where callers have always found them
from .config_files import CEILING_ENV as CEILING_ENV
from .config_files import CONFIG_FILE as CONFIG_FILE
from .config_files import CONFIGURATION as CONFIGURATION
from .config_files import LOCK_FILE as LOCK_FILE
from .config_files import PYPROJECT as PYPROJECT
from .config_files import find_config as find_config
from .config_files import folders_upward as folders_upward
from .errors import ConfigError, Diagnostic, Span, did_you_mean
from .sources.parse import locate_excess
from .sources.text import read_source_text
from .sources.validation import empty_list


class Config(BaseModel):
    """``licensecheck.toml`` (or ``[tool.licensecheck]`` in ``pyproject.toml``)."""

    # Built when first used: most runs find no configuration file (and the CLI then makes
    # none of these), so building the validator at import would be ~1 ms for nothing.
    model_config = ConfigDict(
        extra="forbid",
        frozen=True,
        populate_by_name=True,
        title="licensecheck configuration",
        defer_build=True,
    )

    pack: str | None = Field(default=None, description="Default pack: an id or a pack folder.")
    pack_path: list[str] = Field(
        default_factory=empty_list,
        alias="pack-path",
        description="Folders of pack folders searched for pack ids before the bundled packs.",
    )
    fail_on: Literal["critical", "high", "medium", "low", "none"] | None = Field(
        default=None, alias="fail-on", description="Default --fail-on."
    )
    waivers: str | None = Field(default=None, description="Default waiver file.")
    baseline: str | None = Field(default=None, description="Default baseline report of check.")
    format: Literal["text", "json", "sarif", "junit", "github", "oscal", "markdown"] | None = Field(
        default=None, description="Default output format of check."
    )
    lang: Literal["en", "zh"] | None = Field(default=None, description="Default --lang.")
    jobs: Annotated[int, Field(ge=1)] | Literal["auto"] | None = Field(
        default=None, description="Default --jobs of check: a number of processes, or auto."
    )

    @field_validator("jobs", mode="before")
    @classmethod
    def _one_message_for_jobs(cls, value: object) -> object:
        """Either form is right, so say so once (the union's two complaints confuse)."""
        if value is None or value == "auto":
            return value
        if isinstance(value, int) and not isinstance(value, bool) and value >= 1:
            return value
        shown = (
            json.dumps(value)
            if isinstance(value, str | int | float | bool)
            else type(value).__name__
        )
        raise PydanticCustomError(
            "jobs", 'a number of processes (1 or more) or "auto", not {value}', {"value": shown}
        )

    workspace: str | None = Field(
        default=None, description="The workspace folder (holding .licensecheck/workspace.db)."
    )
    database_url: str | None = Field(
        default=None,
        alias="database-url",
        description="The workspace database URL (postgresql+psycopg://… for a team server).",
    )
    record: bool | None = Field(
        default=None, description="Record every check, report and plan in the workspace."
    )
    calendar: Literal["weekends", "cn", "none"] | None = Field(
        default=None, description="Default --calendar of plan (else the pack's)."
    )
    cache: bool | None = Field(
        default=None,
        description="Use the pack cache (parsed and checked packs kept between runs); "
        "false is --no-cache.",
    )
    lsp_declaration: str | None = Field(
        default=None,
        alias="lsp-declaration",
        description="The declaration the language server evaluates rules against (code lenses).",
    )
    require_signed: bool | None = Field(
        default=None,
        alias="require-signed",
        description="Refuse packs (other than the bundled ones) without a valid signature by a "
        "trusted key.",
    )
    trusted_keys: list[str] = Field(
        default_factory=empty_list,
        alias="trusted-keys",
        description="Public key files (ed25519, PEM or OpenSSH) whose pack signatures are trusted.",
    )
    evidence_root: str | None = Field(
        default=None,
        alias="evidence-root",
        description="A folder evidence files may also be in (--evidence-root).",
    )


@dataclass(frozen=True)
class LoadedConfig:
    config: Config = field(default_factory=Config)
    path: Path | None = None

    def option_defaults(self) -> dict[str, Any]:
        """Option name → default, paths resolved against the file's folder."""
        c = self.config
        base = self.path.parent if self.path is not None else Path.cwd()
        values: dict[str, Any] = {}
        if c.pack is not None:
            candidate = base / c.pack
            values["pack"] = str(candidate) if _looks_like_folder(c.pack, candidate) else c.pack
        if c.pack_path:
            values["pack_path"] = [str(base / p) for p in c.pack_path]
        for name in ("waivers", "baseline", "evidence_root"):
            value = getattr(c, name)
            if value is not None:
                values[name] = str(base / value)
        for name in ("fail_on", "lang", "jobs", "calendar"):
            value = getattr(c, name)
            if value is not None:
                values[name] = value
        if c.format is not None:
            values["fmt"] = c.format
        if c.workspace is not None:
            values["workspace"] = str(base / c.workspace)
        if c.database_url is not None:
            values["db"] = c.database_url
        if c.record is not None:
            values["record"] = c.record
        if c.cache is not None:
            values["no_cache"] = not c.cache
        if c.lsp_declaration is not None:
            values["lsp_declaration"] = str(base / c.lsp_declaration)
        if c.require_signed is not None:
            values["require_signed"] = c.require_signed
        if c.trusted_keys:
            values["trusted_keys"] = [str(base / k) for k in c.trusted_keys]
        return values


def _looks_like_folder(value: str, candidate: Path) -> bool:
    return "/" in value or "\\" in value or value.startswith(".") or candidate.is_dir()


def load_config(
    path: str | os.PathLike[str] | None = None, *, start: Path | None = None
) -> LoadedConfig:
    """Read the configuration (``path``, or the one found from ``start``); an empty one when
    there is none. Raises :class:`ConfigError` at the offending line."""
    found = Path(path) if path is not None else find_config(start)
    if found is None:
        return LoadedConfig()
    shown = os.fspath(found)
    text = read_source_text(found, CONFIGURATION, shown=shown)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        line, column = toml_position(str(exc))
        message = re.sub(r"\s*\(at line \d+, column \d+\)", "", str(exc))
        raise ConfigError(
            Diagnostic(
                codes.CONFIG,
                f"invalid TOML: {message[:1].lower()}{message[1:]}",
                Span(shown, line, column),
            )
        ) from None
    except (ValueError, RecursionError):  # too deep for tomllib, or a number past the digit limit
        line, column, problem = locate_excess(text)
        raise ConfigError(
            Diagnostic(codes.LIMIT, f"invalid TOML: {problem}", Span(shown, line, column))
        ) from None
    table: Any = data
    prefix = ""
    if found.name == PYPROJECT:
        table = data.get("tool", {}).get("licensecheck", {})
        prefix = "tool.licensecheck."
    if not isinstance(table, dict):
        raise ConfigError(
            Diagnostic(codes.CONFIG, f"{prefix or 'the file'} must be a table", Span(shown, 1, 1))
        )
    try:
        config = Config.model_validate(table)
    except ValidationError as exc:
        raise ConfigError(_diagnostics(exc, text, shown, prefix)) from None
    return LoadedConfig(config, found)


def toml_position(message: str) -> tuple[int, int]:
    match = re.search(r"at line (\d+), column (\d+)", message)
    return (int(match.group(1)), int(match.group(2))) if match else (1, 1)


def _diagnostics(exc: ValidationError, text: str, shown: str, prefix: str) -> list[Diagnostic]:
    known = [f.alias or name for name, f in Config.model_fields.items()]
    diagnostics = []
    for error in exc.errors():
        key = str(error["loc"][0]) if error["loc"] else ""
        line = _key_line(text, key, prefix)
        if error["type"] == "extra_forbidden":
            guess = did_you_mean(key.replace("_", "-"), known)
            message = f"unknown key '{prefix}{key}'" + (
                f" (did you mean '{guess}'?)" if guess else ""
            )
        else:
            message = f"{prefix}{key}: {error['msg'][:1].lower()}{error['msg'][1:]}"
        diagnostics.append(Diagnostic(codes.CONFIG, message, Span(shown, line, 1)))
    return diagnostics


def _key_line(text: str, key: str, prefix: str) -> int:
    """The line of ``key = …`` (inside ``[tool.licensecheck]`` for a pyproject.toml)."""
    lines = text.splitlines()
    start = 0
    if prefix:
        for i, line in enumerate(lines):
            if re.match(r"\s*\[\s*tool\s*\.\s*licensecheck\s*\]", line):
                start = i + 1
                break
    pattern = re.compile(rf"\s*[\"']?{re.escape(key)}[\"']?\s*=")
    for i in range(start, len(lines)):
        if pattern.match(lines[i]):
            return i + 1
    return start or 1
