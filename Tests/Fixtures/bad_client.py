"""A client that sends `lmg serve` what a careless or hostile one would, each on its own connection,
while a well-behaved client calls a tool over and over beside it; stdlib only.

Usage: bad_client.py --port N [--idle-timeout S] [--body-timeout S] [--max-body N]
Prints one JSON object: for each case {"status": HTTP status or null, "closed": the server closed the
connection, "seconds": how long until the answer or the close}, and "good": {"ok": calls that
succeeded, "errors": [what failed]} for the client beside them. Talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import socket
import threading
import time

PORT = 0
IDLE = 1.0


def connect(timeout: float = 30) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", PORT), timeout=timeout)
    sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return sock


def outcome(sock: socket.socket, started: float, wait: float = 30) -> dict:
    """Reads until the server closes (or `wait` passes): the status of its answer, and whether it closed."""
    sock.settimeout(wait)
    data = b""
    closed = False
    try:
        while True:
            chunk = sock.recv(65536)
            if not chunk:
                closed = True
                break
            data += chunk
            if b"\r\n\r\n" in data and b"connection: close" not in data.lower() and answered(data):
                break
    except socket.timeout:
        pass
    except (ConnectionResetError, BrokenPipeError):
        closed = True
    status = None
    if data.startswith(b"HTTP/1.1 "):
        status = int(data[9:12])
    sock.close()
    return {"status": status, "closed": closed, "seconds": round(time.monotonic() - started, 2)}


def answered(data: bytes) -> bool:
    """A whole answer with Content-Length arrived (a kept-alive connection will not close)."""
    head, _, body = data.partition(b"\r\n\r\n")
    for line in head.split(b"\r\n"):
        if line.lower().startswith(b"content-length:"):
            return len(body) >= int(line.split(b":")[1])
    return False


def post(body: bytes, path: str = "/mcp/tools/call", extra: bytes = b"") -> dict:
    started = time.monotonic()
    sock = connect()
    head = b"POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: %d\r\n%s\r\n" % (
        path.encode(), len(body), extra)
    sock.sendall(head + body)
    return outcome(sock, started)


def raw(payload: bytes, wait: float = 30) -> dict:
    """`payload` on a new connection (the server may close it before all is sent), then the outcome."""
    started = time.monotonic()
    sock = connect()
    try:
        sock.sendall(payload)
    except OSError:
        pass
    return outcome(sock, started, wait)


def sending(head: bytes, piece: bytes, pause: float, wait: float = 30) -> dict:
    """`head`, then `piece` every `pause` seconds from another thread until the server answers or closes."""
    started = time.monotonic()
    sock = connect()
    sock.sendall(head)
    stop = threading.Event()

    def trickle() -> None:
        try:
            while not stop.is_set():
                sock.sendall(piece)
                time.sleep(pause)
        except OSError:
            pass

    threading.Thread(target=trickle, daemon=True).start()
    result = outcome(sock, started, wait)
    stop.set()
    return result


def cases(idle: float, body_timeout: float, max_body: int) -> dict:
    results = {}
    results["malformed"] = post(b'{"server_name": "builtin", "tool_name": ')
    results["invalid_utf8"] = post(b'{"server_name": "\xff\xfe", "tool_name": "echo"}')
    results["deep_nesting"] = post(b'{"arguments": ' + b"[" * 20_000 + b"]" * 20_000 + b"}")
    results["deep_nesting_mcp"] = post(b"{" + b'"a":{' * 10_000 + b"}" * 10_001, path="/mcp")
    results["not_an_object"] = post(b'"just a string"', path="/v1/chat/completions")

    # Truncated: fewer bytes than Content-Length, then the client stops writing.
    started = time.monotonic()
    sock = connect()
    sock.sendall(b"POST /mcp/tools/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 200\r\n\r\n" + b'{"server_name": "bu')
    sock.shutdown(socket.SHUT_WR)
    results["truncated"] = outcome(sock, started)

    # Over the limit, announced by Content-Length, sent slowly: refused at once.
    results["over_limit_slowly"] = sending(
        b"POST /mcp/tools/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: %d\r\n\r\n" % (max_body * 100), b"x" * 512, 0.05)
    # Under the limit but chunked and slower than body_timeout: 408.
    results["slow_body"] = sending(
        b"POST /mcp/tools/call HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\n", b"1\r\nx\r\n", 0.1, wait=body_timeout + 20)

    # Idle: connected, nothing sent. Half-open: a request head cut off, then silence (a vanished peer).
    results["idle"] = raw(b"", wait=idle + 20)
    results["half_open"] = raw(b"POST /mcp/tools/call HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Le", wait=idle + 20)

    # Floods: a hundred thousand headers, one enormous header, an enormous request line; then not HTTP at all.
    results["header_flood"] = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: v\r\n" % i for i in range(100_000)) + b"\r\n")
    results["huge_header"] = raw(b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 2_000_000 + b"\r\n\r\n")
    results["huge_uri"] = raw(b"GET /" + b"a" * 2_000_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    results["not_http"] = raw(b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + bytes(range(256)) * 4)
    return results


def good_client(stop: threading.Event, tally: dict) -> None:
    """Calls the built-in echo tool over one kept-alive connection, as an ordinary client would."""
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
    index = 0
    last = time.monotonic()
    while not stop.is_set():
        index += 1
        body = json.dumps({"server_name": "builtin", "tool_name": "echo", "arguments": {"text": f"n{index}"}})
        try:
            connection.request("POST", "/mcp/tools/call", body=body, headers={"Content-Type": "application/json"})
            answer = connection.getresponse()
            text = answer.read().decode()
            if answer.status == 200 and f'"n{index}"' in text:
                tally["ok"] += 1
            else:
                tally["errors"].append(f"{answer.status}: {text[:120]}")
            last = time.monotonic()
        except http.client.RemoteDisconnected:
            # A kept-alive connection the server closed as idle (this thread starved of time past the
            # idle timeout) is opened again, as HTTP lets clients do; one dropped sooner is an error.
            if time.monotonic() - last < IDLE * 0.8:
                tally["errors"].append(f"dropped {time.monotonic() - last:.2f}s after the last answer")
            tally["reconnects"] += 1
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        except Exception as error:  # noqa: BLE001 - every failure is what the test counts
            tally["errors"].append(repr(error))
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
        time.sleep(0.02)


def main() -> None:
    global PORT, IDLE
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--idle-timeout", type=float, default=1)
    parser.add_argument("--body-timeout", type=float, default=1)
    parser.add_argument("--max-body", type=int, default=65536)
    args = parser.parse_args()
    PORT = args.port
    IDLE = args.idle_timeout
    tally = {"ok": 0, "errors": [], "reconnects": 0}
    stop = threading.Event()
    beside = threading.Thread(target=good_client, args=(stop, tally), daemon=True)
    beside.start()
    results = cases(args.idle_timeout, args.body_timeout, args.max_body)
    stop.set()
    beside.join(timeout=40)
    results["good"] = tally
    print(json.dumps(results))


if __name__ == "__main__":
    main()
