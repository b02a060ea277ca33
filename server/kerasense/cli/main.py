"""``kerasense`` entry point: argument parsing and the choice of command."""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kerasense import __version__
from kerasense.cli import EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE
from kerasense.config import ConfigError

logger = logging.getLogger(__name__)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kerasense",
        description="Static checks for Keras models: heads, losses, labels, architectures.",
    )
    parser.add_argument(
        "--version", action="version", version=f"kerasense {__version__}"
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    check = commands.add_parser("check", help="check Python files and folders")
    check.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    check.add_argument("--format", choices=("text", "json"), default="text")
    check.add_argument(
        "--select",
        type=_code_list,
        default=None,
        help="only these rule codes or prefixes, comma-separated",
    )
    check.add_argument(
        "--ignore",
        type=_code_list,
        default=None,
        help="skip these rule codes or prefixes, comma-separated",
    )
    check.add_argument(
        "--config",
        type=Path,
        default=None,
        help="pyproject.toml to read [tool.kerasense] from for every file "
        "(default: for each file, the nearest one at or above its folder)",
    )
    check.add_argument(
        "--fix",
        action="store_true",
        help="apply the preferred fix of each finding, rewriting files",
    )
    check.add_argument(
        "--summary",
        action="store_true",
        help="also print each model's layers with their static output shapes (text only)",
    )

    serve = commands.add_parser(
        "serve", help="run the language server (stdio by default)"
    )
    serve.add_argument(
        "--tcp",
        metavar="HOST:PORT",
        default=None,
        help="listen on a TCP socket instead of stdio",
    )
    serve.add_argument(
        "--log-level", default="info", choices=("error", "warning", "info", "debug")
    )

    docs = commands.add_parser("docs", help="write one Markdown page per rule")
    docs.add_argument("folder", type=Path)
    return parser


def _code_list(text: str) -> tuple[str, ...]:
    return tuple(code.strip().upper() for code in text.split(",") if code.strip())


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        if args.command == "check":
            # Each command loads only what it needs: `serve` answers the editor's
            # first request without waiting for the engine to load.
            from kerasense.cli.check import check

            return check(args)
        if args.command == "serve":
            from kerasense.cli.serve import serve

            return serve(args.tcp, args.log_level)
        if args.command == "docs":
            from kerasense.cli.ruledocs import write_rule_pages

            try:
                written = write_rule_pages(args.folder)
            except OSError as error:
                print(
                    f"kerasense docs: cannot write to {args.folder}: "
                    f"{error.strerror or error}",
                    file=sys.stderr,
                )
                return EXIT_USAGE
            print(f"Wrote {len(written)} rule pages to {args.folder}")
            return EXIT_CLEAN
    except ConfigError as error:
        print(f"kerasense: {error}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return EXIT_USAGE
    except BrokenPipeError:
        # The reader went away (`kerasense check . | head`): stop quietly, as cat does.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_FINDINGS
    except Exception:  # the exit code must say "internal failure", not "findings"
        logger.exception("internal error")
        print(
            "kerasense: internal error (see the traceback above); please report it",
            file=sys.stderr,
        )
        return EXIT_USAGE
    return EXIT_USAGE
