"""Run the app with uvicorn on a socket bound here, so a busy port is one clear error and
``--port 0`` can pick a free one (the announced address is the real one)."""

from __future__ import annotations

import ipaddress
import socket
from pathlib import Path
from typing import Callable

from derivekit.errors import DerivekitError


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    """A listening socket, or a DerivekitError that says why not."""
    if not 0 <= port <= 65535:
        raise DerivekitError(f"--port {port}: not a port number (0 picks a free one)")
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM)[0]
        sock = socket.socket(family, kind, proto)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
        sock.listen(128)
    except OSError as exc:
        raise DerivekitError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None
    return sock


def url_of(sock: socket.socket) -> str:
    host, port = sock.getsockname()[:2]
    return f"http://[{host}]:{port}/" if ":" in host else f"http://{host}:{port}/"


def serve(host: str, port: int, problems: Path | None,
          announce: Callable[[str], None]) -> None:
    """Serve until interrupted; ``announce(url)`` once the socket listens."""
    import uvicorn

    from derivekit.web.app import create_app

    app = create_app(problems)  # a broken problem pack fails here, before listening
    sock = listen(host, port)
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on",
                            timeout_keep_alive=5, limit_concurrency=64)
    announce(url_of(sock))
    uvicorn.Server(config).run(sockets=[sock])
