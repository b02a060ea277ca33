"""Modules that load on first use.

The engine and the features built on it take about a third of a second to import;
``initialize`` needs none of them, so the server loads them when the first document
or request needs them instead of before its first answer.
"""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType


def lazy(name: str) -> ModuleType:
    """The module ``name``, run when one of its attributes is first read.

    Call :func:`load` on the event loop's thread before another thread may read the
    module: importlib's lazy loader is not safe for two threads touching a module
    that is still loading.
    """
    loaded = sys.modules.get(name)
    if loaded is not None:
        return loaded
    spec = importlib.util.find_spec(name)
    if spec is None or spec.loader is None:
        raise ImportError(f"no module named {name!r}")
    loader = importlib.util.LazyLoader(spec.loader)
    spec.loader = loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    loader.exec_module(module)
    return module


def load(*modules: ModuleType) -> None:
    """Run lazy modules now, on the calling thread (any attribute read runs one)."""
    for module in modules:
        getattr(module, "__name__", None)
