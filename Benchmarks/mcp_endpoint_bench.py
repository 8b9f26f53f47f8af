#!/usr/bin/env python3
"""`lmg serve`'s `/mcp` endpoint: a tools/call through the gateway against the same call straight to the server.

Usage:
  python3 Benchmarks/mcp_endpoint_bench.py [--lmg .build/release/lmg] [-n 2000] [--rounds 2] [--upstream http|stdio]

The server is lmg's built-in server, tool `echo` with {"text": "hi"}; clients reach it over Streamable
HTTP (`lmg mcp-server --http PORT`). The gateway (`lmg serve`) has it as its one server `up`, so the tool
is `up__echo` at the gateway's /mcp; --upstream says how the gateway reaches it: over HTTP, the same
process the clients call straight (a second HTTP round trip on the way), or over stdio (its own child,
as gateways usually run local servers; then both paths have one HTTP hop, the client's). Two clients call the tool -n times in sequence (one call in
flight; the handshake, a tools/list and warm-up calls before the clock starts), first straight to the
server, then through the gateway, in --rounds alternating rounds:
  python   the official Python MCP client (mcp 2.3.0, Benchmarks/python_client_bench.py)
  lmg      `lmg-bench call` (lmg's own client and manager)
It prints each p50 (best round), and the gateway's added p50: through minus straight. The target
(issue 14): added p50 <= 200 us with both clients. Everything listens on 127.0.0.1 and is stopped before
the script exits.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench_support import free_port, stop_group

ROOT = pathlib.Path(__file__).resolve().parent.parent
PY = sys.executable




def initialize_ok(url: str) -> bool:
    body = json.dumps({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}}).encode()
    request = urllib.request.Request(url, data=body, method="POST", headers={
        "Content-Type": "application/json", "Accept": "application/json, text/event-stream"})
    try:
        with urllib.request.urlopen(request, timeout=2) as answer:
            return answer.status == 200
    except OSError:
        return False


class Process:
    def __init__(self, argv: list[str], probe: str):
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        deadline = time.time() + 60
        while not initialize_ok(probe):
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise SystemExit(f"mcp_endpoint_bench: {argv[0]} {argv[1]} did not answer at {probe}")
            time.sleep(0.1)

    def stop(self) -> None:
        stop_group(self.proc, 15)


def python_p50(url: str, tool: str, n: int) -> float:
    out = subprocess.run([PY, str(ROOT / "Benchmarks" / "python_client_bench.py"), "--url", url, "--tool", tool,
                          "--args", '{"text": "hi"}', "-n", str(n), "--warmup", "50"], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"mcp_endpoint_bench: python client failed: {out.stderr[-500:]}")
    return float(json.loads(out.stdout)["p50_ms"])


def lmg_p50(bench: str, workdir: str, name: str, url: str, tool: str, n: int) -> float:
    config = os.path.join(workdir, f"{name}.json")
    with open(config, "w") as f:
        json.dump({"mcpServers": {name: {"url": url}}}, f)
    out = subprocess.run([bench, "call", "--config", config, name, tool, "text=hi", "-n", str(n), "--warmup", "50", "--json"],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"mcp_endpoint_bench: lmg-bench failed: {out.stderr[-500:]}")
    return float(json.loads(out.stdout)["p50_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--upstream", choices=["http", "stdio"], default="http")
    args = parser.parse_args()
    bench = os.path.join(os.path.dirname(args.lmg), "lmg-bench")
    with tempfile.TemporaryDirectory(prefix="lmg-mcp-bench-") as workdir:
        up_port, gw_port = free_port(), free_port()
        direct = f"http://127.0.0.1:{up_port}/mcp"
        through = f"http://127.0.0.1:{gw_port}/mcp"
        upstream = Process([args.lmg, "mcp-server", "--http", str(up_port)], direct)
        gateway = None
        try:
            config = os.path.join(workdir, "gateway.json")
            with open(config, "w") as f:
                up = {"url": direct} if args.upstream == "http" else {"command": args.lmg, "args": ["mcp-server"]}
                json.dump({"mcpServers": {"up": up}, "server": {"store": "memory"}}, f)
            env = dict(os.environ, XDG_STATE_HOME=workdir)
            gateway = subprocess.Popen([args.lmg, "serve", "--config", config, "--port", str(gw_port)], env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                       start_new_session=True)
            deadline = time.time() + 60
            while not initialize_ok(through):
                if time.time() > deadline:
                    raise SystemExit("mcp_endpoint_bench: the gateway did not answer")
                time.sleep(0.1)
            best: dict[tuple[str, str], float] = {}
            for round_number in range(args.rounds):
                for client in ("python", "lmg"):
                    for path in ("straight", "through"):
                        if client == "python":
                            p50 = python_p50(direct if path == "straight" else through, "echo" if path == "straight" else "up__echo", args.n)
                        else:
                            p50 = lmg_p50(bench, workdir, "up" if path == "straight" else "gw",
                                          direct if path == "straight" else through, "echo" if path == "straight" else "up__echo", args.n)
                        key = (client, path)
                        best[key] = min(best.get(key, p50), p50)
                        print(f"round {round_number + 1}: {client:6} {path:8} p50 {p50 * 1000:7.0f} us", file=sys.stderr, flush=True)
            print(f"gateway to server over {args.upstream}")
            print("| client | straight to the server p50 | through /mcp p50 | added p50 (goal <= 200 us) |")
            print("| --- | --- | --- | --- |")
            for client, label in (("python", "official Python client (mcp 2.3.0)"), ("lmg", "`lmg-bench call`")):
                s, t = best[(client, "straight")] * 1000, best[(client, "through")] * 1000
                print(f"| {label} | {s:.0f} us | {t:.0f} us | {t - s:.0f} us |")
        finally:
            if gateway is not None:
                stop_group(gateway, 20)
            upstream.stop()


if __name__ == "__main__":
    main()
