#!/usr/bin/env python3
"""The manager's benchmarks (issue 3), in one run:

1. Routing overhead: `lmg-bench routing` calls the built-in server's `echo` over stdio directly on
   the MCPClient, through MCPManager.callTool(server:tool:), and by qualified name, in interleaved
   rounds, and reports each p50 and the overhead over the direct call.
2. Token requests per call through an OAuth2-protected server: the Authlib authorization server
   and the protected MCP server of Tests/Fixtures, `lmg bench` with N calls, and the authorization
   server's own count of token requests before and after.

Usage: python3 Benchmarks/manager_bench.py [--lmg .build/release/lmg] [-n 20000] [--oauth-n 1000] [--runs 3]
Build first: swift build -c release --static-swift-stdlib --product lmg && swift build -c release --static-swift-stdlib --product lmg-bench; needs scripts/setup.sh --test (the Python peers).
"""
import os
import argparse, json, os, subprocess, sys, tempfile, urllib.request

from run_ratio import start_http, stop  # this folder's shared fixture start and stop

def bench_binary(lmg) -> str:
    """lmg-bench, built beside the lmg binary the benchmark was given."""
    return os.path.join(os.path.dirname(str(lmg)), "lmg-bench")


ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FIXTURES = os.path.join(ROOT, "Tests/Fixtures")


def write_config(servers):
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"mcpServers": servers}, handle)
    handle.close()
    return handle.name


def start(script, *args):
    """A fixture from Tests/Fixtures, and the port of its `READY <port>` line."""
    proc, port = start_http([sys.executable, os.path.join(FIXTURES, script), *args], r"^READY (\d+)")
    return proc, int(port)


def token_requests(port):
    with urllib.request.urlopen("http://127.0.0.1:%d/stats" % port) as response:
        return json.load(response)["token_requests"]


def routing(lmg, n, runs):
    config = write_config({"builtin": {"command": lmg, "args": ["mcp-server"]}})
    try:
        reports = []
        for _ in range(runs):
            out = subprocess.run([bench_binary(lmg), "routing", "builtin", "echo", "--args", '{"text":"hi"}', "-n", str(n),
                                  "--config", config, "--json"], capture_output=True, text=True, check=True).stdout
            reports.append(json.loads(out))
        return reports
    finally:
        os.unlink(config)


def oauth(lmg, n):
    secret = "bench-secret-0123456789"
    auth, auth_port = start("oauth_server.py", "--port", "0", "--lifetime", "3600", "--client", "bench:" + secret)
    try:
        mcp, mcp_port = start("protected_mcp.py", "--port", "0", "--auth-server", "http://127.0.0.1:%d" % auth_port)
        try:
            config = write_config({"files": {
                "url": "http://127.0.0.1:%d/mcp" % mcp_port,
                "oauth2_token_url": "http://127.0.0.1:%d/token" % auth_port,
                "oauth2_client_id": "bench", "oauth2_client_secret": secret}})
            try:
                before = token_requests(auth_port)
                out = subprocess.run([bench_binary(lmg), "call", "files", "echo", "--args", '{"text":"hi"}', "-n", str(n), "--json",
                                      "--config", config], capture_output=True, text=True, check=True).stdout
                report = json.loads(out)
                return report, token_requests(auth_port) - before
            finally:
                os.unlink(config)
        finally:
            stop(mcp)
    finally:
        stop(auth)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lmg", default=os.path.join(ROOT, ".build/release/lmg"))
    parser.add_argument("-n", type=int, default=20000)
    parser.add_argument("--oauth-n", type=int, default=1000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    print("Routing overhead, built-in server over stdio, %d calls per way per run (interleaved rounds):" % args.n)
    for r in routing(args.lmg, args.n, args.runs):
        print("  direct p50 %.4f ms · manager p50 %.4f ms (%+.1f %%) · qualified name p50 %.4f ms (%+.1f %%)" % (
            r["direct_p50_ms"], r["manager_p50_ms"], r["manager_overhead_percent"], r["qualified_p50_ms"],
            r["qualified_overhead_percent"]))

    report, tokens = oauth(args.lmg, args.oauth_n)
    print("OAuth2-protected server: %d timed calls (p50 %.3f ms, %d errors); token requests during the whole run "
          "(connect, warm-up and calls): %d" % (report["calls"], report["p50_ms"], report["errors"], tokens))


if __name__ == "__main__":
    main()
