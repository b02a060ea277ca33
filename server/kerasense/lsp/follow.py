"""Following a model built by a helper function in another module of the workspace.

``model = build_model()`` tells the engine nothing when ``build_model`` lives in
``helpers.py``. Jedi finds where the name is defined; the engine then reads that module
and the model the function builds. Jedi is imported on first use, never at start-up, and
it only parses: its search path is the workspace folder (minus any folder the
interpreter itself can import from), so it finds neither installed packages nor
anything it would have to import, and ``load_unsafe_extensions`` is off. Its helper for
compiled objects runs in a separate process of this interpreter.
"""

from __future__ import annotations

import logging
import re
import sys
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from kerasense.engine import analyze
from kerasense.facts.model import Model
from kerasense.findings import Position
from kerasense.source.reading import Unreadable, read_source
from kerasense.source.text import SourceText

logger = logging.getLogger(__name__)

JEDI_THREAD = ThreadPoolExecutor(1, thread_name_prefix="kerasense-jedi")
"""Jedi calls run one at a time, off the event loop and off the analysis thread."""

_environment: Any = None
_cache: dict[tuple[str, float, int, int], Model | None] = {}


@dataclass(frozen=True)
class AssignedCall:
    """``variable = name(...)``: the function called, and where its last part is."""

    name: str
    position: Position


def assigned_call(text: str, variable: str, before: int) -> AssignedCall | None:
    """The call in the last ``variable = f(...)`` before offset ``before``."""
    pattern = re.compile(
        rf"^[ \t]*{re.escape(variable)}[ \t]*=[ \t]*([A-Za-z_][\w.]*)[ \t]*\(",
        re.MULTILINE,
    )
    matches = [m for m in pattern.finditer(text) if m.start() < before]
    if not matches:
        return None
    name = matches[-1].group(1)
    last_part = matches[-1].end(1) - len(name.rsplit(".", 1)[-1])
    return AssignedCall(name, SourceText(text).position(last_part))


def _jedi_environment() -> Any:
    global _environment
    if _environment is None:
        import jedi

        _environment = jedi.create_environment(sys.executable, safe=False)
    return _environment


def helper_model(
    text: str, path: str | None, root: str | None, call: AssignedCall
) -> Model | None:
    """The model the function ``call`` names builds, if Jedi finds it in the workspace."""
    if path is None or root is None:
        return None

    import jedi

    folder = Path(root)
    environment = _jedi_environment()
    # Jedi imports (rather than parses) a module it finds no source for, but only from
    # folders that are also on the interpreter's own path: leave those out.
    installed = set(environment.get_sys_path())
    search = [p for p in (str(folder), str(Path(path).parent)) if p not in installed]
    if not search:
        return None
    project = jedi.Project(
        folder, sys_path=search, smart_sys_path=False, load_unsafe_extensions=False
    )
    script = jedi.Script(text, path=path, project=project, environment=environment)
    line, column = call.position.line + 1, call.position.column
    for name in script.goto(line, column, follow_imports=True):
        module = name.module_path
        if name.type != "function" or module is None or module.suffix != ".py":
            continue
        if folder.resolve() not in module.resolve().parents:
            continue
        end = name.get_definition_end_position()
        if name.line is None or end is None:
            continue
        return _model_in(module, name.line - 1, end[0] - 1)
    return None


def _model_in(module: Path, first_line: int, last_line: int) -> Model | None:
    """The last model built between two lines of a module (read from disk)."""
    try:
        stamp = module.stat().st_mtime
    except OSError:
        return None
    key = (str(module), stamp, first_line, last_line)
    if key in _cache:
        return _cache[key]
    text = read_source(module)
    found = None
    if not isinstance(text, Unreadable):
        models = analyze(text, path=str(module)).models
        inside = [m for m in models if first_line <= m.range.start.line <= last_line]
        found = inside[-1] if inside else None
    _cache[key] = found
    logger.debug(
        "%s lines %s-%s build %s", module, first_line + 1, last_line + 1, found
    )
    return found
