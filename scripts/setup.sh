#!/usr/bin/env bash
# Installs what lmg and its tests need on a fresh Debian machine; safe to run again.
#   scripts/setup.sh          system libraries (libcurl, libedit) and pkg-config
#   scripts/setup.sh --test   also the Python test peers pinned in Tests/Fixtures/requirements.txt, tmux, PostgreSQL
#                             and nginx (the tests start their own on loopback; the packages' own services are
#                             not started), and
#                             the MCP SDK 1.x (pinned in Tests/Fixtures/requirements-mcp1.txt) in .venv-mcp1
#   scripts/setup.sh --bench  also the benchmarks' peers: wrk, and mcpo (pinned in Benchmarks/requirements-mcpo.txt)
#                             in .venv-mcpo, beside the MCP SDK 1.x it is built on; LiteLLM's proxy (pinned in
#                             Benchmarks/requirements-litellm.txt) in .venv-litellm
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in libcurl4-openssl-dev libedit-dev pkg-config; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [[ "${1:-}" == "--bench" ]]; then
  for pkg in wrk python3-venv; do dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg"); done
fi
if [[ "${1:-}" == "--test" ]]; then
  for pkg in tmux python3-venv postgresql nginx-light; do dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg"); done
fi
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  # The server packages would start their own services (nginx on port 80 of every address): the
  # tests start servers of their own, so for the time of the install no service may start.
  no_start=""
  if [[ ! -e /usr/sbin/policy-rc.d ]]; then
    no_start=/usr/sbin/policy-rc.d
    trap '$SUDO rm -f /usr/sbin/policy-rc.d' EXIT
    printf '#!/bin/sh\nexit 101\n' | $SUDO tee "$no_start" >/dev/null && $SUDO chmod 755 "$no_start"
  fi
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
  if [[ -n "$no_start" ]]; then $SUDO rm -f "$no_start"; trap - EXIT; fi
  if [[ " ${need_apt[*]} " == *" nginx-light "* ]] && command -v systemctl >/dev/null && [[ -d /run/systemd/system ]]; then
    $SUDO systemctl disable -q nginx 2>/dev/null || true
  fi
fi

# A virtual environment DIR with exactly the pins of REQUIREMENTS, remade only when they change.
venv() {
  local dir="$1" requirements="$2" what="$3"
  if ! cmp -s "$requirements" "$dir/installed.txt" 2>/dev/null; then
    echo "setup: installing $what into $dir" >&2
    rm -rf "$dir"
    "${LMG_TEST_PYTHON:-python3}" -m venv "$dir"
    "$dir/bin/pip" install -q --disable-pip-version-check -r "$requirements"
    cp "$requirements" "$dir/installed.txt"
  fi
}

if [[ "${1:-}" == "--test" ]]; then
  PY="${LMG_TEST_PYTHON:-python3}"
  if ! "$PY" - <<'PY' 2>/dev/null
import importlib.metadata as m, pathlib, sys
for line in pathlib.Path("Tests/Fixtures/requirements.txt").read_text().splitlines():
    line = line.split("#")[0].strip()
    if not line: continue
    name, _, version = line.partition("==")
    if m.version(name) != version: sys.exit(1)
PY
  then
    echo "setup: installing Python test peers" >&2
    "$PY" -m pip install -q --disable-pip-version-check -r Tests/Fixtures/requirements.txt
  fi
  venv .venv-mcp1 Tests/Fixtures/requirements-mcp1.txt "the MCP SDK 1.x"
fi

if [[ "${1:-}" == "--bench" ]]; then
  venv .venv-mcpo Benchmarks/requirements-mcpo.txt mcpo
  venv .venv-litellm Benchmarks/requirements-litellm.txt "LiteLLM's proxy"
fi
