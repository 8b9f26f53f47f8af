#!/usr/bin/env python3
"""The orchestrator's benchmarks (issue 4), in one run:

1. Loop overhead per turn with one tool call, model and tool time excluded (`lmg-bench loop`):
   with the in-process instant model (with and without the resource functions, issue 21), and with the
   scripted HTTP model server (streamed SSE).
2. Peak RSS of `lmg run` with seven servers configured (seven built-in servers over stdio),
   one exchange with a tool call against the scripted model server.

Usage: python3 Benchmarks/orchestrator_bench.py [--lmg .build/release/lmg] [-n 2000]
Build first: swift build -c release --static-swift-stdlib --product lmg && swift build -c release --static-swift-stdlib --product lmg-bench
"""
import os
import argparse, json, os, resource, subprocess, sys, tempfile

def bench_binary(lmg) -> str:
    """lmg-bench, built beside the lmg binary the benchmark was given."""
    return os.path.join(os.path.dirname(str(lmg)), "lmg-bench")


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def start_model():
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Fixtures/model_server.py")],
                            stdout=subprocess.PIPE, text=True)
    line = proc.stdout.readline().split()
    return proc, "http://127.0.0.1:%s/v1" % line[1]


def config(lmg, model_url, servers):
    entries = {("builtin" if i == 0 else "builtin%d" % i): {"command": lmg, "args": ["mcp-server"]} for i in range(servers)}
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"model": {"base_url": model_url, "model": "scripted"}, "mcpServers": entries}, handle)
    handle.close()
    return handle.name


def peak_rss_mb(argv, env):
    """Runs argv; returns (exit status, peak RSS in MB of it and the children it waited for)."""
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    return os.waitstatus_to_exitcode(status), usage.ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lmg", default=os.path.join(ROOT, ".build/release/lmg"))
    parser.add_argument("-n", type=int, default=2000)
    args = parser.parse_args()
    model, url = start_model()
    env = dict(os.environ, XDG_STATE_HOME=tempfile.mkdtemp())
    try:
        one = config(args.lmg, url, 1)
        rows = []
        runs = [("in-process instant model", []), ("in-process instant model, no resource functions", ["--no-model-resources"]),
                ("scripted HTTP model, streamed", ["--model-url", url])]
        for label, extra in runs:
            out = subprocess.run([bench_binary(args.lmg), "loop", "builtin", "echo", "--args", '{"text": "hi"}', "-n", str(args.n),
                                  "--json", "--config", one] + extra, capture_output=True, text=True, env=env, check=True)
            report = json.loads(out.stdout)
            rows.append((label, report))
        print("| model | loop overhead p50 | p99 | whole turn p50 | model p50 | tool p50 |")
        print("|---|---|---|---|---|---|")
        for label, r in rows:
            print("| %s | %.3f ms | %.3f ms | %.3f ms | %.3f ms | %.3f ms |" % (
                label, r["overhead_p50_ms"], r["overhead_p99_ms"], r["turn_p50_ms"], r["model_p50_ms"], r["tool_p50_ms"]))
        seven = config(args.lmg, url, 7)
        status, rss = peak_rss_mb([args.lmg, "run", "--config", seven, "-p", 'call builtin__echo {"text": "x"}'], env)
        print("\npeak RSS of `lmg run` with 7 servers (one tool call): %.1f MB (exit %d)" % (rss, status))
    finally:
        model.terminate()
        model.wait()


if __name__ == "__main__":
    main()
