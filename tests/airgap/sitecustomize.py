"""Loaded by every Python process of the air-gap test (it is first on their PYTHONPATH): the extraction
workers too, since they start a fresh interpreter.

Any socket, name lookup or connection raises, and is written to the file named by ARBITER_SOCKET_LOG, so that
an attempt is seen even where a library catches the error and carries on. Each process also notes that it
loaded this guard.
"""

from __future__ import annotations

import os
import socket
import sys
from typing import Any

_LOG = os.environ["ARBITER_SOCKET_LOG"]
_PREFIXES = ("socket.",)  # audit events: socket.__new__, socket.connect, socket.getaddrinfo, ...


def _note(line: str) -> None:
    with open(_LOG, "a", encoding="utf-8") as handle:
        handle.write(f"{os.getpid()} {line}\n")


def _origin() -> str:
    """The first caller outside this guard and the socket module: who asked for a socket."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename in (__file__, socket.__file__):
        frame = frame.f_back  # type: ignore[assignment]
    if frame is None:
        return "?"
    return f"{frame.f_code.co_filename}:{frame.f_code.co_name}"


def _refused(what: str) -> OSError:
    _note(f"ATTEMPT {what} FROM {_origin()}")
    return OSError(f"network access attempted in an air-gapped run: {what}")


class _NoSocket(socket.socket):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise _refused(f"socket.socket{args!r}")


def _refuse(name: str) -> Any:
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise _refused(f"socket.{name}{args!r}")

    return refuse


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event.startswith(_PREFIXES) and event != "socket.gethostname":  # the host's own name: no network
        raise _refused(f"{event}{args!r}")


socket.socket = _NoSocket
for _name in ("create_connection", "create_server", "socketpair", "fromfd", "getaddrinfo", "gethostbyname"):
    setattr(socket, _name, _refuse(_name))
sys.addaudithook(_audit)  # also catches the C-level _socket module
_note("LOADED " + " ".join(sys.argv)[:120])
