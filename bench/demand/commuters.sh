#!/usr/bin/env bash
# Monaco with a growing number of inbound commuters (scenarios/monaco/baseline.yaml, its
# other settings unchanged): how the car traffic copes. Prints one line per volume; the
# README's "Traffic from outside" figures come from here.
#
#   bench/demand/commuters.sh [CITYTWIN=build/app/citytwin] [VOLUMES="8000 16000 24000 36700"]
set -euo pipefail
source "$(dirname "$0")/common.sh"
VOLUMES="${2:-8000 16000 24000 36700}"
printf '%-9s %10s %10s %10s %9s %13s %8s\n' inbound car_trips completed en_route stuck mean_car_tt_s wall_1run
for n in $VOLUMES; do
    cat >"$WORK/c-$n.yaml" <<YAML
extends: $ROOT/scenarios/monaco/baseline.yaml
name: monaco-commuters-$n
demand:
  external:
    inbound_commuters: $n
YAML
    start=$(date +%s.%N)
    "$CITYTWIN" -q run "$WORK/c-$n.yaml" --json >"$WORK/c-$n.json"
    end=$(date +%s.%N)
    python3 - "$WORK/c-$n.json" "$n" "$start" "$end" <<'PY'
import json, sys
j = json.load(open(sys.argv[1])); m = j["mobility"]
print("%-9s %10d %10d %10d %9d %13.0f %8.1f" % (sys.argv[2], m["car_trips"], m["completed"], m["en_route"], m["stuck"],
      m["mean_travel_time_s"], float(sys.argv[4]) - float(sys.argv[3])))
PY
done
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
