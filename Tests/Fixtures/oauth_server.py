"""A real OAuth 2.0 authorization server for lmg's OAuth tests: Authlib + Flask, in memory, on loopback.

Usage:
  oauth_server.py [--port 0] [--lifetime SECONDS] [--no-refresh-tokens] [--code-lifetime SECONDS]
                  [--client ID:SECRET[:METHOD[,METHOD]] ...] [--public-client ID ...]
                  [--resource-server ID:SECRET] [--no-registration] [--no-pkce-metadata]
                  [--bad-iss | --no-iss] [--no-device] [--device-lifetime SECONDS]
                  [--device-interval SECONDS] [--slow-down-step SECONDS]

Listens on 127.0.0.1 (port 0 = chosen by the OS), prints `READY <port>` once it listens, exits on SIGTERM.

Clients (--client, repeatable) may use the client_credentials, authorization_code, refresh_token and
device code grants. METHOD limits how the client authenticates at the token and device authorization
endpoints (client_secret_basic, client_secret_post); default both. Public clients (--public-client ID,
repeatable) have no secret (token_endpoint_auth_method none) and may use the authorization_code,
refresh_token and device code grants. Both kinds have one registered redirect URI,
http://127.0.0.1/callback (any port matches, see below). --resource-server names the client the protected
MCP server uses for introspection (default mcp-resource:resource-secret); only it may introspect tokens
of other clients, and it may use no grant.

Authorization code grant (RFC 6749 §4.1) with PKCE (RFC 7636, S256 only): an authorization request
without code_challenge, or whose code_challenge_method is not S256 (absent means plain), is refused with
an error redirect, error=invalid_request. There is no login: one resource owner, `fixture-user`, approves
or denies on a consent page. redirect_uri is required and must be registered for the client; a loopback
redirect URI (http://127.0.0.1 or http://[::1]) matches a registered one whatever either's port (RFC 8252
§7.3: same host, path and query); every other one, localhost included, must match exactly. An unknown client_id or an unregistered redirect_uri gets an HTML 400
page and no redirect; every other error redirects to redirect_uri with error, error_description, state
and iss. The code is bound to the client, redirect_uri, code_challenge, scope and RFC 8707 resource (at
most one, an absolute URI without fragment, else error=invalid_target); it lives --code-lifetime seconds
(default 60) and is spent by the first token request of its client that presents it, whether that
request succeeds or not; presenting it again fails with invalid_grant and revokes every token issued from
it. The token request must repeat the redirect_uri and send the matching code_verifier (else
invalid_grant; a missing or malformed verifier: invalid_request); a `resource` in it must be the code's
(else invalid_target). Public clients send client_id in the form (method none); confidential clients
authenticate with their METHODs. The access token's audience (introspection `aud`) is the code's resource,
its `sub` is fixture-user; a refresh token comes with it unless --no-refresh-tokens (or the client did not
register the refresh_token grant), and refreshing rotates it exactly as for client credentials.

Device authorization grant (RFC 8628), unless --no-device; grant type
urn:ietf:params:oauth:grant-type:device_code, for --client and --public-client clients and registered
clients whose grant_types include it (any other client: unauthorized_client). POST /device_authorization
(a public client sends client_id, a confidential one authenticates with its METHODs; scope; at most one
RFC 8707 resource, else invalid_target) answers {"device_code", "user_code" (8 letters, e.g. WDJB-MJHT),
"verification_uri": "<issuer>/device", "verification_uri_complete": "<issuer>/device?user_code=..",
"expires_in": --device-lifetime (default 600), "interval": --device-interval (default 1)}. The resource
owner, fixture-user, approves or denies on GET /device (no login). The client polls POST /token with
grant_type, device_code and client_id (public) or its authentication (else invalid_client; no
device_code: invalid_request), and gets, checked in this order: invalid_grant for an unknown or spent
device code or another client's; invalid_target for a `resource` that is not the device
authorization's; expired_token once it has lived --device-lifetime seconds
(whatever the decision); access_denied after deny; the token after approve; slow_down when this poll
comes sooner than the interval after the previous poll of the same device code (the first poll never
does), and then that device code's interval grows by --slow-down-step seconds (default 5; RFC 8628 §3.5
says 5) for every later poll; authorization_pending otherwise. Every poll that gets past the first two
checks counts as the previous poll for the next. The token's audience (introspection `aud`) is the
device authorization's resource, its `sub` is fixture-user; a refresh token comes with it unless
--no-refresh-tokens (or the client did not register the refresh_token grant), rotated on refresh as for
the other grants. The device code is spent by the request that gets the token. --device-lifetime,
--device-interval and --slow-down-step take whole seconds >= 0 (interval 0: never slow_down).

Authorization responses (approvals and error redirects alike) carry `iss` = the issuer (RFC 9207).
--bad-iss sends `iss=https://wrong-issuer.invalid` instead (the metadata still names the real issuer);
--no-iss sends no iss and drops authorization_response_iss_parameter_supported from the metadata.

Dynamic client registration (RFC 7591), open (no initial access token), unless --no-registration: POST
/register with a JSON object (Content-Type application/json): redirect_uris (required, non-empty; each
https, or http on 127.0.0.1, localhost or [::1]; no fragment — else 400 invalid_redirect_uri; may be
absent or empty when grant_types holds the device code grant and not authorization_code),
token_endpoint_auth_method (none, client_secret_basic — the default — or client_secret_post), grant_types
(a subset of authorization_code, refresh_token and, unless --no-device,
urn:ietf:params:oauth:grant-type:device_code; default authorization_code and refresh_token),
response_types (["code"], the default),
client_name, scope (the scopes the client may get; default any) and the other RFC 7591 fields; anything
else invalid answers 400 invalid_client_metadata. The 201 answer echoes the metadata registered (with the
defaults filled in) plus client_id (random), client_id_issued_at and, unless the method is none,
client_secret and client_secret_expires_at (0 = never).

Scopes are not checked against scopes_supported (the client credentials tests use tools:read tools:call);
a registered client with a `scope` gets the requested scopes it registered (all of them when it asks for
none), every other client exactly what it asks for.

Endpoints:
  GET  /authorize                      RFC 6749 authorization endpoint: response_type=code, client_id,
                                       redirect_uri, state, code_challenge, code_challenge_method=S256,
                                       scope, resource. Answers an HTML consent page: one
                                       <form method="post" action="/authorize"> with a hidden input per
                                       query parameter (same names and values) and two submit buttons,
                                       <button type="submit" name="decision" value="approve"> and
                                       value="deny".
  POST /authorize                      the consent form (form-encoded): decision=approve → 302 to
                                       redirect_uri?code=..&state=..&iss=..; decision=deny → 302 with
                                       error=access_denied, error_description, state, iss. Another
                                       decision → HTML 400. The request is validated again, as for GET.
  POST /token                          RFC 6749 token endpoint: grant_type=client_credentials (scope,
                                       RFC 8707 resource), grant_type=authorization_code (code,
                                       redirect_uri, code_verifier, client_id for public clients, optional
                                       resource), grant_type=urn:ietf:params:oauth:grant-type:device_code
                                       (device_code, client_id for public clients, optional resource; see
                                       above) and grant_type=refresh_token. Access tokens live
                                       --lifetime seconds (default 3600); a refresh token comes with every
                                       token unless --no-refresh-tokens; refreshing rotates it (the old
                                       refresh token is revoked).
  POST /device_authorization          RFC 8628 device authorization endpoint (see above; absent with
                                       --no-device): 200 JSON, or an RFC 6749 JSON error (invalid_client
                                       401, unauthorized_client, invalid_target 400).
  GET  /device                         the verification page (absent with --no-device): an HTML page with
                                       one <form method="post" action="/device">, an
                                       <input type="text" name="user_code"> (value = the user_code query
                                       parameter, empty without one) and two submit buttons,
                                       <button type="submit" name="decision" value="approve"> and
                                       value="deny". It names the client, scope and resource when the code
                                       is a pending one.
  POST /device                         the verification form (form-encoded): user_code (case-insensitive;
                                       spaces and the dash optional) and decision=approve → 200 page
                                       <h1>Device approved</h1>; decision=deny → 200 page
                                       <h1>Device denied</h1>. Another decision, or a user code unknown,
                                       expired or already decided → HTML 400 page
                                       <h1>Device authorization failed</h1>.
  POST /introspect                     RFC 7662; the answer carries `aud` = the token's resource (and `sub`
                                       for authorization code and device code tokens).
  POST /revoke                         RFC 7009 (the token's own client authenticates; a public client
                                       sends its client_id in the form). Revoking a refresh token leaves
                                       its access token alive.
  POST /register                       RFC 7591 dynamic client registration (see above; absent with
                                       --no-registration).
  GET  /.well-known/oauth-authorization-server   RFC 8414 metadata: issuer = http://127.0.0.1:<port>,
                                       authorization_endpoint, token_endpoint, introspection_endpoint,
                                       revocation_endpoint, registration_endpoint (unless
                                       --no-registration), device_authorization_endpoint (unless
                                       --no-device), grant_types_supported [client_credentials,
                                       refresh_token, authorization_code,
                                       urn:ietf:params:oauth:grant-type:device_code (unless --no-device)],
                                       response_types_supported
                                       ["code"], token_endpoint_auth_methods_supported
                                       [client_secret_basic, client_secret_post, none],
                                       revocation_endpoint_auth_methods_supported (the same),
                                       introspection_endpoint_auth_methods_supported [client_secret_basic,
                                       client_secret_post], scopes_supported ["mcp:read", "mcp:write"],
                                       code_challenge_methods_supported ["S256"] (unless
                                       --no-pkce-metadata; S256 stays required),
                                       authorization_response_iss_parameter_supported true (unless
                                       --no-iss).
  GET  /stats                          {"token_requests": n, "by_grant": {grant: n}, "by_auth_method":
                                       {method: n}, "errors": {code: n}, "resources": [..],
                                       "introspections": n, "revocations": n, "authorizations": n (consent
                                       pages served), "approvals": n, "denials": n (valid POST /authorize
                                       decisions), "pkce_failures": n (authorization_code token requests
                                       whose code_verifier was missing, malformed or wrong),
                                       "code_reuses": n (spent codes presented again), "registrations": n,
                                       "device_authorizations": n (device codes issued),
                                       "device_approvals": n, "device_denials": n (valid POST /device
                                       decisions), "device_polls": n (device code token requests that got
                                       past the invalid_grant and invalid_target checks),
                                       "slow_downs": n (slow_down answers)}
                                       by_auth_method counts how each token request authenticated
                                       (client_secret_basic, client_secret_post or none).
  POST /admin/revoke_all?client_id=ID  revokes every access token of that client (refresh tokens stay).
  POST /admin/revoke_refresh?client_id=ID   revokes every refresh token of that client (access tokens
                                       stay): {"revoked": n}.
  GET  /admin/tokens                   {"access_tokens": [..], "refresh_tokens": [..], "codes": [..]
                                       (authorization codes), "registrations": [..] (client secrets issued
                                       by /register), "device_codes": [..], "user_codes": [..] (of every
                                       device authorization)}: every secret issued, so tests can grep
                                       outputs for them.
"""

