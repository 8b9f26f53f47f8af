#!/usr/bin/env python3
"""A soak test of `lmg serve`: mixed REST, /v1/chat/completions and /mcp traffic from many clients while its
MCP servers die and come back.

Usage:
  python3 Benchmarks/soak.py [--lmg .build/release/lmg] [--minutes 30] [--clients 50]
                                      [--kill-every 30] [--restart-every 60] [--down 1.0] [--timeout 30] [--samples CSV]

Set-up: `scripts/setup.sh --test` (httpx comes with the test peers) and `swift build -c release`. Behind the gateway:
  builtin  `lmg mcp-server` over stdio; SIGKILLed every --kill-every seconds (the gateway restarts it)
  web      `lmg mcp-server --http PORT` (Streamable HTTP); stopped every --restart-every seconds, down for
           --down seconds, started again on the same port
  model    Benchmarks/instant_model.py: "use the tool" makes it call builtin__echo, then it answers "done: hi"
Each client loops over: POST /mcp/tools/call (builtin echo), POST /tools/web/echo, POST /v1/chat/completions
with one tool round, tools/call on /mcp (its own session) for each server, and now and then GET /mcp/tools and
/mcp/servers/status. Every call is read-only, so a client that gets 502/503/429 waits (Retry-After, or 0.5 s) and
sends it again, as the OpenAI and MCP SDKs do, until --timeout seconds from its first try.
It fails (exit 1) when an idempotent call is lost (no right answer within --timeout), an answer is wrong, a
request hangs past --timeout, the gateway's RSS grows 5 MB or more or its descriptors by 10 or more from the
end of warm-up to the end (medians of the last minute's samples at each), or a zombie is left. Warm-up ends where
the RSS timeline flattens: the first moment (two minutes in at the earliest, half the run at the latest) when the
last minute's median is less than 0.5 MB above the minute before's (see `warm_up_end`). Prints a Markdown summary. Everything listens on 127.0.0.1 and is stopped before it exits.
"""

from __future__ import annotations

import argparse
import asyncio
import collections
import json
import os
import pathlib
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import httpx

from bench_support import free_port, request, stop_group

ROOT = pathlib.Path(__file__).resolve().parent.parent
KEY = "sk-" + "soak" * 8
RETRYABLE = {429, 502, 503}


class Tally:
    """What the clients saw: per kind of call, answers first time, after retries, lost, wrong, hung."""

    def __init__(self) -> None:
        self.counts: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
        self.statuses: collections.Counter = collections.Counter()
        self.failures: list[str] = []
        self.slowest = 0.0

    def fail(self, kind: str, what: str, text: str) -> None:
        self.counts[kind][what] += 1
        if len(self.failures) < 20:
            self.failures.append(f"{kind}: {what}: {text[:200]}")


