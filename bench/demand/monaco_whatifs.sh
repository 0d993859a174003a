#!/usr/bin/env bash
# The figures README's "Scenarios" section quotes for Monaco's what-ifs, each against the
# baseline (its residents and the 36 700 who commute in), printed from `citytwin run
# --json` and `citytwin compare --json`. Results, not timings: the runs are deterministic.
#
#   bench/demand/monaco_whatifs.sh [CITYTWIN=build/app/citytwin]
set -euo pipefail
source "$(dirname "$0")/common.sh"
for s in baseline residents-only roadworks wifi-expansion new-district congestion-charge; do
    "$CITYTWIN" -q run "$ROOT/scenarios/monaco/$s.yaml" --json >"$WORK/$s.json"
done
# The same two wifi runs with the model before issue 15: median, no entry loss.
for s in baseline wifi-expansion; do
    printf 'extends: %s\nwifi: {location_probability: 0.5, entry_loss: fixed}\n' "$ROOT/scenarios/monaco/$s.yaml" \
        >"$WORK/$s-median.yaml"
    "$CITYTWIN" -q run "$WORK/$s-median.yaml" --json >"$WORK/$s-median.json"
done
"$CITYTWIN" -q compare "$ROOT/scenarios/monaco/baseline.yaml" "$ROOT/scenarios/monaco/bike-bridge.yaml" --json \
    >"$WORK/bike-bridge.json"
python3 - "$WORK" <<'PY'
import json, sys
w = sys.argv[1]
k = {s: json.load(open(f"{w}/{s}.json")) for s in
     ("baseline", "residents-only", "roadworks", "wifi-expansion", "new-district", "congestion-charge")}
b, m = k["baseline"], k["baseline"]["mobility"]
ro = k["residents-only"]["mobility"]
print(f"baseline: {b['demand']['persons']} persons ({b['demand']['residents']} residents), {b['demand']['trips']} trips, "
      f"car {m['car_trips']} ({m['completed']} completed, {m['en_route']} en route, {m['stuck']} stuck), "
      f"mean car trip {m['mean_travel_time_s']:.1f} s, mean delay {m['mean_delay_s']:.1f} s, peak hour {m['peak_hour']}")
print(f"residents only: car {ro['car_trips']}, mean car trip {ro['mean_travel_time_s']:.1f} s, "
      f"mean delay {ro['mean_delay_s']:.1f} s, peak hour {ro['peak_hour']}")
r = k["roadworks"]["mobility"]
print(f"roadworks: mean delay {m['mean_delay_s']:.1f} -> {r['mean_delay_s']:.1f} s, unroutable {m['unroutable']} -> "
      f"{r['unroutable']}, abandoned {m['abandoned']} -> {r['abandoned']}, vehicle hours {m['vehicle_hours']:.0f} -> "
      f"{r['vehicle_hours']:.0f}")
wb, wx = b["wifi"], k["wifi-expansion"]["wifi"]
mb, mx = (json.load(open(f"{w}/{s}-median.json"))["wifi"] for s in ("baseline", "wifi-expansion"))
print(f"wifi-expansion: residents covered indoors at {wb['location_probability']:.0%} of locations "
      f"{100 * wb['indoor_population_covered_share']:.1f} % -> {100 * wx['indoor_population_covered_share']:.1f} %, "
      f"outdoor area {100 * wb['area_covered_share']:.1f} % -> {100 * wx['area_covered_share']:.1f} %, "
      f"people in the streets {100 * wb['outdoor_people_covered_share']:.1f} % -> "
      f"{100 * wx['outdoor_people_covered_share']:.1f} % ({wb['street_person_hours']:.0f} person-hours), "
      f"peak hour {wb['peak_hour']}:00 -> {wx['peak_hour']}:00 with {wb['peak_hour_users']:.0f} -> {wx['peak_hour_users']:.0f} users, "
      f"APs overloaded at the busy moments {wb['overloaded_aps_peak']} of {wb['aps']} -> {wx['overloaded_aps_peak']} of {wx['aps']}, "
      f"peak-hour throughput per user {wb['peak_hour_throughput_per_user_mbps']:.2f} -> {wx['peak_hour_throughput_per_user_mbps']:.2f} Mbit/s, "
      f"channels {wb['channel_plan']}, AP pairs sharing airtime {wb['ap_pairs_sharing_airtime']} -> {wx['ap_pairs_sharing_airtime']}; "
      f"median model without entry loss (before issue 15): residents {100 * mb['population_covered_share']:.1f} % -> "
      f"{100 * mx['population_covered_share']:.1f} %, outdoor area {100 * mb['area_covered_share']:.1f} % -> "
      f"{100 * mx['area_covered_share']:.1f} %")
for name, run in k.items():   # is each at equilibrium? (mobility.target_gap)
    mm = run["mobility"]
    print(f"{name}: {mm['iterations']} iterations, relative gap {mm['relative_gap']:.4f}, "
          f"{'converged' if mm['converged'] else 'NOT converged'} (target {mm['target_gap']})")
nd = k["new-district"]["demand"]
print(f"new-district: residents +{nd['residents'] - b['demand']['residents']}, trips +{nd['trips'] - b['demand']['trips']}")
c = k["congestion-charge"]["mobility"]
print(f"congestion-charge: {c['toll_crossings']} entries pay, mean car trip {m['mean_travel_time_s']:.1f} -> "
      f"{c['mean_travel_time_s']:.1f} s, car share {b['demand']['mode_share']['car']:.4f} -> "
      f"{k['congestion-charge']['demand']['mode_share']['car']:.4f}")
bb = json.load(open(f"{w}/bike-bridge.json"))
s = bb["summary"]
kp = {x["key"]: x for x in bb["kpis"]}
share, bikes = kp["demand.mode_share.bike"], kp["demand.trips_by_mode.bike"]
print(f"bike-bridge: {s['cyclists_on_new_paths']:.0f} cyclists and {s['pedestrians_on_new_paths']:.0f} pedestrians a day "
      f"on the new path links, {s['moved_bike_passages']:.0f} moved bike passages, bike share "
      f"{share['base']:.5f} -> {share['variant']:.5f} ({bikes['delta']:+.0f} bike trips)")
PY
