"""``kerasense check``: files and folders in, findings out, fixes applied on request."""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from kerasense.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE, files, report
from kerasense.config import Config, find_pyproject, load_pyproject
from kerasense.engine import Analysis, analyze, analyze_notebook
from kerasense.findings import Finding, Range, Severity
from kerasense.fixes import preferred_edits
from kerasense.knowledge import knowledge
from kerasense.source.notebook import read_cells
from kerasense.source.reading import Unreadable, read_source
from kerasense.source.text import apply_edits


class Configs:
    """The configuration of each file: ``--config``, or the ``pyproject.toml`` nearest to
    the file (as the language server reads it), with the command line's codes on top."""

    def __init__(self, args: argparse.Namespace) -> None:
        flags = {"select": list(args.select or ()), "ignore": list(args.ignore or ())}
        self.flags = Config.from_mapping(flags, origin="the command line")
        self.fixed = args.config
        self._loaded: dict[Path | None, Config] = {}
        if args.config is not None:
            self.of(Path.cwd())  # a bad --config is a usage error before any file

    def of(self, path: Path) -> Config:
        pyproject = self.fixed or find_pyproject(path.absolute())
        config = self._loaded.get(pyproject)
        if config is None:
            base = load_pyproject(pyproject) if pyproject is not None else Config()
            config = self._loaded[pyproject] = base.merged(self.flags)
        return config


def check(args: argparse.Namespace) -> int:
    configs = Configs(args)
    if args.summary and args.format == "json":
        print(
            "kerasense: --summary prints text; it does not go with --format json",
            file=sys.stderr,
        )
        return EXIT_USAGE
    missing = [str(path) for path in args.paths if not path.exists()]
    if missing:
        print(
            f"kerasense: no such file or folder: {', '.join(missing)}", file=sys.stderr
        )
        return EXIT_USAGE

    located: list[report.Located] = []
    fixed: dict[str, int] = {}
    count = 0
    for path in files.discover(args.paths):
        count += 1
        config = configs.of(path)
        if path.suffix == ".ipynb":
            for cell, finding in check_notebook(path, config):
                located.append(report.Located(str(path), finding, cell))
            continue
        analysis = check_file(path, config, fix=args.fix, fixed=fixed)
        if isinstance(analysis, Analysis):
            if args.summary:
                print(report.model_summary(str(path), analysis.models))
            findings = analysis.findings
        else:
            findings = analysis
        located.extend(report.Located(str(path), finding) for finding in findings)

    if args.format == "json":
        print(report.as_json(located))
        if fixed:  # standard output holds the JSON alone
            print(report.fixed_summary(fixed), file=sys.stderr)
    else:
        if located:
            print(report.as_text(located))
        if fixed:
            print(report.fixed_summary(fixed))
        print(report.summary(located, count))
    failing = any(item.finding.severity <= Severity.WARNING for item in located)
    return EXIT_FINDINGS if failing else EXIT_CLEAN


def _unreadable(reason: str, config: Config) -> list[Finding]:
    rule = knowledge().rule("KS002")
    if not config.enabled(rule.code):
        return []
    severity = config.severity_of(rule.code, rule.severity)
    message = f"Cannot check this file: {reason}."
    return [Finding(rule.code, severity, message, Range.point(0, 0))]


def check_notebook(path: Path, config: Config) -> list[tuple[int | None, Finding]]:
    """A notebook's findings by cell; ``--fix`` does not rewrite notebooks."""
    try:
        cells = read_cells(path)
    except Exception as error:  # nbformat raises many kinds for a malformed file
        reason = f"it is not a readable notebook ({type(error).__name__}: {error})"
        return [(None, finding) for finding in _unreadable(reason[:300], config)]
    return list(analyze_notebook(cells, path=str(path), config=config))


def check_file(
    path: Path,
    config: Config,
    fix: bool = False,
    fixed: dict[str, int] | None = None,
) -> Analysis | list[Finding]:
    """The file's analysis, or the finding that says why it could not be read.

    With ``fix``, the number of fixes applied is counted in ``fixed`` by path."""
    text = read_source(path)
    if isinstance(text, Unreadable):
        return _unreadable(text.reason, config)
    analysis = analyze(text, path=str(path), config=config)
    if fix and analysis.findings:
        analysis, applied = _apply_fixes(path, text, analysis, config)
        if applied and fixed is not None:
            fixed[str(path)] = applied
    return analysis


def _apply_fixes(
    path: Path, text: str, analysis: Analysis, config: Config
) -> tuple[Analysis, int]:
    """Apply the preferred fixes, re-analysing after each step, until none is left; the
    analysis of the result and the number of fixes applied.

    First every preferred fix that does not collide with another, at once (one more
    analysis for the whole file); then, for what is left, one fix at a time. A step is
    kept only when the text still parses, the finding it fixes is gone and no finding
    came in its place. A fix is tried once, so the loop always ends. Files that are not
    UTF-8 are left alone: rewriting them could break their encoding. A byte order mark
    stays where it was.
    """
    try:
        raw = path.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return analysis, 0
    bom = "\ufeff" if raw.startswith("\ufeff") else ""
    if raw.removeprefix(bom) != text:
        return analysis, 0
    original, before = text, analysis
    applied = 0
    together = preferred_edits(analysis.findings)
    if together:
        updated = apply_edits(text, together)
        candidate = analyze(updated, path=str(path), config=config)
        if _better(candidate, analysis):
            applied += len(analysis.findings) - len(candidate.findings)
            text, analysis = updated, candidate
    tried: set[tuple[str, Range]] = set()
    while True:
        pending = [
            (finding, fix)
            for finding in analysis.findings
            for fix in finding.fixes
            if fix.preferred and (finding.code, finding.range) not in tried
        ]
        if not pending:
            break
        finding, fix = pending[0]
        tried.add((finding.code, finding.range))
        updated = apply_edits(text, fix.edits)
        candidate = analyze(updated, path=str(path), config=config)
        if _better(candidate, analysis, finding.code):
            text, analysis = updated, candidate
            applied += 1
    if text != original:
        try:
            path.write_text(bom + text, encoding="utf-8", newline="")
        except OSError as error:
            print(
                f"kerasense: cannot write {path}: {error.strerror or error}; "
                "it is left as it was",
                file=sys.stderr,
            )
            return before, 0
    return analysis, applied


def _better(candidate: Analysis, current: Analysis, code: str | None = None) -> bool:
    """Whether fixing turned ``current`` into ``candidate`` for the better: it parses,
    fewer findings (of ``code``, when one fix was applied) and none new."""
    if candidate.syntax_error is not None:
        return False
    after = Counter(finding.code for finding in candidate.findings)
    before = Counter(finding.code for finding in current.findings)
    if any(after[key] > before[key] for key in after):
        return False
    if code is not None:
        return after[code] < before[code]
    return after.total() < before.total()
