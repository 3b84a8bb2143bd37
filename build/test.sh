#!/usr/bin/env bash
# test.sh: the README's test command. Installs what is missing, then type-checks, lints and runs the
# unit, integration and end-to-end suites with Node's test runner against real processes on loopback.
set -euo pipefail
cd "$(dirname "$0")/.."
bash build/ensure-deps.sh
bash build/setup-test-env.sh
echo "== typecheck" && npx tsc -b
echo "== lint" && npx eslint .
mapfile -t files < <(find test/unit test/integration test/e2e -name '*.test.ts' | sort)
echo "== tests (${#files[@]} files)"
tap=$(mktemp)
status=0
node --import tsx --test --test-concurrency=1 --test-reporter=spec --test-reporter-destination=stdout \
  --test-reporter=tap --test-reporter-destination="$tap" "${files[@]}" || status=$?
# A plain closing line any CI reads, from the TAP summary of the same run.
passed=$(grep -E '^# pass ' "$tap" | tail -1 | awk '{print $3}')
failed=$(grep -E '^# fail ' "$tap" | tail -1 | awk '{print $3}')
skipped=$(grep -E '^# skipped ' "$tap" | tail -1 | awk '{print $3}')
rm -f "$tap"
echo "tests: ${passed:-0} passed, ${failed:-0} failed, ${skipped:-0} skipped"
if [ "${CI:-}" = "true" ] && [ "${skipped:-0}" != "0" ]; then
  echo "CI=true: ${skipped} test(s) skipped; a skip hides a missing set-up step" >&2
  exit 1
fi
exit "$status"
