#!/usr/bin/env bash
# Installs what lmg and its tests need on a fresh Debian machine; safe to run again.
#   scripts/setup.sh          system libraries (libcurl, libedit) and pkg-config
#   scripts/setup.sh --test   also the Python test peers pinned in Tests/Fixtures/requirements.txt, tmux, and
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
  for pkg in tmux python3-venv; do dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg"); done
fi
if ((${#need_apt[@]})); then
  echo "setup: installing ${need_apt[*]}" >&2
  SUDO=""; [[ $(id -u) -ne 0 ]] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

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
  if ! cmp -s Tests/Fixtures/requirements-mcp1.txt .venv-mcp1/installed.txt 2>/dev/null; then
    echo "setup: installing the MCP SDK 1.x into .venv-mcp1" >&2
    rm -rf .venv-mcp1
    "$PY" -m venv .venv-mcp1
    .venv-mcp1/bin/pip install -q --disable-pip-version-check -r Tests/Fixtures/requirements-mcp1.txt
    cp Tests/Fixtures/requirements-mcp1.txt .venv-mcp1/installed.txt
  fi
fi

if [[ "${1:-}" == "--bench" ]]; then
  if ! cmp -s Benchmarks/requirements-mcpo.txt .venv-mcpo/installed.txt 2>/dev/null; then
    echo "setup: installing mcpo into .venv-mcpo" >&2
    rm -rf .venv-mcpo
    "${LMG_TEST_PYTHON:-python3}" -m venv .venv-mcpo
    .venv-mcpo/bin/pip install -q --disable-pip-version-check -r Benchmarks/requirements-mcpo.txt
    cp Benchmarks/requirements-mcpo.txt .venv-mcpo/installed.txt
  fi
  if ! cmp -s Benchmarks/requirements-litellm.txt .venv-litellm/installed.txt 2>/dev/null; then
    echo "setup: installing LiteLLM's proxy into .venv-litellm" >&2
    rm -rf .venv-litellm
    "${LMG_TEST_PYTHON:-python3}" -m venv .venv-litellm
    .venv-litellm/bin/pip install -q --disable-pip-version-check -r Benchmarks/requirements-litellm.txt
    cp Benchmarks/requirements-litellm.txt .venv-litellm/installed.txt
  fi
fi
