"""Drives any Streamable HTTP MCP server with the official Python MCP SDK, one scenario per run.

Usage:
  mcp_client_check.py URL SCENARIO [--header "K: V"]... [--timeout SEC] [scenario options]

Works with the SDK's 2.x (mcp 2.3.0, the system python3) and 1.x (mcp 1.30.0, .venv-mcp1/bin/python,
Tests/Fixtures/requirements-mcp1.txt) through the pieces both have: `streamable_http_client(url,
http_client=...)`, `ClientSession(read, write, callbacks...)` and `session.initialize()` (the
initialize handshake). `open_session` is the only place their differences are bridged; every result is
read through its JSON-RPC wire form (`model_dump(by_alias=True)`), which both versions share.

Scenarios (each prints exactly one JSON object on stdout at the end; diagnostics go to stderr):
  basics [--tool NAME --args JSON] [--resource URI] [--prompt NAME --prompt-args JSON]
      initialize, list tools, resources, resource templates and prompts (following nextCursor), then
      call / read / get the named ones -> {"protocolVersion", "serverName", "tools", "resources",
      "templates", "prompts", "call": {"isError", "text", "structured"}, "read": [{"uri", "text" |
      "blobBytes"}], "prompt": [{"role", "text"}]} (a step not asked for is left out).
  progress --tool NAME [--args JSON]
      the call with a progress callback -> {"progress": [[progress, total, message], ...], "text"}.
  cancel --tool NAME [--args JSON] --after SEC
      starts the call, cancels it after SEC s so that notifications/cancelled goes out for its request id
      (mcp 2.x sends it itself when the waiting task is cancelled; 1.x does not, so the script sends
      it), then tools/list on the same session -> {"cancelled", "sessionAlive", "requestId",
      "cancelSentBy": "sdk" | "script" | null, "completedFirst", "tools"}.
  list-changed [--wait SEC] [--expect TOOL]
      lists tools, waits until the session's GET stream is open, prints the line READY (flushed), then
      waits up to SEC s for notifications/tools/list_changed and lists again (with --expect, after each
      notification until TOOL is listed) -> {"listChanged", "notifications",
      "tools" (after), "toolsBefore", "getStream" (HTTP status of the GET stream, or null)}.
  elicit --tool NAME --answer JSON [--args JSON] [--decline-capability]
      answers each elicitation/create with action accept and the given content -> {"text",
      "elicitations": [each request's message]}; --decline-capability declares no elicitation.
  logs --tool NAME [--args JSON] [--level LEVEL] [--count N] [--wait SEC]
      with a logging callback (and logging/setLevel LEVEL first), calls the tool and waits up to SEC s for
      N log messages -> {"text", "logs": [{"level", "logger", "data"}]}.
  sampling --tool NAME --answer TEXT [--args JSON] [--decline-capability]
      answers each sampling/createMessage with an assistant text -> {"text", "samplings": [each
      request's messages' text, joined]}.

--out FILE also writes the JSON to FILE (for callers that watch stdout only for READY).

Exit status: 0 when the scenario ran (the caller checks the JSON), 1 on an exception, with
{"error": "<type>: <message>"} as the JSON. --timeout (default 20 s) bounds the whole run, on top of
--after / --wait.
"""

from __future__ import annotations

import argparse
import base64
import importlib.metadata
import json
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import mcp.types as types
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client  # both versions; builds the httpx / httpx2 client

SDK_VERSION = importlib.metadata.version("mcp")


def log(text: str) -> None:
    print(f"mcp_client_check: {text}", file=sys.stderr, flush=True)


def wire(model: Any) -> Any:
    """A model as its JSON-RPC wire form (camelCase keys), in both SDK versions."""
    if model is None or isinstance(model, dict):
        return model
    return model.model_dump(by_alias=True, mode="json", exclude_none=True)


