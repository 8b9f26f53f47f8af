"""What the ASGI fixtures share (mcp 2.x and 1.x alike): a loopback listening socket, and uvicorn serving
an app on it with the `READY <port>` line the tests wait for."""

from __future__ import annotations

import socket
from typing import Any

import anyio


def listening_socket(port: int) -> socket.socket:
    """A TCP socket listening on 127.0.0.1:`port` (0 = chosen by the OS)."""
    # proto=IPPROTO_TCP matters: asyncio sets TCP_NODELAY on accepted sockets only when the listening
    # socket says TCP; without it, keep-alive answers written in pieces wait ~40 ms for delayed ACKs.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", port))
    sock.listen(128)
    return sock


async def serve_asgi(asgi_app: Any, port: int, sock: socket.socket | None = None) -> None:
    """Serves an ASGI app with uvicorn on 127.0.0.1:`port` (0 = chosen by the OS), or on `sock` when the
    caller had to know the port first; prints `READY <port>` once it listens; returns after
    SIGTERM/SIGINT (open streams get at most 1 s to finish)."""
    import uvicorn

    if sock is None:
        sock = listening_socket(port)
    config = uvicorn.Config(asgi_app, log_level="warning", access_log=False, timeout_graceful_shutdown=1)
    server = uvicorn.Server(config)

    async def announce() -> None:
        while not server.started:
            await anyio.sleep(0.01)
        print(f"READY {sock.getsockname()[1]}", flush=True)

    async with anyio.create_task_group() as tg:
        tg.start_soon(announce)
        await server.serve(sockets=[sock])
        tg.cancel_scope.cancel()