from __future__ import annotations

import argparse
import html
import logging
import secrets
import signal
import socket
import sys
import threading
import time
from collections import Counter
from urllib.parse import urlsplit

from authlib.integrations.flask_oauth2 import AuthorizationServer
from authlib.consts import default_json_headers
from authlib.oauth2.rfc6749 import (
    AuthorizationCodeMixin,
    ClientMixin,
    InvalidGrantError,
    InvalidRequestError,
    OAuth2Error,
    TokenMixin,
    UnauthorizedClientError,
    grants,
)
from authlib.oauth2.rfc6749.util import scope_to_list
from authlib.oauth2.rfc7009 import RevocationEndpoint
from authlib.oauth2.rfc7591 import (
    ClientRegistrationEndpoint,
    InvalidClientMetadataError,
    InvalidRedirectURIError,
)
from authlib.oauth2.rfc7636 import CodeChallenge
from authlib.oauth2.rfc7662 import IntrospectionEndpoint
from authlib.oauth2.rfc8628 import (
    DEVICE_CODE_GRANT_TYPE,
    DeviceAuthorizationEndpoint,
    DeviceCodeGrant,
    DeviceCredentialDict,
)
from authlib.oauth2.rfc9207 import IssuerParameter
from flask import Flask, Response, jsonify, request