class WriteTap:
    """Wraps the session's write stream and records every outgoing JSON-RPC message (as wire dicts)."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.sent: list[dict[str, Any]] = []

    async def send(self, item: Any) -> None:
        message = getattr(item, "message", None)
        message = getattr(message, "root", message)  # 1.x wraps it in the JSONRPCMessage root model
        if message is not None:
            self.sent.append(wire(message))
        await self._stream.send(item)

    async def __aenter__(self) -> WriteTap:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> Any:
        return await self._stream.__aexit__(*exc)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)


class Connection:
    def __init__(self, session: ClientSession, initialized: dict[str, Any], tap: WriteTap) -> None:
        self.session = session
        self.initialized = initialized
        self.tap = tap
        self.get_stream = anyio.Event()
        self.get_status: int | None = None


@asynccontextmanager
async def open_session(url: str, headers: dict[str, str], **callbacks: Any) -> AsyncIterator[Connection]:
    """An initialized ClientSession over Streamable HTTP; the one place the SDK versions differ.

    2.x: `streamable_http_client` yields (read, write) and wants an httpx2 client; 1.x yields
    (read, write, get_session_id) and wants an httpx client. `create_mcp_http_client` builds the right
    one in each (with the SDK's timeouts: 30 s, 300 s to read a stream). The callbacks' signatures
    (context, params) and the ClientSession keywords used here are the same in both.
    """
    http_client = create_mcp_http_client(headers=headers or None)
    statuses: list[Any] = []

    async def on_response(response: Any) -> None:
        if response.request.method == "GET":
            statuses.append(response.status_code)
            if connection is not None:
                connection.get_status = response.status_code
                connection.get_stream.set()

    connection: Connection | None = None
    http_client.event_hooks = {"request": [], "response": [on_response]}
    async with http_client, streamable_http_client(url, http_client=http_client) as streams:
        read_stream, write_stream = streams[0], streams[1]
        tap = WriteTap(write_stream)
        async with ClientSession(read_stream, tap, **callbacks) as session:
            result = wire(await session.initialize())
            connection = Connection(session, result, tap)
            if statuses:
                connection.get_status = statuses[-1]
                connection.get_stream.set()
            yield connection


async def list_all(method: Any, key: str) -> list[dict[str, Any]]:
    """Every item of a paged list (tools/list and the like), following nextCursor."""
    items: list[dict[str, Any]] = []
    cursor: str | None = None
    for _ in range(1000):
        params = types.PaginatedRequestParams(cursor=cursor) if cursor else None
        page = wire(await method(params=params))
        items += page.get(key, [])
        cursor = page.get("nextCursor")
        if not cursor:
            break
    return items


def content_text(content: list[dict[str, Any]]) -> str:
    return "\n".join(c.get("text", "") for c in content if c.get("type") == "text")


def call_summary(result: Any) -> dict[str, Any]:
    w = wire(result)
    return {
        "isError": bool(w.get("isError", False)),
        "text": content_text(w.get("content", [])),
        "structured": w.get("structuredContent"),
    }


async def tool_names(session: ClientSession) -> list[str]:
    return [t["name"] for t in await list_all(session.list_tools, "tools")]


def message_handler(on_method: Any) -> Any:
    """A message_handler that passes each notification's method to on_method (1.x also hands it the
    server's requests, as RequestResponder objects, and 1.x wraps notifications in a root model)."""

    async def handler(message: Any) -> None:
        if isinstance(message, Exception):
            log(f"transport: {type(message).__name__}: {message}")
            return
        notification = getattr(message, "root", message)
        method = getattr(notification, "method", None)
        if isinstance(method, str):
            on_method(method)

    return handler


# --------------------------------------------------------------------------------------------
# Scenarios


async def basics(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    async with open_session(args.url, headers) as c:
        s = c.session
        out: dict[str, Any] = {
            "sdk": SDK_VERSION,
            "protocolVersion": c.initialized.get("protocolVersion"),
            "serverName": c.initialized.get("serverInfo", {}).get("name"),
            "tools": [t["name"] for t in await list_all(s.list_tools, "tools")],
            "resources": [r["uri"] for r in await list_all(s.list_resources, "resources")],
            "templates": [t["uriTemplate"] for t in await list_all(s.list_resource_templates, "resourceTemplates")],
            "prompts": [p["name"] for p in await list_all(s.list_prompts, "prompts")],
        }
        if args.tool:
            out["call"] = call_summary(await s.call_tool(args.tool, json.loads(args.args)))
        if args.resource:
            read = []
            for item in wire(await s.read_resource(args.resource)).get("contents", []):
                entry: dict[str, Any] = {"uri": item.get("uri")}
                if "text" in item:
                    entry["text"] = item["text"]
                else:
                    entry["blobBytes"] = len(base64.b64decode(item.get("blob", "")))
                read.append(entry)
            out["read"] = read
        if args.prompt:
            prompt = wire(await s.get_prompt(args.prompt, json.loads(args.prompt_args)))
            out["prompt"] = [
                {"role": m["role"], "text": m["content"].get("text", m["content"].get("type"))}
                for m in prompt.get("messages", [])
            ]
        return out


async def progress(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    seen: list[list[Any]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append([value, total, message])

    async with open_session(args.url, headers) as c:
        result = await c.session.call_tool(args.tool, json.loads(args.args), progress_callback=on_progress)
        return {"progress": seen, "text": call_summary(result)["text"]}


async def cancel(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    async with open_session(args.url, headers) as c:
        s, tap = c.session, c.tap
        start = len(tap.sent)
        completed: dict[str, Any] = {}

        async def call() -> None:
            completed["result"] = call_summary(await s.call_tool(args.tool, json.loads(args.args)))

        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            await anyio.sleep(args.after)
            tg.cancel_scope.cancel()  # 2.x: the SDK's own courtesy notifications/cancelled goes out here

        calls = [m for m in tap.sent[start:] if m.get("method") == "tools/call"]
        request_id = calls[-1]["id"] if calls else None

        def cancels() -> list[dict[str, Any]]:
            sent = [m for m in tap.sent[start:] if m.get("method") == "notifications/cancelled"]
            return [m for m in sent if (m.get("params") or {}).get("requestId") == request_id]

        sent_by = None
        if request_id is not None and not completed:
            if cancels():
                sent_by = "sdk"
            else:  # 1.x: cancelling the waiting task only stops waiting
                notification = types.CancelledNotification.model_validate(
                    {
                        "method": "notifications/cancelled",
                        "params": {"requestId": request_id, "reason": "cancelled by mcp_client_check"},
                    }
                )
                await s.send_notification(notification)
                sent_by = "script"
        log(f"tools/call id {request_id!r}; notifications/cancelled sent by {sent_by}")
        alive, tools = False, None
        try:
            tools = await tool_names(s)
            alive = True
        except Exception as e:
            log(f"tools/list after the cancel failed: {type(e).__name__}: {e}")
        return {
            "cancelled": bool(cancels()),
            "sessionAlive": alive,
            "requestId": request_id,
            "cancelSentBy": sent_by,
            "completedFirst": bool(completed),
            "tools": tools,
        }


async def list_changed(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    changed = anyio.Event()

    def on_method(method: str) -> None:
        log(f"notification {method}")
        if method == "notifications/tools/list_changed":
            changed.set()

    async with open_session(args.url, headers, message_handler=message_handler(on_method)) as c:
        before = await tool_names(c.session)
        # The SDK opens the GET stream by itself once `notifications/initialized` is sent; a change
        # announced before the server has that stream would reach no one, so wait for its answer.
        with anyio.move_on_after(5):
            await c.get_stream.wait()
        log(f"GET stream: {c.get_status}")
        print("READY", flush=True)
        after, heard = before, 0
        with anyio.move_on_after(args.wait):
            # A server being added can announce several changes (registered, then connected):
            # with --expect, list again after each one until that tool shows up.
            while True:
                await changed.wait()
                changed = anyio.Event()
                heard += 1
                after = await tool_names(c.session)
                if not args.expect or args.expect in after:
                    break
        return {"listChanged": heard > 0, "notifications": heard, "tools": after, "toolsBefore": before, "getStream": c.get_status}


async def elicit(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    answer = json.loads(args.answer) if args.answer else {}
    seen: list[Any] = []

    async def on_elicit(context: Any, params: Any) -> Any:
        seen.append(wire(params).get("message"))
        return types.ElicitResult.model_validate({"action": "accept", "content": answer})

    callbacks = {} if args.decline_capability else {"elicitation_callback": on_elicit}
    async with open_session(args.url, headers, **callbacks) as c:
        result = await c.session.call_tool(args.tool, json.loads(args.args))
        return {"text": call_summary(result)["text"], "elicitations": seen}


async def sampling(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    seen: list[str] = []

    async def on_sample(context: Any, params: Any) -> Any:
        messages = wire(params).get("messages", [])
        texts = []
        for m in messages:
            content = m.get("content")
            for block in content if isinstance(content, list) else [content]:
                if isinstance(block, dict) and block.get("type") == "text":
                    texts.append(block.get("text", ""))
        seen.append("\n".join(texts))
        return types.CreateMessageResult.model_validate(
            {
                "role": "assistant",
                "content": {"type": "text", "text": args.answer or ""},
                "model": "mcp-client-check",
                "stopReason": "endTurn",
            }
        )

    callbacks = {} if args.decline_capability else {"sampling_callback": on_sample}
    async with open_session(args.url, headers, **callbacks) as c:
        result = await c.session.call_tool(args.tool, json.loads(args.args))
        return {"text": call_summary(result)["text"], "samplings": seen}


async def logs(args: argparse.Namespace, headers: dict[str, str]) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []
    arrived = anyio.Event()

    async def on_log(params: Any) -> None:
        seen.append(wire(params))
        arrived.set()

    async with open_session(args.url, headers, logging_callback=on_log) as c:
        if args.level:
            await c.session.set_logging_level(args.level)
        # Server-wide messages travel on the GET stream: wait until it is open.
        with anyio.move_on_after(5):
            await c.get_stream.wait()
        result = await c.session.call_tool(args.tool, json.loads(args.args))
        with anyio.move_on_after(args.wait):
            while len(seen) < args.count:
                await arrived.wait()
                arrived = anyio.Event()
        return {"text": call_summary(result)["text"],
                "logs": [{"level": m.get("level"), "logger": m.get("logger"), "data": m.get("data")} for m in seen]}


SCENARIOS = {
    "basics": basics,
    "progress": progress,
    "cancel": cancel,
    "list-changed": list_changed,
    "elicit": elicit,
    "sampling": sampling,
    "logs": logs,
}


def parse_headers(values: list[str]) -> dict[str, str]:
    headers: dict[str, str] = {}
    for value in values:
        name, sep, rest = value.partition(":")
        if not sep or not name.strip():
            raise SystemExit(f"--header wants K:V, got {value!r}")
        headers[name.strip()] = rest.strip()
    return headers


def describe(error: BaseException) -> str:
    """`Type: message` of the first leaf of a (possibly nested) exception group."""
    while isinstance(error, BaseExceptionGroup) and error.exceptions:
        error = error.exceptions[0]
    return f"{type(error).__name__}: {error}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("scenario", choices=list(SCENARIOS))
    parser.add_argument("--header", action="append", default=[], metavar="K:V")
    parser.add_argument("--timeout", type=float, default=20.0, metavar="SEC")
    parser.add_argument("--tool")
    parser.add_argument("--args", default="{}", metavar="JSON")
    parser.add_argument("--resource", metavar="URI")
    parser.add_argument("--prompt", metavar="NAME")
    parser.add_argument("--prompt-args", default="{}", metavar="JSON")
    parser.add_argument("--after", type=float, default=1.0, metavar="SEC")
    parser.add_argument("--wait", type=float, default=10.0, metavar="SEC")
    parser.add_argument("--answer")
    parser.add_argument("--decline-capability", action="store_true")
    parser.add_argument("--level", help="logs: send logging/setLevel first")
    parser.add_argument("--count", type=int, default=1, help="logs: wait for this many messages (up to --wait)")
    parser.add_argument("--expect", metavar="TOOL", help="list-changed: wait until this tool is listed")
    parser.add_argument("--out", metavar="FILE", help="also write the JSON to FILE (for callers that only watch for READY)")
    args = parser.parse_args()
    if args.scenario in ("progress", "cancel", "elicit", "sampling", "logs") and not args.tool:
        parser.error(f"{args.scenario} needs --tool")
    headers = parse_headers(args.header)
    scenario = SCENARIOS[args.scenario]
    extra = args.after if args.scenario == "cancel" else args.wait if args.scenario in ("list-changed", "logs") else 0.0

    async def run() -> dict[str, Any]:
        limit = args.timeout + extra
        try:
            with anyio.fail_after(limit):
                return await scenario(args, headers)
        except TimeoutError:
            raise TimeoutError(f"{args.scenario} did not finish within {limit:g} s") from None

    log(f"mcp {SDK_VERSION}, {args.scenario} against {args.url}")
    def emit(result: dict[str, Any]) -> None:
        text = json.dumps(result)
        if args.out:
            with open(args.out, "w") as f:
                f.write(text)
        print(text, flush=True)

    try:
        out = anyio.run(run)
    except Exception as e:
        emit({"error": describe(e)})
        sys.exit(1)
    emit(out)


if __name__ == "__main__":
    main()
