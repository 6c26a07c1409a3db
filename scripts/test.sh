#!/usr/bin/env bash
# Installs what the tests need and runs every test. CI (.ci/run) runs exactly this.
#  - the package with its test extras (pytest, Hypothesis, Playwright for Python, ruff, mypy and stubs);
#  - Debian's Chromium for the browser tests, when /usr/bin/chromium is missing (needs root/apt);
#  - the pinned Chart.js and axe-core from the npm registry into tests/.cache/.
set -euo pipefail
cd "$(dirname "$0")/.."
python -m pip install --quiet --disable-pip-version-check -e '.[test]'
if [ ! -x /usr/bin/chromium ]; then
  sudo=""; [ "$(id -u)" -ne 0 ] && sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
fi
python tests/browser/vendor.py
python -m ruff check generator tests  # lint gate: rule set and complexity limit in pyproject.toml
python -m mypy                        # type gate: strict, on the whole package (pyproject.toml)
python -m pytest "$@"
