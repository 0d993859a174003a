#!/usr/bin/env bash
# citytwin sweep on Monaco: a 2 × 2 × 2 sweep gives 8 rows with the right parameters; a
# resumed sweep runs only the missing rows and gives the same table; `mpirun -np 2` gives
# the same table as the serial sweep, row for row; a sweep whose rank dies ends, reports the
# lost run, and a resume completes it. Usage: test_sweep.sh CITYTWIN SOURCE_DIR TEST_PLUGIN_DIR
set -euo pipefail
citytwin=$1
src=$2
test_plugins=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

cat > "$work/sweep.yaml" <<YAML
base: $src/scenarios/monaco/baseline.yaml
set:
  demand.synthetic.sample: 0.1
  mobility.iterations: 1
  wifi.cell_size_m: 20
parameters:
  demand.synthetic.car_share: [0.2, 0.4]
  wifi.threshold_dbm: [-75, -65]
seeds: [1, 2]
YAML

"$citytwin" sweep "$work/sweep.yaml" --list > "$work/list.txt"
test "$(wc -l < "$work/list.txt")" -eq 8 || fail "--list should print 8 runs"
"$citytwin" -q sweep "$work/sweep.yaml" --out "$work/serial.csv" --threads 1
python3 - "$work/serial.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
assert len(rows) == 8, len(rows)
want = [(c, t, s) for c in ("0.2", "0.4") for t in ("-75", "-65") for s in ("1", "2")]
got = [(r["demand.synthetic.car_share"], r["wifi.threshold_dbm"], r["seed"]) for r in rows]
assert got == want, got
assert all(r["status"] == "ok" for r in rows)
assert [r["run"] for r in rows] == [str(i) for i in range(8)]
# The parameters reached the runs: more car trips with the higher car share, more coverage
# with the lower threshold (same seed).
by = {(r["demand.synthetic.car_share"], r["wifi.threshold_dbm"], r["seed"]): r for r in rows}
assert float(by[("0.4", "-75", "1")]["mobility.car_trips"]) > float(by[("0.2", "-75", "1")]["mobility.car_trips"])
assert float(by[("0.2", "-75", "1")]["wifi.area_covered_share"]) > float(by[("0.2", "-65", "1")]["wifi.area_covered_share"])
assert by[("0.2", "-75", "1")]["mobility.car_trips"] != by[("0.2", "-75", "2")]["mobility.car_trips"]
print("serial sweep: 8 rows, parameters as planned")
PY

# Resume: forget three finished runs; only those run again, and the table is the same.
cp "$work/serial.csv" "$work/resumed.csv"
cp "$work/serial.csv.runs.jsonl" "$work/resumed.csv.runs.jsonl"
sed -i '2d;5d;8d' "$work/resumed.csv.runs.jsonl"
"$citytwin" sweep "$work/sweep.yaml" --out "$work/resumed.csv" --threads 1 2> "$work/resume.log"
grep -q "5 of 8 runs already finished" "$work/resume.log" || { cat "$work/resume.log"; fail "resume did not skip 5 runs"; }
grep -q "3 runs executed now" "$work/resume.log" || { cat "$work/resume.log"; fail "resume did not run exactly 3"; }
cmp "$work/serial.csv" "$work/resumed.csv" || fail "resumed table differs from the serial one"
# A journal line cut short by a kill is ignored (that run is done again).
head -c 40 "$work/serial.csv.runs.jsonl" > "$work/cut.csv.runs.jsonl"
"$citytwin" -q sweep "$work/sweep.yaml" --out "$work/cut.csv" --threads 1 2> /dev/null
cmp "$work/serial.csv" "$work/cut.csv" || fail "table after a cut journal line differs"

# GeoPackage output: table `runs` with 8 rows that ogrinfo reads.
"$citytwin" -q sweep "$work/sweep.yaml" --out "$work/sweep.gpkg" --threads 1
ogrinfo -ro -so "$work/sweep.gpkg" runs | grep -q "Feature Count: 8" || fail "runs table of the GeoPackage"

# MPI: two ranks, same table row for row.
if command -v mpirun > /dev/null; then
    mpi=(mpirun -np 2 --oversubscribe)
    mpi3=(mpirun -np 3 --oversubscribe --enable-recovery)
    [ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root) && mpi3+=(--allow-run-as-root)
    "${mpi[@]}" "$citytwin" -q sweep "$work/sweep.yaml" --out "$work/mpi.csv" --threads 1
    cmp "$work/serial.csv" "$work/mpi.csv" || fail "mpirun -np 2 table differs from the serial one"
    echo "mpirun -np 2: identical to the serial sweep"

    # A rank that dies loses only its in-flight run: reported, a failed row, the rest done;
    # a resume runs just that one and the table equals the serial one. The death comes from
    # a test plugin (rank_killer: _Exit on the rank CITYTWIN_TEST_DIE_RANK names, inert
    # without it), so the sweep's scenario carries it in every run, the serial one too.
    printf 'extends: %s\nplugins:\n  - name: rank_killer\n    params: {}\n' "$src/scenarios/monaco/baseline.yaml" \
        > "$work/killable.yaml"
    sed "s|^base: .*|base: $work/killable.yaml|" "$work/sweep.yaml" > "$work/dead.yaml"
    "$citytwin" -q sweep "$work/dead.yaml" --out "$work/dead-serial.csv" --threads 1 --plugin-path "$test_plugins"
    CITYTWIN_TEST_DIE_RANK=2 CITYTWIN_SWEEP_HEARTBEAT_TIMEOUT=3 \
        "${mpi3[@]}" "$citytwin" sweep "$work/dead.yaml" --out "$work/dead.csv" --threads 1 --plugin-path "$test_plugins" \
        > "$work/dead.log" 2>&1 || true
    grep -q "rank 2 died while running it" "$work/dead.log" || { cat "$work/dead.log"; fail "the dead rank's run was not reported"; }
    python3 - "$work/dead.csv" <<'PY'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1])))
failed = [r for r in rows if r["status"] != "ok"]
assert len(rows) == 8 and len(failed) == 1, [(r["run"], r["status"], r["error"]) for r in rows]
assert "rank 2 died while running it" in failed[0]["error"], failed[0]["error"]
print("dead rank: 7 rows ok, run", failed[0]["run"], "reported as lost")
PY
    "$citytwin" sweep "$work/dead.yaml" --out "$work/dead.csv" --threads 1 --plugin-path "$test_plugins" 2> "$work/dead-resume.log"
    grep -q "1 runs executed now" "$work/dead-resume.log" || { cat "$work/dead-resume.log"; fail "resume after a dead rank"; }
    cmp "$work/dead-serial.csv" "$work/dead.csv" || fail "table after resuming the lost run differs from the serial one"
else
    fail "mpirun not found (scripts/setup.sh installs openmpi-bin)"
fi
echo PASS
