"""An MCP server behind OAuth 2.0 bearer tokens, by the official Python SDK (mcp 2.x, MCPServer).

Usage:
  protected_mcp.py --auth-server http://127.0.0.1:<port> [--port 0]
                   [--introspection-client ID:SECRET] [--plain-challenge] [--record FILE]
                   [--required-scope SCOPE]

Streamable HTTP (JSON answers) at /mcp on 127.0.0.1 (port 0 = chosen by the OS); prints `READY <port>`
once it listens; exits on SIGTERM.

Every bearer token is checked by RFC 7662 introspection at <auth-server>/introspect (as the
--introspection-client, default mcp-resource:resource-secret, which oauth_server.py registers by
default), and must have been issued for this server's URL (RFC 8707 `resource`, checked against the
introspection's `aud`). Without a valid token the SDK answers 401 with
`WWW-Authenticate: Bearer error="invalid_token", ..., resource_metadata="<url>"`, and serves RFC 9728
Protected Resource Metadata at /.well-known/oauth-protected-resource/mcp naming the auth server.
--plain-challenge strips the WWW-Authenticate header down to `Bearer` (no resource_metadata), so a
client has to find the metadata at the well-known URL itself.

--required-scope SCOPE (repeatable) makes the SDK answer a token without every such scope with 403
`WWW-Authenticate: Bearer error="insufficient_scope", ...`, to which this fixture adds
`scope="<the required scopes>"` as the MCP spec asks of servers (step-up authorization); the Protected
Resource Metadata then lists them as scopes_supported.

--record FILE appends `auth <client_id>` for each authenticated request and `rejected` for each 401.

Tools: whoami() -> the token's client_id and scopes; echo(text) -> text.
"""

from __future__ import annotations

import argparse
import base64
import json
import logging
import sys
import urllib.error
import urllib.parse
import urllib.request

import anyio
from mcp.server.auth.middleware.auth_context import get_access_token
from mcp.server.auth.provider import AccessToken, TokenVerifier
from mcp.server.auth.settings import AuthSettings
from mcp.server.mcpserver import MCPServer
from mcp_fixture import listening_socket, serve_asgi

record_file: str | None = None


def record(line: str) -> None:
    if record_file:
        with open(record_file, "a") as f:
            f.write(line + "\n")


class IntrospectionVerifier(TokenVerifier):
    """Asks the authorization server about every token (RFC 7662)."""

    def __init__(self, endpoint: str, client_id: str, secret: str):
        self.endpoint = endpoint
        self.basic = "Basic " + base64.b64encode(f"{client_id}:{secret}".encode()).decode()

    def introspect(self, token: str) -> dict | None:
        body = urllib.parse.urlencode({"token": token}).encode()
        req = urllib.request.Request(self.endpoint, data=body, headers={"Authorization": self.basic})
        try:
            with urllib.request.urlopen(req, timeout=5) as response:
                return json.loads(response.read())
        except (urllib.error.URLError, ValueError):
            return None

    async def verify_token(self, token: str) -> AccessToken | None:
        data = await anyio.to_thread.run_sync(self.introspect, token)
        if data is None:
            return None
        if not data.get("active"):
            return None
        record(f"auth {data.get('client_id')}")
        return AccessToken(
            token=token,
            client_id=data.get("client_id", ""),
            scopes=(data.get("scope") or "").split(),
            expires_at=data.get("exp"),
            resource=data.get("aud"),
        )


def plain_challenge(app):
    """ASGI wrapper: 401 answers keep only `WWW-Authenticate: Bearer`."""

    async def wrapped(scope, receive, send):
        async def send_wrapper(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"www-authenticate"]
                headers.append((b"www-authenticate", b"Bearer"))
                message = dict(message, headers=headers)
            await send(message)

        await app(scope, receive, send_wrapper)

    return wrapped


def scope_challenge(app, scopes: list[str]):
    """ASGI wrapper: 403 insufficient_scope answers name the scopes needed (`scope="..."`)."""

    async def wrapped(scope, receive, send):
        async def send_wrapper(message):
            if message["type"] == "http.response.start" and message["status"] == 403:
                headers = []
                for k, v in message.get("headers", []):
                    if k.lower() == b"www-authenticate" and b"insufficient_scope" in v and b"scope=" not in v.replace(b"_scope", b""):
                        v = v + b', scope="' + " ".join(scopes).encode() + b'"'
                    headers.append((k, v))
                message = dict(message, headers=headers)
            await send(message)

        await app(scope, receive, send_wrapper)

    return wrapped


def recording(app):
    async def wrapped(scope, receive, send):
        async def send_wrapper(message):
            if message["type"] == "http.response.start" and message["status"] == 401:
                record("rejected")
            await send(message)

        await app(scope, receive, send_wrapper)

    return wrapped


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--auth-server", required=True)
    parser.add_argument("--introspection-client", default="mcp-resource:resource-secret")
    parser.add_argument("--plain-challenge", action="store_true")
    parser.add_argument("--record", metavar="FILE")
    parser.add_argument("--required-scope", action="append", default=[])
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="protected_mcp: %(levelname)s %(message)s")
    global record_file
    record_file = args.record

    sock = listening_socket(args.port)  # bound first: the resource URL holds the port
    port = sock.getsockname()[1]
    resource = f"http://127.0.0.1:{port}/mcp"
    auth_server = args.auth_server.rstrip("/")
    rs_id, rs_secret = args.introspection_client.split(":", 1)

    server = MCPServer(
        "protected-fixture",
        version="1.0.0",
        token_verifier=IntrospectionVerifier(auth_server + "/introspect", rs_id, rs_secret),
        auth=AuthSettings(
            issuer_url=auth_server,
            resource_server_url=resource,
            validate_token_resource=True,
            required_scopes=args.required_scope or None,
        ),
    )

    @server.tool()
    def whoami() -> str:
        """The client the bearer token was issued to, and its scopes."""
        token = get_access_token()
        if token is None:
            return "anonymous"
        return f"{token.client_id} scopes={' '.join(token.scopes) or '-'}"

    @server.tool()
    def echo(text: str) -> str:
        """Returns its text unchanged."""
        return text

    app = recording(server.streamable_http_app(json_response=True))
    if args.plain_challenge:
        app = plain_challenge(app)
    if args.required_scope:
        app = scope_challenge(app, args.required_scope)
    anyio.run(serve_asgi, app, port, sock)


if __name__ == "__main__":
    main()
