#!/usr/bin/env bash
# The SDK's layout hash (cmake/plugin_layout_hash.cmake) ignores comments and spacing and
# changes with any declaration: a comment edit keeps plugins loadable, a reordered or
# retyped member refuses them.   test_plugin_layout_hash.sh SOURCE_DIR
set -euo pipefail
src=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
hash_of() {  # header text -> the hash the script writes
    mkdir -p "$work/h"
    printf '%s' "$1" >"$work/h/types.hpp"
    echo "$work/h/types.hpp" >"$work/list.txt"
    rm -f "$work/out.hpp"
    cmake -DLIST="$work/list.txt" -DROOT="$work" -DOUT="$work/out.hpp" -P "$src/cmake/plugin_layout_hash.cmake"
    grep -o '0x[0-9a-f]*ull' "$work/out.hpp"
}
base=$(hash_of $'struct Link {\n    int id;      // the id\n    double length_m;\n};\n')
comment=$(hash_of $'/* links */\nstruct Link {\n  int id;  // another comment\n\n  double length_m;   /* metres */\n};\n')
reordered=$(hash_of $'struct Link {\n    double length_m;\n    int id;\n};\n')
retyped=$(hash_of $'struct Link {\n    long id;\n    double length_m;\n};\n')
echo "base $base, comments edited $comment, members reordered $reordered, a member retyped $retyped"
[[ $base == "$comment" ]] || { echo "FAIL: a comment edit changed the hash"; exit 1; }
[[ $base != "$reordered" ]] || { echo "FAIL: reordering members kept the hash"; exit 1; }
[[ $base != "$retyped" ]] || { echo "FAIL: retyping a member kept the hash"; exit 1; }
# The header is rewritten only when the hash changes (no rebuild of what includes it).
hash_of $'struct Link { int id; double length_m; };' >/dev/null
touch -d '2000-01-01' "$work/out.hpp"
cmake -DLIST="$work/list.txt" -DROOT="$work" -DOUT="$work/out.hpp" -P "$src/cmake/plugin_layout_hash.cmake"
[[ $(stat -c %Y "$work/out.hpp") == $(date -d '2000-01-01' +%s) ]] || { echo "FAIL: an unchanged hash rewrote the header"; exit 1; }
echo "ok"
