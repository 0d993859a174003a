#!/usr/bin/env bash
# A Monaco day of its residents (scenarios/monaco/residents-only.yaml, whole `citytwin run`
# process) with four modes against a peer binary, alternating, median of N runs each. Issue
# #14's target: at most 2× the wall time of the car-only model that came before (commit
# 0062bb1), which had no traffic from outside: the same work. The baseline with its 36 700
# commuters (2.2× the car trips, a congested morning) is timed beside it, ours only:
#
#   git worktree add /tmp/peer 0062bb1 && cmake -S /tmp/peer -B /tmp/peer-build -G Ninja \
#       -DCMAKE_BUILD_TYPE=Release && cmake --build /tmp/peer-build --target citytwin
#   CITYTWIN_DATA_DIR=../shared/data PEER_ASSETS=/tmp/peer/assets \
#       bench/demand/monaco_day.sh /tmp/peer-build/app/citytwin [runs=3]
# (PEER_ASSETS: the peer's own assets/, given to the peer only as CITYTWIN_ASSETS_DIR.)
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
PEER="${1:?usage: monaco_day.sh PEER_CITYTWIN [runs]}"
RUNS="${2:-3}"
OURS="${CITYTWIN:-$ROOT/build/app/citytwin}"
SCENARIO="$ROOT/scenarios/monaco/residents-only.yaml"
BASELINE="$ROOT/scenarios/monaco/baseline.yaml"
WORK="$(mktemp -d)"
trap 'rm -rf "$WORK"' EXIT
# The peer predates demand.external: it gets the baseline without that section (the same
# residents' day as residents-only.yaml), its data found through CITYTWIN_DATA_DIR.
python3 - "$BASELINE" "$WORK/peer.yaml" <<'PY'
import sys, yaml
s = yaml.safe_load(open(sys.argv[1]))
s["demand"].pop("external", None)
s["name"] = "monaco-residents-only"
yaml.safe_dump(s, open(sys.argv[2], "w"), sort_keys=False)
PY
# The same day with one feedback round (choice again on the congested car times).
printf 'extends: %s\nname: monaco-feedback\ndemand:\n  choice:\n    feedback_rounds: 1\n' "$SCENARIO" >"$WORK/feedback.yaml"
# … and without the path network (walk and bike on the straight line × detour).
printf 'extends: %s\nname: monaco-no-paths\ncity:\n  roads:\n    paths: false\n' "$SCENARIO" >"$WORK/nopaths.yaml"
for ((i = 1; i <= RUNS; i++)); do
    for side in ours peer feedback nopaths baseline; do
        cmd=("$OURS")
        scenario=$SCENARIO
        [[ $side == feedback || $side == nopaths ]] && scenario=$WORK/$side.yaml
        [[ $side == baseline ]] && scenario=$BASELINE
        [[ $side == peer ]] && cmd=(env ${PEER_ASSETS:+CITYTWIN_ASSETS_DIR="$PEER_ASSETS"} "$PEER") &&
            scenario=$WORK/peer.yaml
        /usr/bin/time -f "%e" -o "$WORK/$side.$i" "${cmd[@]}" -q run "$scenario" --json >"$WORK/$side.json"
    done
done
python3 - "$WORK" "$RUNS" <<'PY'
import json, statistics, sys
work, runs = sys.argv[1], int(sys.argv[2])
t = {s: statistics.median(float(open(f"{work}/{s}.{i}").read().split()[-1]) for i in range(1, runs + 1)) for s in ("ours", "peer", "feedback", "nopaths", "baseline")}
o, p = json.load(open(f"{work}/ours.json")), json.load(open(f"{work}/peer.json"))
print(f"Monaco residents' day, whole process, median of {runs}: four modes {t['ours']:.2f} s, car-only peer {t['peer']:.2f} s, ratio {t['ours'] / t['peer']:.2f}")
d = o.get("demand", {})
print(f"  four modes: {d.get('trips')} trips of {d.get('persons')} persons, car {o['mobility']['car_trips']}, "
      f"shares " + ", ".join(f"{k} {v:.3f}" for k, v in sorted(d.get('mode_share', {}).items())))
print(f"  peer: {p['mobility']['trips']} trips, car {p['mobility']['car_trips']} (the others counted, not loaded)")
print(f"  without the path network (roads.paths: false): {t['nopaths']:.2f} s (ratio {t['nopaths'] / t['peer']:.2f})")
f = json.load(open(f"{work}/feedback.json"))["demand"]["feedback"]
print(f"  with one feedback round: {t['feedback']:.2f} s (ratio {t['feedback'] / t['peer']:.2f} to the peer), "
      f"car share by round " + " → ".join(f"{s:.3f}" for s in f["car_share_by_round"]))
b = json.load(open(f"{work}/baseline.json"))
bm, bd = b["mobility"], b["demand"]
print(f"  baseline with its commuters: {t['baseline']:.2f} s, {bd['trips']} trips ({bd['external_trips']} from outside), "
      f"car {bm['car_trips']}: {bm['completed']} completed, {bm['en_route']} en route, {bm['stuck']} stuck, "
      f"mean car trip {bm['mean_travel_time_s']:.0f} s")
PY
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
