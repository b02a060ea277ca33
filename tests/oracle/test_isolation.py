"""Only the oracle tests use TensorFlow: the server and the command line never import it."""

from __future__ import annotations

import subprocess
import sys

ORACLE_ONLY = ("tensorflow", "keras", "pandas", "sklearn")

PROBE = f"""
import sys
import kerasense.cli.main
import kerasense.lsp.server
from kerasense.engine import analyze

analyze("import keras\\nmodel = keras.Sequential([keras.layers.Dense(1)])\\n")
print(",".join(name for name in {ORACLE_ONLY!r} if name in sys.modules))
"""


def test_server_and_cli_import_no_oracle_dependency() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
