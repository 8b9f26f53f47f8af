"""Misbehaving MCP peers for lmg's error-path tests.

Usage: bad_server.py --mode MODE [--port 0] [--ignore-eof]

stdio modes (spawned as the server command; stdout is the protocol, nothing else is printed there):
  nonjson-line      a minimal correct server (initialize, ping, tools/list with one tool `echo`,
                    tools/call echo) that writes the line `this is not json` on stdout just before its
                    initialize response.
  exit-immediately  writes `bad_server: exiting at once` to stderr and exits with status 1.
  hang              reads stdin and never answers. Exits at EOF, unless --ignore-eof: then only a
                    signal ends it.
  garbage-response  answers every request with `"result": 42` (so initialize gets no InitializeResult).
  killable          a minimal correct server with prompts and resources (none of either) that writes its
                    pid to --pidfile; when --pidfile already exists at start it exits at once instead, so
                    a restart after it was killed fails.
  peer-killer       the same, except that prompts/list and resources/list first SIGKILL the process whose
                    pid --pidfile holds (and wait for it to go): a peer dies in the middle of a listing.

HTTP modes (listen on 127.0.0.1, port 0 = chosen by the OS, print `READY <port>`, exit on SIGTERM):
  html-500          every request, any path and method, answers 500 text/html with an HTML page.
  truncated-sse     Streamable HTTP at /mcp answering with SSE: initialize (with Mcp-Session-Id),
                    notifications (202) and tools/list (tools `echo` and `abort`) are correct; tools/call
                    sends half an SSE event and ends the response: for `echo` the body ends cleanly (the
                    event is left incomplete), for `abort` the connection is dropped without the final chunk.
  session-expiry    a correct minimal Streamable HTTP server at /mcp (JSON answers) that issues
                    Mcp-Session-Id; after the first tools/call of a session it forgets that session, so
                    any later request with its id gets 404; a new initialize gets a new session.
                    Tools: `echo(text)`, `stats()`. GET /stats (and the `stats` tool) answer JSON
                    {"initializations": n, "tool_calls": n, "live_sessions": [...], "expired_sessions": [...],
                    "not_found": n}.
  legacy-only       only the 2024-11-05 HTTP+SSE transport, by the official SDK: GET /sse opens the event
                    stream (first event `endpoint` -> /messages/?session_id=...); POST /sse answers 405.
                    One tool: echo(text).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import uuid

STDIO_MODES = ["nonjson-line", "exit-immediately", "hang", "garbage-response", "killable", "peer-killer"]
HTTP_MODES = ["html-500", "truncated-sse", "session-expiry", "legacy-only"]

ECHO_TOOL = {
    "name": "echo",
    "description": "Returns its text unchanged.",
    "inputSchema": {"type": "object", "properties": {"text": {"type": "string"}}, "required": ["text"]},
}


def initialize_result(request: dict, listings: bool = False) -> dict:
    version = (request.get("params") or {}).get("protocolVersion") or "2025-11-25"
    capabilities = {"tools": {}, "prompts": {}, "resources": {}} if listings else {"tools": {}}
    return {
        "protocolVersion": version,
        "capabilities": capabilities,
        "serverInfo": {"name": "bad-server", "version": "1.0.0"},
    }


def ok(request: dict, result) -> dict:
    return {"jsonrpc": "2.0", "id": request["id"], "result": result}


def error(request: dict, code: int, message: str) -> dict:
    return {"jsonrpc": "2.0", "id": request.get("id"), "error": {"code": code, "message": message}}


def text_result(text: str, is_error: bool = False) -> dict:
    return {"content": [{"type": "text", "text": text}], "isError": is_error}


# ------------------------------------------------------------------------------------------------
# stdio


def write_line(line: str) -> None:
    sys.stdout.write(line + "\n")
    sys.stdout.flush()


def kill_peer(pidfile: str) -> None:
    import os
    import signal

    try:
        pid = int(open(pidfile).read().strip())
    except (OSError, ValueError):
        return
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        return
    for _ in range(500):  # until it is gone (its parent, lmg, reaps it)
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            return
        time.sleep(0.01)


def run_stdio(mode: str, ignore_eof: bool, pidfile: str | None = None) -> None:
    import os

    if mode == "exit-immediately":
        sys.stderr.write("bad_server: exiting at once\n")
        sys.stderr.flush()
        sys.exit(1)
    if mode == "killable":
        if os.path.exists(pidfile):
            sys.stderr.write("bad_server: killed once already; not starting again\n")
            sys.stderr.flush()
            sys.exit(1)
        with open(pidfile, "w") as handle:
            handle.write(str(os.getpid()))
    listings = mode in ("killable", "peer-killer")

    for line in sys.stdin:
        if mode == "hang":
            continue
        try:
            message = json.loads(line)
        except ValueError:
            write_line(json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": -32700, "message": "Parse error"}}))
            continue
        if "id" not in message or "method" not in message:
            continue  # a notification or a response: nothing to answer
        if mode == "garbage-response":
            write_line(json.dumps(ok(message, 42)))
            continue
        method = message["method"]
        params = message.get("params") or {}
        if method == "initialize":
            if not listings:
                write_line("this is not json")
            reply = ok(message, initialize_result(message, listings))
        elif listings and method in ("prompts/list", "resources/list", "resources/templates/list"):
            if mode == "peer-killer" and method != "resources/templates/list":
                kill_peer(pidfile)
            key = {"prompts/list": "prompts", "resources/list": "resources"}.get(method, "resourceTemplates")
            reply = ok(message, {key: []})
        elif method == "ping":
            reply = ok(message, {})
        elif method == "tools/list":
            reply = ok(message, {"tools": [ECHO_TOOL]})
        elif method == "tools/call" and params.get("name") == "echo":
            reply = ok(message, text_result(str((params.get("arguments") or {}).get("text", ""))))
        elif method == "tools/call":
            reply = error(message, -32602, f"Unknown tool: {params.get('name')}")
        else:
            reply = error(message, -32601, f"Method not found: {method}")
        write_line(json.dumps(reply))

    if ignore_eof:
        while True:
            time.sleep(3600)


# ------------------------------------------------------------------------------------------------
# HTTP


def html_500_app():
    from starlette.applications import Starlette
    from starlette.responses import HTMLResponse
    from starlette.routing import Route

    page = "<!DOCTYPE html>\n<html><head><title>500 Internal Server Error</title></head>\n<body><h1>Internal Server Error</h1><p>The proxy could not reach the upstream.</p></body></html>\n"

    async def fail(request):
        await request.body()
        return HTMLResponse(page, status_code=500)

    methods = ["GET", "POST", "DELETE", "PUT", "PATCH"]
    return Starlette(routes=[Route("/{path:path}", fail, methods=methods)])


def truncated_sse_app():
    from starlette.applications import Starlette
    from starlette.responses import Response
    from starlette.routing import Route

    class UnfinishedResponse(Response):
        """Sends the headers and `body` as the first chunk, then leaves: the server drops the connection."""

        def __init__(self, body: bytes, headers: dict) -> None:
            super().__init__(media_type="text/event-stream", headers=headers)
            self.partial = body

        async def __call__(self, scope, receive, send) -> None:
            headers = [(k, v) for k, v in self.raw_headers if k != b"content-length"]  # so: chunked
            await send({"type": "http.response.start", "status": 200, "headers": headers})
            await send({"type": "http.response.body", "body": self.partial, "more_body": True})

    tools = [ECHO_TOOL, {**ECHO_TOOL, "name": "abort", "description": "The connection drops mid-answer."}]

    def sse(payload: dict) -> bytes:
        return b"event: message\ndata: " + json.dumps(payload).encode() + b"\n\n"

    async def handle(request):
        if request.method != "POST":
            return Response(status_code=405, headers={"Allow": "POST"})
        message = json.loads(await request.body())
        if "id" not in message:
            return Response(status_code=202)
        method = message.get("method")
        headers = {"Cache-Control": "no-cache"}
        if method == "initialize":
            headers["Mcp-Session-Id"] = uuid.uuid4().hex
            body = sse(ok(message, initialize_result(message)))
        elif method == "tools/list":
            body = sse(ok(message, {"tools": tools}))
        elif method == "tools/call":
            name = (message.get("params") or {}).get("name")
            whole = sse(ok(message, text_result("this answer never arrives whole")))
            half = b": the answer follows\n\n" + whole[: len(whole) // 2]
            if name == "abort":
                return UnfinishedResponse(half, headers)
            return Response(half, media_type="text/event-stream", headers=headers)
        elif method == "ping":
            body = sse(ok(message, {}))
        else:
            body = sse(error(message, -32601, f"Method not found: {method}"))
        return Response(body, media_type="text/event-stream", headers=headers)

    return Starlette(routes=[Route("/mcp", handle, methods=["GET", "POST", "DELETE"])])


def session_expiry_app():
    from starlette.applications import Starlette
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    state = {"initializations": 0, "tool_calls": 0, "not_found": 0}
    live: set[str] = set()
    expired: list[str] = []

    def stats() -> dict:
        return {**state, "live_sessions": sorted(live), "expired_sessions": expired}

    async def handle(request):
        if request.method == "GET":
            return Response(status_code=405, headers={"Allow": "POST, DELETE"})
        session = request.headers.get("mcp-session-id")
        if request.method == "DELETE":
            live.discard(session or "")
            return Response(status_code=200)
        message = json.loads(await request.body())
        method = message.get("method")
        if method == "initialize":
            state["initializations"] += 1
            session = uuid.uuid4().hex
            live.add(session)
            return JSONResponse(ok(message, initialize_result(message)), headers={"Mcp-Session-Id": session})
        if not session:
            return JSONResponse(error(message, -32600, "Bad Request: missing Mcp-Session-Id"), status_code=400)
        if session not in live:
            state["not_found"] += 1
            return JSONResponse(error(message, -32001, "Session not found"), status_code=404)
        if "id" not in message:
            return Response(status_code=202)
        if method == "tools/list":
            tools = [ECHO_TOOL, {"name": "stats", "description": "Counters.", "inputSchema": {"type": "object"}}]
            return JSONResponse(ok(message, {"tools": tools}))
        if method == "tools/call":
            state["tool_calls"] += 1
            params = message.get("params") or {}
            if params.get("name") == "echo":
                result = text_result(str((params.get("arguments") or {}).get("text", "")))
            elif params.get("name") == "stats":
                result = text_result(json.dumps(stats()))
            else:
                result = text_result(f"Unknown tool: {params.get('name')}", is_error=True)
            live.discard(session)  # the session ends with its first tool call
            expired.append(session)
            return JSONResponse(ok(message, result))
        if method == "ping":
            return JSONResponse(ok(message, {}))
        return JSONResponse(error(message, -32601, f"Method not found: {method}"))

    async def stats_endpoint(request):
        return JSONResponse(stats())

    return Starlette(
        routes=[Route("/mcp", handle, methods=["GET", "POST", "DELETE"]), Route("/stats", stats_endpoint)]
    )


def legacy_only_app():
    from mcp.server.mcpserver import MCPServer

    app = MCPServer("bad-server-legacy", version="1.0.0")

    @app.tool(description="Returns its text unchanged.")
    def echo(text: str) -> str:
        return text

    return app.sse_app(sse_path="/sse", message_path="/messages/")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", required=True, choices=STDIO_MODES + HTTP_MODES)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--ignore-eof", action="store_true", help="hang: keep running after stdin closes")
    parser.add_argument("--pidfile", help="killable, peer-killer: where the killable server's pid is")
    args = parser.parse_args()

    if args.mode in STDIO_MODES:
        run_stdio(args.mode, args.ignore_eof, args.pidfile)
        return

    import anyio

    from mcp_fixture import serve_asgi

    builders = {
        "html-500": html_500_app,
        "truncated-sse": truncated_sse_app,
        "session-expiry": session_expiry_app,
        "legacy-only": legacy_only_app,
    }
    anyio.run(serve_asgi, builders[args.mode](), args.port)


if __name__ == "__main__":
    main()
