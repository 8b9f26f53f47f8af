"""A well-behaved MCP server for lmg's tests, built on the official Python SDK (mcp 2.x, MCPServer).

Usage:
  mcp_fixture.py [--transport stdio|streamable-http|sse] [--port 0] [--json-response] [--stateless]
                 [--record FILE] [--many-tools N] [--page-size K] [--resource-file PATH] [--image-resource] [--no-resources]
                 [--start-delay SECONDS] [--tools-ttl MS] [--last-page-ttl MS] [--no-list-changed]

Transports:
  stdio            (default) stdout carries the protocol only; logs go to stderr; EOF on stdin ends it.
  streamable-http  listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`;
                   endpoint path /mcp. --json-response answers POSTs with application/json instead of
                   an SSE stream; --stateless issues no Mcp-Session-Id (a fresh server per request).
  sse              the legacy 2024-11-05 HTTP+SSE transport: GET /sse opens the event stream, whose
                   first `endpoint` event names the POST URL (/messages/?session_id=...).
  HTTP modes exit on SIGTERM (stdin is ignored there).

Tools: echo, request_headers, add, slow, progress, fail, image, audio, resource_link, embedded_resource, structured,
large, add_tool, ask_roots, ask_sampling, ask_elicitation (the server's own requests: older revisions only),
need_roots, need_sampling, need_elicitation, need_sampling_tools, need_sampling_after_tool (resolvers: both eras), routed (an x-mcp-header parameter), routed_ask (one, and a
form through a resolver), rename_header (both to Mcp-Param-Zone),
touch_resource(uri) (resources/updated to subscribers, both eras),
log, plus extra_000... with --many-tools N.
Resources: fixture://greeting (text), fixture://blob (blob), template fixture://items/{id}; with
--resource-file PATH also fixture://file, PATH's text read anew at every read; with --image-resource
also fixture://pixel, a 1x1 PNG. --no-resources serves no
resources at all (no resources capability).
Prompt: review_code(code, language="python") -> a user and an assistant message; completion/complete
offers review_code's languages and fixture://items/{id}'s ids.

tools/list pages when --page-size K > 0 (default: 10 when --many-tools is given, otherwise no paging):
pages of K tools with an opaque nextCursor; a cursor that is not ours is answered -32602.

2026-07-28: --tools-ttl MS sends ttlMs MS (public) on tools/list (the SDK's default: 0, private);
--last-page-ttl MS gives the last tools/list page that ttlMs instead (pages cached each for its own);
--no-list-changed advertises no tools.listChanged and serves no subscriptions/listen, so a client has no
stream of changes to rely on. --state-ttl SECONDS seals requestState for that long (the SDK's
default: 600 s), so a slow answer meets "Invalid or expired requestState".

--record FILE appends one line per event, flushed at once:
  initialize / initialized            the handshake request and the notifications/initialized
  tools/list <cursor|->               each tools/list request
  tool <name>                         each tools/call request (before the tool runs)
  traceparent <name> <value>          the W3C trace context a tools/call carried in _meta, when it had one
  cancelled <requestId>               a notifications/cancelled arrived (as observed by the server)
  slow-interrupted <requestId>        the `slow` tool was interrupted by that cancellation
  slow-done <requestId>               the `slow` tool finished its sleep
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import logging
import os
import signal
import struct
import sys
import wave
import zlib
from typing import Annotated, Any

import anyio
from event_log import EventLog
import mcp_types as types
from mcp.server import NotificationOptions
from mcp.server.caching import CacheHint
from mcp.server.request_state import RequestStateSecurity
from mcp.server.mcpserver import Context, Elicit, ListRoots, MCPServer, Resolve, Sample
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.mcpserver.prompts.base import AssistantMessage, UserMessage
from mcp.server.mcpserver.utilities.types import Audio, Image
from mcp.shared.exceptions import MCPError
from mcp.shared.message import ServerMessageMetadata
from pydantic import BaseModel, Field

log = logging.getLogger("mcp_fixture")

# --------------------------------------------------------------------------------------------
# Resolvers: what the need_* tools ask the client for (module level: the SDK reads their
# annotations by name).


class NameForm(BaseModel):
    name: str


def elicit_name(question: str) -> Elicit[NameForm]:
    return Elicit(question, NameForm)


def sample_hi() -> Sample:
    return Sample([types.SamplingMessage(role="user", content=types.TextContent(type="text", text="Hi?"))], max_tokens=16)


WEATHER = types.Tool(
    name="weather", description="The weather in a city",
    input_schema={"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


def sample_with_tools() -> Sample:
    # The scripted model calls a tool for a `call NAME {json}` line.
    text = 'call weather {"city": "Paris"}'
    return Sample([types.SamplingMessage(role="user", content=types.TextContent(type="text", text=text))],
                  max_tokens=50, tools=[WEATHER], tool_choice=types.ToolChoice(mode="auto"))


def sample_after_tool() -> Sample:
    # The second round of a server's agent loop: the model's call and the server's result.
    messages = [
        types.SamplingMessage(role="user", content=types.TextContent(type="text", text="Weather in Paris?")),
        types.SamplingMessage(role="assistant", content=[types.ToolUseContent(id="c1", name="weather", input={"city": "Paris"})]),
        types.SamplingMessage(role="user", content=[
            types.ToolResultContent(tool_use_id="c1", content=[types.TextContent(type="text", text="18 C")])]),
    ]
    return Sample(messages, max_tokens=50, tools=[WEATHER])


def list_roots() -> ListRoots:
    return ListRoots()


# --------------------------------------------------------------------------------------------
# Recording

record = EventLog(None)


async def recording_middleware(ctx: Any, call_next: Any) -> Any:
    """Observes every inbound request and notification (the SDK's ServerMiddleware hook)."""
    method = ctx.method
    params = ctx.params or {}
    if method == "initialize":
        record("initialize")
    elif method == "notifications/cancelled":
        record(f"cancelled {params.get('requestId')}")
    elif method == "tools/list":
        record(f"tools/list {params.get('cursor') or '-'}")
    elif method == "tools/call":
        record(f"tool {params.get('name')}")
        meta = params.get("_meta") or {}
        if isinstance(meta, dict) and meta.get("traceparent"):
            record(f"traceparent {params.get('name')} {meta['traceparent']}")
    result = await call_next(ctx)
    if method == "notifications/initialized":
        record("initialized")
    return result


# --------------------------------------------------------------------------------------------
# Binary payloads


def tiny_png() -> bytes:
    """A valid 2x2 RGB PNG (red, green / blue, white)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = b"\x00\xff\x00\x00\x00\xff\x00" + b"\x00\x00\x00\xff\xff\xff\xff"
    header = struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


def tiny_wav() -> bytes:
    """A valid mono 8 kHz 16-bit WAV of 8 samples."""
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as w:
        w.setnchannels(1)
        w.setsampwidth(2)
        w.setframerate(8000)
        w.writeframes(struct.pack("<8h", 0, 1000, 2000, 1000, 0, -1000, -2000, -1000))
    return buffer.getvalue()


PNG = tiny_png()
WAV = tiny_wav()
BLOB = bytes(range(256))
GREETING = "Hello from the lmg test fixture"


# --------------------------------------------------------------------------------------------
# The server


class Weather(BaseModel):
    """What the `structured` tool returns (its outputSchema is this model's JSON schema)."""

    city: str
    temperature: float
    conditions: str
    humidity: int


def build_server(
    many_tools: int, page_size: int, resource_file: str | None = None, resources: bool = True, image_resource: bool = False,
    tools_ttl: int | None = None, list_changed: bool = True, state_ttl: float | None = None,
    last_page_ttl: int | None = None,
) -> MCPServer:
    hints = {"tools/list": CacheHint(ttl_ms=tools_ttl, scope="public")} if tools_ttl is not None else None
    app = MCPServer(
        "lmg-fixture",
        version="1.0.0",
        instructions="Test fixture for lmg.",
        middleware=[recording_middleware],
        cache_hints=hints,
        subscriptions=None if list_changed else False,
        request_state_security=RequestStateSecurity.ephemeral(ttl=state_ttl) if state_ttl else None,
    )

    @app.tool(description="Returns its text unchanged.")
    def echo(text: str) -> str:
        return text

    @app.tool(description="The HTTP headers of the request that carried this call, as JSON ({} over stdio).")
    def request_headers(ctx: Context) -> str:
        request = getattr(ctx.request_context, "request", None)
        headers = getattr(request, "headers", None) or {}
        return json.dumps({k.lower(): v for k, v in headers.items()}, sort_keys=True)

    @app.tool(description="Sends each of `levels` as a log message (notifications/message) with `message`, then answers.")
    async def log(message: str, ctx: Context, levels: list[str] = ["info"]) -> str:
        for level in levels:
            await ctx.log(level, message, logger_name="fixture")
        return f"logged {len(levels)}"

    @app.tool(description="Adds two integers.")
    def add(a: int, b: int) -> int:
        return a + b

    @app.tool(description="Sleeps `seconds`, then answers; records a cancellation.")
    async def slow(seconds: float, ctx: Context) -> str:
        try:
            await anyio.sleep(seconds)
        except anyio.get_cancelled_exc_class():
            record(f"slow-interrupted {ctx.request_id}")
            raise
        record(f"slow-done {ctx.request_id}")
        return f"slept {seconds}"

    @app.tool(description="Reports progress `steps` times (when the client sent a progressToken).")
    async def progress(steps: int, ctx: Context, delay: float = 0.05) -> str:
        for i in range(1, steps + 1):
            await ctx.report_progress(i, steps, f"step {i} of {steps}")
            await anyio.sleep(delay)
        return "done"

    @app.tool(description="Always fails: a tool error (isError) whose only text is `message`.")
    def fail(message: str) -> types.CallToolResult:
        return types.CallToolResult(content=[types.TextContent(type="text", text=message)], is_error=True)

    @app.tool(description="A 2x2 PNG image.")
    def image() -> Image:
        return Image(data=PNG, format="png")

    @app.tool(description="A short WAV clip.")
    def audio() -> Audio:
        return Audio(data=WAV, format="wav")

    @app.tool(description="A resource_link to fixture://greeting.")
    def resource_link() -> types.ResourceLink:
        return types.ResourceLink(
            type="resource_link", uri="fixture://greeting", name="greeting", mime_type="text/plain"
        )

    @app.tool(description="The greeting resource embedded in the result.")
    def embedded_resource() -> types.EmbeddedResource:
        return types.EmbeddedResource(
            type="resource",
            resource=types.TextResourceContents(uri="fixture://greeting", mime_type="text/plain", text=GREETING),
        )

    @app.tool(description="Structured output with an outputSchema.")
    def structured(city: str = "Paris") -> Weather:
        return Weather(city=city, temperature=21.5, conditions="sunny", humidity=40)

    @app.tool(description="A text of kb*1024 characters.", structured_output=False)
    def large(kb: int) -> str:
        pattern = "0123456789abcdef" * 64  # 1024 characters
        return pattern * kb

    @app.tool(description="Registers a tool named `name` and notifies tools/list_changed.")
    async def add_tool(name: str, ctx: Context) -> str:
        if app._tool_manager.get_tool(name) is not None:  # noqa: SLF001 - no public lookup
            raise ToolError(f"tool {name} already exists")

        def dynamic(text: str = "") -> str:
            return f"{name}: {text}"

        app.add_tool(dynamic, name=name, description=f"Added at runtime by add_tool({name!r}).")
        # Request-scoped, so it rides this request's stream on Streamable HTTP (SSE answers).
        await ctx.session.send_notification(types.ToolListChangedNotification(), related_request_id=ctx.request_id)
        return f"added {name}"

    async def ask(ctx: Context, request: Any, result_type: Any, method: str, answer: Any) -> str:
        """Sends `request` to the client on this call's stream (10 s to answer): `answer(result)`,
        or the error as text."""
        try:
            with anyio.fail_after(10):
                result = await ctx.session.send_request(
                    request, result_type, metadata=ServerMessageMetadata(related_request_id=ctx.request_context.request_id))
        except MCPError as e:
            return f"error {e.error.code}: {e.error.message}"
        except TimeoutError:
            return f"error: no answer to {method} within 10s"
        except Exception as e:  # e.g. no back-channel (stateless HTTP)
            return f"error: {type(e).__name__}: {e}"
        return answer(result)

    @app.tool(description="Asks the client for roots/list; returns them as JSON text, or the error.")
    async def ask_roots(ctx: Context) -> str:
        return await ask(ctx, types.ListRootsRequest(), types.ListRootsResult, "roots/list",
                         lambda result: json.dumps([{"uri": str(r.uri), "name": r.name} for r in result.roots]))

    @app.tool(description="Sends sampling/createMessage to the client; returns the error it got (or the answer).")
    async def ask_sampling(ctx: Context) -> str:
        request = types.CreateMessageRequest(
            params=types.CreateMessageRequestParams(
                messages=[types.SamplingMessage(role="user", content=types.TextContent(type="text", text="Hi?"))],
                max_tokens=16,
            )
        )
        return await ask(ctx, request, types.CreateMessageResult, "sampling/createMessage",
                         lambda result: f"sampled: {getattr(result.content, 'text', result.content)}")

    @app.tool(description="Sends elicitation/create (a form for `name`); returns the client's answer or the error.")
    async def ask_elicitation(ctx: Context, question: str = "Your name?") -> str:
        request = types.ElicitRequest(
            params=types.ElicitRequestFormParams(
                mode="form",
                message=question,
                requested_schema={
                    "type": "object",
                    "properties": {"name": {"type": "string"}},
                    "required": ["name"],
                },
            )
        )
        return await ask(ctx, request, types.ElicitResult, "elicitation/create",
                         lambda result: f"elicited: {result.action} {json.dumps(result.content, sort_keys=True)}")

    # The same three asks through the SDK's resolvers, which work in both eras: a 2026-07-28
    # client gets an input_required result and calls again with the answer; an older one gets
    # the server's own request.
    @app.tool(description="Needs the client's roots (a resolver); returns them as JSON text.")
    async def need_roots(result: Annotated[types.ListRootsResult, Resolve(list_roots)]) -> str:
        return json.dumps([{"uri": str(r.uri), "name": r.name} for r in result.roots])

    @app.tool(description="Needs a sampling from the client (a resolver); returns its text.")
    async def need_sampling(result: Annotated[types.CreateMessageResult, Resolve(sample_hi)]) -> str:
        return f"sampled: {getattr(result.content, 'text', result.content)}"

    @app.tool(description="Samples with a tool offered (a resolver); returns the model's tool calls.")
    async def need_sampling_tools(result: Annotated[types.CreateMessageResultWithTools, Resolve(sample_with_tools)]) -> str:
        uses = [block for block in result.content_as_list if block.type == "tool_use"]
        calls = "; ".join(f"{use.name} {json.dumps(use.input, sort_keys=True)}" for use in uses)
        return f"tool_use ({result.stop_reason}): {calls}"

    @app.tool(description="Samples with a tool's result in the history (a resolver); returns the answer.")
    async def need_sampling_after_tool(result: Annotated[types.CreateMessageResultWithTools, Resolve(sample_after_tool)]) -> str:
        texts = [block.text for block in result.content_as_list if block.type == "text"]
        return f"sampled: {' '.join(texts)}"

    @app.tool(description="Needs a name from the user (a form, through a resolver); returns it.")
    async def need_elicitation(form: Annotated[NameForm, Resolve(elicit_name)], question: str = "Your name?") -> str:
        return f"elicited: {form.name}"

    def routed(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})], text: str = "") -> str:
        return f"{region}: {text}"

    app.add_tool(routed, name="routed", description="Echoes its region, which 2026-07-28 HTTP clients also send as Mcp-Param-Region.")

    async def routed_ask(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Region"})],
                         form: Annotated[NameForm, Resolve(elicit_name)], question: str = "Your name?") -> str:
        return f"{region}: {form.name}"

    app.add_tool(routed_ask, name="routed_ask", description="Asks a name (a resolver); its region is a header parameter too.")

    @app.tool(description="Renames routed's header parameter (Region to Zone) and tells no one: the next call with old headers is -32020.")
    def rename_header() -> str:
        def routed_zone(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Zone"})], text: str = "") -> str:
            return f"{region} (zone): {text}"

        async def routed_ask_zone(region: Annotated[str, Field(json_schema_extra={"x-mcp-header": "Zone"})],
                                  form: Annotated[NameForm, Resolve(elicit_name)], question: str = "Your name?") -> str:
            return f"{region} (zone): {form.name}"

        app.remove_tool("routed")
        app.add_tool(routed_zone, name="routed", description="Echoes its region, sent as Mcp-Param-Zone.")
        app.remove_tool("routed_ask")
        app.add_tool(routed_ask_zone, name="routed_ask", description="Asks a name; its region is sent as Mcp-Param-Zone.")
        return "renamed"

    languages = ["perl", "php", "python", "ruby", "rust", "swift"]

    @app.completion()
    async def complete(ref: Any, argument: Any, context: Any) -> types.Completion | None:
        """review_code's `language`, and the item template's `id`: the values starting with what was typed."""
        if isinstance(ref, types.PromptReference) and ref.name == "review_code" and argument.name == "language":
            return types.Completion(values=[v for v in languages if v.startswith(argument.value)])
        if isinstance(ref, types.ResourceTemplateReference) and argument.name == "id":
            return types.Completion(values=[v for v in ["1", "2", "3", "12"] if v.startswith(argument.value)])
        return None

    for i in range(many_tools):
        n = f"extra_{i:03d}"

        def extra(n: str = n) -> str:
            return n

        app.add_tool(extra, name=n, description=f"Extra tool {n}.", structured_output=False)

    @app.resource("fixture://greeting", name="greeting", mime_type="text/plain", description="A greeting.")
    def greeting() -> str:
        return GREETING

    @app.resource("fixture://blob", name="blob", mime_type="application/octet-stream", description="Bytes 0..255.")
    def blob() -> bytes:
        return BLOB

    @app.resource("fixture://items/{id}", name="item", mime_type="text/plain", description="Item by id.")
    def item(id: str) -> str:
        return f"item {id}"

    if resource_file:
        @app.resource("fixture://file", name="file", mime_type="text/plain", description="A file's text, read anew each time.")
        def file() -> str:
            with open(resource_file, encoding="utf-8") as handle:
                return handle.read()

    if image_resource:
        @app.resource("fixture://pixel", name="pixel", mime_type="image/png", description="A 1x1 PNG.")
        def pixel() -> bytes:
            return tiny_png()

    @app.prompt(description="Asks for a code review.")
    def review_code(code: str, language: str = "python") -> list:
        return [
            UserMessage(f"Please review this {language} code:\n\n{code}"),
            AssistantMessage(f"I'll review the {language} code for correctness and style."),
        ]

    low = app._lowlevel_server  # noqa: SLF001 - the SDK exposes no public hook for these two
    if not resources:
        # The capability follows the handlers: without them the server declares no resources.
        for method in ("resources/list", "resources/templates/list", "resources/read"):
            low._request_handlers.pop(method, None)  # noqa: SLF001

    # tools/list with pagination (MCPServer's own handler always answers one page).
    async def list_tools(ctx: Any, params: types.PaginatedRequestParams | None) -> types.ListToolsResult:
        tools = await app.list_tools()
        if page_size <= 0:
            return types.ListToolsResult(tools=tools)
        start = 0
        cursor = params.cursor if params else None
        if cursor:
            try:
                start = int(json.loads(base64.urlsafe_b64decode(cursor.encode()))["offset"])
            except Exception:
                raise MCPError(code=types.INVALID_PARAMS, message=f"invalid cursor {cursor!r}")
        end = start + page_size
        next_cursor = base64.urlsafe_b64encode(json.dumps({"offset": end}).encode()).decode() if end < len(tools) else None
        if next_cursor is None and last_page_ttl is not None:
            return types.ListToolsResult(tools=tools[start:end], next_cursor=None, ttl_ms=last_page_ttl)
        return types.ListToolsResult(tools=tools[start:end], next_cursor=next_cursor)

    low.add_request_handler("tools/list", types.PaginatedRequestParams, list_tools)

    # resources/subscribe (older revisions; 2026-07-28 subscribes in subscriptions/listen):
    # touch_resource tells subscribers, in either era.
    subscribed: set[str] = set()

    async def subscribe(ctx: Any, params: types.SubscribeRequestParams) -> types.EmptyResult:
        subscribed.add(str(params.uri))
        return types.EmptyResult()

    if resources:
        low.add_request_handler("resources/subscribe", types.SubscribeRequestParams, subscribe)

    @app.tool(description="Says resource `uri` changed: on the subscribers' listen streams, and to an older client that subscribed.")
    async def touch_resource(ctx: Context, uri: str) -> str:
        await ctx.notify_resource_updated(uri)
        if uri in subscribed:
            try:
                await ctx.session.send_resource_updated(uri)
            except Exception as e:  # 2026-07-28 sessions deliver only through listen streams
                log.debug("send_resource_updated: %s", e)
        return f"touched {uri}"

    # Advertise tools.listChanged (add_tool sends notifications/tools/list_changed).
    plain_options = low.create_initialization_options

    def options_with_list_changed(notification_options=None, experimental_capabilities=None, extensions=None):
        return plain_options(NotificationOptions(tools_changed=True), experimental_capabilities, extensions)

    if list_changed:
        low.create_initialization_options = options_with_list_changed
    return app


# --------------------------------------------------------------------------------------------
# Running

from asgi_server import listening_socket, serve_asgi  # noqa: E402 - re-exported for the other fixtures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--transport", choices=["stdio", "streamable-http", "sse"], default="stdio")
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--json-response", action="store_true")
    parser.add_argument("--stateless", action="store_true")
    parser.add_argument("--record", metavar="FILE")
    parser.add_argument("--many-tools", type=int, default=0, metavar="N")
    parser.add_argument("--page-size", type=int, default=None, metavar="K")
    parser.add_argument("--resource-file", metavar="PATH")
    parser.add_argument("--no-resources", action="store_true")
    parser.add_argument("--image-resource", action="store_true")
    parser.add_argument("--start-delay", type=float, default=0, metavar="SECONDS")
    parser.add_argument("--tools-ttl", type=int, default=None, metavar="MS")
    parser.add_argument("--last-page-ttl", type=int, default=None, metavar="MS")
    parser.add_argument("--no-list-changed", action="store_true")
    parser.add_argument("--state-ttl", type=float, default=None, metavar="SECONDS")
    args = parser.parse_args()
    if args.start_delay > 0:
        # A slow start: what the client writes meanwhile waits in the pipe.
        import time

        time.sleep(args.start_delay)

    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="mcp_fixture: %(levelname)s %(message)s")
    global record
    record = EventLog(args.record)
    page_size = args.page_size if args.page_size is not None else (10 if args.many_tools > 0 else 0)
    app = build_server(
        args.many_tools, page_size, args.resource_file, not args.no_resources, args.image_resource, args.tools_ttl, not args.no_list_changed,
        args.state_ttl, args.last_page_ttl
    )

    if args.transport == "stdio":
        # SIGTERM keeps its default action (terminate at once); EOF on stdin ends the session.
        app.run("stdio")
    elif args.transport == "sse":
        anyio.run(serve_asgi, app.sse_app(), args.port)
    else:
        asgi_app = app.streamable_http_app(json_response=args.json_response, stateless_http=args.stateless)
        anyio.run(serve_asgi, asgi_app, args.port)


if __name__ == "__main__":
    main()
