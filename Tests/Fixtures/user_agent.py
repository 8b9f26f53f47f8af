"""A scripted browser for lmg's sign-in tests: completes an OAuth authorization like a person would.

Usage:
  user_agent.py URL [--deny] [--timeout 10] [--tamper-state]
  user_agent.py --watch FILE [--deny] [--timeout 10] [--tamper-state]
  user_agent.py --device --watch FILE [--deny] [--timeout 10]
  user_agent.py --device URL --code USERCODE [--deny] [--timeout 10]

URL is an authorization URL (http://127.0.0.1:<port>/authorize?response_type=code&...), as a client
such as lmg builds it. With --watch FILE the URL is read from FILE instead: it waits (up to --timeout
seconds, polling) until FILE, which need not exist yet, holds a line that, stripped, starts with
`http://127.0.0.1` and contains `/authorize?` (lmg prints its sign-in URL on stderr on a line of its
own; a test redirects that stderr to FILE), and takes the first such line.

No JavaScript, no cookies kept beyond the run, no proxies (the environment's proxy settings are
ignored), and only loopback hosts (127.0.0.1, localhost, [::1]): any other URL is refused. Steps:

  1. GET the authorization URL (redirects not followed). A 200 page must hold a
     <form method="post"> with a submit control name="decision" value="approve" (value="deny" with
     --deny); its other named inputs (hidden ones: every request parameter) are sent back as they
     are. A 3xx answer instead (an error redirect, no consent page) is taken as the authorization
     response itself and the flow goes on at step 3 with authorize_status = that status.
  2. POST the form (form-encoded, to its action resolved against the page URL) with
     decision=approve, or decision=deny with --deny; the 302 is not followed, its Location is read.
  3. --tamper-state replaces the value of `state` in that Location by `tampered-<random>` (adds
     one if there is none), so the client's listener must refuse the answer.
  4. GET the Location (the client's loopback redirect listener), once, redirects not followed.

Prints one JSON line on stdout:
  {"authorize_status": int, "redirect": str, "callback_status": int, "callback_body": str}
authorize_status is the status of the POST /authorize (or of the GET, when it redirected at once);
redirect is the Location as the authorization server sent it (before any tampering) with the values
of `code` and `state` replaced by the literal strings CODE and STATE (the rest verbatim: error, iss,
...); callback_body is the first 500 characters of the listener's page, with the code and the state
(as sent, and URL-encoded) replaced by CODE and STATE as well. Neither the code nor the state value is
ever printed, on stdout or stderr.

Exit status 0 when all requests completed, whatever their HTTP statuses; 1 with a one-line error on
stderr otherwise: a connection failure or timeout, a GET /authorize answer that is neither 3xx nor a
200 page with the consent form, a POST /authorize answer without a Location, a non-loopback URL, or
--watch finding no URL in time.

Device mode (--device, RFC 8628): the person who enters a device's user code at its verification URI.
With --device --watch FILE it waits (up to --timeout seconds, polling) until FILE holds a user code
(8 letters A-Z with a dash in the middle, e.g. WDJB-MJHT, not inside a longer word) and a URL that
starts with `http://127.0.0.1` and whose path ends in `/device` (a query may follow, e.g.
verification_uri_complete), on one line or two (lmg prints e.g. `enter the code WDJB-MJHT at
http://127.0.0.1:PORT/device`); the first code and the first such URL are taken (trailing . , ; : ) ]
' " stripped from the URL). With --device URL --code USERCODE no file is read; --code may be left out
when URL carries ?user_code=. Steps:

  1. GET the URL as found (redirects not followed). The answer must hold a <form method="post"> with
     a submit control name="decision" value="approve" (value="deny" with --deny); its status is
     printed whatever it is.
  2. POST that form (form-encoded, to its action resolved against the page URL; redirects not
     followed) with its named inputs, user_code set to the code (added when the form has no such
     input), and decision=approve, or decision=deny with --deny.

Prints one JSON line on stdout:
  {"device_status": int, "decision_status": int, "body": str}
device_status is the status of the GET, decision_status that of the POST, body the first 300
characters of the POST's answer, verbatim. Exit status 0 when both requests completed, whatever their
HTTP statuses; 1 with a one-line error on stderr otherwise: a connection failure or timeout, a page
without that form, a non-loopback URL, no code (--device URL without --code or ?user_code=), or
--watch finding no code and URL in time. --tamper-state does not apply.
"""

from __future__ import annotations

import argparse
import json
import re
import secrets
import sys
import time
from html.parser import HTMLParser
from urllib.parse import quote, quote_plus, unquote_plus, urljoin, urlsplit

import requests

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
USER_CODE = re.compile(r"(?<![A-Za-z0-9-])[A-Z]{4}-[A-Z]{4}(?![A-Za-z0-9-])")
DEVICE_URL = re.compile(r"http://127\.0\.0\.1[^\s?#]*/device(?:\?[^\s#]*)?(?=[\s.,;:)\]'\"]|$)")
SECRET_PARAMS = {"code": "CODE", "state": "STATE"}


