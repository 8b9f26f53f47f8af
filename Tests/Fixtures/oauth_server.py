"""A real OAuth 2.0 authorization server for lmg's OAuth tests: Authlib + Flask, in memory, on loopback.

Usage:
  oauth_server.py [--port 0] [--lifetime SECONDS] [--no-refresh-tokens]
                  --client ID:SECRET[:METHOD[,METHOD]] [--client ...] [--resource-server ID:SECRET]

Listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>` once it listens, exits on SIGTERM.

Clients (--client, repeatable) may use the client_credentials and refresh_token grants. METHOD limits
how the client authenticates at the token endpoint (client_secret_basic, client_secret_post); default
both. --resource-server names the client the protected MCP server uses for introspection; only it may
introspect tokens of other clients.

Endpoints:
  POST /token                          RFC 6749 token endpoint: grant_type=client_credentials (scope,
                                       RFC 8707 resource) and grant_type=refresh_token. Access tokens live
                                       --lifetime seconds (default 3600); a refresh token comes with every
                                       token unless --no-refresh-tokens; refreshing rotates it.
  POST /introspect                     RFC 7662; the answer carries `aud` = the token's resource.
  POST /revoke                         RFC 7009 (the token's own client authenticates).
  GET  /.well-known/oauth-authorization-server   RFC 8414 metadata (issuer = http://127.0.0.1:<port>).
  GET  /stats                          {"token_requests": n, "by_grant": {grant: n}, "by_auth_method":
                                       {method: n}, "errors": {code: n}, "resources": [..],
                                       "introspections": n, "revocations": n}
  POST /admin/revoke_all?client_id=ID  revokes every access token of that client (refresh tokens stay).
  GET  /admin/tokens                   {"access_tokens": [..], "refresh_tokens": [..]}: every token issued,
                                       so tests can grep outputs for them.
"""

from __future__ import annotations

import argparse
import logging
import secrets
import signal
import socket
import sys
import threading
import time
from collections import Counter

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.oauth2.rfc6749 import ClientMixin, TokenMixin, grants
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from flask import Flask, jsonify, request

lock = threading.Lock()
stats = {
    "token_requests": 0,
    "by_grant": Counter(),
    "by_auth_method": Counter(),
    "errors": Counter(),
    "resources": [],
    "introspections": 0,
    "revocations": 0,
}


class Client(ClientMixin):
    def __init__(self, client_id: str, secret: str, methods: list[str], resource_server: bool = False):
        self.client_id = client_id
        self.client_secret = secret
        self.methods = methods
        self.resource_server = resource_server

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None

    def get_allowed_scope(self, scope):
        return scope or ""

    def check_redirect_uri(self, redirect_uri):
        return False

    def check_client_secret(self, client_secret):
        return secrets.compare_digest(self.client_secret, client_secret or "")

    def check_endpoint_auth_method(self, method, endpoint):
        return method in self.methods

    def check_response_type(self, response_type):
        return False

    def check_grant_type(self, grant_type):
        return not self.resource_server and grant_type in ("client_credentials", "refresh_token")


class Token(TokenMixin):
    def __init__(self, client_id: str, payload: dict, resource: str | None):
        self.client_id = client_id
        self.access_token = payload["access_token"]
        self.refresh_token = payload.get("refresh_token")
        self.scope = payload.get("scope", "")
        self.expires_in = int(payload.get("expires_in", 0))
        self.issued_at = time.time()
        self.resource = resource
        self.access_revoked = False
        self.refresh_revoked = False

    def check_client(self, client):
        return self.client_id == client.get_client_id()

    def get_scope(self):
        return self.scope

    def get_expires_in(self):
        return self.expires_in

    def is_expired(self):
        return time.time() >= self.issued_at + self.expires_in

    def is_revoked(self):
        return self.access_revoked

    def get_client(self):
        return clients.get(self.client_id)


clients: dict[str, Client] = {}
tokens: dict[str, Token] = {}          # by access token
refresh_tokens: dict[str, Token] = {}  # by refresh token


def query_client(client_id):
    return clients.get(client_id)


def save_token(payload, req):
    resource = req.form.get("resource") if hasattr(req, "form") else None
    old = getattr(req, "refresh_token", None)
    if old is not None and not resource:
        resource = old.resource  # a refreshed token keeps its audience
    token = Token(req.client.get_client_id(), payload, resource)
    with lock:
        tokens[token.access_token] = token
        if token.refresh_token:
            refresh_tokens[token.refresh_token] = token
        if resource:
            stats["resources"].append(resource)


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    ISSUE_REFRESH_TOKEN = True

    def create_token_response(self):
        token = self.generate_token(
            scope=self.request.payload.scope, include_refresh_token=ClientCredentialsGrant.ISSUE_REFRESH_TOKEN
        )
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def authenticate_refresh_token(self, refresh_token):
        token = refresh_tokens.get(refresh_token)
        if token and not token.refresh_revoked:
            return token
        return None

    def authenticate_user(self, refresh_token):
        return refresh_token.get_client()  # client credentials: the client is its own resource owner

    def revoke_old_credential(self, refresh_token):
        refresh_token.refresh_revoked = True


