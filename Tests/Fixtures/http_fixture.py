"""Plain HTTP peer for the CurlHTTP engine's tests (stdlib only).

Listens on 127.0.0.1, port chosen by the OS, prints `READY <port>`, exits on SIGTERM.
Endpoints:
  /echo            any method: JSON {method, path, headers, body, client_port}
  /status/<n>      answers status n with header X-Fixture: yes and a short text body
  /sse-hold?key=K  event stream: two events, then waits until /release?key=K, then one more and ends
  /release?key=K   releases the stream above
  /never           sends nothing until the client goes away
  /stall           headers and one chunk, then nothing for 30 s (idle timeouts)
  /large?n=N       N bytes of 'x'
  /cut             declares Content-Length 100, sends 10 bytes and closes
"""
import json, signal, socket, sys, threading, time
import loopback
from urllib.parse import urlparse, parse_qs

releases = {}
lock = threading.Lock()


def release_event(key):
    with lock:
        return releases.setdefault(key, threading.Event())


class Handler(loopback.Handler):
    def body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def handle_any(self):
        url = urlparse(self.path)
        query = parse_qs(url.query)
        body = self.body()
        if url.path == "/echo":
            payload = json.dumps({
                "method": self.command, "path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()},
                "body": body.decode("utf-8", "replace"), "client_port": self.client_address[1],
            }).encode()
            self.send(200, payload)
        elif url.path.startswith("/status/"):
            code = int(url.path.rsplit("/", 1)[1])
            self.send(code, b"status %d\n" % code, "text/plain", [("X-Fixture", "yes")])
        elif url.path == "/sse-hold":
            key = query.get("key", [""])[0]
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b"event: first\ndata: 1\n\n")
            self.chunk(b"id: 2\ndata: two\ndata: lines\n\n")
            release_event(key).wait(30)
            self.chunk(b"data: last\n\n")
            self.wfile.write(b"0\r\n\r\n")
        elif url.path == "/release":
            release_event(query.get("key", [""])[0]).set()
            self.send(200, b"{}")
        elif url.path == "/never":
            for _ in range(600):
                time.sleep(0.1)
                try:
                    self.connection.setblocking(False)
                    if self.connection.recv(1, socket.MSG_PEEK) == b"":
                        return
                except BlockingIOError:
                    pass
                finally:
                    self.connection.setblocking(True)
        elif url.path == "/stall":
            self.send_response(200)
            self.send_header("Content-Type", "text/plain")
            self.send_header("Transfer-Encoding", "chunked")
            self.end_headers()
            self.chunk(b"started\n")
            time.sleep(30)
        elif url.path == "/large":
            n = int(query.get("n", ["0"])[0])
            self.send(200, b"x" * n, "text/plain")
        elif url.path == "/cut":
            self.send_response(200)
            self.send_header("Content-Length", "100")
            self.end_headers()
            self.wfile.write(b"0123456789")
            self.wfile.flush()
            self.close_connection = True
        else:
            self.send(404, b"not found", "text/plain")

    do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = handle_any


def main():
    server = loopback.Server(("127.0.0.1", 0), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("READY", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
