#!/usr/bin/env bash
# `npm start`: set up, compile, and run core + intake on embedded defaults
# (SQLite and local files under ./.tacet). The first run creates a demo
# installation and prints its unseal passphrase and admin password once.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.build.json
exec node dist/src/cli/main.js start
