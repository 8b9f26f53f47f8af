#!/usr/bin/env python3
"""An instant OpenAI-compatible upstream for the chat benchmarks: answers at once, on keep-alive connections.

Usage: instant_model.py PORT   (listens on 127.0.0.1; prints READY <port>; SIGTERM ends it)

POST .../chat/completions (not streamed) is answered without waiting:
  - the last message is a tool result   -> the assistant text "done: <the tool's content>"
  - the request offers the tool `builtin__echo` and the last user text is "use the tool"
                                          -> one tool call builtin__echo {"text": "hi"}
  - anything else                       -> the assistant text "hello"
GET .../models lists one model. asyncio with a hand-written HTTP/1.1 reader, so that on two cores the
upstream costs a small fraction of what the gateways in front of it do (the stdlib's http.server would
be the bottleneck of the comparison).
"""

from __future__ import annotations

import asyncio
import json
import signal
import sys


def completion(body: dict) -> dict:
    messages = body.get("messages") or [{}]
    last = messages[-1]
    message: dict
    finish = "stop"
    if last.get("role") == "tool":
        message = {"role": "assistant", "content": f"done: {last.get('content')}"}
    elif last.get("content") == "use the tool" and any(
            t.get("function", {}).get("name") == "builtin__echo" for t in body.get("tools") or []):
        message = {"role": "assistant", "content": None, "tool_calls": [
            {"id": "call_1", "type": "function", "function": {"name": "builtin__echo", "arguments": '{"text": "hi"}'}}]}
        finish = "tool_calls"
    else:
        message = {"role": "assistant", "content": "hello"}
    return {"id": "chatcmpl-bench", "object": "chat.completion", "created": 0, "model": body.get("model", "bench"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 1, "total_tokens": 6}}


async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    try:
        while True:
            head = await reader.readuntil(b"\r\n\r\n")
            lines = head.decode("latin-1").split("\r\n")
            method, path, _ = lines[0].split(" ", 2)
            length = 0
            for line in lines[1:]:
                name, _, value = line.partition(":")
                if name.lower() == "content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length) if length else b""
            if method == "POST" and path.endswith("/chat/completions"):
                payload = json.dumps(completion(json.loads(body or b"{}"))).encode()
                status = b"200 OK"
            elif method == "GET" and path.endswith("/models"):
                payload = json.dumps({"object": "list", "data": [{"id": "bench", "object": "model", "created": 0, "owned_by": "bench"}]}).encode()
                status = b"200 OK"
            else:
                payload, status = b'{"error": {"message": "not found"}}', b"404 Not Found"
            writer.write(b"HTTP/1.1 " + status + b"\r\nContent-Type: application/json\r\nContent-Length: "
                         + str(len(payload)).encode() + b"\r\n\r\n" + payload)
            await writer.drain()
    except (asyncio.IncompleteReadError, ConnectionError, ValueError):
        pass
    finally:
        writer.close()


async def main() -> None:
    server = await asyncio.start_server(handle, "127.0.0.1", int(sys.argv[1]) if len(sys.argv) > 1 else 0, backlog=1024)
    print(f"READY {server.sockets[0].getsockname()[1]}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
