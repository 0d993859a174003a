#!/usr/bin/env python3
"""Travel-time distribution per district from a result GeoPackage: something the CLI
does not compute. Each car trip is given the district its origin link starts in.

    build/app/citytwin run scenarios/monaco/baseline.yaml --out monaco.gpkg
    PYTHONPATH=build/python python3 python/examples/travel_time_by_district.py monaco.gpkg --plot tt.png
"""
import argparse
import re
import sys

import numpy as np

import citytwin


def rings_of(wkt):
    """Every ring (outer and holes, every part) of a (MULTI)POLYGON WKT."""
    return [[tuple(map(float, p.split()[:2])) for p in ring.split(",")] for ring in re.findall(r"\(([^()]+)\)", wkt)]


def inside(x, y, rings):
    """Even-odd rule over all rings: right for holes and for several parts."""
    crossings = 0
    for ring in rings:
        j = len(ring) - 1
        for i in range(len(ring)):
            (xi, yi), (xj, yj) = ring[i], ring[j]
            if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
                crossings += 1
            j = i
    return crossings % 2 == 1


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("result", help="a result GeoPackage of `citytwin run --out`")
    ap.add_argument("--plot", help="also write box plots to this PNG")
    args = ap.parse_args()

    r = citytwin.open_results(args.result)
    trips = r.table("trips")
    links = r.table("links", geometry=True)
    districts = r.table("districts", geometry=True)
    # A link starts at the first point of its LINESTRING.
    start = {int(i): tuple(map(float, wkt[wkt.index("(") + 1:].split(",")[0].split()[:2]))
             for i, wkt in zip(links["link_id"], links["wkt"])}
    shapes = [(name, rings_of(wkt)) for name, wkt in zip(districts["name"], districts["wkt"])]

    ok = np.array([s == "arrived" for s in trips["status"]])
    tt = trips["travel_time_s"][ok]
    origin = trips["origin_link"][ok].astype(int)
    by_district = {}
    for link, t in zip(origin, tt):
        x, y = start[link]
        name = next((n for n, rings in shapes if inside(x, y, rings)), "outside the quarters")
        by_district.setdefault(name, []).append(t)

    print(f"{'district':<20} {'trips':>7} {'mean s':>8} {'p50 s':>7} {'p90 s':>7} {'p99 s':>7}")
    for name in sorted(by_district, key=lambda n: -len(by_district[n])):
        v = np.array(by_district[name])
        print(f"{name:<20} {len(v):>7} {v.mean():>8.1f} {np.percentile(v, 50):>7.0f} {np.percentile(v, 90):>7.0f} "
              f"{np.percentile(v, 99):>7.0f}")
    if args.plot:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
        names = sorted(by_district, key=lambda n: -len(by_district[n]))
        fig, ax = plt.subplots(figsize=(9, 4))
        ax.boxplot([by_district[n] for n in names], labels=names, showfliers=False)
        ax.set(ylabel="car travel time (s)", title="Car travel time by district of origin")
        ax.tick_params(axis="x", rotation=30)
        fig.tight_layout()
        fig.savefig(args.plot, dpi=120)
        print(f"wrote {args.plot}", file=sys.stderr)


if __name__ == "__main__":
    main()
