#!/usr/bin/env bash
# `npm start`: set up, compile, and run core + intake on embedded defaults
# (SQLite and local files under ./.tacet). The first run creates a demo
# installation and gives its unseal passphrase and admin password once: printed
# on a terminal, else written to .tacet/first-run-secrets.txt (0600) and only
# that path printed, so they never land in a log.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
npx tsc -p tsconfig.build.json
exec node dist/src/cli/main.js start
