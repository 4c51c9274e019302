#!/usr/bin/env bash
# Install everything and run the whole check: ruff, mypy (core), the test suite (with PostgreSQL,
# NATS and the real page in headless Chromium). Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/setup.sh --browser
scripts/services.sh
.venv/bin/ruff check src tests bench scripts
.venv/bin/ruff format --check src tests bench scripts
.venv/bin/mypy
.venv/bin/python -m pytest "$@"
