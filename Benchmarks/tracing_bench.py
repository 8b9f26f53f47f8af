#!/usr/bin/env python3
"""What tracing costs `lmg serve`: the same calls with no OTEL_* settings and with spans exported over OTLP/HTTP.

Usage:
  python3 Benchmarks/tracing_bench.py [--lmg .build/release/lmg] [--duration 10] [--concurrency 16] [--rounds 3]

Set-up: `scripts/setup.sh --test` (the OTLP receiver's opentelemetry-proto) and `--bench` (wrk). Two gateways
side by side, each with the built-in server over stdio: one with no OTEL_* variables (no tracer), one exporting
every span (http/protobuf, the default batch processor) to Tests/Fixtures/otlp_receiver.py, a collector stand-in
that decodes each export. wrk calls `POST /mcp/tools/call` (builtin `echo`) at --concurrency for --duration s,
alternating the two for --rounds rounds; the table shows each one's best round and, for the traced one, the
spans the receiver got per call. Everything listens on 127.0.0.1 and is stopped before the script exits.
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

from bench_support import cpu_seconds, free_port, request, stop_group, wrk

ROOT = pathlib.Path(__file__).resolve().parent.parent
BODY = {"server_name": "builtin", "tool_name": "echo", "arguments": {"text": "hi"}}


def span_count(url: str) -> int:
    status, text = request("GET", url)
    if status != 200:
        raise SystemExit(f"tracing_bench: the OTLP receiver answered {status}: {text[:200]}")
    return len(json.loads(text))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not os.path.exists(args.lmg) or not shutil.which("wrk"):
        raise SystemExit("tracing_bench: needs the release build (swift build -c release --product lmg) and wrk (scripts/setup.sh --bench)")
    workdir = tempfile.mkdtemp(prefix="lmg-tracing-bench-")
    started: list[subprocess.Popen] = []
    try:
        receiver_port = free_port()
        receiver = subprocess.Popen([sys.executable, str(ROOT / "Tests" / "Fixtures" / "otlp_receiver.py"), "--port", str(receiver_port)],
                                    stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, start_new_session=True)
        started.append(receiver)
        if not receiver.stdout.readline().startswith("READY"):
            raise SystemExit("tracing_bench: the OTLP receiver did not start (scripts/setup.sh --test installs opentelemetry-proto)")
        config = os.path.join(workdir, "lmg.json")
        with open(config, "w") as f:
            json.dump({"mcpServers": {"builtin": {"command": args.lmg, "args": ["mcp-server"]}}, "server": {"store": "memory"}}, f)
        plain = {k: v for k, v in os.environ.items() if not k.startswith("OTEL_")}
        gateways = {}
        for label, extra in [("no tracer", {}), ("traced (OTLP/HTTP protobuf)", {"OTEL_EXPORTER_OTLP_ENDPOINT": f"http://127.0.0.1:{receiver_port}"})]:
            port = free_port()
            proc = subprocess.Popen([args.lmg, "serve", "--config", config, "--port", str(port)], env={**plain, **extra},
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            started.append(proc)
            url = f"http://127.0.0.1:{port}/mcp/tools/call"
            deadline = time.time() + 60
            while request("POST", url, BODY)[0] != 200:
                if time.time() > deadline:
                    raise SystemExit(f"tracing_bench: {label} did not answer")
                time.sleep(0.1)
            gateways[label] = (url, proc)
        script = os.path.join(workdir, "post.lua")
        with open(script, "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(BODY))}\nwrk.headers["Content-Type"] = "application/json"\n')
        best: dict[str, dict] = {}
        spans_per_call = float("nan")
        for _ in range(args.rounds):
            for label, (url, proc) in gateways.items():
                before = span_count(f"http://127.0.0.1:{receiver_port}/spans")
                cpu = cpu_seconds(proc.pid)
                result = wrk(url, args.concurrency, args.duration, script)
                # The gateway's own CPU (and its server's), not the receiver's, per call.
                result["cpu_ms"] = 1000 * (cpu_seconds(proc.pid) - cpu) / (result["rps"] * args.duration)
                if label.startswith("traced"):
                    time.sleep(7)  # the batch processor's 5 s schedule, then the export
                    got = span_count(f"http://127.0.0.1:{receiver_port}/spans") - before
                    spans_per_call = got / (result["rps"] * args.duration)
                if label not in best or result["rps"] > best[label]["rps"]:
                    best[label] = result
        print(f"POST /mcp/tools/call (builtin echo), wrk -c {args.concurrency}, {args.duration} s, best of {args.rounds}, {os.cpu_count()} cores")
        print("| gateway | calls/s | p50 ms | p99 ms | errors | CPU ms per call (gateway + its server) |")
        print("| --- | ---: | ---: | ---: | ---: | ---: |")
        for label, r in best.items():
            print(f"| {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | {r['cpu_ms']:.3f} |")
        base, traced = best["no tracer"]["rps"], best["traced (OTLP/HTTP protobuf)"]["rps"]
        print(f"traced / untraced calls/s: {traced / base:.2f}; spans received per call (last round): {spans_per_call:.2f}")
    finally:
        for proc in reversed(started):
            stop_group(proc)
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
