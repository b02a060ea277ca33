"""Finding the files to check under the paths given on the command line."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

SUFFIXES = (".py", ".ipynb")
_SKIPPED_FOLDERS = {
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "node_modules",
    "__pycache__",
    ".mypy_cache",
    ".ruff_cache",
    ".pytest_cache",
    ".tox",
    "build",
    "dist",
}


def discover(paths: list[Path]) -> Iterator[Path]:
    """Files named on the command line, and matching files found under folders."""
    seen: set[Path] = set()
    for path in paths:
        candidates = sorted(_walk(path)) if path.is_dir() else [path]
        for candidate in candidates:
            key = candidate.resolve()
            if key not in seen:
                seen.add(key)
                yield candidate


def _walk(folder: Path) -> Iterator[Path]:
    for child in folder.iterdir():
        if child.is_dir() and not child.is_symlink():
            if child.name in _SKIPPED_FOLDERS or child.name.startswith("."):
                continue
            yield from _walk(child)
        elif child.suffix in SUFFIXES and child.is_file():
            yield child
