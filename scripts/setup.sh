#!/usr/bin/env bash
# One command from a fresh Debian 12 machine to a built citytwin that has loaded the
# default city: installs the Debian packages (only what is missing), configures and
# builds (Release, Ninja), then runs the main job on Monaco.
#
#   scripts/setup.sh            install + build + run the Monaco job
#   scripts/setup.sh --no-run   install + build only (what scripts/test.sh uses)
#   scripts/setup.sh --no-build install only
#
# Safe to re-run: installed packages are skipped, the build is incremental.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
build_dir=${CITYTWIN_BUILD_DIR:-$repo/build}
run_demo=1
run_build=1
for arg in "$@"; do
  case "$arg" in
    --no-run) run_demo=0 ;;
    --no-build) run_build=0; run_demo=0 ;;
    -h|--help) sed -n '2,11p' "$0"; exit 0 ;;
    *) echo "setup.sh: unknown option '$arg' (see --help)" >&2; exit 2 ;;
  esac
done

packages=(
  build-essential cmake ninja-build pkg-config git curl ca-certificates
  libgdal-dev gdal-bin libproj-dev proj-bin          # map I/O and coordinates
  libtbb-dev libboost-dev                            # parallel core, geometry + R-trees
  libopenscenegraph-dev openscenegraph               # 3D viewer
  libyaml-cpp-dev libcli11-dev nlohmann-json3-dev libfmt-dev
  libgtest-dev libgmock-dev libbenchmark-dev         # tests and benchmarks
  xvfb xauth fonts-dejavu-core libgl1-mesa-dri       # tests that draw run under xvfb-run (software GL)
  osmium-tool python3                                # scripts/fetch-data.sh and its test
  pybind11-dev python3-dev python3-numpy python3-matplotlib   # the Python module and its examples
  openmpi-bin libopenmpi-dev                         # citytwin sweep under mpirun
)

install_missing_packages() {
  local missing=()
  for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  if [ ${#missing[@]} -eq 0 ]; then
    echo "setup: all ${#packages[@]} Debian packages present"
    return
  fi
  echo "setup: installing ${missing[*]}"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -q
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends "${missing[@]}"
}

build() {
  cmake -S "$repo" -B "$build_dir" -G Ninja -DCMAKE_BUILD_TYPE=Release
  cmake --build "$build_dir" --parallel "$(nproc)"
}

run_main_job() {
  local out="$repo/out"
  mkdir -p "$out"
  echo
  echo "== citytwin on the default city (Monaco, OpenStreetMap 2021) =="
  "$build_dir/app/citytwin" info --city "$repo/scenarios/monaco/baseline.yaml"
  echo
  "$build_dir/app/citytwin" run "$repo/scenarios/monaco/baseline.yaml" --out "$out/monaco.gpkg"
  echo "open $out/monaco.gpkg in QGIS: links (join link_flows on link_id), buildings, trips, vehicle_positions"
}

install_missing_packages
[ "$run_build" -eq 0 ] || build
[ "$run_demo" -eq 0 ] || run_main_job
