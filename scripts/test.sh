#!/usr/bin/env bash
# The whole test suite: sets up what is missing (packages, build), then runs every
# CTest test; tests that draw run under a virtual X server (xvfb-run).
#   scripts/test.sh                 everything
#   scripts/test.sh -L unit         only one label (unit, data, cli, scripts)
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CITYTWIN_BUILD_DIR:-$repo/build}

"$repo/scripts/setup.sh" --no-run
cd "$build_dir"
xvfb-run -a ctest --output-on-failure --parallel "$(nproc)" --timeout 900 "$@"
