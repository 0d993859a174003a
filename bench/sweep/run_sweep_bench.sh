#!/usr/bin/env bash
# Sweep throughput (runs per minute) on one machine, side by side in one go:
#   serial, 1 thread | 1 process, 2 threads | mpirun -np 2, 1 thread each
# on the same 12-run Monaco sweep (bench/sweep/monaco-12.yaml). Every variant must give
# the same table (checked); the figures go to bench/RESULTS.md.
# Usage: bench/sweep/run_sweep_bench.sh [build-dir] [repeats]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-$here/../../build}
repeats=${2:-3}
citytwin=$build/app/citytwin
sweep=$here/monaco-12.yaml
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mpi=(mpirun -np 2 --oversubscribe)
[ "$(id -u)" = 0 ] && mpi+=(--allow-run-as-root)
runs=$("$citytwin" sweep "$sweep" --list | wc -l)

time_one() {   # label, command…; prints seconds
    local out=$work/$1.csv
    rm -f "$out" "$out.runs.jsonl"
    local t0 t1
    t0=$(date +%s.%N)
    "${@:2}" --out "$out" > /dev/null 2>&1
    t1=$(date +%s.%N)
    awk "BEGIN { print $t1 - $t0 }"
}

declare -A times
for label in serial_1t threads_2t mpi_2x1t; do times[$label]=""; done
for ((i = 0; i < repeats; i++)); do
    times[serial_1t]+="$(time_one serial_1t "$citytwin" -q sweep "$sweep" --threads 1) "
    times[threads_2t]+="$(time_one threads_2t "$citytwin" -q sweep "$sweep" --threads 2) "
    times[mpi_2x1t]+="$(time_one mpi_2x1t "${mpi[@]}" "$citytwin" -q sweep "$sweep" --threads 1) "
done
cmp "$work/serial_1t.csv" "$work/threads_2t.csv" && cmp "$work/serial_1t.csv" "$work/mpi_2x1t.csv" \
    || { echo "tables differ"; exit 1; }

median() { tr ' ' '\n' | grep -v '^$' | sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
base=$(echo "${times[serial_1t]}" | median)
printf "%-28s %10s %12s %12s\n" "configuration ($runs runs)" "median s" "runs/min" "efficiency"
for label in serial_1t threads_2t mpi_2x1t; do
    m=$(echo "${times[$label]}" | median)
    workers=1; [ "$label" != serial_1t ] && workers=2
    printf "%-28s %10.1f %12.1f %11.0f%%\n" "$label" "$m" "$(awk "BEGIN { print $runs * 60 / $m }")" \
        "$(awk "BEGIN { print 100 * $base / ($m * $workers) }")"
done
echo "tables identical: yes (serial, 2 threads, 2 MPI ranks)"
for label in serial_1t threads_2t mpi_2x1t; do echo "  $label times (s): ${times[$label]}"; done
