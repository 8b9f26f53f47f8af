#!/usr/bin/env python3
"""`lmg serve` against mcpo, side by side in one run: the same tool of the same server behind each gateway.

Usage:
  python3 Benchmarks/gateway_bench.py [--lmg .build/release/lmg] [--mcpo .venv-mcpo/bin/mcpo]
                                      [--duration 10] [--concurrency 1,16,64] [--rounds 2]

Set-up: `scripts/setup.sh --bench` (wrk from Debian; mcpo, pinned, in .venv-mcpo with the MCP SDK 1.x it
is built on). Each gateway wraps the server over stdio, the way mcpo's users run it:
  builtin   `lmg mcp-server` (lmg's built-in server), tool `echo`
  fixture   Tests/Fixtures/mcp_fixture.py (the official Python SDK), tool `echo`
lmg is called at `POST /tools/<server>/echo`, mcpo at `POST /echo`, both with `{"text": "hi"}`, by one
load generator (wrk, one connection per request in flight) at each concurrency for --duration seconds, in
--rounds alternating rounds (lmg, mcpo, lmg, mcpo, ...); the table shows each gateway's best round: calls/s,
p50, p99, errors (non-2xx and socket errors), and the gateway process's peak RSS (VmHWM; its servers'
processes not counted). Then the gateway's own cost: `POST /tools/builtin/echo` p50 at concurrency 1
minus `lmg-bench call builtin echo` p50 on the same kind of server (the manager called directly).
Everything listens on 127.0.0.1 and is stopped before the script exits.
"""

from __future__ import annotations

import argparse
import json
import os
import pathlib
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request

from bench_support import free_port, request, stop_group, wrk

ROOT = pathlib.Path(__file__).resolve().parent.parent
FIXTURE = ROOT / "Tests" / "Fixtures" / "mcp_fixture.py"
PY = sys.executable
BODY = '{"text": "hi"}'




def wait_http(url: str, seconds: float = 60) -> None:
    """Polls until `url` answers at all (any status)."""
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url, timeout=2).read()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"gateway_bench: {url} did not answer within {seconds:.0f} s")


class Gateway:
    """One gateway process in front of one stdio server; `url` is the tool's endpoint."""

    def __init__(self, kind: str, server: str, command: list[str], lmg: str, mcpo: str, workdir: str):
        self.kind = kind
        port = free_port()
        if kind == "lmg":
            config = os.path.join(workdir, f"{server}.json")
            with open(config, "w") as f:
                json.dump({"mcpServers": {server: {"command": command[0], "args": command[1:]}}}, f)
            argv = [lmg, "serve", "--config", config, "--port", str(port)]
            self.url = f"http://127.0.0.1:{port}/tools/{server}/echo"
            probe = f"http://127.0.0.1:{port}/healthz"
        else:
            argv = [mcpo, "--host", "127.0.0.1", "--port", str(port), "--"] + command
            self.url = f"http://127.0.0.1:{port}/echo"
            probe = f"http://127.0.0.1:{port}/openapi.json"
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True)
        wait_http(probe)
        # The server behind it may still be starting: the first call must succeed.
        deadline = time.time() + 60
        while True:
            status, text = request("POST", self.url, BODY)
            if status == 200 and "hi" in text:
                break
            if time.time() > deadline:
                self.stop()
                raise SystemExit(f"gateway_bench: {kind} answered {status}: {text[:200]}")
            time.sleep(0.2)

    def peak_rss_mb(self) -> float:
        with open(f"/proc/{self.proc.pid}/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
        return float("nan")

    def stop(self) -> None:
        stop_group(self.proc, 15)






def direct_p50(lmg: str, workdir: str, n: int) -> float:
    """p50 of `lmg-bench call builtin echo` (the manager called in-process) in ms."""
    config = os.path.join(workdir, "direct.json")
    with open(config, "w") as f:
        json.dump({"mcpServers": {"builtin": {"command": lmg, "args": ["mcp-server"]}}}, f)
    bench = os.path.join(os.path.dirname(lmg), "lmg-bench")
    out = subprocess.run([bench, "call", "--config", config, "builtin", "echo", "text=hi", "-n", str(n), "--json", "--no-on-event-loop"],
                         capture_output=True, text=True, check=True).stdout
    return float(json.loads(out)["p50_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("--mcpo", default=str(ROOT / ".venv-mcpo" / "bin" / "mcpo"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", default="1,16,64")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    lmg = os.path.abspath(args.lmg)
    for need, hint in [(lmg, "swift build -c release"), (args.mcpo, "scripts/setup.sh --bench")]:
        if not os.access(need, os.X_OK):
            raise SystemExit(f"gateway_bench: {need} is missing ({hint})")
    if not shutil.which("wrk"):
        raise SystemExit("gateway_bench: wrk is missing (scripts/setup.sh --bench)")
    levels = [int(c) for c in args.concurrency.split(",")]
    servers = {"builtin": [lmg, "mcp-server"], "fixture": [PY, str(FIXTURE)]}

    with tempfile.TemporaryDirectory() as workdir:
        script = os.path.join(workdir, "post.lua")
        with open(script, "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(BODY)}\nwrk.headers["Content-Type"] = "application/json"\n')
        rows = []
        for server, command in servers.items():
            best: dict[tuple[str, int], dict] = {}
            rss: dict[str, float] = {}
            for _ in range(args.rounds):
                for kind in ["lmg", "mcpo"]:
                    gateway = Gateway(kind, server, command, lmg, args.mcpo, workdir)
                    try:
                        for c in levels:
                            result = wrk(gateway.url, c, args.duration, script)
                            key = (kind, c)
                            if key not in best or result["rps"] > best[key]["rps"]:
                                best[key] = result
                        rss[kind] = max(rss.get(kind, 0), gateway.peak_rss_mb())
                    finally:
                        gateway.stop()
            for c in levels:
                lmg_row, mcpo_row = best[("lmg", c)], best[("mcpo", c)]
                rows.append((server, c, lmg_row, mcpo_row, rss["lmg"], rss["mcpo"]))

        print(f"{'server':8} {'conc':>4} | {'lmg calls/s':>11} {'p50 ms':>7} {'p99 ms':>7} {'err':>4} {'RSS MB':>6} | "
              f"{'mcpo calls/s':>12} {'p50 ms':>7} {'p99 ms':>7} {'err':>4} {'RSS MB':>6} | {'ratio':>6}")
        for server, c, a, b, rss_lmg, rss_mcpo in rows:
            print(f"{server:8} {c:>4} | {a['rps']:>11.0f} {a['p50']:>7.2f} {a['p99']:>7.2f} {a['errors']:>4} {rss_lmg:>6.1f} | "
                  f"{b['rps']:>12.0f} {b['p50']:>7.2f} {b['p99']:>7.2f} {b['errors']:>4} {rss_mcpo:>6.1f} | {a['rps'] / b['rps']:>5.1f}x")

        gateway = Gateway("lmg", "builtin", servers["builtin"], lmg, args.mcpo, workdir)
        try:
            through = wrk(gateway.url, 1, args.duration, script)["p50"]
        finally:
            gateway.stop()
        direct = direct_p50(lmg, workdir, 20000)
        print(f"\ngateway's own cost at concurrency 1: POST /tools/builtin/echo p50 {through * 1000:.0f} µs "
              f"- lmg-bench call p50 {direct * 1000:.0f} µs = {(through - direct) * 1000:.0f} µs")


if __name__ == "__main__":
    main()
