"""TensorFlow as ground truth: quiet, light on threads, and a summary of what was compared.

TensorFlow is optional (the ``oracle`` extra): without it the test modules skip
themselves. Its settings must be made before it starts, so they are made here, before
the test modules are collected.
"""

from __future__ import annotations

import os

import pytest

from tests.oracle import tally

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("KERAS_BACKEND", "tensorflow")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("OMP_NUM_THREADS", "2")
os.environ.setdefault("TF_NUM_INTRAOP_THREADS", "2")
os.environ.setdefault("TF_NUM_INTEROP_THREADS", "1")

try:
    import tensorflow as tf
except ImportError:
    pass
else:
    # Two cores: one pool of two threads for the ops, one thread to schedule them.
    tf.config.threading.set_intra_op_parallelism_threads(2)
    tf.config.threading.set_inter_op_parallelism_threads(1)


def pytest_runtest_logreport(report: pytest.TestReport) -> None:
    if report.when == "call" and report.passed and "tests/oracle/" in report.nodeid:
        tally.add(f"passed: {report.nodeid.split('::')[0].rsplit('/', 1)[-1]}")


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    if not tally.COUNTS:
        return
    terminalreporter.section("kerasense oracle (TensorFlow as ground truth)")
    for line in tally.lines():
        terminalreporter.write_line(line)
