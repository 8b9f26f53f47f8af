"""What the benchmark scripts share: free ports, stopping a process group, one HTTP request, wrk's figures, CPU time."""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import urllib.error
import urllib.request


def free_port() -> int:
    """A port on 127.0.0.1 that was free a moment ago."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def stop_group(proc: subprocess.Popen, grace: float = 15) -> None:
    """SIGTERM to the process group started with `start_new_session=True`, SIGKILL after `grace` s."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(grace)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def request(method: str, url: str, body: dict | str | None = None, headers: dict | None = None,
            timeout: float = 30) -> tuple[int, str]:
    """One HTTP request with a JSON body (a dict, or its text): the status and the answer's text; status 0 and
    the reason when nothing answered (a server still starting)."""
    data = (body if isinstance(body, str) else json.dumps(body)).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method, headers={"Content-Type": "application/json", **(headers or {})})
    try:
        with urllib.request.urlopen(req, timeout=timeout) as answer:
            return answer.status, answer.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()
    except OSError as error:
        return 0, str(error)


def to_ms(text: str) -> float:
    """wrk's `812.00us` / `1.20ms` / `1.00s` in milliseconds."""
    value, unit = re.match(r"([\d.]+)(us|ms|s)", text).groups()
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def wrk(url: str, concurrency: int, seconds: int, script: str) -> dict:
    """One wrk run with a Lua request script: calls/s, p50 and p99 in ms (NaN when wrk printed none),
    and errors (non-2xx answers and socket errors)."""
    out = subprocess.run(["wrk", "-t", str(min(concurrency, 2)), "-c", str(concurrency), "-d", f"{seconds}s", "--latency", "-s", script, url],
                         capture_output=True, text=True, check=True).stdout
    latency = dict(re.findall(r"^\s+(50|99)%\s+(\S+)$", out, re.M))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    errors += int((re.search(r"Non-2xx or 3xx responses: (\d+)", out) or [0, 0])[1])
    rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
    nan = float("nan")
    return {"rps": float(rps[1]) if rps else nan, "p50": to_ms(latency["50"]) if "50" in latency else nan,
            "p99": to_ms(latency["99"]) if "99" in latency else nan, "errors": errors}


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of `pid` and of every process below it."""
    ticks = os.sysconf("SC_CLK_TCK")
    total, stack = 0.0, [pid]
    while stack:
        p = stack.pop()
        try:
            fields = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks
            for task in os.listdir(f"/proc/{p}/task"):
                stack += [int(c) for c in open(f"/proc/{p}/task/{task}/children").read().split()]
        except (FileNotFoundError, ProcessLookupError):
            pass
    return total
