#!/usr/bin/env python3
"""`lmg serve`'s /v1/chat/completions against LiteLLM's proxy, side by side, in front of one instant upstream.

Usage:
  python3 Benchmarks/chat_gateway_bench.py [--lmg .build/release/lmg] [--litellm .venv-litellm/bin/litellm]
                                           [--duration 10] [--rounds 2]

Set-up: `scripts/setup.sh --bench` (wrk; LiteLLM's proxy, pinned in Benchmarks/requirements-litellm.txt, in
.venv-litellm). The upstream is Benchmarks/instant_model.py, which answers every request at once. wrk
POSTs a non-streamed chat completion to each, at concurrency 1 and 16 for --duration seconds, in --rounds
alternating rounds (the best round of each counts):
  upstream  straight to the upstream (what every gateway adds to)
  lmg       lmg serve, no MCP servers: {"model": "fast", "messages": [{"role": "user", "content": "hi"}]}
  litellm   LiteLLM's proxy with the same model (openai/ provider, the same upstream), the same body; two
            workers (one per core, as lmg uses both), telemetry and spend logs off, its cost map local
  lmg+tool  lmg serve with the built-in server: "use the tool" makes the upstream call builtin__echo,
            the gateway runs it and asks the upstream again (one tool round)
Added latency = gateway p50 - upstream p50. lmg's own time with the tool round = p50 - 2 x upstream p50
- the tool's own p50 (`lmg-bench call builtin echo`). Targets (issue 14): lmg's added latency <= 1/10 of
LiteLLM's, lmg's calls/s at concurrency 16 >= 5x LiteLLM's; own time with a tool round p50 <= 1 ms at
concurrency 1 and 16. Everything listens on 127.0.0.1 and is stopped before the script exits.
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

from bench_support import free_port, request, stop_group
from bench_support import wrk as run_wrk

ROOT = pathlib.Path(__file__).resolve().parent.parent
PY = sys.executable
# Both gateways check the caller's key (LiteLLM refuses to start without one): the same for both.
KEY = "sk-" + "bench" * 8




class Peer:
    def __init__(self, name: str, argv: list[str], url: str, body: dict, env: dict | None = None, expect: str = ""):
        self.name, self.url, self.body = name, url, body
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                                     start_new_session=True, env=env)
        deadline = time.time() + 120
        while True:
            status, text = request("POST", url, body, headers={"Authorization": f"Bearer {KEY}"}, timeout=10)
            if status == 200 and expect in text:
                return
            if time.time() > deadline or self.proc.poll() is not None:
                self.stop()
                raise SystemExit(f"chat_gateway_bench: {name} answered {status}: {text[:300]}")
            time.sleep(0.3)

    def stop(self) -> None:
        stop_group(self.proc, 20)




def wrk(peer: Peer, concurrency: int, seconds: int, workdir: str) -> dict:
    script = os.path.join(workdir, f"{peer.name}.lua")
    with open(script, "w") as f:
        f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(peer.body))}\n'
                'wrk.headers["Content-Type"] = "application/json"\nwrk.headers["Authorization"] = "Bearer ' + KEY + '"\n')
    return run_wrk(peer.url, concurrency, seconds, script)


def tool_p50(lmg: str, workdir: str) -> float:
    config = os.path.join(workdir, "tool.json")
    with open(config, "w") as f:
        json.dump({"mcpServers": {"builtin": {"command": lmg, "args": ["mcp-server"]}}}, f)
    out = subprocess.run([os.path.join(os.path.dirname(lmg), "lmg-bench"), "call", "--config", config, "builtin", "echo", "text=hi",
                          "-n", "3000", "--json", "--no-on-event-loop"], capture_output=True, text=True, check=True).stdout
    return float(json.loads(out)["p50_ms"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("--litellm", default=str(ROOT / ".venv-litellm" / "bin" / "litellm"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    for need, hint in [(args.lmg, "swift build -c release --static-swift-stdlib"), (args.litellm, "scripts/setup.sh --bench")]:
        if not os.path.exists(need):
            raise SystemExit(f"chat_gateway_bench: {need} is missing ({hint})")
    hi = {"model": "fast", "messages": [{"role": "user", "content": "hi"}]}
    peers: list[Peer] = []
    with tempfile.TemporaryDirectory(prefix="lmg-chat-bench-") as workdir:
        try:
            up = free_port()
            base = f"http://127.0.0.1:{up}/v1"
            peers.append(Peer("upstream", [PY, str(ROOT / "Benchmarks" / "instant_model.py"), str(up)], f"{base}/chat/completions", hi, expect="hello"))
            env = dict(os.environ, XDG_STATE_HOME=workdir)
            model = {"fast": {"base_url": base, "api_key": "sk-upstream", "model": "bench"}}
            for name, servers, body, expect in [
                ("lmg", {}, hi, "hello"),
                ("lmg+tool", {"builtin": {"command": args.lmg, "args": ["mcp-server"]}},
                 {"model": "fast", "messages": [{"role": "user", "content": "use the tool"}]}, "done: hi"),
            ]:
                config = os.path.join(workdir, f"{name}.json")
                with open(config, "w") as f:
                    json.dump({"mcpServers": servers, "models": model,
                               "server": {"store": "memory", "api_keys": [{"key": KEY, "name": "bench"}]}}, f)
                port = free_port()
                peers.append(Peer(name, [args.lmg, "serve", "--config", config, "--port", str(port)], f"http://127.0.0.1:{port}/v1/chat/completions",
                                  body, env=env, expect=expect))
            litellm_config = os.path.join(workdir, "litellm.yaml")
            with open(litellm_config, "w") as f:
                f.write(f"model_list:\n  - model_name: fast\n    litellm_params:\n      model: openai/bench\n"
                        f"      api_base: {base}\n      api_key: sk-upstream\n"
                        "litellm_settings:\n  telemetry: false\ngeneral_settings:\n  disable_spend_logs: true\n")
            port = free_port()
            # Two workers, one per core, as lmg uses both; telemetry and spend logs off, the cost map local.
            peers.append(Peer("litellm", [args.litellm, "--config", litellm_config, "--host", "127.0.0.1", "--port", str(port), "--num_workers", "2"],
                              f"http://127.0.0.1:{port}/v1/chat/completions", hi, env=dict(os.environ, LITELLM_LOG="ERROR", LITELLM_MASTER_KEY=KEY, LITELLM_LOCAL_MODEL_COST_MAP="True"), expect="hello"))
            by_name = {p.name: p for p in peers}
            best: dict[tuple[str, int], dict] = {}
            for round_number in range(args.rounds):
                for concurrency in (1, 16):
                    for name in ("upstream", "lmg", "litellm", "lmg+tool"):
                        result = wrk(by_name[name], concurrency, args.duration, workdir)
                        key = (name, concurrency)
                        if key not in best or result["p50"] < best[key]["p50"]:
                            best[key] = result
                        print(f"round {round_number + 1} c{concurrency:<2} {name:8} {result['rps']:8.0f}/s p50 {result['p50']:7.3f} ms "
                              f"p99 {result['p99']:7.3f} ms errors {result['errors']}", file=sys.stderr, flush=True)
            tool = tool_p50(args.lmg, workdir)
            print("| concurrency | upstream p50 | lmg p50 (added) | LiteLLM p50 (added) | added, lmg / LiteLLM (goal <= 0.1) "
                  "| calls/s lmg / LiteLLM (goal >= 5x at 16) | lmg + one tool round p50, own time (goal <= 1 ms) |")
            print("| --- | --- | --- | --- | --- | --- | --- |")
            for c in (1, 16):
                u, l, t, w = (best[(n, c)] for n in ("upstream", "lmg", "litellm", "lmg+tool"))
                added_l, added_t = l["p50"] - u["p50"], t["p50"] - u["p50"]
                own = w["p50"] - 2 * u["p50"] - tool
                print(f"| {c} | {u['p50']:.2f} ms | {l['p50']:.2f} ms ({added_l:+.2f}) | {t['p50']:.2f} ms ({added_t:+.2f}) | "
                      f"{added_l / added_t:.3f} | {l['rps']:.0f} / {t['rps']:.0f} = {l['rps'] / t['rps']:.1f}x | "
                      f"{w['p50']:.2f} ms, {own:.2f} ms |")
            print(f"(tool's own p50, `lmg-bench call builtin echo`: {tool * 1000:.0f} us; errors: "
                  + ", ".join(f"{n} c{c} {r['errors']}" for (n, c), r in sorted(best.items())) + ")")
        finally:
            for peer in peers:
                peer.stop()


if __name__ == "__main__":
    main()
