"""The command line: ``kerasense check``, ``kerasense serve`` and ``kerasense docs``."""

EXIT_CLEAN, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2
"""No error or warning; errors or warnings found; usage error or internal failure."""
