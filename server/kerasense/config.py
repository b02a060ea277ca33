"""Which rules run and how loud they are: ``[tool.kerasense]`` and editor settings."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from kerasense.findings import Severity
from kerasense.knowledge import knowledge

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

logger = logging.getLogger(__name__)


KEYS = ("select", "ignore", "severity")
"""The keys of ``[tool.kerasense]``."""


class ConfigError(ValueError):
    """A setting that cannot be used; the message says which and why."""


@dataclass(frozen=True)
class Config:
    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    severity: Mapping[str, Severity] = field(default_factory=dict)

    def enabled(self, code: str) -> bool:
        if self.select and not any(code.startswith(prefix) for prefix in self.select):
            return False
        return not any(code.startswith(prefix) for prefix in self.ignore)

    def severity_of(self, code: str, default: Severity) -> Severity:
        return self.severity.get(code, default)

    def merged(self, other: Config) -> Config:
        """``other`` on top of this: its non-empty settings win."""
        return replace(
            self,
            select=other.select or self.select,
            ignore=(*self.ignore, *other.ignore),
            severity={**self.severity, **other.severity},
        )

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any], origin: str = "settings") -> Config:
        """Build a config from ``[tool.kerasense]``-shaped data; raise ConfigError if off."""
        if not isinstance(data, Mapping):
            raise ConfigError(f"{origin}: expected a table, got {type(data).__name__}")
        select = _codes(data.get("select", ()), f"{origin}: select")
        ignore = _codes(data.get("ignore", ()), f"{origin}: ignore")
        raw_severity = data.get("severity", {})
        if not isinstance(raw_severity, Mapping):
            raise ConfigError(f"{origin}: severity must be a table of code = level")
        severity = {}
        for code, level in raw_severity.items():
            try:
                severity[str(code).upper()] = Severity.parse(str(level))
            except KeyError:
                raise ConfigError(
                    f"{origin}: severity for {code} must be error, warning, "
                    f"information or hint, not {level!r}"
                ) from None
        _known(tuple(severity), f"{origin}: severity", prefixes=False)
        return cls(select=select, ignore=ignore, severity=severity)


def _codes(value: Any, origin: str) -> tuple[str, ...]:
    """Rule codes or prefixes: a list of them, or one alone."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list | tuple) or not all(
        isinstance(v, str) for v in value
    ):
        raise ConfigError(f'{origin} must be a list of rule codes such as "KS101"')
    return _known(tuple(v.strip().upper() for v in value if v.strip()), origin)


def _known(
    codes: tuple[str, ...], origin: str, prefixes: bool = True
) -> tuple[str, ...]:
    if not codes:
        return codes
    rules = knowledge().rules
    unknown = [
        code
        for code in codes
        if not (
            any(rule.startswith(code) for rule in rules) if prefixes else code in rules
        )
    ]
    if unknown:
        raise ConfigError(f"{origin}: unknown rule code {', '.join(unknown)}")
    return codes


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start``."""
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        path = candidate / "pyproject.toml"
        if path.is_file():
            return path
    return None


def load_pyproject(path: Path) -> Config:
    """``[tool.kerasense]`` from a pyproject file; raises ConfigError with file and reason."""
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError) as error:
        raise ConfigError(f"{path}: cannot read [tool.kerasense]: {error}") from None
    tool = data.get("tool", {})
    section = tool.get("kerasense", {}) if isinstance(tool, Mapping) else {}
    origin = f"{path} [tool.kerasense]"
    if isinstance(section, Mapping):
        unknown = sorted(set(section) - set(KEYS))
        if unknown:
            raise ConfigError(
                f"{origin}: unknown key {', '.join(unknown)}; the keys are "
                f"{', '.join(KEYS)}"
            )
    return Config.from_mapping(section, origin=origin)
