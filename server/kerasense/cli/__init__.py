"""The command line: ``kerasense check``, ``kerasense serve`` and ``kerasense docs``."""
