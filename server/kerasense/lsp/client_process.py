"""Ending the server when the editor that started it is gone.

The server stops when its stdin closes or the client says ``exit``. An editor that
crashes may leave the pipe open (another of its processes holds it), so the process id
the client gives in ``initialize`` is also polled, and the server exits once that
process has ended. A process id that names no process at ``initialize`` (a client in
another PID namespace, such as outside a container) is not watched.
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from pathlib import Path

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0
_WINDOWS_SYNCHRONIZE = 0x00100000
_WINDOWS_WAIT_TIMEOUT = 0x102


def is_alive(pid: int) -> bool:
    """Whether process ``pid`` runs; a zombie nobody has reaped yet counts as ended."""
    if sys.platform == "win32":
        return _is_alive_on_windows(pid)
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, OverflowError, ValueError):  # or no process id at all
        return False
    except PermissionError:
        return True
    try:
        status = Path(f"/proc/{pid}/status").read_text(encoding="utf-8")
    except OSError:
        return True
    return "\nState:\tZ" not in status


def _is_alive_on_windows(pid: int) -> bool:
    # os.kill(pid, 0) would terminate the process on Windows.
    import ctypes

    kernel32 = ctypes.windll.kernel32  # type: ignore[attr-defined]
    handle = kernel32.OpenProcess(_WINDOWS_SYNCHRONIZE, False, pid)
    if not handle:
        return False
    try:
        return bool(kernel32.WaitForSingleObject(handle, 0) == _WINDOWS_WAIT_TIMEOUT)
    finally:
        kernel32.CloseHandle(handle)


def watch_client(pid: int | None) -> asyncio.Task[None] | None:
    """Poll process ``pid`` from now on and exit the server when it ends."""
    if pid is None or pid == os.getpid():
        return None
    if not is_alive(pid):
        logger.warning(
            "The client's process id %s names no running process; not watching it", pid
        )
        return None
    return asyncio.ensure_future(_watch(pid))


async def _watch(pid: int) -> None:
    while is_alive(pid):
        await asyncio.sleep(POLL_SECONDS)
    logger.warning("The client (process %s) has ended; the server exits", pid)
    for handler in logging.getLogger("kerasense").handlers:
        handler.flush()
    # The thread reading stdin cannot be interrupted, so a normal exit would wait on it.
    os._exit(1)
