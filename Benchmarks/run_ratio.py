#!/usr/bin/env python3
"""lmg against the official Python MCP client, side by side, in one run.

Usage:
  python3 Benchmarks/run_ratio.py [--lmg .build/release/lmg] [-n 2000] [--rounds 4] [--builtin-n 20000]

Starts Tests/Fixtures/mcp_fixture.py over stdio, Streamable HTTP with SSE answers and Streamable HTTP
with JSON answers; measures sequential `echo` calls/s of `lmg bench` and of
Benchmarks/python_client_bench.py against the same server, in --rounds alternating rounds, in both
eras (2026-07-28, and 2025-11-25 with lmg's protocol_version and the Python client's legacy mode); then lmg against its own built-in server
(stdio and `mcp-server --http 0`; the calling task on the I/O thread, as `lmg bench` does by default, and
on Swift's global pool) and the peak RSS of `lmg tools` with seven servers configured
(four built-in over stdio, the built-in and two fixtures over HTTP; /usr/bin/time -v). Prints one table; the ratio column is lmg calls/s over Python calls/s.
Everything it starts listens on 127.0.0.1 and is stopped before it exits.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import re
import subprocess
import sys
import tempfile

def bench_binary(lmg) -> str:
    """lmg-bench, built beside the lmg binary the benchmark was given."""
    return os.path.join(os.path.dirname(str(lmg)), "lmg-bench")


ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests" / "Fixtures" / "mcp_fixture.py"
PY_BENCH = ROOT / "Benchmarks" / "python_client_bench.py"
PY = sys.executable


def start_http(command: list[str], pattern: str) -> tuple[subprocess.Popen, str]:
    """Starts an HTTP server and returns it with the port its first matching stdout line names."""
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, stdin=subprocess.DEVNULL,
                            text=True)
    for line in proc.stdout:
        match = re.search(pattern, line)
        if match:
            return proc, match.group(1)
    proc.kill()
    raise SystemExit(f"run_ratio: {' '.join(command)} exited before it listened")


def stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def run_json(command: list[str], env: dict) -> dict:
    done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0:
        raise SystemExit(f"run_ratio: {' '.join(command)} failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return json.loads(done.stdout)


def combine(rounds: list[dict]) -> dict:
    """One figure from several rounds: calls/s over all of them, the median of their p50s."""
    calls = sum(r["calls"] for r in rounds)
    seconds = sum(r["seconds"] for r in rounds)
    p50s = sorted(r["p50_ms"] for r in rounds)
    return {"calls": calls, "seconds": seconds, "calls_per_second": calls / seconds,
            "p50_ms": p50s[len(p50s) // 2], "errors": sum(r.get("errors", 0) for r in rounds)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("-n", type=int, default=2000, help="timed calls per fixture measurement")
    parser.add_argument("--builtin-n", type=int, default=20000, help="timed calls against the built-in server")
    parser.add_argument("--rounds", type=int, default=4, help="alternating rounds per fixture measurement")
    args = parser.parse_args()
    lmg = pathlib.Path(args.lmg).resolve()
    if not lmg.exists():
        raise SystemExit(f"run_ratio: no {lmg}; build it with `swift build -c release --static-swift-stdlib --product lmg && swift build -c release --static-swift-stdlib --product lmg-bench`")
    env = dict(os.environ, PATH=f"{lmg.parent}:{os.environ.get('PATH', '')}")
    env.pop("LMG_CONFIG", None)

    started: list[subprocess.Popen] = []
    rows: list[tuple[str, dict, dict | None]] = []
    with tempfile.TemporaryDirectory() as tmp:
        try:
            sse, sse_port = start_http([PY, str(FIXTURE), "--transport", "streamable-http", "--port", "0"],
                                       r"READY (\d+)")
            started.append(sse)
            js, js_port = start_http([PY, str(FIXTURE), "--transport", "streamable-http", "--port", "0",
                                      "--json-response"], r"READY (\d+)")
            started.append(js)
            bh, bh_port = start_http([str(lmg), "mcp-server", "--http", "0"], r"127\.0\.0\.1:(\d+)/")
            started.append(bh)
            servers = {
                "fx_stdio": {"command": PY, "args": [str(FIXTURE)]},
                "fx_sse": {"type": "http", "url": f"http://127.0.0.1:{sse_port}/mcp"},
                "fx_json": {"type": "http", "url": f"http://127.0.0.1:{js_port}/mcp"},
                "builtin": {"command": str(lmg), "args": ["mcp-server"]},
                "builtin_http": {"type": "http", "url": f"http://127.0.0.1:{bh_port}/mcp"},
            }
            # The fixture serves both eras: each entry again, held to the older revision.
            for name in ["fx_stdio", "fx_sse", "fx_json"]:
                servers[name + "_legacy"] = dict(servers[name], protocol_version="2025-11-25")
            config = pathlib.Path(tmp) / "bench.json"
            config.write_text(json.dumps({"mcpServers": servers}))

            def lmg_bench(server: str, calls: int, *extra: str) -> dict:
                return run_json([bench_binary(str(lmg)), "call", "--config", str(config), "--json", server, "echo",
                                 "text=hello", "-n", str(calls), "--warmup", "20", *extra], env)

            def py_bench(target: list[str], calls: int, mode: str) -> dict:
                return run_json([PY, str(PY_BENCH), "--args", '{"text":"hello"}', "-n", str(calls), "--mode", mode] + target, env)

            # Rounds alternate between the two clients, so a change in the machine's load during the
            # run weighs on both alike; the figures add up the rounds.
            per_round = max(1, args.n // args.rounds)
            # Both eras: 2026-07-28 (lmg's default; the Python client's mode "auto") and 2025-11-25
            # (lmg held to it by protocol_version; the Python client's "legacy" handshake).
            for era, suffix, mode in [("2026-07-28", "", "auto"), ("2025-11-25", "_legacy", "legacy")]:
                for label, server, target in [
                    ("fixture stdio", "fx_stdio", ["--stdio", "--", PY, str(FIXTURE)]),
                    ("fixture HTTP, SSE answers", "fx_sse", ["--url", servers["fx_sse"]["url"]]),
                    ("fixture HTTP, JSON answers", "fx_json", ["--url", servers["fx_json"]["url"]]),
                ]:
                    ours, theirs = [], []
                    for _ in range(args.rounds):
                        ours.append(lmg_bench(server + suffix, per_round))
                        theirs.append(py_bench(target, per_round, mode))
                    rows.append((f"{label}, {era}", combine(ours), combine(theirs)))
            rows.append(("built-in stdio", lmg_bench("builtin", args.builtin_n), None))
            rows.append(("built-in HTTP", lmg_bench("builtin_http", max(args.n, args.builtin_n // 4)), None))
            # The same with the calling task on Swift's global pool instead of the I/O thread.
            rows.append(("built-in stdio, pool caller",
                         lmg_bench("builtin", args.builtin_n, "--no-on-event-loop"), None))
            rows.append(("built-in HTTP, pool caller",
                         lmg_bench("builtin_http", max(args.n, args.builtin_n // 4), "--no-on-event-loop"), None))

            # Stdio children count in time's figure (the largest process of the tree), so no Python
            # stdio server here: its ~67 MB would hide lmg's own.
            seven = pathlib.Path(tmp) / "seven.json"
            seven.write_text(json.dumps({"mcpServers": {
                "builtin1": servers["builtin"], "builtin2": servers["builtin"], "builtin3": servers["builtin"],
                "builtin4": servers["builtin"], "builtin_http": servers["builtin_http"],
                "fx_sse": servers["fx_sse"], "fx_json": servers["fx_json"]}}))
            timed = subprocess.run(["/usr/bin/time", "-v", str(lmg), "tools", "--config", str(seven), "--json"],
                                   capture_output=True, text=True, env=env, timeout=120)
            rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", timed.stderr)
            rss_mb = int(rss.group(1)) / 1024 if rss else float("nan")
            tool_count = len(json.loads(timed.stdout)) if timed.returncode == 0 else -1
        finally:
            for proc in started:
                stop(proc)

    print(f"{'server / transport':<40} {'lmg calls/s':>12} {'lmg p50 ms':>11} {'py calls/s':>11} "
          f"{'py p50 ms':>10} {'ratio':>6}")
    for label, ours, theirs in rows:
        if theirs:
            ratio = ours["calls_per_second"] / theirs["calls_per_second"]
            print(f"{label:<40} {ours['calls_per_second']:>12,.0f} {ours['p50_ms']:>11.3f} "
                  f"{theirs['calls_per_second']:>11,.0f} {theirs['p50_ms']:>10.3f} {ratio:>5.1f}x")
        else:
            print(f"{label:<40} {ours['calls_per_second']:>12,.0f} {ours['p50_ms']:>11.3f} {'-':>11} {'-':>10} {'-':>6}")
    errors = sum(ours["errors"] for _, ours, _ in rows)
    print(f"lmg tools, seven servers: peak RSS {rss_mb:.1f} MB, {tool_count} tools, exit {timed.returncode}")
    print(f"errors in lmg runs: {errors}")


if __name__ == "__main__":
    main()