class Failure(Exception):
    pass


class FormParser(HTMLParser):
    """Collects every <form>: its method, action, named inputs and submit controls."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self.current: dict | None = None

    def handle_starttag(self, tag, attrs):
        attributes = {name: (value if value is not None else "") for name, value in attrs}
        if tag == "form":
            self.current = {
                "method": attributes.get("method", "get").lower(),
                "action": attributes.get("action", ""),
                "fields": [],
                "submits": [],
            }
            self.forms.append(self.current)
            return
        if self.current is None or "name" not in attributes:
            return
        pair = (attributes["name"], attributes.get("value", ""))
        kind = attributes.get("type", "submit" if tag == "button" else "text").lower()
        if tag == "button":
            if kind == "submit":
                self.current["submits"].append(pair)
        elif tag == "input":
            if kind in ("submit", "image"):
                self.current["submits"].append(pair)
            elif kind in ("checkbox", "radio"):
                if "checked" in attributes:
                    self.current["fields"].append(pair)
            elif kind not in ("button", "reset", "file"):
                self.current["fields"].append(pair)

    def handle_endtag(self, tag):
        if tag == "form":
            self.current = None


def safe_url(url: str) -> str:
    """The URL without query or fragment, for messages: those may carry the code and the state."""
    try:
        parts = urlsplit(url)
        return f"{parts.scheme}://{parts.netloc}{parts.path}"
    except ValueError:
        return "<unparsable URL>"


def check_loopback(url: str, what: str) -> None:
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        raise Failure(f"{what} is not a URL") from None
    if parts.scheme not in ("http", "https") or host not in LOOPBACK_HOSTS:
        raise Failure(f"{what} {safe_url(url)} is not on a loopback host; refused")


def query_value(url: str, name: str) -> str | None:
    query = urlsplit(url).query
    for part in query.split("&"):
        key, _, value = part.partition("=")
        if unquote_plus(key) == name:
            return unquote_plus(value)
    return None


def redact_location(url: str) -> str:
    """`code` and `state` values replaced by CODE and STATE; everything else verbatim."""
    head, sep, rest = url.partition("?")
    if not sep:
        return url
    query, hash_sign, fragment = rest.partition("#")
    parts = []
    for part in query.split("&"):
        key, equals, _ = part.partition("=")
        name = unquote_plus(key)
        parts.append(f"{key}={SECRET_PARAMS[name]}" if name in SECRET_PARAMS and equals else part)
    return head + "?" + "&".join(parts) + hash_sign + fragment


def replace_state(url: str, new_state: str) -> str:
    head, sep, rest = url.partition("?")
    query, hash_sign, fragment = rest.partition("#")
    parts, replaced = [], False
    for part in query.split("&") if sep else []:
        key, _, _ = part.partition("=")
        if unquote_plus(key) == "state":
            parts.append("state=" + quote_plus(new_state))
            replaced = True
        elif part:
            parts.append(part)
    if not replaced:
        parts.append("state=" + quote_plus(new_state))
    return head + "?" + "&".join(parts) + hash_sign + fragment


def scrub(text: str, secrets_by_label: dict[str, str | None]) -> str:
    for label, value in secrets_by_label.items():
        if value:
            for form in {value, quote(value, safe=""), quote_plus(value)}:
                text = text.replace(form, label)
    return text


def watch(path: str, timeout: float) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    line = line.strip()
                    if line.startswith("http://127.0.0.1") and "/authorize?" in line:
                        return line
        except FileNotFoundError:
            pass
        if time.monotonic() >= deadline:
            raise Failure(f"no sign-in URL (http://127.0.0.1.../authorize?...) in {path} within {timeout:g} s")
        time.sleep(0.05)


def strip_url(url: str) -> str:
    return url.rstrip(".,;:)]'\"")


def watch_device(path: str, timeout: float) -> tuple[str, str]:
    """The first user code and the first verification URL (…/device, maybe with a query) in FILE."""
    deadline = time.monotonic() + timeout
    while True:
        code = url = None
        try:
            with open(path, encoding="utf-8", errors="replace") as f:
                for line in f:
                    if code is None:
                        found = USER_CODE.search(line)
                        code = found.group(0) if found else None
                    if url is None:
                        for found in DEVICE_URL.finditer(line):
                            candidate = strip_url(found.group(0))
                            if urlsplit(candidate).path.endswith("/device"):
                                url = candidate
                                break
                    if code is not None and url is not None:
                        return url, code
        except FileNotFoundError:
            pass
        if time.monotonic() >= deadline:
            missing = " and ".join(
                what for what, value in (("user code (XXXX-XXXX)", code), ("URL http://127.0.0.1.../device", url))
                if value is None
            )
            raise Failure(f"no {missing} in {path} within {timeout:g} s")
        time.sleep(0.05)


def run_device(url: str, user_code: str, deny: bool, timeout: float) -> dict:
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc: straight to loopback
    page = fetch(session, "GET", url, timeout)
    form, action, decision = decision_form(page, url, deny, f"HTTP {page.status_code} without")
    fields = [pair for pair in form["fields"] if pair[0] not in ("decision", "user_code")]
    fields += [("user_code", user_code), ("decision", decision)]
    answer = fetch(session, "POST", action, timeout, data=fields)
    return {"device_status": page.status_code, "decision_status": answer.status_code, "body": answer.text[:300]}


def decision_form(page: requests.Response, url: str, deny: bool, missing: str) -> tuple[dict, str, str]:
    """The page's POST form with the decision button wanted, the URL it posts to, and the decision."""
    parser = FormParser()
    parser.feed(page.text)
    parser.close()
    decision = "deny" if deny else "approve"
    form = next(
        (f for f in parser.forms if f["method"] == "post" and ("decision", decision) in f["submits"]),
        None,
    )
    if form is None:
        raise Failure(f"GET {safe_url(url)} answered {missing} form with a decision={decision} button")
    return form, urljoin(page.url, form["action"] or page.url), decision


