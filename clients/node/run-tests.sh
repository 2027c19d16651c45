#!/usr/bin/env bash
# Runs the Node.js client integration tests against a dev-mode gateway.
# Called by Maven (clients/node/pom.xml) in the integration-test phase; also fine by hand.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"

if ! command -v node >/dev/null 2>&1; then
  if [[ "${CI:-}" == "true" ]]; then
    echo "error: node not found on PATH; the Node client tests are required in CI" >&2
    exit 1
  fi
  echo "node not found: skipping the Node client tests"
  exit 0
fi

if [[ -f package-lock.json ]]; then
  npm ci --no-audit --no-fund
else
  npm install --no-audit --no-fund
fi
npm test