lock = threading.Lock()
stats = {
    "token_requests": 0,
    "by_grant": Counter(),
    "by_auth_method": Counter(),
    "errors": Counter(),
    "resources": [],
    "introspections": 0,
    "revocations": 0,
    "authorizations": 0,
    "approvals": 0,
    "denials": 0,
    "pkce_failures": 0,
    "code_reuses": 0,
    "registrations": 0,
    "device_authorizations": 0,
    "device_approvals": 0,
    "device_denials": 0,
    "device_polls": 0,
    "slow_downs": 0,
}

DEFAULT_REDIRECT_URI = "http://127.0.0.1/callback"
RESOURCE_OWNER = "fixture-user"  # there is no login: this user approves or denies every request
WRONG_ISSUER = "https://wrong-issuer.invalid"
options = {
    "code_lifetime": 60,
    "iss": "issuer",
    "registration": True,
    "pkce_metadata": True,
    "device": True,
    "device_lifetime": 600,
    "device_interval": 1,
    "slow_down_step": 5,
}

CONFIDENTIAL_METHODS = ["client_secret_basic", "client_secret_post"]
ALL_METHODS = CONFIDENTIAL_METHODS + ["none"]
USER_GRANTS = ["authorization_code", "refresh_token"]
DEVICE_GRANT = DEVICE_CODE_GRANT_TYPE  # urn:ietf:params:oauth:grant-type:device_code


def loopback_ip(host: str | None) -> bool:
    return host in ("127.0.0.1", "::1")


def split_uri(uri: str):
    """urlsplit, or None when the URI (its port included) does not parse."""
    try:
        parts = urlsplit(uri)
        _ = parts.port  # raises ValueError on a malformed port
    except ValueError:
        return None
    return parts


def redirect_uri_matches(registered: str, requested: str) -> bool:
    """Exact match, or RFC 8252 §7.3: a loopback IP redirect URI matches whatever its port."""
    if registered == requested:
        return True
    reg, req = split_uri(registered), split_uri(requested)
    return (
        reg is not None
        and req is not None
        and reg.scheme == req.scheme == "http"
        and loopback_ip(reg.hostname)
        and reg.hostname == req.hostname
        and req.username is None
        and req.password is None
        and (reg.path or "/") == (req.path or "/")
        and reg.query == req.query
        and not req.fragment
        and "#" not in requested
    )


def registrable_redirect_uri(uri) -> bool:
    """RFC 7591 registration accepts https URIs and http loopback URIs (RFC 8252 §7.3, §8.3)."""
    parts = split_uri(uri) if isinstance(uri, str) and "#" not in uri else None
    if parts is None:
        return False
    if parts.scheme == "https":
        return bool(parts.hostname)
    return parts.scheme == "http" and parts.hostname in ("127.0.0.1", "localhost", "::1")


class Client(ClientMixin):
    def __init__(
        self,
        client_id: str,
        secret: str,
        methods: list[str],
        resource_server: bool = False,
        *,
        grant_types: list[str] | None = None,
        redirect_uris: list[str] | None = None,
        response_types: list[str] | None = None,
        scope: str | None = None,
        name: str | None = None,
    ):
        self.client_id = client_id
        self.client_secret = secret
        self.methods = methods
        self.resource_server = resource_server
        if grant_types is None:
            grant_types = [] if resource_server else ["client_credentials"] + USER_GRANTS + [DEVICE_GRANT]
        if redirect_uris is None:
            redirect_uris = [] if resource_server else [DEFAULT_REDIRECT_URI]
        if response_types is None:
            response_types = [] if resource_server else ["code"]
        self.grant_types = grant_types
        self.redirect_uris = redirect_uris
        self.response_types = response_types
        self.scope = scope  # registered scopes (RFC 7591 `scope`); None: whatever is asked for
        self.name = name or client_id

    def get_client_id(self):
        return self.client_id

    def get_default_redirect_uri(self):
        return None  # redirect_uri is required (a loopback URI registered without port is no default)

    def get_allowed_scope(self, scope):
        if self.scope is None:
            return scope or ""
        allowed = scope_to_list(self.scope) or []
        requested = scope_to_list(scope) or []
        if not requested:
            return self.scope
        return " ".join(item for item in requested if item in allowed)

    def check_redirect_uri(self, redirect_uri):
        return any(redirect_uri_matches(registered, redirect_uri) for registered in self.redirect_uris)

    def check_client_secret(self, client_secret):
        return bool(self.client_secret) and secrets.compare_digest(self.client_secret, client_secret or "")

    def check_endpoint_auth_method(self, method, endpoint):
        return method in self.methods

    def check_response_type(self, response_type):
        return not self.resource_server and response_type in self.response_types

    def check_grant_type(self, grant_type):
        return not self.resource_server and grant_type in self.grant_types


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
        self.user = None         # the resource owner, for authorization code tokens (and their refreshes)
        self.origin_code = None  # the authorization code the token descends from

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


