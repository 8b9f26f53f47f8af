"""Checks mcp_fixture.py in every transport mode with the official Python MCP client.

Usage: smoke_check.py [MODE ...]   (modes: stdio, http, http-json, http-stateless, sse; default all)

For each mode it starts the fixture (with --many-tools 25 and --record), connects with
`mcp.Client` (initialize handshake, mode="legacy", as lmg does), and checks: tools/list pages,
echo/add/structured/image/fail, progress notifications, resources (text, blob, template), the
review_code prompt, roots/list and sampling round trips, add_tool + tools/list_changed, and that
cancelling a `slow` call reaches the server (`cancelled <id>` in the record file). Features that a
mode cannot carry (server-to-client requests over stateless HTTP or JSON answers, notifications in
JSON answers, cancellation interrupting a stateless call) are checked to fail gracefully instead.
Exits 1 on the first failed check.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import anyio
import mcp_types as types
from mcp import Client, StdioServerParameters
from mcp.client.sse import sse_client

HERE = Path(__file__).resolve().parent
FIXTURE = str(HERE / "mcp_fixture.py")
MODES = {
    "stdio": [],
    "http": ["--transport", "streamable-http"],
    "http-json": ["--transport", "streamable-http", "--json-response"],
    "http-stateless": ["--transport", "streamable-http", "--stateless"],
    "sse": ["--transport", "sse"],
}


def check(condition: bool, what: str) -> None:
    if not condition:
        raise AssertionError(what)
    print(f"  ok  {what}")


def start_http(args: list[str]) -> tuple[subprocess.Popen, int]:
    proc = subprocess.Popen(
        [sys.executable, FIXTURE, *args, "--port", "0"], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, text=True
    )
    line = proc.stdout.readline()
    if not line.startswith("READY "):
        proc.kill()
        raise AssertionError(f"no READY line, got {line!r}")
    return proc, int(line.split()[1])


async def exercise(mode: str, client_target, record: Path) -> None:
    notifications: list[str] = []
    progress: list[tuple[float, float | None, str | None]] = []

    async def on_message(message) -> None:
        method = getattr(message, "method", None)
        if method:
            notifications.append(method)

    async def on_roots(_ctx) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri="file:///tmp/smoke", name="smoke")])

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append((value, total, message))

    back_channel = mode in ("stdio", "http", "sse")  # server-to-client requests and notifications possible
    async with Client(
        client_target, mode="legacy", message_handler=on_message, list_roots_callback=on_roots
    ) as client:
        check(client.server_info.name == "lmg-fixture", f"initialize (protocol {client.protocol_version})")

        async def all_tools() -> tuple[int, list[str]]:
            pages, cursor, names = 0, None, []
            while True:
                page = await client.list_tools(cursor=cursor, cache_mode="refresh")
                pages += 1
                names += [t.name for t in page.tools]
                cursor = page.next_cursor
                if cursor is None:
                    return pages, names

        pages, names = await all_tools()
        check(pages == 5 and len(names) == 48 and len(set(names)) == 48, f"tools/list paged: {pages} pages, {len(names)} tools")

        r = await client.call_tool("echo", {"text": "hi"})
        check(r.content[0].text == "hi" and not r.is_error, "echo")
        r = await client.call_tool("add", {"a": 2, "b": 3})
        check(r.structured_content == {"result": 5}, f"add -> {r.structured_content}")
        r = await client.call_tool("structured", {})
        check(r.structured_content["city"] == "Paris", "structured content")
        r = await client.call_tool("image", {})
        check(r.content[0].type == "image" and r.content[0].mime_type == "image/png", "image")
        r = await client.call_tool("fail", {"message": "boom"})
        check(r.is_error and r.content[0].text == "boom", "fail -> isError")
        r = await client.call_tool("large", {"kb": 64})
        check(len(r.content[0].text) == 64 * 1024, "large 64 KiB")

        r = await client.call_tool("progress", {"steps": 3, "delay": 0.01}, progress_callback=on_progress)
        if mode == "http-json":
            check(r.content[0].text == "done", f"progress call (JSON answers carry no notifications: {len(progress)})")
        else:
            check(r.content[0].text == "done" and len(progress) == 3, f"progress notifications {progress}")

        res = await client.read_resource("fixture://greeting")
        check(res.contents[0].text.startswith("Hello"), "resource fixture://greeting")
        res = await client.read_resource("fixture://blob")
        check(len(res.contents[0].blob) > 300, "resource fixture://blob")
        res = await client.read_resource("fixture://items/42")
        check(res.contents[0].text == "item 42", "template fixture://items/42")
        templates = await client.list_resource_templates()
        check(templates.resource_templates[0].uri_template == "fixture://items/{id}", "resources/templates/list")
        prompt = await client.get_prompt("review_code", {"code": "x = 1"})
        check([m.role for m in prompt.messages] == ["user", "assistant"], "prompt review_code")

        r = await client.call_tool("ask_roots", {})
        if back_channel:
            check(json.loads(r.content[0].text)[0]["uri"] == "file:///tmp/smoke", "ask_roots round trip")
        else:
            check(r.content[0].text.startswith("error"), f"ask_roots without back channel: {r.content[0].text!r}")
        r = await client.call_tool("ask_sampling", {})
        check(r.content[0].text.startswith("error"), f"ask_sampling -> {r.content[0].text!r}")

        name = f"dyn_{mode.replace('-', '_')}"
        r = await client.call_tool("add_tool", {"name": name})
        check(r.content[0].text == f"added {name}", "add_tool")
        await anyio.sleep(0.2)
        if mode in ("stdio", "http", "sse"):
            check("notifications/tools/list_changed" in notifications, "tools/list_changed received")
        pages, names = await all_tools()
        check(name in names and len(names) == 49, f"{name} listed after add_tool ({len(names)} tools)")
        r = await client.call_tool(name, {"text": "x"})
        check(r.content[0].text == f"{name}: x", "runtime tool callable")

        with anyio.move_on_after(0.5):
            await client.call_tool("slow", {"seconds": 5})
        await anyio.sleep(0.5)
        lines = record.read_text().splitlines()
        cancelled = [line for line in lines if line.startswith("cancelled ")]
        check(bool(cancelled), f"server saw {cancelled}")
        if mode != "http-stateless":
            check(any(line.startswith("slow-interrupted ") for line in lines), "slow tool interrupted")
        check("initialized" in lines, "record: initialized")


def run_mode(mode: str) -> None:
    print(f"[{mode}]")
    record = Path(tempfile.mkstemp(prefix="fixture-record-")[1])
    args = MODES[mode] + ["--many-tools", "25", "--record", str(record)]
    proc = None
    try:
        if mode == "stdio":
            target = StdioServerParameters(command=sys.executable, args=[FIXTURE, *args])
        else:
            proc, port = start_http(args)
            if mode == "sse":
                target = sse_client(f"http://127.0.0.1:{port}/sse")
            else:
                target = f"http://127.0.0.1:{port}/mcp"
        anyio.run(exercise, mode, target, record)
    finally:
        if proc is not None:
            started = time.monotonic()
            proc.terminate()
            proc.wait(10)
            print(f"  ..  SIGTERM -> exit {proc.returncode} in {time.monotonic() - started:.2f}s")
        os.unlink(record)


def main() -> None:
    modes = sys.argv[1:] or list(MODES)
    try:
        for mode in modes:
            run_mode(mode)
    except AssertionError as e:
        print(f"FAIL {e}")
        sys.exit(1)
    print("all checks passed")


if __name__ == "__main__":
    main()
