"""The official Python MCP client calling one tool N times in sequence: a baseline for lmg's figures.

Usage:
  python_client_bench.py [--tool echo] [--args '{"text":"hi"}'] [-n 2000] [--warmup 20] [--mode legacy]
                         (--url http://127.0.0.1:PORT/mcp | --stdio -- COMMAND ARGS...)

--url speaks Streamable HTTP; --stdio spawns COMMAND and speaks over its stdin/stdout.
Connecting, the handshake, one full tools/list walk and --warmup calls happen before the clock
starts; each timed call is measured on its own. Prints one JSON object on stdout:
  {"transport", "tool", "protocol", "calls", "seconds", "calls_per_second", "p50_ms", "p99_ms",
   "mean_ms", "max_ms"}
--mode is the official client's connect mode: "legacy" (default; the initialize handshake, as lmg
does) or "auto" (probes server/discover first and may adopt the 2026-07-28 per-request protocol).
Exits 1 if any call returns isError.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time

import anyio
from mcp import Client, StdioServerParameters


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest-rank percentile of an ascending list."""
    index = max(0, min(len(sorted_values) - 1, round(p / 100 * len(sorted_values) + 0.5) - 1))
    return sorted_values[index]


async def bench(target, transport: str, tool: str, arguments: dict, calls: int, warmup: int, mode: str) -> dict:
    async with Client(target, mode=mode) as client:
        cursor = None
        while True:  # list every page once, so the client knows the tool's output schema
            page = await client.list_tools(cursor=cursor)
            cursor = page.next_cursor
            if cursor is None:
                break
        for _ in range(warmup):
            await client.call_tool(tool, arguments)
        durations: list[float] = []
        errors = 0
        started = time.perf_counter()
        for _ in range(calls):
            t0 = time.perf_counter()
            result = await client.call_tool(tool, arguments)
            durations.append(time.perf_counter() - t0)
            errors += bool(result.is_error)
        seconds = time.perf_counter() - started
        protocol = client.protocol_version
    durations.sort()
    return {
        "transport": transport,
        "tool": tool,
        "protocol": protocol,
        "calls": calls,
        "errors": errors,
        "seconds": round(seconds, 4),
        "calls_per_second": round(calls / seconds, 1),
        "p50_ms": round(percentile(durations, 50) * 1000, 3),
        "p99_ms": round(percentile(durations, 99) * 1000, 3),
        "mean_ms": round(statistics.fmean(durations) * 1000, 3),
        "max_ms": round(durations[-1] * 1000, 3),
    }


def main() -> None:
    argv = sys.argv[1:]
    command: list[str] = []
    if "--" in argv:
        split = argv.index("--")
        argv, command = argv[:split], argv[split + 1 :]
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    where = parser.add_mutually_exclusive_group(required=True)
    where.add_argument("--url", help="Streamable HTTP endpoint, e.g. http://127.0.0.1:8000/mcp")
    where.add_argument("--stdio", action="store_true", help="spawn the command after -- and speak stdio")
    parser.add_argument("--tool", default="echo")
    parser.add_argument("--args", default='{"text":"hi"}', help="tool arguments as a JSON object")
    parser.add_argument("-n", "--calls", type=int, default=2000)
    parser.add_argument("--warmup", type=int, default=20)
    parser.add_argument("--mode", default="legacy", help='"legacy" (default) or "auto"')
    args = parser.parse_args(argv)

    if args.stdio:
        if not command:
            parser.error("--stdio needs the server command after --")
        target, transport = StdioServerParameters(command=command[0], args=command[1:]), "stdio"
    else:
        if command:
            parser.error("a command after -- only goes with --stdio")
        target, transport = args.url, "streamable-http"
    if args.calls < 1:
        parser.error("-n must be at least 1")

    report = anyio.run(bench, target, transport, args.tool, json.loads(args.args), args.calls, args.warmup, args.mode)
    print(json.dumps(report))
    sys.exit(1 if report["errors"] else 0)


if __name__ == "__main__":
    main()