class Client:
    """One caller: its own connection and /mcp session."""

    def __init__(self, number: int, base: str, tally: Tally, timeout: float) -> None:
        self.number, self.base, self.tally, self.timeout = number, base, tally, timeout
        self.http = httpx.AsyncClient(base_url=base, timeout=timeout + 5, headers={"Authorization": f"Bearer {KEY}"})
        self.session: str | None = None
        self.sequence = 0

    async def call(self, kind: str, method: str, path: str, body: dict | None, check, headers: dict | None = None,
                   transient=lambda response: False) -> None:
        """Sends until a right answer or the deadline; `check(response)` says whether the answer is right,
        `transient(response)` whether a 200 is an error worth sending again for (a JSON-RPC error on /mcp)."""
        started = time.monotonic()
        tries = 0
        while True:
            tries += 1
            try:
                response = await self.http.request(method, path, json=body, headers=headers)
            except httpx.TimeoutException:
                self.tally.fail(kind, "hung", f"no answer in {self.timeout + 5:.0f} s")
                return
            except httpx.TransportError as error:
                response, reason = None, f"transport error: {error!r}"
                self.tally.statuses["no answer (connection error)"] += 1
            elapsed = time.monotonic() - started
            self.tally.slowest = max(self.tally.slowest, elapsed)
            if response is not None:
                self.tally.statuses[str(response.status_code)] += 1
                if response.status_code == 200 and not safely(transient, response):
                    if safely(check, response):
                        self.tally.counts[kind]["first try" if tries == 1 else "after retries"] += 1
                    else:
                        self.tally.fail(kind, "wrong", response.text)
                    return
                if response.status_code == 404 and path == "/mcp":
                    self.session = None  # the session is gone: open another, then send again
                    await self.open_session()
                    headers = self.mcp_headers()
                    continue
                if response.status_code not in RETRYABLE and response.status_code != 200:
                    self.tally.fail(kind, f"status {response.status_code}", response.text)
                    return
                reason = f"{response.status_code} {response.text}"
                wait = float(response.headers.get("retry-after") or 0.5)
            else:
                wait = 0.5
            if elapsed + wait > self.timeout:
                self.tally.fail(kind, "lost", f"after {tries} tries: {reason}")
                return
            await asyncio.sleep(wait)

    def mcp_headers(self) -> dict:
        return {"Accept": "application/json, text/event-stream", "MCP-Protocol-Version": "2025-11-25", "Mcp-Session-Id": self.session or ""}

    async def open_session(self) -> None:
        hello = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": {
            "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": f"soak-{self.number}", "version": "1"}}}
        response = await self.http.post("/mcp", json=hello, headers={"Accept": "application/json, text/event-stream"})
        self.session = response.headers.get("mcp-session-id")
        await self.http.post("/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self.mcp_headers())

    async def run(self, until: float) -> None:
        await self.open_session()
        while time.monotonic() < until:
            self.sequence += 1
            text = f"c{self.number}-{self.sequence}"
            echoed = lambda r, t=text: t in r.text  # noqa: E731
            await self.call("REST builtin echo", "POST", "/mcp/tools/call",
                            {"server_name": "builtin", "tool_name": "echo", "arguments": {"text": text}}, echoed)
            await self.call("REST typed web echo", "POST", "/tools/web/echo", {"text": text}, echoed)
            await self.call("/v1 chat, one tool round", "POST", "/v1/chat/completions",
                            {"model": "fast", "messages": [{"role": "user", "content": "use the tool"}]},
                            lambda r: r.json()["choices"][0]["message"]["content"] == "done: hi",
                            # The tool failed and the model was told so: the turn is answered, and sent again.
                            transient=lambda r: r.json()["choices"][0]["message"]["content"] not in ("done: hi", None)
                            and r.json()["choices"][0]["message"]["content"].startswith("done: "))
            for server in ("builtin", "web"):
                message = {"jsonrpc": "2.0", "id": self.sequence, "method": "tools/call",
                           "params": {"name": f"{server}__echo", "arguments": {"text": text}}}
                await self.call(f"/mcp {server} echo", "POST", "/mcp", message,
                                lambda r, t=text: t in r.text and '"isError":true' not in r.text.replace(" ", ""), self.mcp_headers(),
                                transient=mcp_unavailable)
            if self.sequence % 10 == 0:
                await self.call("REST list tools", "GET", "/mcp/tools", None, lambda r: "builtin" in r.text)
                await self.call("REST status", "GET", "/mcp/servers/status", None, lambda r: "servers" in r.text)
        await self.http.aclose()


def safely(judge, response: httpx.Response) -> bool:
    """A check of an answer; one that is not the JSON it expects is False, not an exception."""
    try:
        return bool(judge(response))
    except (ValueError, KeyError, IndexError, TypeError, AttributeError):
        return False


def mcp_unavailable(response: httpx.Response) -> bool:
    """A JSON-RPC error from /mcp that says the server behind it failed (internal error, or timed out): the
    call did not run to an answer, and an idempotent one may be sent again."""
    try:
        error = response.json().get("error")
    except ValueError:
        return False
    return isinstance(error, dict) and error.get("code") in (-32603, -32001)


def sample(pid: int) -> tuple[float, int, list[str]]:
    """The gateway's RSS in MB, its open descriptors, and the zombies among its children."""
    rss = next(int(line.split()[1]) for line in open(f"/proc/{pid}/status") if line.startswith("VmRSS:")) / 1024
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    zombies = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = open(f"/proc/{entry}/stat").read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if fields[0] == "Z" and int(fields[1]) == pid:
                zombies.append(entry)
    return rss, fds, zombies


def children(pid: int) -> list[int]:
    found = []
    for task in os.listdir(f"/proc/{pid}/task"):
        found += [int(c) for c in open(f"/proc/{pid}/task/{task}/children").read().split()]
    return found


class WebServer:
    """The HTTP MCP server, stopped and started again on one port."""

    def __init__(self, lmg: str, port: int) -> None:
        self.argv = [lmg, "mcp-server", "--http", str(port)]
        self.proc: subprocess.Popen | None = None
        self.start()

    def start(self) -> None:
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                     start_new_session=True, text=True)
        line = self.proc.stdout.readline()
        if "listening" not in line:
            raise SystemExit(f"soak: the HTTP MCP server did not start: {line.strip()}")

    def stop(self) -> None:
        if self.proc:
            stop_group(self.proc, 10)


