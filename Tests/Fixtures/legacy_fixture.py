"""An MCP server on the SDK 1.x (mcp 1.30.0, FastMCP): it knows only the revisions up to
2025-11-25, so lmg must find that out and fall back to `initialize`.

Usage (run with .venv-mcp1/bin/python):
  legacy_fixture.py [--transport stdio|streamable-http] [--port 0]
streamable-http listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`; endpoint /mcp.
Tools: echo(text), ask_roots (the server's own roots/list request). Resource: legacy://greeting.
"""

from __future__ import annotations

import argparse
import json
import sys

import anyio
from asgi_server import serve_asgi
from mcp.server.fastmcp import Context, FastMCP


def build() -> FastMCP:
    app = FastMCP("lmg-legacy-fixture")

    @app.tool(description="Returns its text unchanged.")
    def echo(text: str) -> str:
        return text

    @app.tool(description="Asks the client for its roots; returns them as JSON text.")
    async def ask_roots(ctx: Context) -> str:
        result = await ctx.session.list_roots()
        return json.dumps([{"uri": str(r.uri), "name": r.name} for r in result.roots])

    @app.resource("legacy://greeting", name="greeting", mime_type="text/plain")
    def greeting() -> str:
        return "Hello from an older server"

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--transport", choices=["stdio", "streamable-http"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    app = build()
    if args.transport == "stdio":
        app.run("stdio")
    else:
        anyio.run(serve_asgi, app.streamable_http_app(), args.port)


if __name__ == "__main__":
    sys.exit(main())
