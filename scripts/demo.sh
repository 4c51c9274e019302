#!/usr/bin/env bash
# Install and start the demo: the API and the command-cell page on http://127.0.0.1:8000 with a
# SIMULATED Dover Strait picture replaying in event time. Prints the URL and a login.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh
exec .venv/bin/watchkeeper demo "$@"