async def chaos(lmg_pid: int, web: WebServer, args, until: float, events: collections.Counter) -> None:
    """Kills the stdio server every --kill-every s and restarts the HTTP server every --restart-every s."""
    started = time.monotonic()
    next_kill, next_restart = started + args.kill_every, started + args.restart_every
    while time.monotonic() < until:
        await asyncio.sleep(0.2)
        now = time.monotonic()
        if now >= next_kill:
            next_kill += args.kill_every
            for child in children(lmg_pid):
                try:
                    os.kill(child, signal.SIGKILL)
                    events["stdio server killed"] += 1
                except ProcessLookupError:
                    pass
        if now >= next_restart:
            next_restart += args.restart_every
            await asyncio.to_thread(web.stop)
            await asyncio.sleep(args.down)
            await asyncio.to_thread(web.start)
            events["HTTP server restarted"] += 1


async def watch(pid: int, until: float, samples: list) -> None:
    while time.monotonic() < until:
        samples.append((time.monotonic(), *sample(pid)))
        await asyncio.sleep(5)


async def soak(args, base: str, lmg_pid: int, web: WebServer) -> tuple[Tally, list, collections.Counter, float]:
    tally, samples, events = Tally(), [], collections.Counter()
    started = time.monotonic()
    until = started + args.minutes * 60
    clients = [Client(n, base, tally, args.timeout) for n in range(args.clients)]
    await asyncio.gather(watch(lmg_pid, until, samples), chaos(lmg_pid, web, args, until, events),
                         *(c.run(until) for c in clients))
    return tally, samples, events, time.monotonic() - started


def window(samples: list, start: float, end: float) -> tuple[float, float]:
    chosen = [s for s in samples if start <= s[0] <= end] or samples[-1:]
    return statistics.median(s[1] for s in chosen), statistics.median(s[2] for s in chosen)


def warm_up_end(samples: list, seconds: float, minute: float = 60, settled_mb: float = 0.5) -> float:
    """Seconds from the start to where the RSS timeline flattens: the first moment, two minutes in at the
    earliest, when the median of the last minute's samples is less than `settled_mb` above the median of the
    minute before it (the working set is filled: caches, pools, the allocator's arenas), and at the latest
    half the run, so that at least half is measured. A leak still shows: it keeps growing after that moment
    and the growth from there to the end is what is judged."""
    t0 = samples[0][0]
    t = 2 * minute
    while t < seconds / 2:
        (before, _), (last, _) = window(samples, t0 + t - 2 * minute, t0 + t - minute), window(samples, t0 + t - minute, t0 + t)
        if last - before < settled_mb:
            return t
        t += 5
    return seconds / 2


