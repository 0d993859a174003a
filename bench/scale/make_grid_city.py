#!/usr/bin/env python3
"""Writes a synthetic grid city for the mobility scale benchmark: a road network
(GeoJSON, two-way streets, arterials every 5th line) and a day of trips (CSV) with
morning and evening peaks. Seeded: the same arguments give the same files.

  make_grid_city.py OUTDIR --size 100 --spacing 200 --trips 1000000 --seed 1
"""
import argparse
import json
import math
import os
import random

ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
ap.add_argument("outdir")
ap.add_argument("--size", type=int, default=100, help="intersections per side")
ap.add_argument("--spacing", type=float, default=200.0, help="metres between intersections")
ap.add_argument("--trips", type=int, default=1_000_000)
ap.add_argument("--seed", type=int, default=1)
a = ap.parse_args()
os.makedirs(a.outdir, exist_ok=True)

X0, Y0 = 400000.0, 6150000.0          # somewhere in UTM 33N (EPSG:32633)
n, s = a.size, a.spacing


def street(points, arterial):
    return {"type": "Feature",
            "properties": {"highway": "primary" if arterial else "residential",
                           "maxspeed": "50" if arterial else "30",
                           "lanes": "4" if arterial else "2"},
            "geometry": {"type": "LineString", "coordinates": points}}


features = []
for i in range(n):
    for j in range(n - 1):
        # one feature per block so every intersection is a shared vertex
        features.append(street([[X0 + i * s, Y0 + j * s], [X0 + i * s, Y0 + (j + 1) * s]], i % 5 == 0))
        features.append(street([[X0 + j * s, Y0 + i * s], [X0 + (j + 1) * s, Y0 + i * s]], i % 5 == 0))
with open(os.path.join(a.outdir, "grid.geojson"), "w") as f:
    json.dump({"type": "FeatureCollection",
               "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::32633"}},
               "features": features}, f)

rng = random.Random(a.seed)
extent = (n - 1) * s


def departure():
    u = rng.random()
    if u < 0.35:
        t = rng.gauss(8 * 3600, 3600)
    elif u < 0.7:
        t = rng.gauss(17 * 3600, 3600)
    else:
        t = rng.uniform(6 * 3600, 22 * 3600)
    return int(min(max(t, 0), 86399))


with open(os.path.join(a.outdir, "trips.csv"), "w") as f:
    f.write("id,departure,origin_x,origin_y,destination_x,destination_y\n")
    for k in range(a.trips):
        ox, oy = X0 + rng.uniform(0, extent), Y0 + rng.uniform(0, extent)
        # destinations within a few km: trips of a city, not of a country
        r, th = abs(rng.gauss(0, extent / 6)), rng.uniform(0, 2 * math.pi)
        dx = min(max(ox + r * math.cos(th), X0), X0 + extent)
        dy = min(max(oy + r * math.sin(th), Y0), Y0 + extent)
        f.write(f"{k},{departure()},{ox:.1f},{oy:.1f},{dx:.1f},{dy:.1f}\n")

with open(os.path.join(a.outdir, "scenario.yaml"), "w") as f:
    f.write(f"""name: grid-{n}x{n}-{a.trips}
seed: {a.seed}
city:
  name: grid {n}x{n}
  crs: EPSG:32633
  roads:
    source: {os.path.abspath(os.path.join(a.outdir, 'grid.geojson'))}
    class_field: highway
    speed_field: maxspeed
    lanes_field: lanes
demand:
  trips:
    source: {os.path.abspath(os.path.join(a.outdir, 'trips.csv'))}
    crs: EPSG:32633
mobility:
  iterations: 1
""")
print(f"{len(features)} street features, {a.trips} trips -> {a.outdir}")