class AuthorizationCode(AuthorizationCodeMixin):
    def __init__(self, code, client_id, redirect_uri, scope, challenge, method, resource, user):
        self.code = code
        self.client_id = client_id
        self.redirect_uri = redirect_uri
        self.scope = scope
        self.code_challenge = challenge
        self.code_challenge_method = method
        self.resource = resource
        self.user = user
        self.issued_at = time.time()
        self.spent = False

    def get_redirect_uri(self):
        return self.redirect_uri

    def get_scope(self):
        return self.scope

    def is_expired(self):
        return time.time() >= self.issued_at + options["code_lifetime"]


class DeviceCredential(DeviceCredentialDict):
    """One device authorization (RFC 8628): device_code, user_code, client_id, scope, resource,
    expires_at, interval (grows by --slow-down-step on every slow_down), last_poll (monotonic time of
    the previous token request presenting it), decision (None, "approve" or "deny") and spent (a token
    was issued for it)."""

    def is_expired(self):
        return time.time() >= self["expires_at"]


clients: dict[str, Client] = {}
tokens: dict[str, Token] = {}          # by access token
refresh_tokens: dict[str, Token] = {}  # by refresh token
codes: dict[str, AuthorizationCode] = {}  # every authorization code issued, spent or not
registered_secrets: list[str] = []     # client secrets issued by /register
device_codes: dict[str, DeviceCredential] = {}  # every device authorization, by device_code
user_codes: dict[str, DeviceCredential] = {}    # the same, by user_code


def query_client(client_id):
    return clients.get(client_id)


def save_token(payload, req):
    resource = req.form.get("resource") if hasattr(req, "form") else None
    old = getattr(req, "refresh_token", None)
    if old is not None and not resource:
        resource = old.resource  # a refreshed token keeps its audience
    code = getattr(req, "authorization_code", None)
    if code is not None:
        resource = code.resource  # the audience the resource owner approved (checked against the form's)
    device = req.credential if isinstance(getattr(req, "credential", None), DeviceCredential) else None
    if device is not None:
        resource = device["resource"]  # the audience asked for at device authorization
    token = Token(req.client.get_client_id(), payload, resource)
    if code is not None:
        token.user, token.origin_code = code.user, code.code
    elif device is not None:
        token.user = RESOURCE_OWNER
    elif old is not None:
        token.user, token.origin_code = old.user, old.origin_code
    with lock:
        tokens[token.access_token] = token
        if token.refresh_token:
            refresh_tokens[token.refresh_token] = token
        if resource:
            stats["resources"].append(resource)


def auth_methods(req, confidential: list[str]) -> list[str]:
    """["none"] for a request naming a public client (client_id in the form, no secret anywhere), else
    `confidential`: so refresh and revocation work for public clients while every other request is
    authenticated (and refused, with the same error) exactly as before public clients existed."""
    client = clients.get(req.payload.client_id or "")
    presented = req.headers.get("Authorization") or req.payload.data.get("client_secret")
    if client is not None and client.methods == ["none"] and not presented:
        return ["none"]
    return confidential


class InvalidTargetError(OAuth2Error):
    """RFC 8707 §2: the requested resource is invalid, unknown or not the one authorized."""

    error = "invalid_target"


def single_resource(req) -> str | None:
    values = req.payload.datalist.get("resource", [])
    if len(values) > 1:
        raise InvalidTargetError("This server takes one 'resource' per request.")
    if not values:
        return None
    try:
        parts = urlsplit(values[0])
    except ValueError:
        parts = None
    if parts is None or not parts.scheme or not parts.netloc or "#" in values[0]:
        raise InvalidTargetError("'resource' must be an absolute URI without fragment.")
    return values[0]