def find_token(token_string, hint):
    if hint != "refresh_token" and token_string in tokens:
        return tokens[token_string]
    return refresh_tokens.get(token_string)


class Introspection(IntrospectionEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string, token_type_hint):
        return find_token(token_string, token_type_hint)

    def check_permission(self, token, client, req):
        return client.resource_server or token.check_client(client)

    def introspect_token(self, token):
        with lock:
            stats["introspections"] += 1
        payload = {
            "active": True,
            "client_id": token.client_id,
            "token_type": "Bearer",
            "scope": token.scope,
            "exp": int(token.issued_at + token.expires_in),
            "iat": int(token.issued_at),
            "iss": issuer(),
        }
        if token.resource:
            payload["aud"] = token.resource
        return payload


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def query_token(self, token_string, token_type_hint):
        return find_token(token_string, token_type_hint)

    def revoke_token(self, token, req):
        with lock:
            stats["revocations"] += 1
        if req.form.get("token") == token.refresh_token:
            token.refresh_revoked = True
        else:
            token.access_revoked = True


app = Flask("oauth_server")
server = AuthorizationServer()
port_holder = {"port": 0}


def issuer() -> str:
    return f"http://127.0.0.1:{port_holder['port']}"


def client_auth_method() -> str:
    if request.headers.get("Authorization", "").lower().startswith("basic "):
        return "client_secret_basic"
    if request.form.get("client_secret") is not None:
        return "client_secret_post"
    return "none"


@app.post("/token")
def token_endpoint():
    with lock:
        stats["token_requests"] += 1
        stats["by_grant"][request.form.get("grant_type", "-")] += 1
        stats["by_auth_method"][client_auth_method()] += 1
    response = server.create_token_response()
    if response.status_code != 200:
        code = (response.get_json(silent=True) or {}).get("error", "unknown")
        with lock:
            stats["errors"][code] += 1
    return response


@app.post("/introspect")
def introspect_endpoint():
    return server.create_endpoint_response(Introspection.ENDPOINT_NAME)


@app.post("/revoke")
def revoke_endpoint():
    return server.create_endpoint_response(Revocation.ENDPOINT_NAME)


@app.get("/.well-known/oauth-authorization-server")
def metadata():
    base = issuer()
    return jsonify(
        {
            "issuer": base,
            "token_endpoint": base + "/token",
            "introspection_endpoint": base + "/introspect",
            "revocation_endpoint": base + "/revoke",
            "grant_types_supported": ["client_credentials", "refresh_token"],
            "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
            "response_types_supported": [],
        }
    )


@app.get("/stats")
def stats_endpoint():
    with lock:
        return jsonify(
            {
                "token_requests": stats["token_requests"],
                "by_grant": dict(stats["by_grant"]),
                "by_auth_method": dict(stats["by_auth_method"]),
                "errors": dict(stats["errors"]),
                "resources": list(stats["resources"]),
                "introspections": stats["introspections"],
                "revocations": stats["revocations"],
            }
        )


@app.post("/admin/revoke_all")
def revoke_all():
    client_id = request.args.get("client_id", "")
    count = 0
    with lock:
        for token in tokens.values():
            if token.client_id == client_id and not token.access_revoked:
                token.access_revoked = True
                count += 1
    return jsonify({"revoked": count})


@app.get("/admin/tokens")
def all_tokens():
    with lock:
        return jsonify({"access_tokens": list(tokens.keys()), "refresh_tokens": list(refresh_tokens.keys())})


def parse_client(text: str, resource_server: bool = False) -> Client:
    parts = text.split(":")
    if len(parts) < 2:
        raise SystemExit(f"oauth_server: --client wants ID:SECRET[:METHODS], got {text!r}")
    methods = parts[2].split(",") if len(parts) > 2 and parts[2] else ["client_secret_basic", "client_secret_post"]
    return Client(parts[0], parts[1], methods, resource_server)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--lifetime", type=int, default=3600)
    parser.add_argument("--no-refresh-tokens", action="store_true")
    parser.add_argument("--client", action="append", default=[])
    parser.add_argument("--resource-server", default="mcp-resource:resource-secret")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="oauth_server: %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    for text in args.client:
        client = parse_client(text)
        clients[client.client_id] = client
    rs = parse_client(args.resource_server, resource_server=True)
    clients[rs.client_id] = rs
    ClientCredentialsGrant.ISSUE_REFRESH_TOKEN = not args.no_refresh_tokens

    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {"client_credentials": args.lifetime, "refresh_token": args.lifetime}
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = True
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    server.init_app(app, query_client=query_client, save_token=save_token)
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)

    from werkzeug.serving import make_server

    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", args.port))
    sock.listen(128)
    port_holder["port"] = sock.getsockname()[1]
    httpd = make_server("127.0.0.1", port_holder["port"], app, threaded=True, fd=sock.fileno())

    def stop(*_):
        threading.Thread(target=httpd.shutdown, daemon=True).start()

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    print(f"READY {port_holder['port']}", flush=True)
    httpd.serve_forever()


if __name__ == "__main__":
    main()
