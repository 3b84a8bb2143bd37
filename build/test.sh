#!/usr/bin/env bash
# test.sh: the README's test command. Installs what is missing, then type-checks, lints and runs the
# unit and integration suites with Node's test runner against real processes on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/ensure-deps.sh
bash build/setup-test-env.sh
echo "== typecheck" && npx tsc -b
echo "== lint" && npx eslint .
mapfile -t files < <(find test/unit test/integration -name '*.test.ts' | sort)
echo "== tests (${#files[@]} files)"
node --import tsx --test --test-concurrency=1 --test-reporter=spec "${files[@]}"
