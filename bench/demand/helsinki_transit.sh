#!/usr/bin/env bash
# Central Helsinki's day with transit on HSL's timetable (scenarios/helsinki-centre/transit.yaml)
# against the same day with transit teleported (the feed left out), alternating, median of
# N runs each; whole `citytwin run --json` processes. What the timetable costs, and what it
# changes: transit trips routed, walked, without a connection, boardings, mean transit time.
#
#   bench/demand/helsinki_transit.sh [runs=3]
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
RUNS="${1:-3}"
BIN="${CITYTWIN:-$ROOT/build/app/citytwin}"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
DIR="$ROOT/scenarios/helsinki-centre"
# The same scenario without the feed: baseline.yaml minus its transit line, plus transit.yaml's rest.
grep -v '^  transit:' "$DIR/baseline.yaml" >"$WORK/baseline.yaml"
sed "s|^extends: baseline.yaml|extends: $WORK/baseline.yaml|; s|^name: .*|name: helsinki-centre-teleported|" \
    "$DIR/transit.yaml" >"$WORK/teleported.yaml"
export CITYTWIN_DATA_DIR="${CITYTWIN_DATA_DIR:-$ROOT/../shared/data}"
for ((i = 1; i <= RUNS; i++)); do
    for side in timetable teleported; do
        scenario="$DIR/transit.yaml"
        [[ $side == teleported ]] && scenario="$WORK/teleported.yaml"
        /usr/bin/time -f "%e" -o "$WORK/$side.$i" "$BIN" -q run "$scenario" --json >"$WORK/$side.json"
    done
done
python3 - "$WORK" "$RUNS" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
t = {s: statistics.median(float(open(f"{work}/{s}.{i}").read().split()[-1]) for i in range(1, runs + 1)) for s in ("timetable", "teleported")}
a, b = json.load(open(f"{work}/timetable.json"))["demand"], json.load(open(f"{work}/teleported.json"))["demand"]
tr = a["transit"]
print(f"Helsinki centre day, whole process, median of {runs}: timetable {t['timetable']:.2f} s, teleported {t['teleported']:.2f} s")
print(f"  timetable {tr['service_date']}: {tr['stops']} stops, {tr['routes']} routes, {tr['runs']} runs")
print(f"  transit trips {a['trips_by_mode']['transit']}: {tr['routed_trips']} ridden, {tr['walked_trips']} walked (as fast), "
      f"{tr['no_connection_trips']} without a connection; {tr['boardings']} boardings")
for name, d in (("timetable", a), ("teleported", b)):
    print(f"  {name:10s} shares " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(d["mode_share"].items())) +
          f"; mean transit trip {d['mean_trip_km']['transit']:.2f} km")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
