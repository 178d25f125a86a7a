#!/usr/bin/env bash
# Idempotent set-up shared by `npm start` and `npm test`: dependencies and the browser form bundle.
set -euo pipefail
cd "$(dirname "$0")/.."

node -e 'const [a,b]=process.versions.node.split(".").map(Number); if (a<20||(a===20&&b<19)) { console.error("Tacet needs Node >= 20.19 (found "+process.versions.node+")"); process.exit(1); }'

# Install when node_modules is missing or older than the lock file.
if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "setup: installing dependencies (npm ci; better-sqlite3 compiles from source, ~3 min the first time)" >&2
  npm ci --no-audit --no-fund
fi

# The browser form script bundles @hpke/core; rebuild it when its sources change.
if [ ! -f web/form/dist/form.js ] || [ -n "$(find web/form/form.ts src/crypto/bytes.ts src/crypto/enquiry-suite.ts -newer web/form/dist/form.js 2>/dev/null)" ]; then
  node scripts/build-form.mjs
fi

# The staff UI (React) is built by Vite into web/staff/dist; rebuild when its sources change.
if [ ! -f web/staff/dist/index.html ] || [ -n "$(find web/staff/src web/staff/index.html web/staff/vite.config.ts -newer web/staff/dist/index.html 2>/dev/null)" ]; then
  npx vite build --config web/staff/vite.config.ts
fi
