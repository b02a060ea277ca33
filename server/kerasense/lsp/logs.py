"""Where the server's messages go: stderr and the client's log (``window/logMessage``).

Nothing is ever printed to stdout, which carries the protocol. Handlers are wrapped by
:func:`guarded`, so an internal error is logged with its traceback and the editor gets
an empty answer instead of an error pop-up.
"""

from __future__ import annotations

import asyncio
import functools
import inspect
import logging
import sys
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from lsprotocol import types
from pygls.exceptions import JsonRpcException

if TYPE_CHECKING:
    from pygls.lsp.server import LanguageServer

logger = logging.getLogger(__name__)

F = TypeVar("F", bound=Callable[..., Any])
_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
_MESSAGE_TYPES = {
    logging.ERROR: types.MessageType.Error,
    logging.WARNING: types.MessageType.Warning,
    logging.INFO: types.MessageType.Info,
}


def setup_logging(level: int = logging.INFO) -> None:
    """Send Kerasense's log records to stderr; keep pygls's own chatter to warnings."""
    root = logging.getLogger("kerasense")
    if not any(getattr(h, "kerasense_stderr", False) for h in root.handlers):
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter(_FORMAT))
        handler.kerasense_stderr = True  # type: ignore[attr-defined]
        root.addHandler(handler)
    root.propagate = False
    set_level(level)
    pygls_logger = logging.getLogger("pygls")
    if not pygls_logger.handlers:
        pygls_handler = logging.StreamHandler(sys.stderr)
        pygls_handler.setFormatter(logging.Formatter(_FORMAT))
        pygls_logger.addHandler(pygls_handler)
    pygls_logger.propagate = False


def set_level(level: int) -> None:
    logging.getLogger("kerasense").setLevel(level)
    logging.getLogger("pygls").setLevel(
        logging.DEBUG if level <= logging.DEBUG else logging.WARNING
    )


class ClientLogHandler(logging.Handler):
    """Forwards Kerasense's log records to the editor as ``window/logMessage``."""

    def __init__(self, server: LanguageServer, loop: asyncio.AbstractEventLoop) -> None:
        super().__init__()
        self.server = server
        self.loop = loop
        self.loop_thread = threading.get_ident()
        self.setFormatter(logging.Formatter("%(name)s: %(message)s"))

    def emit(self, record: logging.LogRecord) -> None:
        try:
            params = types.LogMessageParams(
                type=_MESSAGE_TYPES.get(record.levelno, types.MessageType.Log),
                message=self.format(record),
            )
            if threading.get_ident() == self.loop_thread:
                self.server.window_log_message(params)
            elif not self.loop.is_closed():
                self.loop.call_soon_threadsafe(self.server.window_log_message, params)
        except Exception:  # a log record must never take the server down
            self.handleError(record)


def attach_client_log(server: LanguageServer) -> None:
    root = logging.getLogger("kerasense")
    for handler in list(root.handlers):
        if isinstance(handler, ClientLogHandler):
            root.removeHandler(handler)
    root.addHandler(ClientLogHandler(server, asyncio.get_running_loop()))


def guarded(fallback: Any = None) -> Callable[[F], F]:
    """Log any internal error of a handler and answer ``fallback`` instead.

    JSON-RPC errors raised on purpose (bad command arguments) still reach the client as
    error responses.
    """

    def decorate(handler: F) -> F:
        name = handler.__qualname__
        if inspect.iscoroutinefunction(handler):

            @functools.wraps(handler)
            async def run_async(*args: Any, **kwargs: Any) -> Any:
                try:
                    return await handler(*args, **kwargs)
                except (JsonRpcException, asyncio.CancelledError):
                    raise
                except Exception:
                    logger.exception(
                        "Internal error in %s; answered %r", name, fallback
                    )
                    return fallback

            return run_async  # type: ignore[return-value]

        @functools.wraps(handler)
        def run(*args: Any, **kwargs: Any) -> Any:
            try:
                return handler(*args, **kwargs)
            except JsonRpcException:
                raise
            except Exception:
                logger.exception("Internal error in %s; answered %r", name, fallback)
                return fallback

        return run  # type: ignore[return-value]

    return decorate
