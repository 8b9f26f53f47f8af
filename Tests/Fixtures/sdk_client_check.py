"""The official Python client (`mcp.Client`, mcp 2.3.0) against one server: the revision it
settled on and what a list, a call, a read and a prompt give, as one JSON line.

Usage:
  sdk_client_check.py --mode auto|legacy (--url URL | --stdio -- COMMAND ARGS...)
      [--tool echo] [--args '{"text":"hi"}'] [--resource URI] [--prompt NAME [--prompt-args JSON]]
Prints {"protocol", "tools", "call", "read", "prompt"} (the last two when asked), or {"error"} and exits 1.
"""

from __future__ import annotations

import argparse
import json
import sys

import anyio
from mcp import Client, StdioServerParameters


async def check(target, args: argparse.Namespace) -> dict:
    with anyio.fail_after(60):
        return await run(target, args)


async def run(target, args: argparse.Namespace) -> dict:
    async with Client(target, mode=args.mode) as client:
        tools = [t.name for t in (await client.list_tools()).tools]
        call = await client.call_tool(args.tool, json.loads(args.args))
        out = {
            "protocol": client.protocol_version,
            "tools": tools,
            "call": {"isError": bool(call.is_error), "text": "".join(getattr(c, "text", "") for c in call.content)},
        }
        if args.resource:
            read = await client.read_resource(args.resource)
            out["read"] = "".join(getattr(c, "text", "") or "" for c in read.contents)
        if args.prompt:
            prompt = await client.get_prompt(args.prompt, json.loads(args.prompt_args))
            out["prompt"] = len(prompt.messages)
        return out


def main() -> None:
    argv = sys.argv[1:]
    command: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", choices=["auto", "legacy"], required=True)
    parser.add_argument("--url")
    parser.add_argument("--stdio", action="store_true")
    parser.add_argument("--tool", default="echo")
    parser.add_argument("--args", default='{"text":"hi"}')
    parser.add_argument("--resource")
    parser.add_argument("--prompt")
    parser.add_argument("--prompt-args", default="{}")
    args = parser.parse_args(argv)
    target = StdioServerParameters(command=command[0], args=command[1:]) if args.stdio else args.url
    try:
        print(json.dumps(anyio.run(check, target, args)), flush=True)
    except Exception as e:  # one line for the Swift test to show
        print(json.dumps({"error": f"{type(e).__name__}: {e}"}), flush=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
