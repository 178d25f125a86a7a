#!/usr/bin/env bash
# `npm test`: set up, check types and lint, then run every test (unit, SQLite
# and PostgreSQL integration, attacker tests, browser) with Node's test runner.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
bash scripts/services.sh
echo "== type-check" >&2
npx tsc -p tsconfig.json --noEmit
echo "== lint" >&2
npx eslint .
echo "== tests" >&2
mapfile -t files < <(find src test -name '*.test.ts' | sort)
TACET_REQUIRE_BROWSER=1 exec node --import tsx --test "${files[@]}"
