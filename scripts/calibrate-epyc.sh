#!/bin/sh
# Regenerates the epyc-vm machine profile from measurements: every pyenv CPython on this machine,
# all probes, perf where it works. Run it on a quiet machine (the load average goes into the raw
# output). Writes OUT (default docs/measurements/DATE-calibrate/epyc-vm.json) and OUT's .raw.json
# beside it; never over an existing file unless you pass --force (extra arguments go to calibrate).
#
#   scripts/calibrate-epyc.sh [OUT] [--force] [--quick]
#
# profiles/epyc-vm.json is not touched: copy the result there yourself, together with the model
# changes and golden files it moves.
set -eu
cd "$(dirname "$0")/.."
out="docs/measurements/$(date +%F)-calibrate/epyc-vm.json"
case "${1:-}" in
  -*|'') ;;
  *) out="$1"; shift ;;
esac
mkdir -p "$(dirname "$out")"
set --  --out "$out" --base epyc-vm "$@"
for py in "${PYENV_ROOT:-$HOME/.pyenv}"/versions/*/bin/python; do
  [ -x "$py" ] && set -- "$@" --python "$py"
done
exec npx tsx src/cli/main.ts calibrate "$@"
