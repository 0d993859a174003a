#!/usr/bin/env bash
# Run SUMO (mesoscopic, junction control on) and citytwin on the same network, the same
# intersections and the same trips, each N times, and print one comparison table.
# See bench/sumo/README.md.
#
#   bench/sumo/compare.sh grid-tls                         # one case
#   bench/sumo/compare.sh grid-small --no-junction-control # SUMO's plain meso, as before issue 13
#   bench/sumo/compare.sh --net my.net.xml --trips my.trips.xml --name mine
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/../.." && pwd)"
SELF="$HERE/$(basename "${BASH_SOURCE[0]}")"
export SUMO_HOME="${SUMO_HOME:-/usr/share/sumo}"
CITYTWIN="${CITYTWIN:-$REPO/build/app/citytwin}"
DATA_DIR="${CITYTWIN_DATA_DIR:-$REPO/../shared/data}"
WORK_ROOT="${WORK_ROOT:-/tmp/citytwin-sumo-bench}"
THREADS="${THREADS:-2}"
TRIPS_OVERRIDE="${TRIPS:-}"   # TRIPS=340000 compare.sh grid-small: another demand (work dir CASE-TRIPS)
SEED=42
END=108000            # simulated horizon for both: 30 h (citytwin's default end), trips depart in 0..24 h
MESO_EDGELENGTH=98    # SUMO default --meso-edgelength
# Trips are routed when inserted. 0 = on free-flow times (as citytwin's iteration 1);
# SUMO's default 1 = on travel times measured in the last 180 s (--adaptive-routing).
SUMO_ADAPTATION=0
# SUMO's router for the trips (set per case below: the fastest one measured for static
# weights); --adaptive-routing uses SUMO's default, dijkstra. $SUMO_ROUTER overrides.
SUMO_ROUTER_ENV="${SUMO_ROUTER:-}"
# SUMO meso with its junction model (signals block the queue on red, right of way at
# priority junctions). 0 = --no-junction-control: plain meso, junctions ignored.
JUNCTION_CONTROL=1
SAME_ROUTES=0         # 1: SUMO drives citytwin's routes (citytwin runs first)
ROUTE_CHOICE=0        # 1: each side chooses routes as its users run it (see --route-choice)
CHOICE_ITERATIONS=10  # citytwin's equilibrium iterations with --route-choice
MICRO=0               # 1: SUMO's microscopic model instead of meso
REPEAT=3              # each side runs REPEAT times; wall time = median (project rule: >= 3 runs)
BYO_NET=""            # --net/--trips/--name: any SUMO network and trip file
BYO_TRIPS=""
BYO_NAME=""
REBUILD=0
RUN_SUMO=1
RUN_CITYTWIN=1
CASES=()
ALL_CASES=(grid-small grid-large liechtenstein grid-tls grid-congested helsinki-centre)