class ClientCredentialsGrant(grants.ClientCredentialsGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    ISSUE_REFRESH_TOKEN = True

    def create_token_response(self):
        token = self.generate_token(
            scope=self.request.payload.scope, include_refresh_token=ClientCredentialsGrant.ISSUE_REFRESH_TOKEN
        )
        self.save_token(token)
        return 200, token, self.TOKEN_RESPONSE_HEADER


class AuthorizationCodeGrant(grants.AuthorizationCodeGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

    def validate_authorization_request(self):
        redirect_uri = super().validate_authorization_request()
        try:
            single_resource(self.request)
        except OAuth2Error as error:
            error.redirect_uri = redirect_uri
            raise
        return redirect_uri

    def generate_token(self, *args, include_refresh_token=True, **kwargs):
        include = include_refresh_token and ClientCredentialsGrant.ISSUE_REFRESH_TOKEN
        return super().generate_token(*args, include_refresh_token=include, **kwargs)

    def save_authorization_code(self, code, request):
        data = request.payload.data
        item = AuthorizationCode(
            code,
            request.client.get_client_id(),
            request.payload.redirect_uri,
            request.scope,
            data.get("code_challenge"),
            data.get("code_challenge_method"),
            single_resource(request),
            request.user,
        )
        with lock:
            codes[code] = item

    def query_authorization_code(self, code, client):
        with lock:
            item = codes.get(code)
            if item is None or item.client_id != client.get_client_id():
                return None
            if item.spent:
                # RFC 6749 §4.1.2: a code used twice is refused, and what it gave is revoked.
                stats["code_reuses"] += 1
                for token in tokens.values():
                    if token.origin_code == item.code:
                        token.access_revoked = token.refresh_revoked = True
                return None
            item.spent = True  # single use: the first token request presenting it spends it
            if item.is_expired():
                return None
            return item

    def validate_token_request(self):
        super().validate_token_request()  # PKCE (S256CodeChallenge) runs as its after-hook
        asked = single_resource(self.request)
        if asked is not None and asked != self.request.authorization_code.resource:
            raise InvalidTargetError("'resource' differs from the one authorized.")

    def delete_authorization_code(self, authorization_code):
        authorization_code.spent = True  # kept (spent) so that a second use is recognised

    def authenticate_user(self, authorization_code):
        return authorization_code.user


class S256CodeChallenge(CodeChallenge):
    """Authlib's PKCE extension, made strict: a code_challenge is required, and only S256."""

    DEFAULT_CODE_CHALLENGE_METHOD = "S256"
    SUPPORTED_CODE_CHALLENGE_METHOD = ["S256"]

    def validate_code_challenge(self, grant, redirect_uri):
        data = grant.request.payload.data
        if not data.get("code_challenge"):
            raise InvalidRequestError("Missing 'code_challenge': PKCE with S256 is required.")
        if data.get("code_challenge_method") != "S256":
            raise InvalidRequestError("'code_challenge_method' must be S256.")
        super().validate_code_challenge(grant, redirect_uri)

    def validate_code_verifier(self, grant, result):
        try:
            super().validate_code_verifier(grant, result)
        except OAuth2Error:
            with lock:
                stats["pkce_failures"] += 1
            raise


class RefreshTokenGrant(grants.RefreshTokenGrant):
    TOKEN_ENDPOINT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]
    INCLUDE_NEW_REFRESH_TOKEN = True

    def __init__(self, request, server):
        super().__init__(request, server)
        self.TOKEN_ENDPOINT_AUTH_METHODS = auth_methods(request, RefreshTokenGrant.TOKEN_ENDPOINT_AUTH_METHODS)

    def authenticate_refresh_token(self, refresh_token):
        token = refresh_tokens.get(refresh_token)
        if token and not token.refresh_revoked:
            return token
        return None

    def authenticate_user(self, refresh_token):
        # client credentials: the client is its own resource owner
        return refresh_token.user or refresh_token.get_client()

    def revoke_old_credential(self, refresh_token):
        refresh_token.refresh_revoked = True


def normalized_user_code(text: str | None) -> str:
    """RFC 8628 §6.1: user codes compare case-insensitively, ignoring spaces and dashes."""
    letters = "".join(ch for ch in (text or "").upper() if ch not in " -\t")
    return f"{letters[:4]}-{letters[4:]}" if len(letters) == 8 else letters


class DeviceAuthorization(DeviceAuthorizationEndpoint):
    """RFC 8628 §3.1-3.2: POST /device_authorization."""

    CLIENT_AUTH_METHODS = ALL_METHODS  # a public client sends client_id (none), the others authenticate

    def get_verification_uri(self):
        return issuer() + "/device"

    def create_endpoint_response(self, request):
        client = self.authenticate_client(request)
        if not client.check_grant_type(DEVICE_GRANT):
            raise UnauthorizedClientError("The client may not use the device authorization grant.")
        self.server.validate_requested_scope(request.payload.scope)
        resource = single_resource(request)
        device_code = self.generate_device_code()
        with lock:
            user_code = self.generate_user_code()
            while user_code in user_codes:
                user_code = self.generate_user_code()
            credential = DeviceCredential(
                device_code=device_code,
                user_code=user_code,
                client_id=client.get_client_id(),
                scope=request.payload.scope,
                resource=resource,
                expires_at=time.time() + options["device_lifetime"],
                interval=options["device_interval"],
                last_poll=None,
                decision=None,
                spent=False,
            )
            device_codes[device_code] = credential
            user_codes[user_code] = credential
            stats["device_authorizations"] += 1
        verification_uri = self.get_verification_uri()
        data = {
            "device_code": device_code,
            "user_code": user_code,
            "verification_uri": verification_uri,
            "verification_uri_complete": verification_uri + "?user_code=" + user_code,
            "expires_in": options["device_lifetime"],
            "interval": options["device_interval"],
        }
        return 200, data, default_json_headers


class DeviceGrant(DeviceCodeGrant):
    """RFC 8628 §3.4-3.5: grant_type=urn:ietf:params:oauth:grant-type:device_code at POST /token."""

    TOKEN_ENDPOINT_AUTH_METHODS = ALL_METHODS

    def validate_token_request(self):
        device_code = self.request.payload.data.get("device_code")
        if not device_code:
            raise InvalidRequestError("Missing 'device_code'.")
        client = self.authenticate_token_endpoint_client()
        if not client.check_grant_type(self.GRANT_TYPE):
            raise UnauthorizedClientError("The client may not use the device authorization grant.")
        asked = single_resource(self.request)
        with lock:  # query_user_grant and should_slow_down run inside it
            credential = device_codes.get(device_code)
            if credential is None or credential["client_id"] != client.get_client_id() or credential["spent"]:
                raise InvalidGrantError("Unknown or spent 'device_code', or another client's.")
            if asked is not None and asked != credential["resource"]:
                raise InvalidTargetError("'resource' differs from the one asked for at device authorization.")
            stats["device_polls"] += 1
            try:
                # expired_token, then access_denied / approval, then slow_down, then authorization_pending
                user = self.validate_device_credential(credential)
            finally:
                credential["last_poll"] = time.monotonic()
            credential["spent"] = True  # a device code works once
        self.request.user = user
        self.request.client = client
        self.request.credential = credential

    def query_device_credential(self, device_code):
        return device_codes.get(device_code)

    def query_user_grant(self, user_code):
        credential = user_codes.get(user_code)
        if credential is None or credential["decision"] is None:
            return None
        return RESOURCE_OWNER, credential["decision"] == "approve"

    def should_slow_down(self, credential):
        """Polled again sooner than the interval after the previous poll: the interval grows."""
        last = credential["last_poll"]
        if last is None or time.monotonic() - last >= credential["interval"]:
            return False
        credential["interval"] += options["slow_down_step"]
        stats["slow_downs"] += 1
        return True

    def generate_token(self, *args, include_refresh_token=True, **kwargs):
        include = include_refresh_token and ClientCredentialsGrant.ISSUE_REFRESH_TOKEN
        return super().generate_token(*args, include_refresh_token=include, **kwargs)


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
        if token.user:
            payload["sub"] = token.user
        return payload


class Revocation(RevocationEndpoint):
    CLIENT_AUTH_METHODS = ["client_secret_basic", "client_secret_post"]

    def authenticate_endpoint_client(self, request):
        methods = auth_methods(request, self.CLIENT_AUTH_METHODS)
        request.client = self.server.authenticate_client(request, methods, self.ENDPOINT_NAME)
        return request.client

    def query_token(self, token_string, token_type_hint):
        return find_token(token_string, token_type_hint)

    def revoke_token(self, token, req):
        with lock:
            stats["revocations"] += 1
        if req.form.get("token") == token.refresh_token:
            token.refresh_revoked = True
        else:
            token.access_revoked = True


class Registration(ClientRegistrationEndpoint):
    """RFC 7591, open: anyone may register a client for the authorization code grant."""

    def authenticate_token(self, request):
        return True  # no initial access token needed

    def get_server_metadata(self):
        # What registered clients may ask for (Authlib checks the metadata against it).
        return {
            "grant_types_supported": USER_GRANTS + ([DEVICE_GRANT] if options["device"] else []),
            "response_types_supported": ["code"],
            "token_endpoint_auth_methods_supported": ALL_METHODS,
        }

    def extract_client_metadata(self, request):
        data = request.payload.data
        if not isinstance(data, dict):
            raise InvalidClientMetadataError("The request body must be a JSON object.")
        uris = data.get("redirect_uris")
        asked_grants = data.get("grant_types")
        device_only = (  # a device client without the authorization code grant needs no redirect URI
            options["device"]
            and isinstance(asked_grants, list)
            and DEVICE_GRANT in asked_grants
            and "authorization_code" not in asked_grants
        )
        if device_only and uris in (None, []):
            pass
        elif not isinstance(uris, list) or not uris:
            raise InvalidRedirectURIError("'redirect_uris' must be a non-empty array.")
        elif not all(registrable_redirect_uri(uri) for uri in uris):
            raise InvalidRedirectURIError(
                "Redirect URIs must be https, or http on 127.0.0.1, localhost or [::1], without fragment."
            )
        for key in ("grant_types", "response_types"):
            if key in data and not (isinstance(data[key], list) and all(isinstance(v, str) for v in data[key])):
                raise InvalidClientMetadataError(f"'{key}' must be an array of strings.")
        for key in ("client_name", "scope", "token_endpoint_auth_method"):
            if key in data and not isinstance(data[key], str):
                raise InvalidClientMetadataError(f"'{key}' must be a string.")
        metadata = super().extract_client_metadata(request)
        if not metadata.get("grant_types"):
            metadata["grant_types"] = list(USER_GRANTS)
        if not metadata.get("response_types"):
            metadata["response_types"] = ["code"]
        return metadata

    def generate_client_info(self, request):
        info = super().generate_client_info(request)
        if request.payload.data.get("token_endpoint_auth_method") == "none":
            del info["client_secret"], info["client_secret_expires_at"]
        return info

    def save_client(self, client_info, client_metadata, request):
        method = client_metadata["token_endpoint_auth_method"]
        client = Client(
            client_info["client_id"],
            client_info.get("client_secret", ""),
            [method],
            grant_types=list(client_metadata["grant_types"]),
            redirect_uris=list(client_metadata.get("redirect_uris") or []),
            response_types=list(client_metadata["response_types"]),
            scope=client_metadata.get("scope"),
            name=client_metadata.get("client_name"),
        )
        with lock:
            clients[client.client_id] = client
            stats["registrations"] += 1
            if client.client_secret:
                registered_secrets.append(client.client_secret)
        return client


class Issuer(IssuerParameter):
    """RFC 9207 `iss` in authorization responses: the real issuer, a wrong one (--bad-iss) or none."""

    def get_issuer(self):
        if options["iss"] == "none":
            return None
        return WRONG_ISSUER if options["iss"] == "wrong" else issuer()


app = Flask("oauth_server")
server = AuthorizationServer()
issuer_parameter = Issuer()
port_holder = {"port": 0}


def issuer() -> str:
    return f"http://127.0.0.1:{port_holder['port']}"


def client_auth_method() -> str:
    if request.headers.get("Authorization", "").lower().startswith("basic "):
        return "client_secret_basic"
    if request.form.get("client_secret") is not None:
        return "client_secret_post"
    return "none"


def html_page(status: int, title: str, body: str) -> Response:
    page = (
        '<!doctype html>\n<html><head><meta charset="utf-8"><title>' + html.escape(title) + "</title></head>\n"
        "<body>\n" + body + "</body></html>\n"
    )
    return Response(page, status=status, content_type="text/html; charset=utf-8")


def authorization_error(error: OAuth2Error) -> Response:
    """An error redirect (with iss) once the redirect URI is trusted, else a 400 page (RFC 6749 §4.1.2.1)."""
    if error.redirect_uri:
        response = server.handle_error_response(None, error)
        issuer_parameter.add_issuer_parameter(server, response)
        return response
    text = f"<h1>Authorization failed</h1>\n<p>{html.escape(error.error or 'error')}: "
    text += html.escape(error.description or "") + "</p>\n"
    return html_page(400, "Authorization failed", text)


def consent_page() -> Response:
    client = clients[request.args["client_id"]]
    fields = "".join(
        f'<input type="hidden" name="{html.escape(name)}" value="{html.escape(value)}">\n'
        for name, value in request.args.items(multi=True)
    )
    scope = request.args.get("scope")
    resource = request.args.get("resource")
    text = (
        f"<h1>Authorize {html.escape(client.name)}</h1>\n"
        f"<p>{html.escape(client.name)} asks to act as {RESOURCE_OWNER}"
        + (f" with scope <code>{html.escape(scope)}</code>" if scope else "")
        + (f" at <code>{html.escape(resource)}</code>" if resource else "")
        + ".</p>\n"
        '<form method="post" action="/authorize">\n'
        + fields
        + '<button type="submit" name="decision" value="approve">Approve</button>\n'
        '<button type="submit" name="decision" value="deny">Deny</button>\n'
        "</form>\n"
    )
    return html_page(200, "Authorize " + client.name, text)


@app.get("/authorize")
def authorize_page():
    try:
        server.get_consent_grant(end_user=RESOURCE_OWNER)
    except OAuth2Error as error:
        return authorization_error(error)
    with lock:
        stats["authorizations"] += 1
    return consent_page()


@app.post("/authorize")
def authorize_decision():
    decision = request.form.get("decision")
    if decision not in ("approve", "deny"):
        return html_page(400, "Authorization failed", "<p>decision must be approve or deny.</p>\n")
    try:
        grant = server.get_consent_grant(end_user=RESOURCE_OWNER)
    except OAuth2Error as error:
        return authorization_error(error)
    with lock:
        stats["approvals" if decision == "approve" else "denials"] += 1
    user = RESOURCE_OWNER if decision == "approve" else None
    return server.create_authorization_response(grant_user=user, grant=grant)  # Issuer adds `iss`


def device_page(user_code: str = "", status: int = 200, message: str = "") -> Response:
    credential = user_codes.get(normalized_user_code(user_code)) if user_code else None
    about = "<p>Enter the code your device shows to let it act as " + RESOURCE_OWNER + ".</p>\n"
    if credential is not None and credential["decision"] is None and not credential.is_expired():
        client = clients.get(credential["client_id"])
        name = client.name if client else credential["client_id"]
        scope, resource = credential["scope"], credential["resource"]
        about = (
            f"<p>{html.escape(name)} asks to act as {RESOURCE_OWNER}"
            + (f" with scope <code>{html.escape(scope)}</code>" if scope else "")
            + (f" at <code>{html.escape(resource)}</code>" if resource else "")
            + ".</p>\n"
        )
    text = (
        "<h1>Connect a device</h1>\n"
        + (f"<p>{html.escape(message)}</p>\n" if message else "")
        + about
        + '<form method="post" action="/device">\n'
        f'<input type="text" name="user_code" value="{html.escape(user_code)}">\n'
        '<button type="submit" name="decision" value="approve">Approve</button>\n'
        '<button type="submit" name="decision" value="deny">Deny</button>\n'
        "</form>\n"
    )
    return html_page(status, "Connect a device", text)


def device_verification_page():
    return device_page(request.args.get("user_code", ""))


def device_decision():
    decision = request.form.get("decision")
    user_code = request.form.get("user_code", "")
    if decision not in ("approve", "deny"):
        return html_page(400, "Device authorization failed", "<p>decision must be approve or deny.</p>\n")
    with lock:
        credential = user_codes.get(normalized_user_code(user_code))
        if credential is None:
            problem = "unknown user code"
        elif credential.is_expired():
            problem = "this code has expired"
        elif credential["decision"] is not None:
            problem = "this code was already " + ("approved" if credential["decision"] == "approve" else "denied")
        else:
            problem = None
            credential["decision"] = decision
            stats["device_approvals" if decision == "approve" else "device_denials"] += 1
    if problem is not None:
        text = f"<h1>Device authorization failed</h1>\n<p>{html.escape(problem)}.</p>\n"
        return html_page(400, "Device authorization failed", text)
    client = clients.get(credential["client_id"])
    name = html.escape(client.name if client else credential["client_id"])
    if decision == "approve":
        text = f"<h1>Device approved</h1>\n<p>{name} may now act as {RESOURCE_OWNER}. You can close this page.</p>\n"
        return html_page(200, "Device approved", text)
    text = f"<h1>Device denied</h1>\n<p>{name} was refused. You can close this page.</p>\n"
    return html_page(200, "Device denied", text)


def device_authorization_endpoint():
    return server.create_endpoint_response(DeviceAuthorization.ENDPOINT_NAME)


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


def register_endpoint():
    if not request.is_json or not isinstance(request.get_json(silent=True), dict):
        body = {"error": "invalid_client_metadata", "error_description": "Send a JSON object (application/json)."}
        return jsonify(body), 400
    return server.create_endpoint_response(Registration.ENDPOINT_NAME)


@app.get("/.well-known/oauth-authorization-server")
def metadata():
    base = issuer()
    document = {
        "issuer": base,
        "authorization_endpoint": base + "/authorize",
        "token_endpoint": base + "/token",
        "introspection_endpoint": base + "/introspect",
        "revocation_endpoint": base + "/revoke",
        "grant_types_supported": ["client_credentials", "refresh_token", "authorization_code"]
        + ([DEVICE_GRANT] if options["device"] else []),
        "token_endpoint_auth_methods_supported": ALL_METHODS,
        "revocation_endpoint_auth_methods_supported": ALL_METHODS,
        "introspection_endpoint_auth_methods_supported": CONFIDENTIAL_METHODS,
        "response_types_supported": ["code"],
        "scopes_supported": ["mcp:read", "mcp:write"],
    }
    if options["registration"]:
        document["registration_endpoint"] = base + "/register"
    if options["device"]:
        document["device_authorization_endpoint"] = base + "/device_authorization"
    if options["pkce_metadata"]:
        document["code_challenge_methods_supported"] = ["S256"]
    if options["iss"] != "none":
        document["authorization_response_iss_parameter_supported"] = True
    return jsonify(document)


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
                "authorizations": stats["authorizations"],
                "approvals": stats["approvals"],
                "denials": stats["denials"],
                "pkce_failures": stats["pkce_failures"],
                "code_reuses": stats["code_reuses"],
                "registrations": stats["registrations"],
                "device_authorizations": stats["device_authorizations"],
                "device_approvals": stats["device_approvals"],
                "device_denials": stats["device_denials"],
                "device_polls": stats["device_polls"],
                "slow_downs": stats["slow_downs"],
            }
        )


