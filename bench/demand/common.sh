# Sourced by the scripts beside it (after `set -euo pipefail`): ROOT, the repository;
# CITYTWIN, the binary (the script's first argument, else build/app/citytwin); WORK, a
# scratch folder removed when the script exits.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
CITYTWIN="${1:-$ROOT/build/app/citytwin}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