usage() {
    sed -n '2,8p' "$SELF" | sed 's/^# \{0,1\}//'
    cat <<EOF

Usage: $0 CASE... | all  [options]
       $0 --net FILE.net.xml --trips FILE.xml --name NAME [options]
Cases: ${ALL_CASES[*]}
Options:
  --net FILE        bring your own network: any SUMO .net.xml (UTM-projected or without
                    geo-reference); with --trips and --name, in place of a case
  --trips FILE      randomTrips (<trip from to>) or duarouter (<vehicle><route>) output; trips
                    whose first and last edges survive the strongly-connected cut are kept
  --name NAME       the work dir DIR/NAME and the case label
  --no-junction-control  SUMO's plain meso (--meso-junction-control false, junctions ignored)
                    and citytwin without SUMO's junction data; default: junction control on
  --same-routes     citytwin runs first and SUMO then drives exactly citytwin's routes (its
                    trips.route column): compares the traffic models on the same paths; without
                    it each simulator routes the trips itself on free-flow times
  --micro           SUMO's microscopic model (junction control is part of it) instead of meso:
                    much slower; the mode tag is micro (summary-micro*.json)
  --repeat N        run each side N times (default $REPEAT); wall time = median, min and max shown
  --work DIR        work directory root (default $WORK_ROOT; the case goes to DIR/CASE)
  --rebuild         regenerate network and trips even if the work dir has them
  --threads N       threads for each side (default $THREADS): citytwin --threads N, SUMO
                    --device.rerouting.threads N (its routing; its simulation is one thread)
  --no-sumo         prepare and run citytwin only (the table then shows the previous SUMO
                    run on the same inputs, if the work dir has one: SUMO is deterministic)
  --no-citytwin     prepare and run SUMO only
  --adaptive-routing  SUMO routes each trip on current (measured) travel times when it departs
                    (SUMO's default) instead of free-flow times; citytwin unchanged
  --route-choice    both sides choose routes the way their users run them on a congested
                    network: SUMO routes each trip when it departs on the travel times measured
                    in the last 180 s (its default, --adaptive-routing), citytwin iterates to
                    its equilibrium (mobility.iterations, --iterations). Mode tag
                    MODE-route-choice; not with --same-routes
  --iterations N    citytwin's iterations with --route-choice (default $CHOICE_ITERATIONS)
Environment: CITYTWIN (binary, default build/app/citytwin), SUMO_HOME (default /usr/share/sumo),
  CITYTWIN_DATA_DIR (where liechtenstein/*.osm.pbf is), WORK_ROOT, THREADS,
  TRIPS (number of trips to generate instead of the case's -- veh/h in the one-hour cases
  grid-tls, grid-congested, helsinki-centre; work dir becomes CASE-TRIPS),
  SUMO_ROUTER (dijkstra, astar, CH, ...: instead of the per-case choice).
EOF
}

while [[ $# -gt 0 ]]; do
    case "$1" in
        -h|--help) usage; exit 0 ;;
        --work) WORK_ROOT="$2"; shift 2 ;;
        --rebuild) REBUILD=1; shift ;;
        --threads) THREADS="$2"; shift 2 ;;
        --no-sumo) RUN_SUMO=0; shift ;;
        --no-citytwin) RUN_CITYTWIN=0; shift ;;
        --adaptive-routing) SUMO_ADAPTATION=1; shift ;;
        --no-junction-control) JUNCTION_CONTROL=0; shift ;;
        --same-routes) SAME_ROUTES=1; shift ;;
        --route-choice) ROUTE_CHOICE=1; SUMO_ADAPTATION=1; shift ;;
        --iterations) CHOICE_ITERATIONS="$2"; shift 2 ;;
        --micro) MICRO=1; shift ;;
        --repeat) REPEAT="$2"; shift 2 ;;
        --net) BYO_NET="$2"; shift 2 ;;
        --trips) BYO_TRIPS="$2"; shift 2 ;;
        --name) BYO_NAME="$2"; shift 2 ;;
        all) CASES+=("${ALL_CASES[@]}"); shift ;;
        grid-small|grid-large|liechtenstein|grid-tls|grid-congested|helsinki-centre) CASES+=("$1"); shift ;;
        *) echo "compare.sh: unknown argument '$1' (try --help)" >&2; exit 2 ;;
    esac
done
[[ $REPEAT =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --repeat wants a positive integer" >&2; exit 2; }
[[ $CHOICE_ITERATIONS =~ ^[1-9][0-9]*$ ]] || { echo "compare.sh: --iterations wants a positive integer" >&2; exit 2; }
if [[ -n $BYO_NET || -n $BYO_TRIPS || -n $BYO_NAME ]]; then
    [[ -n $BYO_NET && -n $BYO_TRIPS && -n $BYO_NAME ]] \
        || { echo "compare.sh: --net, --trips and --name go together" >&2; exit 2; }
    [[ $BYO_NAME =~ ^[A-Za-z0-9._-]+$ ]] || { echo "compare.sh: --name: letters, digits, . _ - only" >&2; exit 2; }
    for c in "${ALL_CASES[@]}"; do
        [[ $BYO_NAME != "$c" ]] || { echo "compare.sh: --name $c is a built-in case; pick another name" >&2; exit 2; }
    done
    for f in "$BYO_NET" "$BYO_TRIPS"; do
        [[ -f $f ]] || { echo "compare.sh: $f not found" >&2; exit 2; }
    done
    BYO_NET="$(cd "$(dirname "$BYO_NET")" && pwd)/$(basename "$BYO_NET")"
    BYO_TRIPS="$(cd "$(dirname "$BYO_TRIPS")" && pwd)/$(basename "$BYO_TRIPS")"
    CASES+=("$BYO_NAME")
fi
[[ ${#CASES[@]} -gt 0 ]] || { usage >&2; exit 2; }
if [[ $JUNCTION_CONTROL -eq 1 ]]; then
    MODE=junctions
    MODE_LABEL="meso+junctions"
    # SUMO 1.15's meso junction model: a vehicle leaves its edge's last segment only when its
    # link is open (traffic light not red, no priority foe approaching), as in the microscopic
    # model. The three penalties are SUMO's defaults (0): they are the *alternative* to
    # checking the phases (a delay and a headway factor from the green split, a fixed delay
    # on minor links), meant for --meso-junction-control false or .limited.
    SUMO_JUNCTION_OPTS=(--meso-junction-control true --meso-tls-penalty 0
                        --meso-tls-flow-penalty 0 --meso-minor-penalty 0)
    SCENARIO=scenario
else
    MODE=plain
    MODE_LABEL="meso plain"
    SUMO_JUNCTION_OPTS=(--meso-junction-control false)
    SCENARIO=scenario-plain
fi
SUMO_MODEL_OPTS=(--mesosim true "${SUMO_JUNCTION_OPTS[@]}" --meso-overtaking false
                 --meso-edgelength "$MESO_EDGELENGTH" --meso-multi-queue true)
if [[ $MICRO -eq 1 ]]; then
    # SUMO's microscopic model (Krauss car following, gap acceptance with impatience at
    # every junction): slower, the reference meso itself approximates
    [[ $JUNCTION_CONTROL -eq 1 ]] || { echo "compare.sh: --micro always has its junctions" >&2; exit 2; }
    MODE=micro
    MODE_LABEL="micro"
    SUMO_MODEL_OPTS=()
fi
if [[ $SAME_ROUTES -eq 1 ]]; then
    MODE="$MODE-same-routes"
    SCENARIO="$SCENARIO-routes"
    MODE_LABEL="$MODE_LABEL, citytwin's routes"
    [[ $RUN_SUMO -eq 1 && $RUN_CITYTWIN -eq 1 ]] || { echo "compare.sh: --same-routes runs both sides" >&2; exit 2; }
fi
if [[ $ROUTE_CHOICE -eq 1 ]]; then
    [[ $SAME_ROUTES -eq 0 ]] || { echo "compare.sh: --route-choice and --same-routes exclude each other" >&2; exit 2; }
    MODE="$MODE-route-choice"
    SCENARIO="$SCENARIO-choice"
    MODE_LABEL="$MODE_LABEL, route choice"
fi
mkdir -p "$WORK_ROOT"
WORK_ROOT="$(cd "$WORK_ROOT" && pwd)"
if [[ $CITYTWIN == */* ]]; then
    [[ $CITYTWIN == /* ]] || CITYTWIN="$PWD/$CITYTWIN"
else
    CITYTWIN="$(command -v "$CITYTWIN" || echo "$CITYTWIN")"
fi

die() { echo "compare.sh: $*" >&2; exit 1; }
log() { echo "[$(date +%H:%M:%S)] $*" >&2; }
need() { command -v "$1" >/dev/null 2>&1 || die "'$1' not found: $2"; }

need sumo "apt-get install -y sumo sumo-tools"
need netconvert "apt-get install -y sumo"
need netgenerate "apt-get install -y sumo"
need python3 "apt-get install -y python3"
[[ -x /usr/bin/time ]] || die "/usr/bin/time not found: apt-get install -y time"
[[ -f "$SUMO_HOME/tools/randomTrips.py" ]] || die "$SUMO_HOME/tools/randomTrips.py not found: apt-get install -y sumo-tools, or set SUMO_HOME"
PY="python3 $HERE/sumobench.py"

# --------------------------------------------------------------------------- cases
# Every case: how to build raw.net.xml, how many trips, randomTrips weighting.
case_config() {
    HOUR=""          # one-hour demand: first second of that hour; empty = the weekday profile
    case "$1" in
        # grids: uniform over edges. No --validate: every edge of a grid is in its strongly
        # connected set, so every trip is routable (duarouter would take minutes on 200 000)
        # (randomTrips draws a few trips with from = to edge; they are dropped, hence 200 200)
        grid-small)
            TRIPS=20000
            TRIP_OPTS=(--fringe-factor 1)
            SUMO_ROUTER=astar   # on grids A* beats CH (grid-large: 31 s vs 61 s of routing)
            ;;
        grid-large)
            TRIPS=200200
            TRIP_OPTS=(--fringe-factor 1)
            SUMO_ROUTER=astar
            ;;
        liechtenstein)
            TRIPS=50000
            # length-weighted origins/destinations; edges at the network border that are
            # faster than 19 m/s (the main roads into CH/AT) get 5x weight: cross-border traffic
            # --validate: duarouter drops trips SUMO could not route (none expected after the
            # strongly-connected filter; kept as a guard for OSM turn restrictions)
            TRIP_OPTS=(-l --fringe-factor 5 --fringe-threshold 19
                       --validate --duarouter-routing-algorithm CH -r randomtrips.rou.xml)
            SUMO_ROUTER=CH      # CH: 3 s of routing, A* 28 s, Dijkstra 33 s
            ;;
        grid-tls)
            # issue 13's peak: 16 801 trips in the morning peak hour 07:00-08:00. randomTrips
            # at 16 820 veh/h draws 16 821, of which 20 have from = to: 16 801 kept.
            HOUR=25200
            TRIPS=16820
            TRIP_OPTS=(--fringe-factor 1)
            SUMO_ROUTER=astar
            ;;
        grid-congested)
            # the same grid and hour with more demand: queues at SUMO's signals spill back
            # over upstream junctions. SUMO's mean tt (junction control, 07-08 h, veh/h):
            # 40 000 -> 496 s, 45 000 -> 504 s, no teleports; 48 000 -> 758 s, 442 jam
            # teleports; 50 000 -> 3 405 s, 10 108 teleports (gridlock). A cliff, not a slope.
            HOUR=25200
            TRIPS=48000
            TRIP_OPTS=(--fringe-factor 1)
            SUMO_ROUTER=astar
            ;;
        helsinki-centre)
            # OSM's own signals (135 highway=traffic_signals nodes in the extract); the
            # morning peak hour 07:00-08:00, origins/destinations weighted by edge length, the
            # cut-off roads at the box border (fringe) 3x: through traffic
            HOUR=25200
            TRIPS=4000
            TRIP_OPTS=(-l --fringe-factor 3
                       --validate --duarouter-routing-algorithm CH -r randomtrips.rou.xml)
            SUMO_ROUTER=CH
            ;;
        *)  # --net/--trips/--name: nothing generated; CH is the fastest router on real nets
            TRIPS=0
            TRIP_OPTS=()
            SUMO_ROUTER=CH
            ;;
    esac
    [[ -n $TRIPS_OVERRIDE ]] && TRIPS=$TRIPS_OVERRIDE
    [[ -n $SUMO_ROUTER_ENV ]] && SUMO_ROUTER=$SUMO_ROUTER_ENV
    [[ $SUMO_ADAPTATION != 0 && -z $SUMO_ROUTER_ENV ]] && SUMO_ROUTER=dijkstra
    return 0
}

build_raw_net() {   # $1 case, writes raw.net.xml in cwd
    case "$1" in
        grid-small|grid-large)
            local n=10; [[ $1 == grid-large ]] && n=40
            # 1 lane per direction, 50 km/h, 200 m blocks, right-of-way junctions without
            # traffic lights. U-turns stay allowed (no --no-turnarounds): citytwin's graph
            # lets a route turn back at any node, and without them 11 % of the grid-small
            # trips took a 400 m detour around a block in SUMO only.
            netgenerate --grid --grid.number="$n" --grid.length=200 \
                --default.lanenumber 1 --default.speed 13.89 \
                --default-junction-type priority --tls.guess false \
                --seed "$SEED" -o raw.net.xml >netgenerate.log 2>&1 || { cat netgenerate.log >&2; die "netgenerate failed"; }
            ;;
        grid-tls|grid-congested)
            # issue 13's grid: 20x20 junctions, 200 m blocks, 2 lanes per direction, 50 km/h,
            # traffic lights guessed by netgenerate (every junction with 3 or 4 arms: static
            # program, 90 s cycle = 2 x (42 s green + 3 s yellow), offset 0; the 4 corners stay
            # priority junctions). U-turns allowed as in grid-small.
            netgenerate --grid --grid.number=20 --grid.length=200 \
                --default.lanenumber 2 --default.speed 13.89 --tls.guess true \
                --seed "$SEED" -o raw.net.xml >netgenerate.log 2>&1 || { cat netgenerate.log >&2; die "netgenerate failed"; }
            ;;
        liechtenstein|helsinki-centre)
            local pbf="$DATA_DIR/liechtenstein/liechtenstein-2013-08-03.osm.pbf"
            [[ $1 == helsinki-centre ]] && pbf="$DATA_DIR/helsinki-centre/helsinki-centre.osm.pbf"
            [[ -f $pbf ]] || die "$pbf not found (set CITYTWIN_DATA_DIR, or scripts/fetch-data.sh $1)"
            # SUMO 1.15's netconvert reads OSM XML only, not PBF: convert with osmium first.
            need osmium "apt-get install -y osmium-tool (netconvert cannot read .osm.pbf)"
            osmium cat --overwrite -o city.osm "$pbf"
            # passenger roads only (the standard type map; highway=service/track/... do not
            # allow passenger cars there), geometry nodes removed, ramps guessed, junction
            # clusters joined, UTM projection. Signals: netconvert's defaults, i.e. every OSM
            # highway=traffic_signals node kept as a junction becomes a traffic light with a
            # generated static program (README: OSM signals)
            netconvert --osm-files city.osm \
                --type-files "$SUMO_HOME/data/typemap/osmNetconvert.typ.xml" \
                --keep-edges.by-vclass passenger --remove-edges.isolated \
                --geometry.remove --ramps.guess --junctions.join --roundabouts.guess \
                --proj.utm --output.street-names --seed "$SEED" \
                -o raw.net.xml >netconvert.log 2>&1 || { tail -20 netconvert.log >&2; die "netconvert failed"; }
            ;;
        *)  cp "$BYO_NET" raw.net.xml ;;
    esac
}

prepare_case() {    # $1 case, in cwd = work dir
    local c=$1
    rm -rf tripinfo.xml sumo.log sumo.time citytwin.json citytwin.log citytwin.time results.gpkg summary*.json \
        sumo-junctions sumo-plain citytwin-junctions citytwin-plain
    log "$c: network"
    build_raw_net "$c"
    # Keep the largest set of mutually reachable passenger edges: citytwin keeps the largest
    # strongly connected component of its graph, so both then drive on the same edges.
    $PY scc --net raw.net.xml --out keep-edges.txt
    netconvert -s raw.net.xml --keep-edges.input-file keep-edges.txt -o scc.net.xml >netconvert-scc.log 2>&1 \
        || { tail -20 netconvert-scc.log >&2; die "netconvert (scc) failed"; }
    # Give every SUMO edge the length of the polyline citytwin gets (junction to junction):
    # SUMO's own lane lengths stop at the junction shape and meso skips the junction.
    local cur=scc.net.xml i rc
    for i in 1 2 3; do
        rc=0; $PY lengths --net "$cur" --out lengths.edg.xml || rc=$?
        [[ $rc -eq 3 ]] && break
        [[ $rc -eq 0 ]] || die "sumobench.py lengths failed"
        netconvert -s "$cur" -e lengths.edg.xml -o "net$i.net.xml" >netconvert-lengths.log 2>&1 \
            || { tail -20 netconvert-lengths.log >&2; die "netconvert (lengths) failed"; }
        cur="net$i.net.xml"
    done
    cp "$cur" net.net.xml
    rm -f net[0-9].net.xml
    $PY export --net net.net.xml --dir .

    log "$c: trips"
    local input=randomtrips.xml
    if [[ -n $BYO_NET ]]; then
        input="$BYO_TRIPS"
    elif [[ -n $HOUR ]]; then
        # one hour at a constant rate of $TRIPS veh/h
        python3 "$SUMO_HOME/tools/randomTrips.py" -n net.net.xml --seed "$SEED" -b "$HOUR" -e "$((HOUR + 3600))" \
            --insertion-rate "$TRIPS" "${TRIP_OPTS[@]}" --vclass passenger \
            -o randomtrips.xml >randomtrips.log 2>&1 \
            || { tail -20 randomtrips.log >&2; die "randomTrips.py failed"; }
    else
        local rates
        read -r -a rates <<<"$($PY rates --trips "$TRIPS")"
        # hourly insertion rates of a weekday profile (two peaks) summing to $TRIPS
        python3 "$SUMO_HOME/tools/randomTrips.py" -n net.net.xml --seed "$SEED" -b 0 -e 86400 \
            --insertion-rate "${rates[@]}" "${TRIP_OPTS[@]}" --vclass passenger \
            -o randomtrips.xml >randomtrips.log 2>&1 \
            || { tail -20 randomtrips.log >&2; die "randomTrips.py failed"; }
    fi
    $PY trips --net net.net.xml --input "$input" --rou trips.rou.xml --csv trips.csv
    # both begin at the hour of the first departure (trips.csv.begin)
    $PY scenario --dir . --case "$c" --start "$(cat trips.csv.begin)" --end "$END"
    $PY scenario --dir . --case "$c" --start "$(cat trips.csv.begin)" --end "$END" --no-junctions --prefix scenario-plain
    # the same with the routes written, for --same-routes
    $PY scenario --dir . --case "$c" --start "$(cat trips.csv.begin)" --end "$END" --prefix scenario-routes --write-routes
    $PY scenario --dir . --case "$c" --start "$(cat trips.csv.begin)" --end "$END" --no-junctions \
        --prefix scenario-plain-routes --write-routes
    stamp_of "$c" >prepared.ok
}

# prepared inputs are reused while the case, its trip options and the preparation code are unchanged
stamp_of() {
    echo "$1 $SEED $TRIPS $HOUR ${TRIP_OPTS[*]} $( { cat "$HERE/sumobench.py"; declare -f build_raw_net prepare_case;
        [[ -z $BYO_NET ]] || cat "$BYO_NET" "$BYO_TRIPS"; } | sha256sum | cut -c1-16)"
}

citytwin_has_run() {
    [[ -x $CITYTWIN ]] || { CT_REASON="no citytwin binary at $CITYTWIN (build it, or set CITYTWIN)"; return 1; }
    if ! "$CITYTWIN" run --help >/dev/null 2>&1; then
        CT_REASON="'citytwin run' is not available yet in $CITYTWIN (unknown subcommand)"
        return 1
    fi
    return 0
}

run_case() {
    local c=$1
    case_config "$c"
    local work="$WORK_ROOT/$c"
    [[ -n $TRIPS_OVERRIDE ]] && work="$WORK_ROOT/$c-$TRIPS"
    mkdir -p "$work"
    cd "$work"
    local stamp
    stamp="$(stamp_of "$c")"
    if [[ $REBUILD -eq 1 || ! -f prepared.ok || "$(cat prepared.ok)" != "$stamp" ]]; then
        rm -f prepared.ok
        prepare_case "$c"
    else
        log "$c: reusing network and trips in $work (--rebuild to regenerate)"
    fi

    local begin sd="sumo-$MODE" cd="citytwin-$MODE"
    begin="$(cat trips.csv.begin)"
    mkdir -p "$sd" "$cd"
    if [[ $ROUTE_CHOICE -eq 1 ]]; then
        local jflag=()
        [[ $JUNCTION_CONTROL -eq 1 ]] || jflag=(--no-junctions)
        $PY scenario --dir . --case "$c" --start "$begin" --end "$END" "${jflag[@]}" --prefix "$SCENARIO" \
            --iterations "$CHOICE_ITERATIONS"
    fi

    # network check: citytwin's graph from network.geojson against the SUMO net
    if [[ -x $CITYTWIN ]]; then
        if "$CITYTWIN" -q info --city "${SCENARIO}_without_demand.yaml" --json >"$cd/citytwin-info.json" 2>"$cd/citytwin-info.log"; then
            $PY check --info "$cd/citytwin-info.json" --netinfo net-info.json || log "$c: WARNING: network counts differ (see above)"
        else
            log "$c: citytwin info failed: $(tail -3 "$cd/citytwin-info.log")"
        fi
    fi

    local sumo_rou=trips.rou.xml ct_flag=() CT_REASON="--no-citytwin"
    if [[ $SAME_ROUTES -eq 1 ]]; then
        # citytwin first; SUMO then drives exactly citytwin's routes (vehicles with <route>)
        run_citytwin_side
        [[ ${#ct_flag[@]} -gt 0 ]] || die "--same-routes needs a citytwin run: $CT_REASON"
        sumo_rou="$sd/replay.rou.xml"
        $PY replay --net net.net.xml --gpkg "$cd/results.gpkg" --rou "$sumo_rou"
    fi

    if [[ $RUN_SUMO -eq 1 ]]; then
        rm -f "$sd"/sumo.time.* "$sd/tripinfo.xml" "$sd/sumo.log"
        local i rc
        for ((i = 1; i <= REPEAT; i++)); do
            log "$c: sumo, $MODE_LABEL ($(grep -c -E '<(trip|vehicle) ' "$sumo_rou") trips), run $i of $REPEAT"
            rc=0
            # no --end: SUMO would step an empty network up to it; it stops when the last
            # vehicle has arrived (teleporting after 300 s ends any gridlock)
            /usr/bin/time -v -o "$sd/sumo.time.$i" sumo -n net.net.xml -r "$sumo_rou" \
                "${SUMO_MODEL_OPTS[@]}" \
                --routing-algorithm "$SUMO_ROUTER" \
                --device.rerouting.adaptation-interval "$SUMO_ADAPTATION" \
                --device.rerouting.threads "$THREADS" \
                --begin "$begin" --time-to-teleport 300 --seed "$SEED" \
                --no-step-log true --duration-log.statistics true \
                --tripinfo-output "$sd/tripinfo.xml" >"$sd/sumo.log" 2>&1 || rc=$?
            [[ $rc -eq 0 ]] || { tail -20 "$sd/sumo.log" >&2; die "sumo failed (exit $rc), see $work/$sd/sumo.log"; }
        done
    fi

    [[ $SAME_ROUTES -eq 1 ]] || run_citytwin_side
    [[ ${#ct_flag[@]} -eq 0 && $RUN_CITYTWIN -eq 1 ]] && echo "citytwin: NOT RUN: $CT_REASON" >&2
    # with --no-sumo the previous SUMO run of the same inputs and mode (if any) is reported
    [[ $RUN_SUMO -eq 1 || -f $sd/tripinfo.xml ]] || log "$c: no SUMO results in $work/$sd"
    local jd=()
    [[ $JUNCTION_CONTROL -eq 1 ]] && jd=(--junction-data)
    $PY report --dir . --case "$c" --sumo-dir "$sd" --citytwin-dir "$cd" --mode "$MODE_LABEL" --mode-tag "$MODE" \
        --rou "$sumo_rou" "${jd[@]}" "${ct_flag[@]}" --citytwin-reason="$CT_REASON"
    echo
}

# citytwin's runs of the case (sets ct_flag and CT_REASON in run_case's scope)
run_citytwin_side() {
    if [[ $RUN_CITYTWIN -eq 1 ]] && citytwin_has_run; then
        rm -f "$cd"/citytwin.time.*
        local i rc=0
        for ((i = 1; i <= REPEAT && rc == 0; i++)); do
            log "$c: citytwin run --threads $THREADS ($SCENARIO.yaml), run $i of $REPEAT"
            rm -f "$cd/results.gpkg"
            /usr/bin/time -v -o "$cd/citytwin.time.$i" "$CITYTWIN" run "$SCENARIO.yaml" --out "$cd/results.gpkg" \
                --json --threads "$THREADS" >"$cd/citytwin.json" 2>"$cd/citytwin.log" || rc=$?
        done
        if [[ $rc -eq 0 ]]; then
            ct_flag=(--citytwin-ran)
        else
            CT_REASON="citytwin run failed (exit $rc): $(tail -2 "$cd/citytwin.log" | tr '\n' ' ')"
        fi
    fi
}

for c in "${CASES[@]}"; do
    run_case "$c"
done
