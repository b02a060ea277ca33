"""Lets `python -m kerasense` run the command line."""

import os
import sys

# `python -m` puts the working directory first on the import path, and editors start
# the server in the workspace folder: a `tomllib.py` or `jedi.py` there would be
# imported, and run, in place of the real module.
if sys.path and sys.path[0] in ("", os.getcwd()):
    del sys.path[0]

from kerasense.cli.main import main

raise SystemExit(main())
