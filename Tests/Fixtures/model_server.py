"""Scripted OpenAI-compatible Chat Completions server: the model peer of the orchestrator's tests.

stdlib only. Listens on 127.0.0.1, port chosen by the OS (or --port), prints `READY <port>`,
exits on SIGTERM. Every POST to a path ending in /chat/completions is answered by the next entry
of the script; once the script is used up, by the rules below (or HTTP 500 with --strict).

Options:
  --script FILE   JSON list of responses, served in order (see "Script entries")
  --log FILE      every request received, one JSON object a line: {path, headers, body}
  --strict        answer 500 when the script is used up instead of falling back to the rules
  --port N        listen on N instead of a free port

Script entries (all keys optional):
  {"content": "text", "tool_calls": [{"id": "c1", "name": "srv__tool", "arguments": "{...}"}],
   "finish_reason": "stop" | "tool_calls" | "length",
   "stream": true | false          # default: what the request asked for
   "chunk": 3                      # characters of content/arguments per streamed chunk (awkward splits)
   "interleave": true              # alternate argument chunks of different tool calls
   "delay_ms": 0                   # before answering
   "chunk_delay_ms": 0             # between streamed chunks (slow streams for cancellation tests)
   "status": 429, "headers": {"Retry-After": "1"}, "error": {"message": "...", "type": "..."}
   "usage": {"prompt_tokens": 1, "completion_tokens": 2, "total_tokens": 3}
   "raw": "text"                   # send this body verbatim (malformed output tests)}

Rules (the endless "model" for REPL tests and benchmarks):
  - last message is a tool result: answer "Tool results: " + the tool messages of this turn joined by " | "
  - last user text is lines of `call NAME {json}`: one tool call per line
  - last user text is `slow N`: stream "tick " N times, 100 ms apart
  - last user text is `markdown`: stream MARKDOWN (bold, a link, a code block, a table) 3 characters a chunk
  - last user text is `fail STATUS [RETRY_AFTER]`: answer HTTP STATUS with an error body (and Retry-After)
  - anything else: answer "You said: " + the text

GET /stats answers {"requests": n}; GET /v1/models lists one model "scripted".
"""
import argparse, json, signal, sys, threading, time
import loopback

lock = threading.Lock()
state = {"script": [], "requests": 0, "log": None, "strict": False}


MARKDOWN = """## Result

This is **bold** and `code`, see [the docs](https://example.org/docs).

```swift
let answer = 42 // the answer
```

| Name | Count |
|------|------:|
| alpha | 1 |
| beta | 22 |

Done."""


def next_entry(request):
    with lock:
        state["requests"] += 1
        if state["log"]:
            with open(state["log"], "a") as log:
                log.write(json.dumps(request) + "\n")
        if state["script"]:
            return state["script"].pop(0)
    if state["strict"]:
        return {"status": 500, "error": {"message": "script exhausted", "type": "server_error"}}
    return rules(request["body"])


def text_of(message):
    content = message.get("content")
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if part.get("type") == "text")
    return content or ""


def rules(body):
    messages = body.get("messages", [])
    if messages and messages[-1].get("role") == "tool":
        results = []
        for message in reversed(messages):
            if message.get("role") != "tool":
                break
            results.insert(0, text_of(message))
        return {"content": "Tool results: " + " | ".join(results)}
    users = [m for m in messages if m.get("role") == "user"]
    text = text_of(users[-1]).strip() if users else ""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if lines and all(line.startswith("call ") for line in lines):
        calls = []
        for i, line in enumerate(lines):
            parts = line.split(" ", 2)
            calls.append({"id": "call_%d_%d" % (state["requests"], i), "name": parts[1],
                          "arguments": parts[2] if len(parts) > 2 else "{}"})
        return {"tool_calls": calls}
    if text.startswith("fail "):
        parts = text.split()
        headers = {"Retry-After": parts[2]} if len(parts) > 2 else {}
        return {"status": int(parts[1]), "headers": headers,
                "error": {"message": "scripted failure %s" % parts[1], "type": "scripted_error"}}
    if text == "markdown":
        return {"content": MARKDOWN, "chunk": 3, "chunk_delay_ms": 5}
    if text.startswith("slow "):
        return {"content": "tick " * int(text.split()[1]), "chunk": 5, "chunk_delay_ms": 100}
    return {"content": "You said: " + text}


