"""Editor settings (section ``kerasense``) and ``[tool.kerasense]``, read leniently.

Settings arrive in ``initializationOptions`` and from ``workspace/configuration``; both
are checked the same way. A setting that cannot be used falls back to its default, and
all that was wrong goes into one message, logged once per distinct problem.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from kerasense.config import Config, ConfigError, find_pyproject, load_pyproject

logger = logging.getLogger(__name__)

RUN_MODES = ("onType", "onSave")
MAX_DEBOUNCE_MS = 60_000
LOG_LEVELS = {
    "error": logging.ERROR,
    "warning": logging.WARNING,
    "info": logging.INFO,
    "debug": logging.DEBUG,
}
KNOWN_KEYS = {
    "select",
    "ignore",
    "severity",
    "run",
    "debounceMs",
    "logLevel",
    "interpreter",
    "trace",
}


@dataclass(frozen=True)
class Settings:
    config: Config = field(default_factory=Config)
    run: str = "onType"
    debounce_ms: int = 200
    log_level: str | None = None
    """None keeps the level the server was started with (``--log-level``)."""

    @property
    def debounce(self) -> float:
        return self.debounce_ms / 1000


def section_of(data: object) -> object:
    """The ``kerasense`` part of options given either nested or flat."""
    if isinstance(data, Mapping) and isinstance(data.get("kerasense"), Mapping):
        return data["kerasense"]
    return data


def read_settings(data: object, origin: str) -> tuple[Settings, list[str]]:
    """Settings from editor data, and what had to be replaced by a default."""
    if data is None:
        return Settings(), []
    if not isinstance(data, Mapping):
        return Settings(), [f"{origin}: expected an object, got {type(data).__name__}"]

    problems: list[str] = []
    unknown = sorted(str(key) for key in data if key not in KNOWN_KEYS)
    if unknown:
        problems.append(f"{origin}: unknown setting(s) {', '.join(unknown)}")
    rules = {key: data[key] for key in ("select", "ignore", "severity") if key in data}
    try:
        config = Config.from_mapping(rules, origin=origin)
    except ConfigError as error:
        problems.append(str(error))
        config = Config()

    run = data.get("run", "onType")
    if run not in RUN_MODES:
        problems.append(f"{origin}: run must be onType or onSave, not {run!r}")
        run = "onType"
    debounce = data.get("debounceMs", 200)
    if type(debounce) is not int or not 0 <= debounce <= MAX_DEBOUNCE_MS:
        shown = repr(debounce) if len(repr(debounce)) < 40 else "a larger number"
        problems.append(
            f"{origin}: debounceMs must be an integer from 0 to {MAX_DEBOUNCE_MS}, "
            f"not {shown}"
        )
        debounce = 200
    level = data.get("logLevel")
    if level is not None and level not in LOG_LEVELS:
        problems.append(
            f"{origin}: logLevel must be error, warning, info or debug, not {level!r}"
        )
        level = None
    return Settings(config, run, debounce, level), problems


class ProjectConfigs:
    """``[tool.kerasense]`` of the nearest ``pyproject.toml``, reread when it changes."""

    def __init__(self) -> None:
        self._cache: dict[Path, tuple[float, Config]] = {}
        self._reported: set[str] = set()

    def for_path(self, path: Path) -> Config:
        pyproject = find_pyproject(path)
        if pyproject is None:
            return Config()
        try:
            stamp = pyproject.stat().st_mtime
        except OSError:
            return Config()
        cached = self._cache.get(pyproject)
        if cached is not None and cached[0] == stamp:
            return cached[1]
        try:
            config = load_pyproject(pyproject)
        except ConfigError as error:
            self.report([f"{error}; using the defaults instead"])
            config = Config()
        self._cache[pyproject] = (stamp, config)
        return config

    def report(self, problems: list[str]) -> None:
        """Log problems in one message, unless that same message was logged already."""
        if not problems:
            return
        message = "Kerasense settings: " + "; ".join(problems)
        if message in self._reported:
            return
        self._reported.add(message)
        logger.warning("%s", message)


def effective_config(project: Config, editor: Config) -> Config:
    """The project file's rules, with the editor's non-empty settings on top."""
    return project.merged(editor)


def as_mapping(value: Any) -> Any:
    """Plain dicts and lists from whatever the JSON converter handed over."""
    if isinstance(value, Mapping):
        return {str(k): as_mapping(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [as_mapping(v) for v in value]
    return value
