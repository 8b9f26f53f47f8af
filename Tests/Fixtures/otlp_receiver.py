"""A small OTLP/HTTP trace receiver for lmg's tracing tests: what a collector would get, kept in memory.

Usage:
  otlp_receiver.py [--port 0]

Listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>`.
  POST /v1/traces   an ExportTraceServiceRequest, decoded with the OpenTelemetry project's own protobuf
                    classes (opentelemetry-proto, pinned in requirements.txt): `application/x-protobuf`
                    (OTLP's default, http/protobuf) or `application/json` (http/json; ids in hex as OTLP
                    specifies, or in base64 as the protobuf JSON mapping writes them); answered 200 with an
                    empty ExportTraceServiceResponse in the request's encoding; anything else is a 400/415.
  GET /spans        every span received so far, flattened, as a JSON array of
                    {traceId, spanId, parentSpanId, name, kind, service, attributes: {key: value}, status}
                    (ids lowercase hex, attribute values unwrapped from OTLP's AnyValue).
Exits on SIGTERM.
"""

from __future__ import annotations

import argparse
import base64
import json
import signal
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from google.protobuf import json_format
from opentelemetry.proto.collector.trace.v1 import trace_service_pb2

SPANS: list[dict[str, Any]] = []
LOCK = threading.Lock()


def plain(value: Any) -> Any:
    """An AnyValue as a plain Python value."""
    kind = value.WhichOneof("value")
    if kind == "array_value":
        return [plain(v) for v in value.array_value.values]
    if kind == "kvlist_value":
        return {kv.key: plain(kv.value) for kv in value.kvlist_value.values}
    return getattr(value, kind) if kind else None


def json_ids_to_base64(node: Any) -> Any:
    """OTLP/JSON writes traceId/spanId/parentSpanId in hex; the protobuf JSON parser wants base64."""
    if isinstance(node, dict):
        out = {}
        for key, value in node.items():
            if key in ("traceId", "spanId", "parentSpanId") and isinstance(value, str) and value:
                try:
                    raw = bytes.fromhex(value)
                    value = base64.b64encode(raw).decode()
                except ValueError:
                    pass  # already base64, as the protobuf JSON mapping writes bytes
            out[key] = json_ids_to_base64(value)
        return out
    if isinstance(node, list):
        return [json_ids_to_base64(v) for v in node]
    return node


def collect(request: Any) -> None:
    received = []
    for resource_spans in request.resource_spans:
        resource = {kv.key: plain(kv.value) for kv in resource_spans.resource.attributes}
        for scope in resource_spans.scope_spans:
            for span in scope.spans:
                received.append({
                    "traceId": span.trace_id.hex(), "spanId": span.span_id.hex(), "parentSpanId": span.parent_span_id.hex(),
                    "name": span.name, "kind": span.kind, "service": resource.get("service.name"),
                    "attributes": {kv.key: plain(kv.value) for kv in span.attributes},
                    "status": {"code": span.status.code, "message": span.status.message},
                })
    with LOCK:
        SPANS.extend(received)


class Handler(BaseHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass

    def answer(self, status: int, body: Any) -> None:
        data = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def do_POST(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length)
        if self.path != "/v1/traces":
            return self.answer(404, {"error": f"no route {self.path}"})
        content_type = (self.headers.get("Content-Type") or "").split(";")[0].strip()
        request = trace_service_pb2.ExportTraceServiceRequest()
        try:
            if content_type == "application/x-protobuf":
                request.ParseFromString(body)
            elif content_type == "application/json":
                json_format.ParseDict(json_ids_to_base64(json.loads(body)), request)
            else:
                return self.answer(415, {"error": f"unsupported Content-Type {content_type!r}"})
        except Exception as error:  # a malformed export is the sender's bug: say so
            return self.answer(400, {"error": f"not an ExportTraceServiceRequest: {error}"})
        collect(request)
        response = trace_service_pb2.ExportTraceServiceResponse()
        if content_type == "application/x-protobuf":
            data = response.SerializeToString()
            self.send_response(200)
            self.send_header("Content-Type", "application/x-protobuf")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)
        else:
            self.answer(200, json_format.MessageToDict(response))

    def do_GET(self) -> None:
        if self.path != "/spans":
            return self.answer(404, {"error": f"no route {self.path}"})
        with LOCK:
            self.answer(200, list(SPANS))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    server = ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    print("READY", server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
