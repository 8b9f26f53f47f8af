#!/usr/bin/env python3
"""Two `lmg serve` replicas on one PostgreSQL behind nginx: calls/s with one and two replicas, the CPU each
call costs, how soon a server added on one replica is served by the other, and the store's load per change.

Usage:
  python3 Benchmarks/replicas_bench.py [--lmg .build/release/lmg] [--duration 10] [--concurrency 16]
                                       [--rounds 2] [--adds 100] [--bulk 10000]

Set-up: `scripts/setup.sh --test` (PostgreSQL, nginx) and `scripts/setup.sh --bench` (wrk). Everything runs
on this machine, on 127.0.0.1: a PostgreSQL cluster of its own (default settings, fsync on), replicas A
and B (`server.store` the database; the config's one server `builtin`, lmg's built-in server over stdio),
and nginx with deploy/nginx-lmg.conf twice: once with A alone upstream, once with A and B. Measured:
  calls     `POST /mcp/tools/call` of builtin's `echo` by wrk at --concurrency for --duration s, straight
            to A, through nginx to A, through nginx to A and B, in --rounds alternating rounds (best round
            shown), with the CPU time the replicas, their MCP servers and nginx used per call
  add       --adds times: a server added through A (POST, 201), then the time until B lists it
            (GET /mcp/servers) and until B calls its tool: p50, p99
  store     the database's work per change (transactions, rows read) with two replicas following, and
            the time a replica takes to apply --bulk entries written at once (one reload of the table)
Everything it started is stopped before it exits.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import pathlib
import re
import shutil
import subprocess
import tempfile
import time

from bench_support import cpu_seconds, free_port, request, stop_group, wrk

ROOT = pathlib.Path(__file__).resolve().parent.parent
BODY = {"server_name": "builtin", "tool_name": "echo", "arguments": {"text": "hi"}}


def wait_until(condition, seconds: float, what: str) -> None:
    deadline = time.time() + seconds
    while not condition():
        if time.time() > deadline:
            raise SystemExit(f"replicas_bench: {what} within {seconds:.0f} s: no")
        time.sleep(0.02)


class Postgres:
    """A cluster of its own in `workdir`, as the `postgres` user when run as root."""

    def __init__(self, workdir: str):
        versions = sorted(os.listdir("/usr/lib/postgresql")) if os.path.isdir("/usr/lib/postgresql") else []
        if not versions:
            raise SystemExit("replicas_bench: no PostgreSQL (scripts/setup.sh --test)")
        self.bin = f"/usr/lib/postgresql/{versions[-1]}/bin"
        self.dir = os.path.join(workdir, "pg")
        os.makedirs(self.dir)
        self.port, self.password = free_port(), base64.urlsafe_b64encode(os.urandom(12)).decode()
        with open(os.path.join(self.dir, "pw"), "w") as f:
            f.write(self.password)
        if os.getuid() == 0:
            shutil.chown(workdir, "postgres")
            shutil.chown(self.dir, "postgres")
            shutil.chown(os.path.join(self.dir, "pw"), "postgres")
        self.owner(["initdb", "-D", f"{self.dir}/data", "-U", "lmg", "--pwfile", f"{self.dir}/pw", "-A", "scram-sha-256", "-E", "UTF8"])
        self.owner(["pg_ctl", "-D", f"{self.dir}/data", "-l", f"{self.dir}/log", "-w", "-o",
                    f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir}", "start"])
        self.owner(["createdb", "-h", "127.0.0.1", "-p", str(self.port), "-U", "lmg", "lmg"])
        self.url = f"postgres://lmg@127.0.0.1:{self.port}/lmg?sslmode=disable"

    def owner(self, argv: list[str]) -> str:
        env = ["/usr/bin/env", f"PGPASSWORD={self.password}"]
        command = env + [f"{self.bin}/{argv[0]}"] + argv[1:]
        if os.getuid() == 0:
            command = ["/usr/sbin/runuser", "-u", "postgres", "--"] + command
        return subprocess.run(command, check=True, capture_output=True, text=True, stdin=subprocess.DEVNULL).stdout

    def sql(self, statement: str) -> str:
        return subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(self.port), "-U", "lmg", "-d", "lmg", "-At", "-c", statement],
                              env={**os.environ, "PGPASSWORD": self.password}, check=True, capture_output=True, text=True).stdout.strip()

    def stop(self) -> None:
        subprocess.run((["/usr/sbin/runuser", "-u", "postgres", "--"] if os.getuid() == 0 else [])
                       + [f"{self.bin}/pg_ctl", "-D", f"{self.dir}/data", "-w", "-m", "fast", "stop"], capture_output=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lmg", default=str(ROOT / ".build" / "release" / "lmg"))
    parser.add_argument("--duration", type=int, default=10)
    parser.add_argument("--concurrency", type=int, default=16)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--adds", type=int, default=100)
    parser.add_argument("--bulk", type=int, default=10000)
    args = parser.parse_args()
    for need in [args.lmg, "/usr/sbin/nginx", shutil.which("wrk") or "/nonexistent/wrk", shutil.which("psql") or "/nonexistent/psql"]:
        if not os.path.exists(need):
            raise SystemExit(f"replicas_bench: {need} is missing (swift build -c release; scripts/setup.sh --test and --bench)")

    workdir = tempfile.mkdtemp(prefix="lmg-replicas-bench-")
    os.chmod(workdir, 0o755)
    started: list[subprocess.Popen] = []
    pg = None
    try:
        pg = Postgres(workdir)
        config = os.path.join(workdir, "lmg.json")
        with open(config, "w") as f:
            json.dump({"server": {"store": pg.url, "allow_stdio_servers": True},
                       "mcpServers": {"builtin": {"command": args.lmg, "args": ["mcp-server"]}}}, f)
        env = {**os.environ, "PGPASSWORD": pg.password, "LMG_SESSION_KEY": base64.b64encode(os.urandom(32)).decode()}
        replicas = {}
        for name in ["A", "B"]:
            port = free_port()
            state = os.path.join(workdir, f"state-{name}")
            proc = subprocess.Popen([args.lmg, "serve", "--config", config, "--port", str(port)], env={**env, "XDG_STATE_HOME": state},
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            started.append(proc)
            replicas[name] = (proc, f"http://127.0.0.1:{port}")
            wait_until(lambda: request("POST", f"http://127.0.0.1:{port}/mcp/tools/call", BODY)[0] == 200, 60, f"replica {name} answers")
        (a_proc, a), (b_proc, b) = replicas["A"], replicas["B"]

        site = (ROOT / "deploy" / "nginx-lmg.conf").read_text()
        balancers = {}
        for label, ports in [("nginx → A", [a]), ("nginx → A, B", [a, b])]:
            d = os.path.join(workdir, f"nginx-{len(ports)}")
            os.makedirs(os.path.join(d, "tmp"))
            port = free_port()
            template = re.search(r"^\s*server 127\.0\.0\.1:\d+.*$", site, re.M)[0]
            upstream = "\n".join(re.sub(r"127\.0\.0\.1:\d+", p.removeprefix("http://"), template) for p in ports)
            text = re.sub(r"^\s*server 127\.0\.0\.1:\d+.*\n", "", site, flags=re.M)
            text = text.replace("upstream lmg {\n", "upstream lmg {\n" + upstream + "\n")
            text = re.sub(r"listen 127\.0\.0\.1:\d+", f"listen 127.0.0.1:{port}", text)
            with open(os.path.join(d, "lmg.conf"), "w") as f:
                f.write(text)
            temp = "".join(f"  {t}_temp_path {d}/tmp/{t};\n" for t in ["client_body", "proxy", "fastcgi", "uwsgi", "scgi"])
            with open(os.path.join(d, "nginx.conf"), "w") as f:
                f.write(f"daemon off;\nworker_processes 1;\n{'user root root;' if os.getuid() == 0 else ''}\npid {d}/nginx.pid;\n"
                        f"error_log {d}/error.log warn;\nevents {{ worker_connections 1024; }}\n"
                        f"http {{\n  access_log off;\n{temp}  include {d}/lmg.conf;\n}}\n")
            proc = subprocess.Popen(["/usr/sbin/nginx", "-p", d, "-c", f"{d}/nginx.conf", "-e", f"{d}/error.log"],
                                    stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
            started.append(proc)
            balancers[label] = (proc, f"http://127.0.0.1:{port}")
            wait_until(lambda: request("POST", f"http://127.0.0.1:{port}/mcp/tools/call", BODY)[0] == 200, 15, f"{label} answers")

        script = os.path.join(workdir, "post.lua")
        with open(script, "w") as f:
            f.write(f'wrk.method = "POST"\nwrk.body = {json.dumps(json.dumps(BODY))}\nwrk.headers["Content-Type"] = "application/json"\n')
        targets = [("A straight", a, []), ("nginx → A", balancers["nginx → A"][1], [balancers["nginx → A"][0]]),
                   ("nginx → A, B", balancers["nginx → A, B"][1], [balancers["nginx → A, B"][0]])]
        best: dict[str, dict] = {}
        for _ in range(args.rounds):
            for label, url, extra in targets:
                watched = [a_proc, b_proc] + extra
                before = [cpu_seconds(p.pid) for p in watched]
                result = wrk(url + "/mcp/tools/call", args.concurrency, args.duration, script)
                used = [cpu_seconds(p.pid) - x for p, x in zip(watched, before)]
                calls = result["rps"] * args.duration
                result["cpu_ms"] = 1000 * sum(used) / calls
                result["replica_ms"] = 1000 * sum(used[:2]) / calls
                result["nginx_ms"] = 1000 * sum(used[2:]) / calls
                if label not in best or result["rps"] > best[label]["rps"]:
                    best[label] = result
        print(f"calls: POST /mcp/tools/call (builtin echo), wrk -c {args.concurrency}, {args.duration} s, best of {args.rounds}, "
              f"{os.cpu_count()} cores")
        print("| path | calls/s | p50 ms | p99 ms | errors | CPU ms per call: replicas + their servers | nginx |")
        print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
        for label, _, _ in targets:
            r = best[label]
            print(f"| {label} | {r['rps']:.0f} | {r['p50']:.2f} | {r['p99']:.2f} | {r['errors']} | {r['replica_ms']:.3f} | {r['nginx_ms']:.3f} |")

        def stats() -> list[int]:
            """Transactions in the database; full reads of lmg_servers and the rows they read; index lookups."""
            row = pg.sql("SELECT d.xact_commit, t.seq_scan, t.seq_tup_read, coalesce(t.idx_scan, 0) FROM pg_stat_database d, "
                         "pg_stat_user_tables t WHERE d.datname = 'lmg' AND t.relname = 'lmg_servers'")
            return [int(x) for x in row.split("|")]

        # A backend's counters reach the statistics when it has been idle a while (up to 10 s).
        time.sleep(11)
        start_stats = stats()
        listed, served = [], []
        for i in range(args.adds):
            name = f"added{i}"
            status, text = request("POST", a + "/mcp/servers", {"name": name, "command": args.lmg, "args": ["mcp-server"]})
            if status != 201:
                raise SystemExit(f"replicas_bench: adding {name} through A: {status} {text[:200]}")
            t0 = time.perf_counter()
            while name not in request("GET", b + "/mcp/servers")[1]:
                time.sleep(0.001)
            listed.append(time.perf_counter() - t0)
            call = {**BODY, "server_name": name}
            while request("POST", b + "/mcp/tools/call", call)[0] != 200:
                time.sleep(0.001)
            served.append(time.perf_counter() - t0)
            request("DELETE", a + f"/mcp/servers/{name}")
        time.sleep(11)
        end_stats = stats()
        changes = 2 * args.adds

        def pct(values: list[float], q: float) -> float:
            ordered = sorted(values)
            return 1000 * ordered[min(len(ordered) - 1, int(q * len(ordered)))]

        print(f"\nadd on A → B, {args.adds} adds (each then deleted)")
        print("| from A's 201 until | p50 ms | p99 ms |")
        print("| --- | ---: | ---: |")
        print(f"| B lists it | {pct(listed, 0.5):.1f} | {pct(listed, 0.99):.1f} |")
        print(f"| B calls its tool (B starts its own stdio server) | {pct(served, 0.5):.1f} | {pct(served, 0.99):.1f} |")
        per = [(e - b) / changes for e, b in zip(end_stats, start_stats)]
        print(f"\nstore, two replicas following, per change (an add or a delete; the table held 0-1 rows; pg_stat_*): "
              f"{per[0]:.1f} transactions, {per[1]:.1f} full reads of lmg_servers ({per[2]:.1f} rows), {per[3]:.1f} index lookups")

        # One reload at scale: --bulk disabled entries written in one transaction with one NOTIFY.
        entry = json.dumps({"command": "true", "enabled": False}).replace("'", "''")
        t0 = time.perf_counter()
        pg.sql(f"BEGIN; INSERT INTO lmg_servers (name, entry) SELECT 'bulk' || i, '{entry}' FROM generate_series(1, {args.bulk}) i; "
               f"SELECT pg_notify('lmg_servers', 'bulk'); COMMIT;")
        written = time.perf_counter() - t0
        wait_until(lambda: request("GET", b + "/mcp/servers")[1].count('"bulk') >= args.bulk, 300, f"B applies {args.bulk} entries")
        applied = time.perf_counter() - t0
        time.sleep(0.5)
        before = cpu_seconds(b_proc.pid)
        pg.sql("SELECT pg_notify('lmg_servers', 'again')")
        time.sleep(3)
        one_reload = cpu_seconds(b_proc.pid) - before
        print(f"bulk: {args.bulk} entries written in {written * 1000:.0f} ms; B lists them all {applied * 1000:.0f} ms after the write began; "
              f"one more notification with {args.bulk} stored costs B {one_reload * 1000:.0f} ms of CPU (a full reload, nothing changed)")
    finally:
        for proc in reversed(started):
            stop_group(proc)
        if pg:
            pg.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
