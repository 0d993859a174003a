#!/usr/bin/env bash
# Installs citytwin into a temporary prefix, builds plugins/examples/slow_zone outside the
# tree against it (find_package(citytwin)), and runs a Monaco scenario that loads it
# with the installed citytwin. Usage: test_out_of_tree_plugin.sh BUILD_DIR SOURCE_DIR
set -euo pipefail
build=$1
src=$2
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cmake --install "$build" --prefix "$work/prefix" > "$work/install.log"
cmake -S "$src/plugins/examples/slow_zone" -B "$work/plugin-build" -DCMAKE_PREFIX_PATH="$work/prefix" \
      -DCMAKE_BUILD_TYPE=Release > "$work/configure.log"
cmake --build "$work/plugin-build" > "$work/build.log"
test -f "$work/plugin-build/citytwin_slow_zone.so" || { echo "FAIL: plugin not built"; exit 1; }

cat > "$work/slow.yaml" <<YAML
name: monaco-slow-zone
city:
  roads: {source: monaco/monaco-2021.osm.pbf}
  buildings: {source: monaco/monaco-2021.osm.pbf}
  districts:
    source: monaco/monaco-2021.osm.pbf
    layer: multipolygons
    where: "boundary = 'administrative' AND admin_level = '10'"
    name_field: name
demand:
  synthetic: {population: 38000, sample: 0.2}
plugins:
  - name: slow_zone
    params: {area: Monte-Carlo, speed_kmh: 30}
YAML
CITYTWIN_DATA_DIR="${CITYTWIN_DATA_DIR:-$src/../shared/data}" "$work/prefix/bin/citytwin" -q run "$work/slow.yaml" \
    --plugin-path "$work/plugin-build" --json > "$work/kpis.json"
python3 - "$work/kpis.json" <<'PY'
import json, sys
k = json.load(open(sys.argv[1]))
z = k["plugins"]["slow_zone"]
assert z["links"] > 0, z
assert z["peak_vehicles_in_zone"] > 0, z
assert z["vehicle_km_in_zone"] > 0, z
print("out-of-tree plugin slow_zone loaded by the installed citytwin:", z)
PY

# The same plugin must be refused by name when it is not on the path.
if "$work/prefix/bin/citytwin" -q run "$work/slow.yaml" > "$work/out.txt" 2>&1; then
    echo "FAIL: ran without the plugin on the path"; exit 1
fi
grep -q "plugin 'slow_zone' not found" "$work/out.txt" || { cat "$work/out.txt"; exit 1; }
# The installed Python module finds the installed libraries (its RPATH) and runs.
py=/usr/bin/python3; [ -x "$py" ] || py=python3
if [ -d "$work/prefix/lib/python3/dist-packages" ]; then
    PYTHONPATH="$work/prefix/lib/python3/dist-packages" "$py" -c "import citytwin; print('installed module', citytwin.__version__)"
fi
echo "PASS"
