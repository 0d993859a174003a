#!/usr/bin/env bash
# Does Monaco's traffic settle? The relative gap of every loading (README "Scenarios",
# issue 13) for the baseline at three seeds, the same with SUMO's 300 s stuck time
# instead of the default 60 s, and the congestion charge. Results, not timings: each run
# is deterministic. About 3 minutes on 2 cores.
#
#   bench/demand/convergence.sh [CITYTWIN=build/app/citytwin]
set -euo pipefail
source "$(dirname "$0")/common.sh"
monaco="$ROOT/scenarios/monaco"
# label | scenario | mobility keys over it | seed
runs=(
    "baseline|baseline|{}|42"
    "baseline|baseline|{}|1"
    "baseline|baseline|{}|2"
    "baseline, every iteration|baseline|{target_gap: 0}|42"
    "stuck_time_s 300 (SUMO's)|baseline|{target_gap: 0, stuck_time_s: 300}|42"
    "stuck_time_s 300 (SUMO's)|baseline|{target_gap: 0, stuck_time_s: 300}|1"
    "congestion charge|congestion-charge|{}|42"
)
i=0
for run in "${runs[@]}"; do
    IFS='|' read -r label scenario keys seed <<<"$run"
    printf 'extends: %s/%s.yaml\nmobility: %s\n' "$monaco" "$scenario" "$keys" >"$WORK/$i.yaml"
    "$CITYTWIN" -q run "$WORK/$i.yaml" --seed "$seed" --json >"$WORK/$i.json" 2>"$WORK/$i.err"
    printf '%s|%s|%s\n' "$label" "$keys" "$seed" >"$WORK/$i.label"
    i=$((i + 1))
done
python3 - "$WORK" "$i" <<'PY'
import json, sys
work, n = sys.argv[1], int(sys.argv[2])
print("| run | mobility keys | seed | iterations | gap, every loading | last gap | converged | mean car trip s | stuck |")
print("|---|---|---|---|---|---|---|---|---|")
for i in range(n):
    label, keys, seed = open(f"{work}/{i}.label").read().strip().split("|")
    m = json.load(open(f"{work}/{i}.json"))["mobility"]
    gaps = " ".join(f"{g:.3f}" for g in m["relative_gap_by_iteration"])
    conv = "yes" if m["converged"] else ("no target" if m["target_gap"] == 0 else "**no**")
    print(f"| {label} | `{keys}` | {seed} | {m['iterations']} | {gaps} | {m['relative_gap']:.3f} | {conv} | "
          f"{m['mean_travel_time_s']:.1f} | {m['stuck']} |")
PY