def revoke_every(table: dict, flag: str):
    """Sets `flag` on every token of the ?client_id= client in `table`; answers how many changed."""
    client_id = request.args.get("client_id", "")
    count = 0
    with lock:
        for token in table.values():
            if token.client_id == client_id and not getattr(token, flag):
                setattr(token, flag, True)
                count += 1
    return jsonify({"revoked": count})


@app.post("/admin/revoke_all")
def revoke_all():
    return revoke_every(tokens, "access_revoked")


@app.post("/admin/revoke_refresh")
def revoke_refresh():
    return revoke_every(refresh_tokens, "refresh_revoked")


@app.get("/admin/tokens")
def all_tokens():
    with lock:
        return jsonify(
            {
                "access_tokens": list(tokens.keys()),
                "refresh_tokens": list(refresh_tokens.keys()),
                "codes": list(codes.keys()),
                "registrations": list(registered_secrets),
                "device_codes": list(device_codes.keys()),
                "user_codes": list(user_codes.keys()),
            }
        )


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
    parser.add_argument("--public-client", action="append", default=[], metavar="ID")
    parser.add_argument("--resource-server", default="mcp-resource:resource-secret")
    parser.add_argument("--code-lifetime", type=float, default=60, metavar="SECONDS")
    parser.add_argument("--no-registration", action="store_true")
    parser.add_argument("--no-pkce-metadata", action="store_true")
    parser.add_argument("--no-device", action="store_true")
    parser.add_argument("--device-lifetime", type=int, default=600, metavar="SECONDS")
    parser.add_argument("--device-interval", type=int, default=1, metavar="SECONDS")
    parser.add_argument("--slow-down-step", type=int, default=5, metavar="SECONDS")
    iss = parser.add_mutually_exclusive_group()
    iss.add_argument("--bad-iss", action="store_true")
    iss.add_argument("--no-iss", action="store_true")
    args = parser.parse_args()
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING, format="oauth_server: %(levelname)s %(message)s")
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    for text in args.client:
        client = parse_client(text)
        clients[client.client_id] = client
    for client_id in args.public_client:
        if not client_id or ":" in client_id:
            raise SystemExit(f"oauth_server: --public-client wants an ID without ':', got {client_id!r}")
        clients[client_id] = Client(client_id, "", ["none"], grant_types=USER_GRANTS + [DEVICE_GRANT])
    rs = parse_client(args.resource_server, resource_server=True)
    clients[rs.client_id] = rs
    ClientCredentialsGrant.ISSUE_REFRESH_TOKEN = not args.no_refresh_tokens
    options["code_lifetime"] = args.code_lifetime
    options["iss"] = "wrong" if args.bad_iss else "none" if args.no_iss else "issuer"
    options["registration"] = not args.no_registration
    options["pkce_metadata"] = not args.no_pkce_metadata
    options["device"] = not args.no_device
    for name in ("device_lifetime", "device_interval", "slow_down_step"):
        if getattr(args, name) < 0:
            raise SystemExit(f"oauth_server: --{name.replace('_', '-')} wants SECONDS >= 0")
        options[name] = getattr(args, name)

    app.config["OAUTH2_TOKEN_EXPIRES_IN"] = {
        "client_credentials": args.lifetime,
        "refresh_token": args.lifetime,
        "authorization_code": args.lifetime,
        DEVICE_GRANT: args.lifetime,
    }
    app.config["OAUTH2_ACCESS_TOKEN_GENERATOR"] = True
    app.config["OAUTH2_REFRESH_TOKEN_GENERATOR"] = True
    server.init_app(app, query_client=query_client, save_token=save_token)
    server.register_grant(ClientCredentialsGrant)
    server.register_grant(AuthorizationCodeGrant, [S256CodeChallenge(required=True)])
    server.register_grant(RefreshTokenGrant)
    server.register_endpoint(Introspection)
    server.register_endpoint(Revocation)
    server.register_extension(issuer_parameter)
    if options["registration"]:
        server.register_endpoint(Registration)
        app.add_url_rule("/register", view_func=register_endpoint, methods=["POST"])
    if options["device"]:
        server.register_grant(DeviceGrant)
        server.register_endpoint(DeviceAuthorization)
        app.add_url_rule("/device_authorization", view_func=device_authorization_endpoint, methods=["POST"])
        app.add_url_rule("/device", view_func=device_verification_page, methods=["GET"])
        app.add_url_rule("/device", view_func=device_decision, methods=["POST"])

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