def report(args, tally: Tally, samples: list, events: collections.Counter, seconds: float, zombies: list[str]) -> bool:
    t0 = samples[0][0]
    warm = warm_up_end(samples, seconds)
    span = 60
    rss0, fds0 = window(samples, t0 + warm - span, t0 + warm)
    rss1, fds1 = window(samples, t0 + seconds - span, t0 + seconds)
    calls = sum(sum(c.values()) for c in tally.counts.values())
    bad = {k: sum(v for w, v in c.items() if w not in ("first try", "after retries")) for k, c in tally.counts.items()}
    print(f"Soak of lmg serve: {seconds / 60:.1f} min, {args.clients} clients, {calls} calls ({calls / seconds:.0f}/s); "
          + ", ".join(f"{n} x {e}" for e, n in sorted(events.items())) + "\n")
    print("| call | right first time | right after retries | lost | wrong | hung | other |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    for kind, c in sorted(tally.counts.items()):
        other = sum(v for w, v in c.items() if w not in ("first try", "after retries", "lost", "wrong", "hung"))
        print(f"| {kind} | {c['first try']} | {c['after retries']} | {c['lost']} | {c['wrong']} | {c['hung']} | {other} |")
    print(f"\nHTTP statuses seen: " + ", ".join(f"{s}: {n}" for s, n in sorted(tally.statuses.items()))
          + f"; slowest call including retries {tally.slowest:.1f} s (limit {args.timeout:.0f} s)")
    peak = max(s[1] for s in samples)
    print(f"Gateway RSS {rss0:.1f} MB after warm-up ({warm / 60:.1f} min), {rss1:.1f} MB at the end ({rss1 - rss0:+.1f} MB; peak {peak:.1f} MB); "
          f"descriptors {fds0:.0f} -> {fds1:.0f} ({fds1 - fds0:+.0f}); zombies left: {len(zombies)}")
    for line in tally.failures:
        print(f"  {line}", file=sys.stderr)
    if args.samples:
        with open(args.samples, "w") as out:
            out.write("minute,rss_mb,fds\n")
            out.writelines(f"{(s[0] - t0) / 60:.2f},{s[1]:.1f},{s[2]}\n" for s in samples)
    ok = not any(bad.values()) and rss1 - rss0 < 5 and fds1 - fds0 < 10 and not zombies
    print("PASS" if ok else "FAIL")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--kill-every", type=float, default=30)
    parser.add_argument("--restart-every", type=float, default=60)
    parser.add_argument("--down", type=float, default=1.0)
    parser.add_argument("--timeout", type=float, default=30)
    parser.add_argument("--samples", metavar="CSV", help="also write every 5 s sample (minute, RSS MB, descriptors) to CSV")
    args = parser.parse_args()
    if not os.path.exists(args.lmg):
        raise SystemExit(f"soak: {args.lmg} is missing (swift build -c release)")
    with tempfile.TemporaryDirectory(prefix="lmg-soak-") as workdir:
        up, web_port, port = free_port(), free_port(), free_port()
        upstream = subprocess.Popen([sys.executable, str(ROOT / "Benchmarks" / "instant_model.py"), str(up)], stdout=subprocess.PIPE,
                                    stderr=subprocess.DEVNULL, start_new_session=True, text=True)
        upstream.stdout.readline()
        web = WebServer(args.lmg, web_port)
        config = os.path.join(workdir, "soak.json")
        with open(config, "w") as f:
            json.dump({
                "mcpServers": {"builtin": {"command": args.lmg, "args": ["mcp-server"]},
                               "web": {"url": f"http://127.0.0.1:{web_port}/mcp"}},
                "models": {"fast": {"base_url": f"http://127.0.0.1:{up}/v1", "api_key": "sk-upstream", "model": "bench"}},
                # Retries that outlast a restart, and a breaker that lets a probe through soon after one.
                "manager": {"retry_attempts": 8, "retry_base": 0.2, "retry_cap": 1, "breaker_threshold": 5, "breaker_cool_down": 2,
                            "health_check_interval": 5},
                "server": {"store": "memory", "api_keys": [{"key": KEY, "name": "soak"}]}}, f)
        gateway = subprocess.Popen([args.lmg, "serve", "--config", config, "--port", str(port)], stdin=subprocess.DEVNULL,
                                   stdout=subprocess.DEVNULL, stderr=open(os.path.join(workdir, "serve.log"), "w"),
                                   env=dict(os.environ, XDG_STATE_HOME=workdir), start_new_session=True)
        base = f"http://127.0.0.1:{port}"
        try:
            deadline = time.time() + 60
            while request("GET", f"{base}/readyz", timeout=5)[0] != 200:
                if time.time() > deadline or gateway.poll() is not None:
                    raise SystemExit(f"soak: lmg serve did not become ready; its log: {open(os.path.join(workdir, 'serve.log')).read()[-2000:]}")
                time.sleep(0.3)
            tally, samples, events, seconds = asyncio.run(soak(args, base, gateway.pid, web))
            time.sleep(2)  # a server killed last is reaped by now
            zombies = sample(gateway.pid)[2]
            ok = report(args, tally, samples, events, seconds, zombies)
        finally:
            stop_group(gateway, 20)
            web.stop()
            stop_group(upstream, 5)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
