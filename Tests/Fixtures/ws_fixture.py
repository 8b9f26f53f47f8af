"""An MCP server over WebSocket on the SDK 1.x (mcp 1.30.0's `websocket_server`: subprotocol `mcp`, one
JSON-RPC message a text frame), the peer of lmg's WebSocket transport.

Usage (run with .venv-mcp1/bin/python):
  ws_fixture.py [--port 0] [--record FILE]
Listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`; endpoint /ws (any other path: 404).
Tools: echo(text); slow(seconds, steps) reports progress `steps` times, then answers "slept"; pid() answers
the process id. --record appends `cancelled slow` when a slow call is cancelled, `subprotocols A,B` for
each handshake (what the client offered), and `disconnect CODE` when a client closes (1000: a close handshake).
"""

from __future__ import annotations

import argparse
import os
import sys
import warnings

import anyio
from asgi_server import serve_asgi
from mcp.server.fastmcp import Context, FastMCP

# The SDK marks its WebSocket transport deprecated; it works, and it is the peer this fixture exists for.
warnings.filterwarnings("ignore", category=DeprecationWarning)
from mcp.server.websocket import websocket_server  # noqa: E402

RECORD: str | None = None


def record(line: str) -> None:
    if RECORD:
        with open(RECORD, "a", encoding="utf-8") as handle:
            handle.write(line + "\n")


def build() -> FastMCP:
    app = FastMCP("lmg-ws-fixture")

    @app.tool(description="Returns its text unchanged.")
    def echo(text: str) -> str:
        return text

    @app.tool(description="Sleeps, reporting progress `steps` times; cancellable.")
    async def slow(seconds: float, ctx: Context, steps: int = 1) -> str:
        try:
            for step in range(steps):
                await anyio.sleep(seconds / max(1, steps))
                await ctx.report_progress(step + 1, steps)
        except anyio.get_cancelled_exc_class():
            record("cancelled slow")
            raise
        return "slept"

    @app.tool(description="The server's process id.")
    def pid() -> str:
        return str(os.getpid())

    return app


def asgi(app: FastMCP):
    server = app._mcp_server  # noqa: SLF001 - FastMCP runs its low-level server over any streams

    async def handle(scope, receive, send):
        if scope["type"] == "lifespan":
            while True:
                message = await receive()
                if message["type"] == "lifespan.startup":
                    await send({"type": "lifespan.startup.complete"})
                elif message["type"] == "lifespan.shutdown":
                    await send({"type": "lifespan.shutdown.complete"})
                    return
        if scope["type"] == "websocket" and scope["path"] == "/ws":
            record("subprotocols " + ",".join(scope.get("subprotocols") or []))

            async def watched():
                message = await receive()
                if message["type"] == "websocket.disconnect":
                    record(f"disconnect {message.get('code')}")
                return message

            async with websocket_server(scope, watched, send) as (read, write):
                await server.run(read, write, server.create_initialization_options())
            return
        if scope["type"] == "websocket":
            await send({"type": "websocket.close", "code": 1008})
            return
        await send({"type": "http.response.start", "status": 404, "headers": [(b"content-type", b"text/plain")]})
        await send({"type": "http.response.body", "body": b"not found"})

    return handle


def main() -> None:
    global RECORD
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--record")
    args = parser.parse_args()
    RECORD = args.record
    anyio.run(serve_asgi, asgi(build()), args.port)


if __name__ == "__main__":
    sys.exit(main())
