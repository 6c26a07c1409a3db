#!/usr/bin/env bash
# The README's test command; CI (.ci/run) runs exactly this. It creates or reuses the virtual
# environment .venv, then scripts/test.py installs what the tests need and runs every test.
set -euo pipefail
cd "$(dirname "$0")/.."
py=$(command -v python3 || command -v python)
if [ ! -x .venv/bin/python ]; then
  if ! "$py" -m venv .venv >/dev/null 2>&1; then
    # Debian and Ubuntu ship the venv module separately.
    rm -rf .venv
    sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
    $sudo apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq python3-venv >/dev/null
    "$py" -m venv .venv
  fi
fi
exec .venv/bin/python scripts/test.py "$@"
