"""Read a module region by region, so an edit re-reads only the region it touches.

A *region* is a set of top-level statements that share values through module names: a
statement joins the statements that may have bound each name it reads. Two regions never
see each other's values, so the reader gives the same models for a region read on its
own as for the whole module read at once (``tests/robustness`` checks this on every
fixture, on generated programs and after random edits).

The name flow follows the reader's semantics, not only Python's:

- a read joins every binding that may reach it: back to the last statement that surely
  rebinds the name (an assignment at the top level, a ``def`` or ``class``);
- code that runs later (function, lambda and class bodies, which the reader walks when
  they are called or, if never called, at the end) joins every binding of the names it
  reads, wherever it is;
- imports bind nothing here, as in the reader: names resolve through the module's
  :class:`~kerasense.syntax.names.ImportMap`, read from the whole module;
- all bindings of a name that a ``def`` or ``class`` binds are joined, because the
  reader calls a function it never saw called only if the name still holds it at the end.

A region's models are kept while its statements are the same objects: the incremental
parse (:mod:`kerasense.syntax.incremental`) hands back the unchanged statements, at
their unchanged positions, as they were.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from dataclasses import dataclass, field

from kerasense.facts.model import Model
from kerasense.source.text import SourceText
from kerasense.syntax.names import ImportMap
from kerasense.syntax.statements import nested


@dataclass(frozen=True)
class Names:
    """How one top-level statement uses module names."""

    binds: frozenset[str]
    """Names it may bind in the module scope."""
    rebinds: frozenset[str]
    """Names it surely binds, replacing their earlier value."""
    reads: frozenset[str]
    """Names it reads while it runs."""
    reads_later: frozenset[str]
    """Names read by the code it defines (function, lambda and class bodies)."""
    defines: frozenset[str]
    """Names it may bind to a function or class."""


_DEFINITIONS = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)
Later = ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef | ast.Lambda


@dataclass
class _Scan:
    """The names some code loads and may store while it runs, and the bodies it
    defines, which run later (not entered)."""

    loads: set[str] = field(default_factory=set)
    stores: set[str] = field(default_factory=set)
    defines: set[str] = field(default_factory=set)
    later: list[Later] = field(default_factory=list)


def _scan(roots: list[ast.AST]) -> _Scan:
    found = _Scan()
    pending = list(roots)
    while pending:
        node = pending.pop()
        if type(node) is ast.Name:
            assert isinstance(node, ast.Name)
            if isinstance(node.ctx, ast.Load):
                found.loads.add(node.id)
            elif isinstance(node.ctx, ast.Store):
                found.stores.add(node.id)
        elif isinstance(node, _DEFINITIONS):
            found.stores.add(node.name)
            found.defines.add(node.name)
            found.later.append(node)
            pending.extend(node.decorator_list)
            if isinstance(node, ast.ClassDef):
                pending.extend([*node.bases, *(k.value for k in node.keywords)])
            else:
                pending.extend(_argument_parts(node.args))
                if node.returns is not None:
                    pending.append(node.returns)
        elif type(node) is ast.Lambda:
            assert isinstance(node, ast.Lambda)
            found.later.append(node)
            pending.extend(_argument_parts(node.args))
        else:
            pending.extend(ast.iter_child_nodes(node))
    return found


def statement_names(statement: ast.stmt) -> Names:
    now = _scan([statement])
    later: set[str] = set()
    bodies = list(now.later)
    while bodies:
        later |= _module_reads(bodies.pop(), bodies)
    return Names(
        binds=frozenset(now.stores),
        rebinds=frozenset(_surely_bound(statement)),
        reads=frozenset(now.loads),
        reads_later=frozenset(later),
        defines=frozenset(now.defines),
    )


def _module_reads(code: Later, bodies: list[Later]) -> set[str]:
    """The module names a function, lambda or class body may read when it runs; the
    bodies it defines in turn go to ``bodies``.

    The reader gives a called function a scope of its own under the module's, holding
    its parameters (not ``*args`` and ``**kwargs``) and what its statements bind as they
    run, so a name counts as local only from the statement after the one binding it.
    """
    if isinstance(code, ast.ClassDef):
        scan = _scan(list(code.body))
        bodies.extend(scan.later)
        return scan.loads
    local = _parameters(code.args)
    if isinstance(code, ast.Lambda):
        scan = _scan([code.body])
        bodies.extend(scan.later)
        return scan.loads - local
    reads: set[str] = set()
    for statement in code.body:
        scan = _scan([statement])
        bodies.extend(scan.later)
        reads |= scan.loads - local
        local |= _bound_by(statement)
    return reads


def _parameters(arguments: ast.arguments) -> set[str]:
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    return {argument.arg for argument in every}


def _argument_parts(arguments: ast.arguments) -> list[ast.AST]:
    """Defaults and annotations: what a ``def`` or ``lambda`` evaluates at once."""
    parts: list[ast.AST] = [*arguments.defaults]
    parts += [d for d in arguments.kw_defaults if d is not None]
    every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
    every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    parts += [a.annotation for a in every if a.annotation is not None]
    return parts


def _bound_by(statement: ast.stmt) -> set[str]:
    """The names the reader surely binds in the current scope when it walks
    ``statement``, in whichever branch: assignment, ``for`` and ``with`` targets, and
    ``def`` and ``class`` names, also inside compound statements."""
    names: set[str] = set()
    pending = [statement]
    while pending:
        node = pending.pop()
        names |= _surely_bound(node)
        if isinstance(node, ast.For | ast.AsyncFor):
            names |= _target_names([node.target])
        elif isinstance(node, ast.With | ast.AsyncWith):
            names |= _target_names(
                [i.optional_vars for i in node.items if i.optional_vars is not None]
            )
        if not isinstance(node, _DEFINITIONS):
            pending.extend(nested(node))
    return names


def _surely_bound(statement: ast.stmt) -> set[str]:
    if isinstance(statement, _DEFINITIONS):
        return {statement.name}
    targets: list[ast.expr] = []
    if isinstance(statement, ast.Assign):
        targets = list(statement.targets)
    elif isinstance(statement, ast.AugAssign) or (
        isinstance(statement, ast.AnnAssign) and statement.value is not None
    ):
        targets = [statement.target]
    return _target_names(targets)


def _target_names(targets: list[ast.expr]) -> set[str]:
    """The names assignment targets bind (not attributes or subscripts)."""
    names: set[str] = set()
    while targets:
        target = targets.pop()
        if isinstance(target, ast.Name):
            names.add(target.id)
        elif isinstance(target, ast.Tuple | ast.List):
            targets.extend(target.elts)
        elif isinstance(target, ast.Starred):
            targets.append(target.value)
    return names


def regions(names: list[Names]) -> list[list[int]]:
    """The statements (by index) grouped into regions, each in module order; the regions
    ordered by their first statement."""
    parent = list(range(len(names)))

    def root(index: int) -> int:
        while parent[index] != index:
            parent[index] = parent[parent[index]]
            index = parent[index]
        return index

    def join(a: int, b: int) -> None:
        ra, rb = root(a), root(b)
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)

    all_bindings: dict[str, list[int]] = {}
    defined: set[str] = set()
    for index, used in enumerate(names):
        defined |= used.defines
        for name in used.binds:
            all_bindings.setdefault(name, []).append(index)
    for name in defined:
        first, *others = all_bindings[name]
        for index in others:
            join(first, index)

    # live[name]: one statement of each region whose binding of name may still reach here.
    live: dict[str, list[int]] = {}
    for index, used in enumerate(names):
        for name in used.reads:
            binders = live.get(name)
            if binders:
                for binder in binders:
                    join(index, binder)
                del binders[1:]  # joined now: one of them stands for all
        for name in used.reads_later:
            for binder in all_bindings.get(name, ()):
                join(index, binder)
        for name in used.binds:
            if name in used.rebinds:
                live[name] = [index]
            else:
                live.setdefault(name, []).append(index)

    grouped: dict[int, list[int]] = {}
    for index in range(len(names)):
        grouped.setdefault(root(index), []).append(index)
    return sorted(grouped.values(), key=lambda group: group[0])


@dataclass(frozen=True)
class _Region:
    statements: tuple[ast.stmt, ...]
    """Kept so that the ids in the cache key stay unique while the entry lives."""
    models: list[Model]


@dataclass
class RegionCache:
    """What the last reading of a document can lend to the next one."""

    names: dict[tuple[str, int, int], Names] = field(default_factory=dict)
    """By the statement's text: a statement moved to other lines keeps its names."""
    regions: dict[tuple[int, ...], _Region] = field(default_factory=dict)
    grouping: tuple[list[Names], list[list[int]]] = ([], [])
    """The statements' names and the regions they made: typing inside a statement
    seldom changes its names, and then the regions stay as they were."""
    context: tuple[object, ...] | None = None
    """What every region's reading depends on besides its statements."""


