"""Drives a Streamable HTTP MCP server with the official Python client in MCP 2026-07-28, one scenario per run.

Usage:
  mcp_modern_check.py URL SCENARIO [--header "K: V"]... [--timeout SEC] [scenario options]

`mcp.Client(url, mode="auto")` (mcp 2.3.0, the system python3) probes `server/discover` and speaks
2026-07-28 when the server does: no initialize, no session, every request with its envelope.

Scenarios (each prints exactly one JSON object on stdout at the end; diagnostics go to stderr):
  basics [--tool NAME --args JSON] [--resource URI] [--prompt NAME --prompt-args JSON]
      -> {"protocol", "serverName", "tools", "resources", "templates", "prompts", "call": {"isError", "text"},
          "read": text, "prompt": [roles]} (a step not asked for is left out).
  progress --tool NAME [--args JSON]        -> {"progress": [[progress, total, message], ...], "text"}.
  cancel --tool NAME [--args JSON] --after SEC
      starts the call and cancels it after SEC s (the client closes the request's connection), then lists
      tools -> {"cancelled", "alive", "tools"}.
  elicit --tool NAME --answer JSON [--args JSON] [--decline-capability]
      answers each elicitation with accept and the content -> {"text", "elicitations": [messages]}.
  sampling --tool NAME --answer TEXT [--args JSON]  -> {"text", "samplings": [texts]}.
  listen [--wait SEC] [--expect TOOL]
      opens subscriptions/listen for tools, prints READY (flushed) once it is acknowledged, then waits up to
      SEC s for tools list_changed (with --expect, until TOOL is listed)
      -> {"honored", "events", "tools", "toolsBefore"}.
  logs --tool NAME [--args JSON] [--level LEVEL]
      with log_level LEVEL (the 2026-07-28 opt-in) -> {"text", "logs": [{"level", "logger", "data"}]}.

--out FILE also writes the JSON to FILE.

Exit status: 0 when the scenario ran (the caller checks the JSON), 1 on an exception, with
{"error": "<type>: <message>"} as the JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

import anyio
import mcp.types as types
from mcp import Client
from mcp.shared._httpx_utils import create_mcp_http_client

# The older-revision driver beside this file: its wire form, header parsing and error text serve here too.
from mcp_client_check import describe, log, parse_headers, wire


def text_of(result: Any) -> str:
    return "\n".join(c.get("text", "") for c in wire(result).get("content", []) if c.get("type") == "text")


def client(args: argparse.Namespace, **callbacks: Any) -> Client:
    headers = parse_headers(args.header)
    target: Any = args.url
    if headers:
        from mcp.client.streamable_http import streamable_http_client

        target = streamable_http_client(args.url, http_client=create_mcp_http_client(headers=headers))
    return Client(target, mode="auto", **callbacks)


async def names(c: Client) -> list[str]:
    return [t.name for t in (await c.list_tools()).tools]


async def basics(args: argparse.Namespace) -> dict[str, Any]:
    async with client(args) as c:
        out: dict[str, Any] = {
            "protocol": c.protocol_version,
            "serverName": c.server_info.name if c.server_info else None,
            "tools": await names(c),
            "resources": [str(r.uri) for r in (await c.list_resources()).resources],
            "templates": [t.uri_template for t in (await c.list_resource_templates()).resource_templates],
            "prompts": [p.name for p in (await c.list_prompts()).prompts],
        }
        if args.tool:
            result = await c.call_tool(args.tool, json.loads(args.args))
            out["call"] = {"isError": bool(result.is_error), "text": text_of(result)}
        if args.resource:
            read = await c.read_resource(args.resource)
            out["read"] = "".join(getattr(item, "text", "") or "" for item in read.contents)
        if args.prompt:
            prompt = await c.get_prompt(args.prompt, json.loads(args.prompt_args))
            out["prompt"] = [m.role for m in prompt.messages]
        return out


async def progress(args: argparse.Namespace) -> dict[str, Any]:
    seen: list[list[Any]] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        seen.append([value, total, message])

    async with client(args) as c:
        result = await c.call_tool(args.tool, json.loads(args.args), progress_callback=on_progress)
        return {"progress": seen, "text": text_of(result)}


async def cancel(args: argparse.Namespace) -> dict[str, Any]:
    async with client(args) as c:
        finished = False

        async def call() -> None:
            nonlocal finished
            await c.call_tool(args.tool, json.loads(args.args))
            finished = True

        async with anyio.create_task_group() as tg:
            tg.start_soon(call)
            await anyio.sleep(args.after)
            tg.cancel_scope.cancel()
        tools = await names(c)
        return {"cancelled": not finished, "alive": bool(tools), "tools": tools}


async def elicit(args: argparse.Namespace) -> dict[str, Any]:
    answer = json.loads(args.answer) if args.answer else {}
    seen: list[Any] = []

    async def on_elicit(context: Any, params: Any) -> Any:
        seen.append(wire(params).get("message"))
        return types.ElicitResult.model_validate({"action": "accept", "content": answer})

    callbacks = {} if args.decline_capability else {"elicitation_callback": on_elicit}
    async with client(args, **callbacks) as c:
        result = await c.call_tool(args.tool, json.loads(args.args))
        return {"text": text_of(result), "elicitations": seen}


async def sampling(args: argparse.Namespace) -> dict[str, Any]:
    seen: list[str] = []

    async def on_sample(context: Any, params: Any) -> Any:
        for m in wire(params).get("messages", []):
            content = m.get("content")
            for block in content if isinstance(content, list) else [content]:
                if isinstance(block, dict) and block.get("type") == "text":
                    seen.append(block.get("text", ""))
        return types.CreateMessageResult.model_validate(
            {"role": "assistant", "content": {"type": "text", "text": args.answer or ""}, "model": "mcp-modern-check", "stopReason": "endTurn"}
        )

    async with client(args, sampling_callback=on_sample) as c:
        result = await c.call_tool(args.tool, json.loads(args.args))
        return {"text": text_of(result), "samplings": seen}


async def listen(args: argparse.Namespace) -> dict[str, Any]:
    async with client(args) as c:
        before = await names(c)
        events, after = 0, before
        async with c.listen(tools_list_changed=True) as sub:
            honored = wire(sub.honored)
            print("READY", flush=True)
            with anyio.move_on_after(args.wait):
                async for event in sub:
                    events += 1
                    log(f"event {event!r}")
                    after = await names(c)
                    if not args.expect or args.expect in after:
                        break
        return {"honored": honored, "events": events, "tools": after, "toolsBefore": before}


async def logs(args: argparse.Namespace) -> dict[str, Any]:
    seen: list[dict[str, Any]] = []

    async def on_log(params: Any) -> None:
        seen.append(wire(params))

    async with client(args, logging_callback=on_log, log_level=args.level) as c:
        result = await c.call_tool(args.tool, json.loads(args.args))
        return {"text": text_of(result), "logs": [{"level": m.get("level"), "logger": m.get("logger"), "data": m.get("data")} for m in seen]}


SCENARIOS = {"basics": basics, "progress": progress, "cancel": cancel, "elicit": elicit, "sampling": sampling, "listen": listen, "logs": logs}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url")
    parser.add_argument("scenario", choices=list(SCENARIOS))
    parser.add_argument("--header", action="append", default=[], metavar="K:V")
    parser.add_argument("--timeout", type=float, default=30.0, metavar="SEC")
    parser.add_argument("--tool")
    parser.add_argument("--args", default="{}", metavar="JSON")
    parser.add_argument("--resource", metavar="URI")
    parser.add_argument("--prompt", metavar="NAME")
    parser.add_argument("--prompt-args", default="{}", metavar="JSON")
    parser.add_argument("--after", type=float, default=1.0, metavar="SEC")
    parser.add_argument("--wait", type=float, default=10.0, metavar="SEC")
    parser.add_argument("--answer")
    parser.add_argument("--decline-capability", action="store_true")
    parser.add_argument("--level", default="info")
    parser.add_argument("--expect", metavar="TOOL")
    parser.add_argument("--out", metavar="FILE", help="also write the JSON to FILE (for callers that only watch for READY)")
    args = parser.parse_args()
    scenario = SCENARIOS[args.scenario]

    async def run() -> dict[str, Any]:
        with anyio.fail_after(args.timeout + args.wait + args.after):
            return await scenario(args)

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
