"""Lets `python -m kerasense` run the command line."""

from kerasense.cli.main import main

raise SystemExit(main())
