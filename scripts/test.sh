#!/usr/bin/env bash
# The whole test suite: sets up what is missing (packages, build), then runs every
# CTest test; tests that draw run under a virtual X server (xvfb-run).
#   scripts/test.sh                 everything, then the unit tests under ASan + UBSan
#                                   (CITYTWIN_SKIP_SANITIZE=1: without that second part)
#   scripts/test.sh -L unit         only one label (unit, data, cli, scripts)
#   scripts/test.sh --sanitize address,undefined [-L 'unit|data']
#                                   a sanitizer build in build-sanitize-<list>/ (Debug-level
#                                   checks, optimised code), then the unit and data tests
#                                   (or the given ctest options); any report fails the test
#   scripts/test.sh --sanitize thread -R 'Loading|Mobility|Routing|Wifi|Coverage'
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CITYTWIN_BUILD_DIR:-$repo/build}

if [ "${1:-}" = --sanitize ]; then
  [ $# -ge 2 ] || { echo "test.sh: --sanitize needs a list, e.g. address,undefined or thread" >&2; exit 2; }
  sanitize=$2
  shift 2
  case "$sanitize" in
    address|undefined|address,undefined|undefined,address|thread) ;;
    *) echo "test.sh: --sanitize '$sanitize': use address, undefined, address,undefined or thread" >&2; exit 2 ;;
  esac
  build_dir=$repo/build-sanitize-${sanitize//,/-}
  "$repo/scripts/setup.sh" --no-build
  # No Python module (the interpreter would need the runtime preloaded) and no benchmarks.
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCITYTWIN_SANITIZE="$sanitize" \
    -DCITYTWIN_BUILD_PYTHON=OFF -DCITYTWIN_BUILD_BENCH=OFF
  cmake --build "$build_dir" --parallel "$(nproc)"
  [ $# -gt 0 ] || set -- -L 'unit|data'
  # No leak check: GDAL, PROJ and OpenSceneGraph keep caches for the life of the process,
  # which it would report. Any other report stops the test with a stack.
  export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0:abort_on_error=1:strict_string_checks=1:detect_stack_use_after_return=1}
  export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
  export TSAN_OPTIONS=${TSAN_OPTIONS:-halt_on_error=1:second_deadlock_stack=1}
  cd "$build_dir"
  exec xvfb-run -a ctest --output-on-failure --parallel "$(nproc)" --timeout 3600 "$@"
fi

"$repo/scripts/setup.sh" --no-run
cd "$build_dir"
xvfb-run -a ctest --output-on-failure --parallel "$(nproc)" --timeout 900 "$@"
# The whole suite (no arguments) also runs the unit tests under AddressSanitizer and
# UndefinedBehaviorSanitizer: about 25 minutes more on 2 cores (build and tests);
# CITYTWIN_SKIP_SANITIZE=1 leaves them out of a quick local run.
if [ $# -eq 0 ] && [ "${CITYTWIN_SKIP_SANITIZE:-0}" != 1 ]; then
  "$repo/scripts/test.sh" --sanitize address,undefined -L unit
fi
