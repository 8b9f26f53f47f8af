#!/usr/bin/env python3
"""Start-up of `lmg chat` (issue 5): time from launch to a ready prompt in a pseudo-terminal,
with seven servers configured and one of them slow to start (2 s), and the time until the slow
one has joined (the prompt is redrawn with all seven).

Each run: the scripted model server is up; `lmg chat` starts in a fresh pty; we read its output
until the prompt line `(… servers, … tools) > ` appears (ready), then until `(7 servers,` appears
(all joined), then send Ctrl-D and wait for the exit.

Usage: python3 Benchmarks/chat_startup_bench.py [--lmg .build/release/lmg] [-n 10]
Build first: swift build -c release --static-swift-stdlib --product lmg
"""
import argparse, json, os, pty, re, select, signal, statistics, subprocess, sys, tempfile, time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROMPT = re.compile(rb"\((?:\d+/)?\d+ servers?, \d+ tools?\)[^>]*> ")
ALL_JOINED = re.compile(rb"\(7 servers, \d+ tools\)")


def start_model():
    proc = subprocess.Popen([sys.executable, os.path.join(ROOT, "Tests/Fixtures/model_server.py")],
                            stdout=subprocess.PIPE, text=True)
    return proc, "http://127.0.0.1:%s/v1" % proc.stdout.readline().split()[1]


def config(lmg, model_url):
    servers = {"builtin%d" % i: {"command": lmg, "args": ["mcp-server"]} for i in range(6)}
    servers["slow"] = {"command": "/bin/sh", "args": ["-c", 'sleep 2; exec "$0" mcp-server', lmg]}
    handle = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
    json.dump({"model": {"base_url": model_url, "model": "scripted"}, "mcpServers": servers}, handle)
    handle.close()
    return handle.name


def read_until(fd, pattern, buffer, deadline):
    while not pattern.search(buffer):
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError("waited for %r; output so far: %r" % (pattern.pattern, buffer[-500:]))
        ready, _, _ = select.select([fd], [], [], remaining)
        if ready:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                chunk = b""
            if not chunk:
                raise EOFError("lmg chat ended early; output: %r" % buffer[-500:])
            buffer += chunk
    return buffer


def one_run(lmg, config_path, state):
    master, slave = pty.openpty()
    env = dict(os.environ, TERM="xterm", XDG_STATE_HOME=state, NO_COLOR="1")
    start = time.monotonic()
    proc = subprocess.Popen([lmg, "chat", "--config", config_path], stdin=slave, stdout=slave, stderr=slave,
                            env=env, start_new_session=True, close_fds=True)
    os.close(slave)
    try:
        buffer = read_until(master, PROMPT, b"", start + 10)
        ready = time.monotonic() - start
        read_until(master, ALL_JOINED, buffer, start + 15)
        joined = time.monotonic() - start
        os.write(master, b"\x04")
        proc.wait(timeout=10)
        return ready, joined
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        os.close(master)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--lmg", default=os.path.join(ROOT, ".build/release/lmg"))
    parser.add_argument("-n", type=int, default=10)
    args = parser.parse_args()
    model, url = start_model()
    path = config(args.lmg, url)
    state = tempfile.mkdtemp(prefix="lmg-bench-state-")
    try:
        runs = [one_run(args.lmg, path, state) for _ in range(args.n)]
    finally:
        model.terminate()
        model.wait()
        os.unlink(path)
    ready = sorted(r * 1000 for r, _ in runs)
    joined = sorted(j * 1000 for _, j in runs)
    print("lmg chat start-up, 7 servers (one starts in 2 s), %d runs:" % args.n)
    print("  prompt ready:    median %.0f ms, max %.0f ms (target < 300 ms)" % (statistics.median(ready), ready[-1]))
    print("  all 7 joined:    median %.0f ms, max %.0f ms" % (statistics.median(joined), joined[-1]))


if __name__ == "__main__":
    main()
