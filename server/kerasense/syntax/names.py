"""Resolve the names a module uses (imports, aliases) to canonical Keras names.

Canonical names start with ``keras.`` for anything under ``keras``, ``tensorflow.keras``,
``tf_keras`` or ``keras.src``, and with ``tf.`` for the rest of TensorFlow, so that
``tf.keras.layers.Dense``, ``from keras.layers import Dense`` and ``import keras.layers as
L; L.Dense`` all read as ``keras.layers.Dense``.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from functools import lru_cache

_ROOTS = (
    ("tensorflow.python.keras", "keras"),
    ("tensorflow.keras", "keras"),
    ("tf_keras", "keras"),
    ("keras.src", "keras"),
    ("keras", "keras"),
    ("tensorflow", "tf"),
    ("numpy", "np"),
)

# Submodules whose members Keras re-exports one level up; `keras.layers.core.Dense` is
# `keras.layers.Dense`.
_NAMESPACES = (
    "layers",
    "losses",
    "activations",
    "metrics",
    "models",
    "utils",
    "optimizers",
    "ops",
    "callbacks",
)


def canonical(dotted: str) -> str | None:
    """The canonical form of a dotted module path, or None when it is not Keras/TF."""
    for prefix, root in _ROOTS:
        if dotted == prefix or dotted.startswith(prefix + "."):
            rest = dotted[len(prefix) :].lstrip(".")
            name = f"{root}.{rest}" if rest else root
            return _shorten(name)
    return None


@lru_cache(maxsize=4096)
def _shorten(name: str) -> str:
    for tf_prefix in ("tf.keras", "tf.compat.v1.keras", "tf.compat.v2.keras"):
        if name == tf_prefix or name.startswith(tf_prefix + "."):
            name = "keras" + name[len(tf_prefix) :]
            break
    parts = name.split(".")
    if parts[0] == "keras" and len(parts) > 3 and parts[1] in _NAMESPACES:
        return ".".join(parts[:2] + parts[-1:])
    return name


class ImportMap:
    """Local names bound by imports and module-alias assignments, mapped to canonical names."""

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.star_modules: list[str] = []
        self.from_imports: dict[str, ast.ImportFrom] = {}
        """The first top-level ``from M import ...`` of each canonical module M."""

    @classmethod
    def of(cls, statements: Iterable[ast.stmt]) -> ImportMap:
        result = cls()
        for node in statements:
            result.visit(node)
        return result

    def visit(self, statement: ast.stmt) -> None:
        """Read one statement, and those inside an ``if`` or ``try`` in order (with a
        list of pending statements, not recursion: a long ``elif`` chain nests deep)."""
        pending = self._visit_one(statement)[::-1]
        while pending:
            pending.extend(reversed(self._visit_one(pending.pop())))

    def _visit_one(self, node: ast.stmt) -> list[ast.stmt]:
        """Note what ``node`` binds; the statements inside it to read next."""
        if isinstance(node, ast.Import):
            for alias in node.names:
                full = canonical(alias.name)
                if full is None:
                    continue
                if alias.asname:
                    self.names[alias.asname] = full
                else:
                    top = alias.name.split(".")[0]
                    self.names[top] = canonical(top) or top
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            base = canonical(node.module)
            if base is None:
                return []
            if node.col_offset == 0 and not any(a.name == "*" for a in node.names):
                self.from_imports.setdefault(base, node)
            for alias in node.names:
                if alias.name == "*":
                    self.star_modules.append(base)
                    continue
                full = canonical(f"{node.module}.{alias.name}")
                if full is not None:
                    self.names[alias.asname or alias.name] = full
        elif isinstance(node, ast.Assign) and len(node.targets) == 1:
            target = node.targets[0]
            if isinstance(target, ast.Name) and isinstance(
                node.value, ast.Attribute | ast.Name
            ):
                resolved = self.resolve(node.value)
                if resolved is not None and resolved.count(".") <= 2:
                    self.names[target.id] = resolved
        elif isinstance(node, ast.If | ast.Try):
            inside = [c for c in ast.iter_child_nodes(node) if isinstance(c, ast.stmt)]
            for handler in getattr(node, "handlers", ()):
                inside.extend(handler.body)
            return inside
        return []

    def resolve(self, node: ast.expr) -> str | None:
        """The canonical name an expression such as ``tf.keras.layers.Dense`` stands for."""
        parts: list[str] = []
        while isinstance(node, ast.Attribute):
            parts.append(node.attr)
            node = node.value
        if not isinstance(node, ast.Name):
            return None
        base = self.names.get(node.id)
        if base is None:
            base = self._from_star(node.id)
            if base is None:
                return None
        return _shorten(".".join([base, *reversed(parts)]))

    def _from_star(self, name: str) -> str | None:
        for module in self.star_modules:
            if module in (
                "keras.layers",
                "keras.models",
                "keras.losses",
                "keras.datasets",
            ):
                return f"{module}.{name}"
        return None

    def spelling_for(self, canonical_name: str) -> str | None:
        """The shortest way this module can already write ``canonical_name``."""
        best: str | None = None
        for local, full in self.names.items():
            if canonical_name == full:
                candidate = local
            elif canonical_name.startswith(full + "."):
                candidate = local + canonical_name[len(full) :]
            elif full == "tf" and canonical_name.startswith("keras."):
                candidate = f"{local}.{canonical_name}"
            else:
                continue
            if best is None or len(candidate) < len(best):
                best = candidate
        return best
