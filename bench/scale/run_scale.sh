#!/usr/bin/env bash
# Mobility scale run: a synthetic grid city (100×100 intersections, 39 600 directed links)
# with a day of 1 000 000 car trips; prints trips, links, seconds per stage and peak memory.
#   bench/scale/run_scale.sh [TRIPS=1000000] [SIZE=100] [THREADS=2]
set -euo pipefail
repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
trips=${1:-1000000}
size=${2:-100}
threads=${3:-2}
work=${CITYTWIN_BENCH_DIR:-/tmp/citytwin-scale}/grid-$size-$trips
citytwin=${CITYTWIN:-$repo/build/app/citytwin}

[ -f "$work/scenario.yaml" ] || python3 "$repo/bench/scale/make_grid_city.py" "$work" --size "$size" --trips "$trips"
log=$(mktemp)
/usr/bin/time -f "peak_rss_kb %M wall_s %e" "$citytwin" run "$work/scenario.yaml" --threads "$threads" --json \
  >"$work/kpis.json" 2>"$log"
echo "scale run: grid ${size}x${size}, $trips trips, $threads threads"
grep -E "done in|demand:" "$log" | sed 's/^/  /'
grep -E "peak_rss_kb" "$log" | awk '{printf "  wall %.1f s, peak memory %.0f MB\n", $4, $2/1024}'
python3 - "$work/kpis.json" <<'PY'
import json, sys
j = json.load(open(sys.argv[1]))
k = j["mobility"]
print(f"  network {j['city']['links']} directed links, {j['city']['nodes']} nodes")
print(f"  car trips {k['car_trips']}, completed {k['completed']}, stuck {k['stuck']}, "
      f"mean travel time {k['mean_travel_time_s']:.1f} s, relative gap {k['relative_gap']:.4f}")
PY
rm -f "$log"