def fetch(session: requests.Session, method: str, url: str, timeout: float, **kwargs) -> requests.Response:
    check_loopback(url, f"{method} URL")
    try:
        return session.request(method, url, timeout=timeout, allow_redirects=False, **kwargs)
    except requests.RequestException as error:
        raise Failure(f"{method} {safe_url(url)} failed: {type(error).__name__}") from None


def run(url: str, deny: bool, timeout: float, tamper_state: bool) -> dict:
    session = requests.Session()
    session.trust_env = False  # no proxies, no .netrc: straight to loopback
    request_state = query_value(url, "state")

    page = fetch(session, "GET", url, timeout)
    if page.is_redirect:
        authorize_status, location = page.status_code, page.headers["Location"]
        base = url
    else:
        if page.status_code != 200:
            raise Failure(f"GET {safe_url(url)} answered HTTP {page.status_code} without a consent form")
        form, action, decision = decision_form(page, url, deny, "no")
        fields = [pair for pair in form["fields"] if pair[0] != "decision"] + [("decision", decision)]
        answer = fetch(session, "POST", action, timeout, data=fields)
        authorize_status = answer.status_code
        location = answer.headers.get("Location")
        if not location:
            raise Failure(f"POST {safe_url(action)} answered HTTP {answer.status_code} without a Location")
        base = action

    location = urljoin(base, location)
    code = query_value(location, "code")
    state = query_value(location, "state")
    hidden = {"CODE": code, "STATE": state}
    redirect = scrub(redact_location(location), hidden)
    target = location
    if tamper_state:
        target = replace_state(location, "tampered-" + secrets.token_hex(8))
    callback = fetch(session, "GET", target, timeout)
    body = callback.text[:500]
    body = scrub(body, hidden)
    body = scrub(body, {"STATE": request_state})
    return {
        "authorize_status": authorize_status,
        "redirect": redirect,
        "callback_status": callback.status_code,
        "callback_body": body,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("url", nargs="?")
    parser.add_argument("--watch", metavar="FILE")
    parser.add_argument("--deny", action="store_true")
    parser.add_argument("--timeout", type=float, default=10)
    parser.add_argument("--tamper-state", action="store_true")
    parser.add_argument("--device", nargs="?", const=True, metavar="URL")
    parser.add_argument("--code", metavar="USERCODE")
    args = parser.parse_args()
    if args.device is not None:
        if args.url is not None or args.tamper_state:
            parser.error("--device takes neither a positional URL nor --tamper-state")
        if (args.device is True) == (args.watch is None):
            parser.error("give either --device --watch FILE or --device URL [--code USERCODE]")
        if args.code is not None and args.device is True:
            parser.error("--code goes with --device URL, not with --watch")
        try:
            if args.device is True:
                url, code = watch_device(args.watch, args.timeout)
            else:
                url = args.device
                code = args.code if args.code is not None else query_value(url, "user_code")
                if code is None:
                    raise Failure("--device URL wants --code USERCODE (or ?user_code= in URL)")
            result = run_device(url, code, args.deny, args.timeout)
        except Failure as error:
            print(f"user_agent: {error}", file=sys.stderr)
            return 1
        sys.stdout.write(json.dumps(result) + "\n")
        sys.stdout.flush()
        return 0
    if args.code is not None:
        parser.error("--code goes with --device URL")
    if (args.url is None) == (args.watch is None):
        parser.error("give either URL or --watch FILE")
    try:
        url = watch(args.watch, args.timeout) if args.watch else args.url
        result = run(url, args.deny, args.timeout, args.tamper_state)
    except Failure as error:
        print(f"user_agent: {error}", file=sys.stderr)
        return 1
    sys.stdout.write(json.dumps(result) + "\n")
    sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