ReadPart = Callable[[ast.Module], list[Model]]
"""Reads the models of a module made of some of the statements of the whole."""


def read_by_region(
    tree: ast.Module,
    source: SourceText,
    imports: ImportMap,
    previous: RegionCache | None,
    read_part: ReadPart,
) -> tuple[list[Model], RegionCache]:
    """The module's models, re-reading only the regions whose statements changed."""
    context = (tuple(imports.names.items()), tuple(imports.star_modules))
    old = previous or RegionCache()
    reusable = old.context == context
    cache = RegionCache(context=context)

    body = tree.body
    names = []
    for statement in body:
        text = "\n".join(
            source.lines[
                statement.lineno - 1 : statement.end_lineno or statement.lineno
            ]
        )
        key = (text, statement.col_offset, statement.end_col_offset or 0)
        used = old.names.get(key) or statement_names(statement)
        cache.names[key] = used
        names.append(used)

    groups = old.grouping[1] if names == old.grouping[0] else regions(names)
    cache.grouping = (names, groups)

    models: list[Model] = []
    for group in groups:
        statements = tuple(body[index] for index in group)
        ids = tuple(id(statement) for statement in statements)
        region = old.regions.get(ids) if reusable else None
        if region is None or any(
            a is not b for a, b in zip(region.statements, statements, strict=True)
        ):
            part = ast.Module(body=list(statements), type_ignores=[])
            region = _Region(statements, read_part(part))
        cache.regions[ids] = region
        models.extend(region.models)
    return models, cache