def usage_of(entry, body):
    if "usage" in entry:
        return entry["usage"]
    prompt = sum(len(text_of(m)) for m in body.get("messages", [])) // 4 + 1
    completion = len(entry.get("content") or "") // 4 + 1
    return {"prompt_tokens": prompt, "completion_tokens": completion, "total_tokens": prompt + completion}


def pieces(text, size):
    return [text[i:i + size] for i in range(0, len(text), size)] or [""]


class Handler(loopback.Handler):
    def event(self, obj):
        self.chunk(b"data: " + json.dumps(obj).encode() + b"\n\n")

    def do_GET(self):
        if self.path == "/stats":
            with lock:
                self.send(200, json.dumps({"requests": state["requests"]}).encode())
        elif self.path.endswith("/models"):
            self.send(200, json.dumps({"object": "list", "data": [{"id": "scripted", "object": "model"}]}).encode())
        else:
            self.send(404, b'{"error": {"message": "not found"}}')

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        if not self.path.endswith("/chat/completions"):
            self.send(404, b'{"error": {"message": "unknown path"}}')
            return
        try:
            body = json.loads(raw)
        except ValueError:
            self.send(400, b'{"error": {"message": "request body is not JSON", "type": "invalid_request_error"}}')
            return
        entry = next_entry({"path": self.path, "headers": {k.lower(): v for k, v in self.headers.items()}, "body": body})
        time.sleep(entry.get("delay_ms", 0) / 1000)
        if "status" in entry and entry["status"] != 200:
            payload = json.dumps({"error": entry.get("error", {"message": "scripted failure"})}).encode()
            self.send(entry["status"], payload, extra=list(entry.get("headers", {}).items()))
            return
        if "raw" in entry:
            self.send(200, entry["raw"].encode(), entry.get("content_type", "application/json"))
            return
        stream = entry.get("stream", bool(body.get("stream")))
        if stream:
            self.stream(entry, body)
        else:
            self.plain(entry, body)

    def plain(self, entry, body):
        message = {"role": "assistant", "content": entry.get("content")}
        calls = entry.get("tool_calls") or []
        if calls:
            message["tool_calls"] = [{"id": c["id"], "type": "function",
                                      "function": {"name": c["name"], "arguments": c["arguments"]}} for c in calls]
        finish = entry.get("finish_reason", "tool_calls" if calls else "stop")
        payload = {"id": "chatcmpl-scripted", "object": "chat.completion", "created": int(time.time()),
                   "model": body.get("model", "scripted"),
                   "choices": [{"index": 0, "message": message, "finish_reason": finish}],
                   "usage": usage_of(entry, body)}
        self.send(200, json.dumps(payload).encode())

    def stream(self, entry, body):
        self.send_response(200)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Transfer-Encoding", "chunked")
        self.end_headers()
        size = max(1, entry.get("chunk", 3))
        pause = entry.get("chunk_delay_ms", 0) / 1000
        base = {"id": "chatcmpl-scripted", "object": "chat.completion.chunk", "created": int(time.time()),
                "model": body.get("model", "scripted")}

        def delta(d, finish=None):
            if pause:
                time.sleep(pause)
            self.event(dict(base, choices=[{"index": 0, "delta": d, "finish_reason": finish}]))

        try:
            delta({"role": "assistant", "content": ""})
            if entry.get("content"):
                for piece in pieces(entry["content"], size):
                    delta({"content": piece})
            calls = entry.get("tool_calls") or []
            queues = []
            for index, call in enumerate(calls):
                first = {"index": index, "id": call["id"], "type": "function",
                         "function": {"name": call["name"], "arguments": ""}}
                rest = [{"index": index, "function": {"arguments": p}} for p in pieces(call["arguments"], size)]
                queues.append([first] + rest)
            if entry.get("interleave"):
                while any(queues):
                    for queue in queues:
                        if queue:
                            delta({"tool_calls": [queue.pop(0)]})
            else:
                for queue in queues:
                    for item in queue:
                        delta({"tool_calls": [item]})
            delta({}, entry.get("finish_reason", "tool_calls" if calls else "stop"))
            if (body.get("stream_options") or {}).get("include_usage"):
                self.event(dict(base, choices=[], usage=usage_of(entry, body)))
            self.chunk(b"data: [DONE]\n\n")
            self.wfile.write(b"0\r\n\r\n")
            self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--script")
    parser.add_argument("--log")
    parser.add_argument("--strict", action="store_true")
    args = parser.parse_args()
    if args.script:
        with open(args.script) as f:
            state["script"] = json.load(f)
    state["log"] = args.log
    state["strict"] = args.strict
    server = loopback.Server(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("READY", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
