#!/usr/bin/env python3
"""Helpers for bench/sumo/compare.sh: put one SUMO network and one trip set into the
form citytwin reads, and compare the two simulators' results.

Only the Python standard library and sumolib (from sumo-tools, found through
$SUMO_HOME/tools) are used. Subcommands (see --help of each):

  scc       keep list: the largest strongly connected set of passenger edges
  lengths   edge-length patch so SUMO's edge lengths equal the exported polylines
  export    network.geojson (one LineString per SUMO edge, integer ids, signal greens),
            junctions.geojson (one point per junction), restrictions.csv (turns SUMO has no
            connection for) + net-info.json
  rates     hourly insertion rates (vehicles/h) for randomTrips.py --insertion-rate
  trips     randomTrips/duarouter output -> SUMO trips (integer departures, departPos at the edge end)
            and trips.csv for citytwin
  scenario  scenario.yaml and scenario_without_demand.yaml
  check     citytwin `info --json` against the SUMO edge/junction counts
  report    the comparison table
"""
import argparse
import csv
import json
import math
import os
import re
import sys
import xml.etree.ElementTree as ET

sys.path.append(os.path.join(os.environ.get("SUMO_HOME", "/usr/share/sumo"), "tools"))
import sumolib  # noqa: E402

# netgenerate grids have no geo-reference: they are placed, unchanged in scale, at this
# made-up offset in EPSG:32633 (a plausible UTM 33N position, ~55.5 N) so that any
# reprojection code sees sane projected coordinates.
GRID_EPSG = 32633
GRID_FALSE_OFFSET = (500000.0, 6150000.0)

# SUMO meso defaults (sumo 1.15): --meso-tauff 1.13 s; the default passenger car is
# 5 m long with 2.5 m minGap. A queue of a free segment releases one vehicle every
# tau_ff + lengthWithGap / speed seconds per lane (MESegment::tauWithVehLength).
MESO_TAU_FF = 1.13
VEH_LENGTH_WITH_GAP = 7.5

CITYTWIN_CLASSES = {
    "motorway", "motorway_link", "trunk", "trunk_link", "primary", "primary_link", "secondary",
    "secondary_link", "tertiary", "tertiary_link", "unclassified", "residential", "living_street",
    "service", "road",
}

# Share of the day's car trips starting in each hour (typical weekday curve, two peaks).
HOUR_PROFILE = [0.8, 0.5, 0.4, 0.4, 0.6, 1.5, 4.0, 7.5, 7.5, 5.5, 5.0, 5.2,
                5.5, 5.5, 5.8, 6.5, 7.8, 8.0, 6.5, 4.5, 3.3, 2.6, 2.0, 1.4]

SNAP = 0.01  # citytwin's default snap tolerance (m)


def read_net(path):
    return sumolib.net.readNet(path, withInternal=False, withConnections=True)


def normal_edges(net):
    return [e for e in net.getEdges() if e.getFunction() in ("", "normal")]


# --------------------------------------------------------------------------- geometry

def world_transform(net):
    """(epsg, function net-xy -> world-xy). OSM nets: UTM of --proj.utm; grids: made up."""
    proj = net._location.get("projParameter", "!")
    ox, oy = net.getLocationOffset()
    m = re.search(r"\+zone=(\d+)", proj)
    if m and "+proj=utm" in proj:
        epsg = (32700 if "+south" in proj else 32600) + int(m.group(1))
        return epsg, (lambda x, y: (x - ox, y - oy)), False
    if proj not in ("!", ""):
        sys.exit("sumobench: the net's projection '%s' is not UTM; rebuild it with --proj.utm" % proj)
    fx, fy = GRID_FALSE_OFFSET
    return GRID_EPSG, (lambda x, y: (x - ox + fx, y - oy + fy)), True


def edge_polyline(edge, to_world):
    """The edge as citytwin will see it: exactly from its from-junction to its to-junction
    (so both directions and all edges of a junction share that vertex), through the
    edge's lane geometry in between (lanes lie right of the road axis, so the two edges of
    a two-way street never overlap and a point on one is unambiguous), in mm."""
    def w(p):
        x, y = to_world(p[0], p[1])
        return (round(x, 3), round(y, 3))
    start = w(edge.getFromNode().getCoord())
    end = w(edge.getToNode().getCoord())
    inner = [w(p) for p in edge.getShape()]
    pts = [start]
    for p in inner:
        if math.dist(p, pts[-1]) >= SNAP:
            pts.append(p)
    while len(pts) > 1 and math.dist(pts[-1], end) < SNAP:
        pts.pop()
    pts.append(end)
    return pts


def all_polylines(net, to_world):
    """edge id -> polyline for every normal edge, cleaned so that citytwin's graph has
    exactly one link per edge: an interior vertex that lies within 1 cm of a vertex of
    another (or the same) polyline would make citytwin split the line there, so it is
    dropped (this happens where a junction has no area and the lanes of consecutive
    edges meet in one point beside the junction). Returns (polylines, dropped vertices)."""
    lines = {e.getID(): edge_polyline(e, to_world) for e in normal_edges(net)}
    cell = 2 * SNAP
    dropped = 0
    while True:
        grid = {}
        for eid, pts in lines.items():
            for i, p in enumerate(pts):
                grid.setdefault((math.floor(p[0] / cell), math.floor(p[1] / cell)), []).append((eid, i, p))
        bad = set()
        for eid, pts in lines.items():
            for i in range(1, len(pts) - 1):
                p = pts[i]
                cx, cy = math.floor(p[0] / cell), math.floor(p[1] / cell)
                for dx in (-1, 0, 1):
                    for dy in (-1, 0, 1):
                        for other, j, q in grid.get((cx + dx, cy + dy), ()):
                            if (other != eid or abs(j - i) > 1) and math.dist(p, q) < 1.5 * SNAP:
                                bad.add((eid, i))
        if not bad:
            return lines, dropped
        for eid in {e for e, _ in bad}:
            idx = {i for e, i in bad if e == eid}
            lines[eid] = [p for i, p in enumerate(lines[eid]) if i not in idx]
        dropped += len(bad)


def polyline_length(pts):
    return sum(math.dist(a, b) for a, b in zip(pts, pts[1:]))


def point_at(pts, frac):
    target = polyline_length(pts) * frac
    for a, b in zip(pts, pts[1:]):
        d = math.dist(a, b)
        if target <= d and d > 0:
            t = target / d
            return (a[0] + t * (b[0] - a[0]), a[1] + t * (b[1] - a[1]))
        target -= d
    return pts[-1]


def seg_dist(p, a, b):
    ax, ay = a
    dx, dy = b[0] - ax, b[1] - ay
    L2 = dx * dx + dy * dy
    t = 0.0 if L2 == 0 else max(0.0, min(1.0, ((p[0] - ax) * dx + (p[1] - ay) * dy) / L2))
    return math.hypot(p[0] - ax - t * dx, p[1] - ay - t * dy)


class SegmentGrid:
    """Uniform grid over polyline segments: nearest polyline to a point."""

    def __init__(self, polylines, cell=100.0):
        self.cell = cell
        self.lines = polylines
        self.grid = {}
        for key, pts in polylines.items():
            for a, b in zip(pts, pts[1:]):
                for cx in range(int(math.floor(min(a[0], b[0]) / cell)), int(math.floor(max(a[0], b[0]) / cell)) + 1):
                    for cy in range(int(math.floor(min(a[1], b[1]) / cell)), int(math.floor(max(a[1], b[1]) / cell)) + 1):
                        self.grid.setdefault((cx, cy), []).append((key, a, b))

    def nearest_two(self, p):
        """[(dist, key), (dist, key)] of the two nearest distinct polylines within 1 cell."""
        cx, cy = int(math.floor(p[0] / self.cell)), int(math.floor(p[1] / self.cell))
        best = {}
        for i in (-1, 0, 1):
            for j in (-1, 0, 1):
                for key, a, b in self.grid.get((cx + i, cy + j), ()):
                    d = seg_dist(p, a, b)
                    if d < best.get(key, 1e300):
                        best[key] = d
        return sorted((d, k) for k, d in best.items())[:2]


# --------------------------------------------------------------------------- scc

def cmd_scc(a):
    net = read_net(a.net)
    edges = [e for e in normal_edges(net) if e.allows("passenger") and e.getFromNode() != e.getToNode()]
    # OSM sometimes has the same road twice (two ways over the same nodes): SUMO then has two
    # edges with one geometry, which citytwin cannot tell apart; keep the first id only
    seen = {}
    kept = []
    for e in sorted(edges, key=lambda e: e.getID()):
        shape = e.getShape()
        key = (e.getFromNode().getID(), e.getToNode().getID())
        if any(len(shape) == len(o) and all(math.dist(p, q) < 0.05 for p, q in zip(shape, o))
               for o in seen.get(key, ())):
            continue
        seen.setdefault(key, []).append(shape)
        kept.append(e)
    duplicates = len(edges) - len(kept)
    edges = kept
    ids = {e.getID() for e in edges}
    succ = {e.getID(): sorted({t.getID() for t in e.getAllowedOutgoing("passenger") if t.getID() in ids})
            for e in edges}
    # iterative Tarjan
    index, low, on, stack, comps = {}, {}, set(), [], []
    counter = 0
    for root in sorted(ids):
        if root in index:
            continue
        work = [(root, 0)]
        while work:
            v, i = work.pop()
            if i == 0:
                index[v] = low[v] = counter
                counter += 1
                stack.append(v)
                on.add(v)
            recurse = False
            nbrs = succ[v]
            while i < len(nbrs):
                w = nbrs[i]
                i += 1
                if w not in index:
                    work.append((v, i))
                    work.append((w, 0))
                    recurse = True
                    break
                if w in on:
                    low[v] = min(low[v], index[w])
            if recurse:
                continue
            if low[v] == index[v]:
                comp = []
                while True:
                    w = stack.pop()
                    on.discard(w)
                    comp.append(w)
                    if w == v:
                        break
                comps.append(comp)
            if work:
                u = work[-1][0]
                low[u] = min(low[u], low[v])
    best = max(comps, key=len) if comps else []
    with open(a.out, "w") as f:
        for e in sorted(best):
            f.write(e + "\n")
    print("scc: %d of %d normal edges kept (%d passenger edges, %d duplicates dropped, %d components)"
          % (len(best), len(normal_edges(net)), len(edges), duplicates, len(comps)), file=sys.stderr)


# --------------------------------------------------------------------------- lengths

def cmd_lengths(a):
    net = read_net(a.net)
    _, to_world, _ = world_transform(net)
    worst = 0.0
    changed = 0
    lines, _ = all_polylines(net, to_world)
    with open(a.out, "w") as f:
        f.write("<edges>\n")
        for e in sorted(normal_edges(net), key=lambda e: e.getID()):
            L = max(0.1, polyline_length(lines[e.getID()]))
            d = abs(L - e.getLength())
            worst = max(worst, d)
            if d > 0.005:
                changed += 1
            f.write('    <edge id="%s" length="%.2f"/>\n' % (sumolib.xml.quoteattr(e.getID())[1:-1], L))
        f.write("</edges>\n")
    print("lengths: %d edges differ from the polyline length (max %.2f m before the patch)"
          % (changed, worst), file=sys.stderr)
    # exit status 3 = nothing to patch any more
    return 0 if worst > 0.02 else 3


# --------------------------------------------------------------------------- junctions

# SUMO junction type -> citytwin `control` (city.junctions layer). Types not listed
# (dead_end, rail_signal, rail_crossing, district, ...) get no point: citytwin's own default.
JUNCTION_CONTROL = {
    "traffic_light": "signal",
    "traffic_light_unregulated": "signal",     # a signal without conflict checks in SUMO
    "traffic_light_right_on_red": "signal",
    "priority": "priority",
    "priority_stop": "priority",               # minor roads stop first; citytwin: priority
    "right_before_left": "uncontrolled",
    "left_before_right": "uncontrolled",
    "allway_stop": "stop",
    "zipper": "uncontrolled",
    "unregulated": "uncontrolled",
}
# tlLogic link states a vehicle may pass on: everything but red ('r') and red-yellow ('u').
# G/g green (major/minor), y/Y yellow (SUMO lets a vehicle pass that cannot stop; counted as
# green whole, a simplification), o/O signal off, s green right-turn arrow (stop, then go).
PASSABLE_STATES = set("GgyYoOs")


def read_tl_logics(net_path):
    """tlLogic id -> (cycle s, offset s, [(duration s, state)]) of program '0' (else the first)."""
    logics = {}
    for _, el in ET.iterparse(net_path):
        if el.tag == "tlLogic":
            tid = el.get("id")
            phases = [(float(p.get("duration")), p.get("state")) for p in el.findall("phase")]
            if tid not in logics or el.get("programID") == "0":
                cycle = sum(d for d, _ in phases)
                logics[tid] = (cycle, float(el.get("offset", "0")), phases)
            el.clear()
        elif el.tag in ("edge", "junction", "connection"):
            el.clear()
    return logics


def green_window(phases, links):
    """(start s, duration s, windows) of the green of a set of link indices within the cycle
    (0 = start of phase 0). A phase is green when any link's state is passable. Runs of green
    phases are merged across the cycle end; with several disjoint runs the longest is taken
    (windows > 1 tells the caller). (None, None, 0) when never green."""
    green = [any(i < len(s) and s[i] in PASSABLE_STATES for i in links) for _, s in phases]
    cycle = sum(d for d, _ in phases)
    if all(green):
        return 0.0, cycle, 1
    if not any(green):
        return None, None, 0
    starts = [0.0]
    for d, _ in phases[:-1]:
        starts.append(starts[-1] + d)
    n = len(phases)
    first_red = green.index(False)
    runs = []   # walk once around the cycle, starting at a red phase
    cur = None
    for k in range(first_red, first_red + n + 1):
        i = k % n
        if green[i] and k < first_red + n:
            if cur is None:
                cur = [starts[i], 0.0]
            cur[1] += phases[i][0]
        elif cur is not None:
            runs.append(cur)
            cur = None
    best = max(runs, key=lambda r: r[1])   # max keeps the first of equal ones
    return best[0], best[1], len(runs)


def turn_kind(e, f):
    """OSM-style restriction value for a turn e -> f that SUMO has no connection for."""
    if f.getToNode() == e.getFromNode():
        return "no_u_turn"
    a = e.getShape()
    b = f.getShape()
    h1 = math.atan2(a[-1][1] - a[-2][1], a[-1][0] - a[-2][0])
    h2 = math.atan2(b[1][1] - b[0][1], b[1][0] - b[0][0])
    turn = math.degrees((h2 - h1 + math.pi) % (2 * math.pi) - math.pi)   # > 0: left
    if abs(turn) < 30:
        return "no_straight_on"
    return "no_left_turn" if turn > 0 else "no_right_turn"


def junction_data(net, net_path, edges, edge_fid, to_world):
    """What citytwin needs of SUMO's junctions, for the edges it gets:
    points (one per junction, exact coordinates), per in-edge signal greens, and the turns
    SUMO has no connection for. Returns (point features, {edge id: (start, duration)},
    restriction rows, stats)."""
    logics = read_tl_logics(net_path)
    kept = {e.getID() for e in edges}
    roundabout_nodes = set()
    for r in net.getRoundabouts():
        roundabout_nodes.update(r.getNodes())
    nodes = {}
    for e in edges:
        for n in (e.getFromNode(), e.getToNode()):
            nodes[n.getID()] = n
    stats = {"control": {}, "skipped_types": {}, "signal_in_edges": 0, "signal_in_edges_never_green": 0,
             "signal_in_edges_two_windows": 0, "signal_in_edges_uncontrolled": 0, "tls_programs": 0,
             "restrictions": {}}
    points = []
    tls_used = set()
    for nid in sorted(nodes):
        n = nodes[nid]
        t = n.getType()
        control = "roundabout" if nid in roundabout_nodes else JUNCTION_CONTROL.get(t)
        if control is None:
            stats["skipped_types"][t] = stats["skipped_types"].get(t, 0) + 1
            continue
        props = {"control": control, "cycle_s": None, "offset_s": None, "sumo_id": nid, "sumo_type": t, "tls": None}
        if control == "signal":
            tls = sorted({c.getTLSID() for e in n.getIncoming() if e.getID() in kept
                          for conns in e.getOutgoing().values() for c in conns if c.getTLSID()})
            if tls and tls[0] in logics:
                cycle, offset, _ = logics[tls[0]]
                props.update(cycle_s=cycle, offset_s=offset % cycle if cycle > 0 else 0.0, tls=tls[0])
                tls_used.add(tls[0])
        stats["control"][control] = stats["control"].get(control, 0) + 1
        x, y = to_world(*n.getCoord())
        points.append({"type": "Feature", "id": len(points), "properties": props,
                       "geometry": {"type": "Point", "coordinates": [round(x, 3), round(y, 3)]}})
    stats["tls_programs"] = len(tls_used)

    greens = {}
    movement_greens = []
    for e in edges:
        links_by_tls = {}
        for conns in e.getOutgoing().values():
            for c in conns:
                if c.getTLSID():
                    links_by_tls.setdefault(c.getTLSID(), set()).add(c.getTLLinkIndex())
        to_type = e.getToNode().getType()
        if not to_type.startswith("traffic_light") or e.getToNode().getID() in roundabout_nodes:
            continue
        stats["signal_in_edges"] += 1
        if not links_by_tls:
            stats["signal_in_edges_uncontrolled"] += 1
            continue
        tls = sorted(links_by_tls)[0]
        if tls not in logics:
            continue
        start, dur, windows = green_window(logics[tls][2], links_by_tls[tls])
        if start is None:
            stats["signal_in_edges_never_green"] += 1
            continue
        if windows > 1:
            stats["signal_in_edges_two_windows"] += 1
        greens[e.getID()] = (start, dur)
        # a movement whose own green differs from the edge's (a right turn green in both
        # phases, straight on in one): its own row in signal_greens.csv
        by_out = {}
        for f, conns in e.getOutgoing().items():
            if f.getID() in kept:
                by_out[f.getID()] = {c.getTLLinkIndex() for c in conns if c.getTLSID() == tls}
        for fid, idx in sorted(by_out.items()):
            if not idx:
                continue
            ms, md, _ = green_window(logics[tls][2], idx)
            if ms is not None and (ms, md) != (start, dur):
                movement_greens.append((edge_fid[e.getID()], edge_fid[fid], ms, md, e.getID(), fid))

    rows = []
    for nid in sorted(nodes):
        n = nodes[nid]
        ins = sorted((e for e in n.getIncoming() if e.getID() in kept), key=lambda e: e.getID())
        outs = sorted((f for f in n.getOutgoing() if f.getID() in kept), key=lambda f: f.getID())
        for e in ins:
            allowed = {f.getID() for f in e.getAllowedOutgoing("passenger")}
            for f in outs:
                if f.getID() not in allowed:
                    kind = turn_kind(e, f)
                    stats["restrictions"][kind] = stats["restrictions"].get(kind, 0) + 1
                    rows.append((edge_fid[e.getID()], edge_fid[f.getID()], kind, nid, e.getID(), f.getID()))
    stats["movement_greens"] = len(movement_greens)
    return points, greens, rows, movement_greens, stats


# --------------------------------------------------------------------------- export

def meso_lanes(edge):
    """Lanes SUMO meso gives capacity to: all but those allowing only pedestrians/bicycles
    (sumo --meso-ignore-lanes-by-vclass, default pedestrian,bicycle)."""
    n = sum(1 for l in edge.getLanes() if not l.getPermissions() <= {"pedestrian", "bicycle"})
    return max(1, n)


def road_class(edge_type):
    for part in (edge_type or "").split("|"):
        if part.startswith("highway."):
            c = part[len("highway."):]
            if c in CITYTWIN_CLASSES:
                return c
    return None


def write_csv(path, header, rows):
    """A CSV written under a temporary name and renamed when complete."""
    with open(path + ".tmp", "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    os.replace(path + ".tmp", path)


def write_geojson(path, name, epsg, features):
    geo = {
        "type": "FeatureCollection",
        "name": name,
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::%d" % epsg}},
        "features": features,
    }
    with open(path + ".tmp", "w") as f:
        json.dump(geo, f, separators=(",", ":"))
    os.replace(path + ".tmp", path)


def cmd_export(a):
    net = read_net(a.net)
    epsg, to_world, synthetic = world_transform(net)
    edges = sorted(normal_edges(net), key=lambda e: e.getID())
    features = []
    polylines, dropped_vertices = all_polylines(net, to_world)
    cap_sum, cap_len, cap_rng = {}, {}, {}
    worst_len = 0.0
    nodes = set()
    # every feature's GeoJSON `id` is an integer (GDAL's FID): the road feature id that
    # restrictions.csv refers to; 0.. in edge-id order, as GDAL would number them anyway
    edge_fid = {e.getID(): i for i, e in enumerate(edges)}
    points, greens, restrictions, movement_greens, jstats = junction_data(net, a.net, edges, edge_fid, to_world)
    for e in edges:
        pts = polylines[e.getID()]
        cls = road_class(e.getType()) or a.default_class
        speed = e.getSpeed()
        L = polyline_length(pts)
        worst_len = max(worst_len, abs(L - e.getLength()))
        nodes.add(e.getFromNode().getID())
        nodes.add(e.getToNode().getID())
        lanes = meso_lanes(e)
        cap = 3600.0 / (MESO_TAU_FF + VEH_LENGTH_WITH_GAP / speed)
        cap_sum[cls] = cap_sum.get(cls, 0.0) + cap * L * lanes
        cap_len[cls] = cap_len.get(cls, 0.0) + L * lanes
        cap_rng[cls] = (min(cap, cap_rng.get(cls, (cap, cap))[0]), max(cap, cap_rng.get(cls, (cap, cap))[1]))
        green = greens.get(e.getID())
        features.append({
            "type": "Feature",
            "id": edge_fid[e.getID()],
            "properties": {
                "name": e.getID(),
                "highway": cls,
                "maxspeed": "%.3f" % (speed * 3.6),
                "lanes": str(lanes),
                "oneway": "yes",
                # signal green of this edge at its to-junction: s within that junction's
                # cycle (0 = start of SUMO's phase 0); null where the to-junction has no signal
                "green_start_s": green[0] if green else None,
                "green_duration_s": green[1] if green else None,
            },
            "geometry": {"type": "LineString", "coordinates": [list(p) for p in pts]},
        })
    write_geojson(os.path.join(a.dir, "network.geojson"), "sumo_edges", epsg, features)

    write_geojson(os.path.join(a.dir, "junctions.geojson"), "sumo_junctions", epsg, points)
    write_csv(os.path.join(a.dir, "restrictions.csv"),
              ["from_id", "to_id", "restriction", "sumo_junction", "sumo_from", "sumo_to"], restrictions)
    write_csv(os.path.join(a.dir, "signal_greens.csv"),
              ["from_id", "to_id", "green_start_s", "green_duration_s", "sumo_from", "sumo_to"], movement_greens)

    # Self-checks of the properties citytwin's graph building relies on.
    # 1. no interior vertex of one edge coincides (1 cm) with any vertex of another edge
    ends = {}
    interior = {}
    for eid, pts in polylines.items():
        for p in (pts[0], pts[-1]):
            ends.setdefault((round(p[0] / SNAP), round(p[1] / SNAP)), set()).add(eid)
        for p in pts[1:-1]:
            interior.setdefault((round(p[0] / SNAP), round(p[1] / SNAP)), set()).add(eid)
    shared_interior = sum(1 for k, s in interior.items() if len(s) > 1 or k in ends)
    # 2. junctions closer than 1 cm would be merged into one node
    junction_keys = {}
    for e in edges:
        for n in (e.getFromNode(), e.getToNode()):
            p = to_world(*n.getCoord())
            junction_keys.setdefault((round(p[0] / SNAP), round(p[1] / SNAP)), set()).add(n.getID())
    merged_junctions = sum(len(s) - 1 for s in junction_keys.values())
    # 3. the midpoint of each edge (where trips start/end) is nearest to that edge
    grid = SegmentGrid(polylines)
    ambiguous = []
    for eid, pts in polylines.items():
        p = point_at(pts, 0.5)
        near = grid.nearest_two(p)
        if not near or near[0][1] != eid or (len(near) > 1 and near[1][0] - near[0][0] < 0.01):
            ambiguous.append(eid)
    info = {
        "net": os.path.abspath(a.net),
        "epsg": epsg,
        "synthetic_crs": synthetic,
        "edges": len(edges),
        "junctions": len(nodes),
        "junctions_in_net": len([n for n in net.getNodes() if n.getType() != "internal"]),
        "km": sum(polyline_length(p) for p in polylines.values()) / 1000.0,
        "max_length_mismatch_m": worst_len,
        "shared_interior_vertices": shared_interior,
        "dropped_shared_vertices": dropped_vertices,
        "junctions_within_1cm": merged_junctions,
        "ambiguous_midpoints": len(ambiguous),
        "ambiguous_examples": ambiguous[:10],
        # citytwin has one capacity per lane and class; SUMO's depends on each edge's speed:
        # the class gets the lane-km weighted mean, min/max show what that averages over
        "junction_points": len(points),
        "signal_greens": len(greens),
        "turn_restrictions": len(restrictions),
        "movement_greens": len(movement_greens),
        "junction_stats": jstats,
        "classes": {c: {"lane_km": cap_len[c] / 1000.0, "capacity_per_lane": round(cap_sum[c] / cap_len[c]),
                        "sumo_capacity_min": round(cap_rng[c][0]), "sumo_capacity_max": round(cap_rng[c][1])}
                    for c in sorted(cap_len)},
    }
    with open(os.path.join(a.dir, "net-info.json"), "w") as f:
        json.dump(info, f, indent=1, sort_keys=True)
    print("export: %d edges, %d junctions, %.1f km, EPSG:%d%s; max |polyline - SUMO length| %.3f m; "
          "%d lane vertices dropped where edges touched; shared interior vertices left %d; "
          "junctions within 1 cm %d; ambiguous midpoints %d"
          % (info["edges"], info["junctions"], info["km"], epsg, " (made up)" if synthetic else "",
             worst_len, dropped_vertices, shared_interior, merged_junctions, len(ambiguous)), file=sys.stderr)
    js = jstats
    print("export: junctions.geojson %d points (%s; skipped %s), %d tls programs; %d edges into signals, "
          "%d with a green window (%d with two windows: longer taken, %d never green, %d uncontrolled); "
          "restrictions.csv %d turns without a SUMO connection (%s)"
          % (len(points), ", ".join("%s %d" % kv for kv in sorted(js["control"].items())),
             ", ".join("%s %d" % kv for kv in sorted(js["skipped_types"].items())) or "none", js["tls_programs"],
             js["signal_in_edges"], len(greens), js["signal_in_edges_two_windows"], js["signal_in_edges_never_green"],
             js["signal_in_edges_uncontrolled"], len(restrictions),
             ", ".join("%s %d" % kv for kv in sorted(js["restrictions"].items())) or "none"), file=sys.stderr)


# --------------------------------------------------------------------------- trips

def cmd_rates(a):
    total = sum(HOUR_PROFILE)
    print(" ".join("%.3f" % (a.trips * w / total) for w in HOUR_PROFILE))


def cmd_trips(a):
    net = read_net(a.net)
    _, to_world, _ = world_transform(net)
    lines, _ = all_polylines(net, to_world)
    mids = {}

    def mid(eid):
        if eid not in mids:
            mids[eid] = point_at(lines[eid], 0.5)
        return mids[eid]

    # randomTrips writes <trip from to>; duarouter (and --validate) <vehicle> with a <route>
    # inside or a route="id" of a <route> defined before. Only the first and the last edge are
    # used: both simulators route each trip themselves on free-flow times.
    trips = []
    dropped_same = dropped_gone = skipped = 0
    routes = {}
    kept = {e.getID() for e in normal_edges(net)}
    for _, t in ET.iterparse(a.input):
        if t.tag == "route" and t.get("id"):
            routes[t.get("id")] = t.get("edges", "").split()
            continue
        if t.tag not in ("trip", "vehicle", "flow"):
            continue
        frm = to = None
        if t.tag == "trip":
            frm, to = t.get("from"), t.get("to")
        elif t.tag == "vehicle":
            r = t.find("route")
            edges = r.get("edges", "").split() if r is not None else routes.get(t.get("route"), [])
            if edges:
                frm, to = edges[0], edges[-1]
        try:
            dep = int(round(float(t.get("depart", ""))))
        except ValueError:
            dep = None
        tid = t.get("id")
        t.clear()
        if frm is None or to is None or dep is None:
            skipped += 1   # flows, junction-to-junction trips, depart="triggered" ...
        elif frm not in kept or to not in kept:
            dropped_gone += 1
        elif frm == to:
            dropped_same += 1
        else:
            trips.append((dep, tid, frm, to))
    trips.sort(key=lambda r: (r[0], int(r[1]) if r[1].isdigit() else r[1]))
    # ids are renumbered 0..n-1 in departure order in both files: citytwin numbers the
    # rows of trips.csv the same way, so its per-trip output joins on the id
    with open(a.rou, "w") as f:
        f.write("<routes>\n")
        # speedDev=0: every car drives at the speed limit, as in citytwin (SUMO's default
        # passenger type draws a personal speed factor with sd 0.1).
        f.write('    <vType id="car" vClass="passenger" length="5" minGap="2.5" speedDev="%s"/>\n' % a.speed_dev)
        for i, (dep, tid, frm, to) in enumerate(trips):
            # departPos at the end of the from-edge: citytwin starts a trip at the end of
            # its origin link; arrivalPos defaults to the end of the to-edge in both.
            pos = max(0.0, net.getEdge(frm).getLength() - 0.1)
            f.write('    <trip id="%d" type="car" depart="%d" from="%s" to="%s" departPos="%.2f"/>\n'
                    % (i, dep, frm, to, pos))
        f.write("</routes>\n")
    with open(a.csv, "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["id", "departure", "origin_x", "origin_y", "destination_x", "destination_y",
                    "sumo_from", "sumo_to"])
        for i, (dep, tid, frm, to) in enumerate(trips):
            o, d = mid(frm), mid(to)
            w.writerow([i, dep, "%.3f" % o[0], "%.3f" % o[1], "%.3f" % d[0], "%.3f" % d[1], frm, to])
    print("trips: %d trips (%d with from = to dropped, %d whose first or last edge is not in the net, "
          "%d flows or trips without from/to edges or numeric depart skipped)"
          % (len(trips), dropped_same, dropped_gone, skipped), file=sys.stderr)
    if not trips:
        sys.exit("sumobench: no usable trips in %s" % a.input)
    # the hour of the first departure: where both simulators begin
    with open(a.csv + ".begin", "w") as f:
        f.write("%d\n" % (trips[0][0] // 3600 * 3600))


def cmd_replay(a):
    """SUMO vehicles that drive exactly the routes citytwin chose (its trips.route column),
    so that both simulators load the same paths: a grid has many equally short ones, and
    which one a router picks decides how many signals a trip turns at."""
    import sqlite3
    net = read_net(a.net)
    con = sqlite3.connect("file:%s?mode=ro" % a.gpkg, uri=True)
    try:
        edge_of = dict(con.execute("SELECT link_id, name FROM links").fetchall())
        rows = con.execute("SELECT trip_id, departure_s, route FROM trips ORDER BY departure_s, trip_id").fetchall()
    finally:
        con.close()
    written = skipped = 0
    with open(a.rou + ".tmp", "w") as f:
        f.write("<routes>\n")
        f.write('    <vType id="car" vClass="passenger" length="5" minGap="2.5" speedDev="%s"/>\n' % a.speed_dev)
        for tid, dep, route in rows:
            edges = [edge_of[int(x)] for x in (route or "").split()]
            if not edges:
                skipped += 1   # unroutable in citytwin: SUMO gets no route either
                continue
            pos = max(0.0, net.getEdge(edges[0]).getLength() - 0.1)
            f.write('    <vehicle id="%s" type="car" depart="%d" departPos="%.2f"><route edges="%s"/></vehicle>\n'
                    % (tid, dep, pos, " ".join(edges)))
            written += 1
        f.write("</routes>\n")
    os.replace(a.rou + ".tmp", a.rou)
    print("replay: %d routes from %s (%d trips without a route left out)" % (written, a.gpkg, skipped), file=sys.stderr)


# --------------------------------------------------------------------------- scenario

def cmd_scenario(a):
    with open(os.path.join(a.dir, "net-info.json")) as f:
        info = json.load(f)
    d = os.path.abspath(a.dir)
    crs = "EPSG:%d" % info["epsg"]
    defaults = "\n".join("    %s: {capacity_per_lane: %d}   # SUMO meso on these edges: %d..%d"
                         % (c, v["capacity_per_lane"], v["sumo_capacity_min"], v["sumo_capacity_max"])
                         for c, v in sorted(info["classes"].items()))
    city = """city:
  name: {case}
  crs: {crs}{note}
  roads:
    source: {d}/network.geojson
    class_field: highway
    speed_field: maxspeed
    lanes_field: lanes
    oneway_field: oneway
    name_field: name
{greens}  road_defaults:          # veh/h per lane = 3600 / (meso tau_ff 1.13 s + 7.5 m / speed), lane-km weighted
{defaults}
{junctions}""".format(case=a.case, crs=crs, d=d, defaults=defaults,
                      note="          # made-up placement of a netgenerate grid" if info["synthetic_crs"] else "",
                      greens="" if a.no_junctions else """\
    # green window of the edge's movements at its to-junction, s within that junction's
    # cycle (0 = start of SUMO's phase 0), from SUMO's tlLogic; empty where no signal
    signal_green_start_field: green_start_s
    signal_green_duration_field: green_duration_s
""", junctions="" if a.no_junctions else """\
  junctions:              # one point per SUMO junction; control from its SUMO type
    source: {d}/junctions.geojson
    control_field: control
    cycle_field: cycle_s
    offset_field: offset_s  # s after midnight (mod cycle) at which SUMO's phase 0 starts
    join_distance_m: 1
  turn_restrictions:      # every turn SUMO has no connection for
    source: {d}/restrictions.csv
    from_field: from_id
    to_field: to_id
    type_field: restriction
{movement_greens}""".format(d=d, movement_greens="" if not info.get("movement_greens") else """\
  signal_greens:          # movements whose green differs from their edge's (SUMO's per-connection states)
    source: {d}/signal_greens.csv
    from_field: from_id
    to_field: to_id
    start_field: green_start_s
    duration_field: green_duration_s
""".format(d=d)))
    head = "# Generated by bench/sumo/sumobench.py from %s\nname: sumo-compare-%s\nseed: 42\n" % (info["net"], a.case)
    if a.no_junctions:
        head = head.replace("\n", " (junction data left out)\n", 1)
    with open(os.path.join(d, a.prefix + "_without_demand.yaml"), "w") as f:
        f.write(head + city)
    with open(os.path.join(d, a.prefix + ".yaml"), "w") as f:
        f.write(head + """time:
  start: {start}
  end: {end}               # SUMO has no --end: it stops when the last car has arrived
""".format(start=a.start, end=a.end) + city + """demand:
  trips:
    source: {d}/trips.csv
    crs: {crs}
mobility:
  iterations: {iterations}{iterations_note}
  stuck_time_s: 300        # = sumo --time-to-teleport (SUMO teleports, citytwin removes)
  junctions:
    # SUMO meso's discharge at a green: at most 46 vehicles in a 45 s green on 2 lanes
    # (1 840 veh/h per lane; grid-congested, every approach and cycle), against its
    # 2 156 veh/h per lane of free-flow capacity that capacity_per_lane carries
    saturation_flow_per_lane: 1800
""".format(d=d, crs=crs, iterations=a.iterations,
           iterations_note="" if a.iterations == 1 else
           "            # --route-choice: equilibrium (SUMO: routes on measured times at departure)")
   + ("  write_routes: true       # trips.route: SUMO replays them (--same-routes)\n"
                            if a.write_routes else ""))


# --------------------------------------------------------------------------- check

def cmd_check(a):
    with open(a.netinfo) as f:
        info = json.load(f)
    with open(a.info) as f:
        ct = json.load(f)
    roads = ct.get("roads") or {}
    rows = [
        ("directed links / SUMO edges", roads.get("links"), info["edges"]),
        ("nodes / SUMO junctions", roads.get("nodes"), info["junctions"]),
        ("km", round(roads.get("km", 0.0), 3), round(info["km"], 3)),
        ("links dropped by citytwin (SCC)", roads.get("dropped_links"), 0),
    ]
    ok = True
    print("network check (citytwin vs SUMO):")
    for name, c, s in rows:
        good = c == s if not isinstance(s, float) else abs((c or 0) - s) < 0.01
        ok = ok and good
        print("  %-34s %12s %12s  %s" % (name, c, s, "ok" if good else "DIFFERENT"))
    return 0 if ok else 1


# --------------------------------------------------------------------------- report

def parse_time_v(path):
    """/usr/bin/time -v output -> (wall s, peak RSS MiB, exit status)."""
    wall = rss = status = None
    if not path or not os.path.exists(path):
        return wall, rss, status
    with open(path) as f:
        for line in f:
            line = line.strip()
            if line.startswith("Elapsed (wall clock) time"):
                v = line.rsplit(": ", 1)[1].split(":")
                wall = sum(float(x) * 60 ** i for i, x in enumerate(reversed(v)))
            elif line.startswith("Maximum resident set size"):
                rss = int(line.rsplit(": ", 1)[1]) / 1024.0
            elif line.startswith("Exit status"):
                status = int(line.rsplit(": ", 1)[1])
    return wall, rss, status


def parse_tripinfo(path):
    """Per arrived trip: (tt, duration, departDelay, first-segment free-flow s, distance beyond
    the from-edge m). SUMO meso reports departPos as the start of the segment the vehicle was
    inserted in; the rest of the from-edge is driven in SUMO but not in citytwin."""
    trips = {}
    for _, el in ET.iterparse(path):
        if el.tag == "tripinfo":
            if float(el.get("arrival", "-1")) >= 0:
                d = float(el.get("duration"))
                dd = float(el.get("departDelay", "0"))
                trips[el.get("id")] = (d + dd, d, dd, float(el.get("departPos", "0")), float(el.get("routeLength", "0")))
            el.clear()
    return trips


def sumo_trip_stats(trips, net, rou_path):
    from_edge = {}
    for _, el in ET.iterparse(rou_path):
        if el.tag == "trip":
            from_edge[el.get("id")] = el.get("from")
            el.clear()
        elif el.tag == "vehicle":   # a replayed route (cmd_replay)
            from_edge[el.get("id")] = el.find("route").get("edges").split()[0]
            el.clear()
    per_trip = {}
    for tid, (tt, d, dd, pos, rl) in trips.items():
        e = net.getEdge(from_edge[tid])
        rest = max(0.0, e.getLength() - pos)   # the departure segment
        per_trip[tid] = {"tt": tt, "dur": d, "delay": dd, "seg_ff": rest / e.getSpeed(), "dist": rl - rest}
    n = len(per_trip)
    if not n:
        return {"arrived": 0}, per_trip
    mean = lambda k: sum(t[k] for t in per_trip.values()) / n  # noqa: E731
    return {"arrived": n, "mean_tt": mean("tt"), "mean_duration": mean("dur"), "mean_depart_delay": mean("delay"),
            "mean_first_segment_ff": mean("seg_ff"), "mean_km_after_from_edge": mean("dist") / 1000.0}, per_trip


def citytwin_trips(gpkg):
    """Per-trip rows of citytwin's results.gpkg (a GeoPackage is SQLite)."""
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % gpkg, uri=True)
    try:
        rows = con.execute("SELECT trip_id, status, travel_time_s, freeflow_time_s, distance_m FROM trips").fetchall()
    finally:
        con.close()
    return {str(r[0]): {"status": r[1], "tt": r[2], "ff": r[3], "dist": r[4]} for r in rows}


def cmd_where(a):
    """Where citytwin's trips lose their time: junctions and links by total delay."""
    import sqlite3
    con = sqlite3.connect("file:%s?mode=ro" % a.gpkg, uri=True)
    try:
        trips = con.execute("SELECT count(*) FROM trips").fetchone()[0]
        junctions = con.execute("SELECT node_id, control, crossings, delay_s FROM junction_delays "
                                "ORDER BY delay_s DESC, node_id").fetchall()
        links = {r[0]: r[1:] for r in con.execute(
            "SELECT link_id, from_node, to_node, length_m, speed_kmh, lanes, road_class, name FROM links")}
        flows = con.execute("SELECT link_id, hour, exits_veh, mean_travel_time_s FROM link_flows").fetchall()
    finally:
        con.close()
    total = sum(j[3] for j in junctions)
    print("%s: %d trips, junction delay %.1f s per trip (%.0f vehicle-hours)"
          % (a.gpkg, trips, total / max(trips, 1), total / 3600.0))
    print("junctions by delay: node, control, crossings, mean delay s, share of all, cumulative share")
    cum = 0.0
    for node, control, crossings, delay in junctions[:a.top]:
        cum += delay
        print("  %6d %-12s %8d %8.1f %6.1f %% %6.1f %%"
              % (node, control, crossings, delay / max(crossings, 1), 100 * delay / total, 100 * cum / total))
    # a link's delay: exits x (mean time on it - free-flow time); it includes waiting at its end
    exits, delay_s, peak = {}, {}, {}
    for link, hour, n, tt in flows:
        length, kmh = links[link][2], links[link][3]
        ff = length / (kmh / 3.6) if kmh else 0.0
        exits[link] = exits.get(link, 0) + n
        delay_s[link] = delay_s.get(link, 0.0) + n * max(0.0, tt - ff)
        if n > peak.get(link, (0, -1))[0]:
            peak[link] = (n, hour)
    all_delay = sum(delay_s.values())
    print("links by delay (SUMO edge = name): link, name, class, lanes, exits, delay s per exit, share of all, "
          "cumulative, to node")
    cum = 0.0
    for link in sorted(delay_s, key=lambda k: (-delay_s[k], k))[:a.top]:
        cum += delay_s[link]
        _, to_node, _, _, lanes, cls, name = links[link]
        print("  %6d %-12s %-13s %d %7d %7.1f %6.1f %% %6.1f %%  -> %d"
              % (link, name, cls, lanes, exits[link], delay_s[link] / max(exits[link], 1),
                 100 * delay_s[link] / max(all_delay, 1e-9), 100 * cum / max(all_delay, 1e-9), to_node))
    for node in a.node:
        print("node %d: in-links, exits per hour (peak hour), exits a day" % node)
        for link, (frm, to, _, _, lanes, cls, name) in sorted(links.items()):
            if to == node:
                n, hour = peak.get(link, (0, 0))
                print("  in  %6d %-12s %-13s %d lanes: %4d veh/h at %02d h, %6d a day"
                      % (link, name, cls, lanes, n, hour, exits.get(link, 0)))


def percentile(values, q):
    if not values:
        return None
    v = sorted(values)
    return v[min(len(v) - 1, int(q * (len(v) - 1) + 0.5))]


def parse_sumo_log(path):
    out = {}
    if not os.path.exists(path):
        return out
    text = open(path, errors="replace").read()
    for key, pat in [("inserted", r"Inserted:\s*(\d+)"), ("teleports", r"Teleports:\s*(\d+)"),
                     ("running", r"Running:\s*(\d+)"), ("waiting", r"Waiting:\s*(\d+)"),
                     ("sim_seconds", r"Performance:\s*\n\s*Duration:\s*([\d.]+)s"),
                     ("ended_at", r"Simulation ended at time:\s*([\d.]+)"),
                     ("router_seconds", r"Router spent ([\d.]+)s answering")]:
        m = re.search(pat, text)
        if m:
            out[key] = float(m.group(1))
    m = re.search(r"Teleports:\s*\d+\s*(\([^)]*\))", text)
    if m:
        out["teleport_kinds"] = " " + m.group(1)
    out.setdefault("teleports", 0.0)
    return out


def fmt(v, spec="%.1f"):
    return "-" if v is None else spec % v


def timed_runs(d, stem):
    """All /usr/bin/time -v files d/STEM.time.N of one invocation's repetitions ->
    {wall_s (median), wall_s_min, wall_s_max, wall_s_runs, peak_rss_mib (max), exit (last)}."""
    runs = []
    if d and os.path.isdir(d):
        for name in sorted(os.listdir(d), key=lambda n: (len(n), n)):
            if re.fullmatch(re.escape(stem) + r"\.time\.\d+", name):
                runs.append(parse_time_v(os.path.join(d, name)))
    walls = sorted(w for w, _, _ in runs if w is not None)
    if not walls:
        return {"wall_s": None, "peak_rss_mib": None, "exit": None, "runs": 0}
    n = len(walls)
    median = walls[n // 2] if n % 2 else (walls[n // 2 - 1] + walls[n // 2]) / 2
    return {"wall_s": median, "wall_s_min": walls[0], "wall_s_max": walls[-1],
            "wall_s_runs": [w for w, _, _ in runs], "runs": n,
            "peak_rss_mib": max((r for _, r, _ in runs if r is not None), default=None), "exit": runs[-1][2]}


def cmd_report(a):
    d = a.dir
    sd = os.path.join(d, a.sumo_dir)
    cd = os.path.join(d, a.citytwin_dir)
    with open(os.path.join(d, "net-info.json")) as f:
        info = json.load(f)
    net = read_net(os.path.join(d, "net.net.xml"))
    ntrips = sum(1 for _ in open(os.path.join(d, "trips.csv"))) - 1
    s_runs = timed_runs(sd, "sumo")
    s_wall, s_rss, s_status = s_runs["wall_s"], s_runs["peak_rss_mib"], s_runs["exit"]
    log = parse_sumo_log(os.path.join(sd, "sumo.log"))
    ti_path = os.path.join(sd, "tripinfo.xml")
    st, s_trips = sumo_trip_stats(parse_tripinfo(ti_path) if os.path.exists(ti_path) else {}, net,
                                  os.path.join(d, a.rou))
    c_wall = c_rss = None
    c_runs = {}
    ct, c_trips = {}, {}
    if a.citytwin_ran:
        c_runs = timed_runs(cd, "citytwin")
        c_wall, c_rss = c_runs["wall_s"], c_runs["peak_rss_mib"]
        try:
            with open(os.path.join(cd, "citytwin.json")) as f:
                ct = json.load(f).get("mobility", {})
        except (OSError, ValueError) as e:
            print("report: cannot read citytwin.json: %s" % e, file=sys.stderr)
        try:
            c_trips = citytwin_trips(os.path.join(cd, "results.gpkg"))
        except Exception as e:  # noqa: BLE001 - diagnostics only
            print("report: no per-trip table from results.gpkg: %s" % e, file=sys.stderr)
    s_tt = st.get("mean_tt")
    c_tt = ct.get("mean_travel_time_s")
    ratio = s_wall / c_wall if s_wall and c_wall else None
    rel = (c_tt - s_tt) / s_tt if s_tt and c_tt is not None else None
    hdr = ("case", "SUMO mode", "trips", "SUMO wall s", "citytwin wall s", "speed-up", "SUMO mean tt s", "citytwin mean tt s",
           "rel diff", "SUMO RSS MiB", "citytwin RSS MiB")
    row = (a.case, a.mode, str(ntrips), fmt(s_wall, "%.2f"), fmt(c_wall, "%.2f"), fmt(ratio, "%.2fx"), fmt(s_tt), fmt(c_tt),
           fmt(rel * 100 if rel is not None else None, "%+.1f%%"), fmt(s_rss, "%.0f"), fmt(c_rss, "%.0f"))
    widths = [max(len(h), len(r)) for h, r in zip(hdr, row)]
    print(" | ".join(h.rjust(w) for h, w in zip(hdr, widths)))
    print("-+-".join("-" * w for w in widths))
    print(" | ".join(r.rjust(w) for r, w in zip(row, widths)))
    print()
    print("network: %d SUMO edges = directed links, %d junctions, %.1f km, EPSG:%d"
          % (info["edges"], info["junctions"], info["km"], info["epsg"]))
    js = info.get("junction_stats")
    if js:
        print("junctions: %s; %d tls programs; %d edges with a signal green; %d turn restrictions%s"
              % (", ".join("%s %d" % kv for kv in sorted(js["control"].items())), js["tls_programs"],
                 info["signal_greens"], info["turn_restrictions"],
                 "" if a.junction_data else " (NOT given to citytwin in this mode)"))

    def spread(r):
        if not r or not r.get("runs"):
            return "-"
        return "median of %d: %.2f s (min %.2f, max %.2f)" % (r["runs"], r["wall_s"], r["wall_s_min"], r["wall_s_max"])
    print("wall time: SUMO %s; citytwin %s" % (spread(s_runs), spread(c_runs) if a.citytwin_ran else "not run"))
    if not os.path.exists(ti_path):
        print("SUMO: no results in %s (not run)" % sd)
    else:
        print("SUMO (%s): %s of %d trips arrived, %d teleports%s, %s running / %s waiting at the end (t = %s s); "
              "%s s of %s s wall in the simulation loop, of which %s s routing; exit %s"
              % (a.mode, st.get("arrived"), ntrips, log.get("teleports", 0), log.get("teleport_kinds", ""),
                 fmt(log.get("running"), "%.0f"),
                 fmt(log.get("waiting"), "%.0f"), fmt(log.get("ended_at"), "%.0f"),
                 fmt(log.get("sim_seconds"), "%.2f"), fmt(s_wall, "%.2f"), fmt(log.get("router_seconds"), "%.2f"),
                 s_status))
    if s_tt is not None:
        print("SUMO tt = arrival - requested departure = duration %.1f s + departDelay %.1f s. It includes the "
              "departure segment (free-flow %.1f s on average) that citytwin does not drive: without it %.1f s"
              % (st["mean_duration"], st["mean_depart_delay"], st["mean_first_segment_ff"],
                 s_tt - st["mean_first_segment_ff"]))
    if a.citytwin_ran:
        # whatever citytwin counts as stuck / forced through (key names may grow with the junction model)
        extra = ", ".join("%s %s" % (k, fmt(v) if isinstance(v, float) else v) for k, v in sorted(ct.items())
                          if any(w in k for w in ("stuck", "forced", "gridlock", "abandoned", "teleport",
                                                  "junction", "signal")) and k != "stuck")
        print("citytwin: %s of %s car trips completed (unroutable %s, stuck %s, en route %s%s); mean free-flow %.1f s "
              "+ mean delay %s s"
              % (ct.get("completed"), ct.get("car_trips"), ct.get("unroutable"), ct.get("stuck"), ct.get("en_route"),
                 ", " + extra if extra else "", (c_tt or 0) - (ct.get("mean_delay_s") or 0),
                 fmt(ct.get("mean_delay_s"))))
    else:
        print("citytwin: NOT RUN: %s" % a.citytwin_reason)
    pair = {}
    if c_trips and s_trips:
        both = [k for k in s_trips if k in c_trips and c_trips[k]["status"] == "arrived"]
        if both:
            dtt = [c_trips[k]["tt"] - (s_trips[k]["tt"] - s_trips[k]["seg_ff"]) for k in both]
            ddist = [c_trips[k]["dist"] - s_trips[k]["dist"] for k in both]
            same = sum(1 for x in ddist if abs(x) < 1.0)
            pair = {"trips": len(both), "same_length_share": same / len(both),
                    "mean_dtt": sum(dtt) / len(both), "mean_abs_dtt": sum(abs(x) for x in dtt) / len(both),
                    "p05_dtt": percentile(dtt, 0.05), "p95_dtt": percentile(dtt, 0.95),
                    "mean_ddist": sum(ddist) / len(both)}
            print("per trip (%d arrived in both; citytwin - SUMO without its departure segment): tt %+.1f s mean, "
                  "%.1f s mean abs, 5%%..95%% %+.0f..%+.0f s; route length %+.0f m mean, same length (1 m) %.0f%%"
                  % (len(both), pair["mean_dtt"], pair["mean_abs_dtt"], pair["p05_dtt"], pair["p95_dtt"],
                     pair["mean_ddist"], 100 * pair["same_length_share"]))
    summary = {"case": a.case, "trips": ntrips, "speedup": ratio, "rel_diff_tt": rel, "network": info,
               "sumo_mode": a.mode, "junction_data_given": a.junction_data,
               "sumo": dict(s_runs, **st, **log) if os.path.exists(ti_path) else None,
               "citytwin": dict(c_runs, **ct) if a.citytwin_ran else None,
               "per_trip": pair}
    for name in ("summary.json", "summary-%s.json" % a.mode_tag):
        with open(os.path.join(d, name + ".tmp"), "w") as f:
            json.dump(summary, f, indent=1, sort_keys=True)
        os.replace(os.path.join(d, name + ".tmp"), os.path.join(d, name))


def cmd_table(a):
    """The markdown table of bench/RESULTS.md and the README from the cases' summaries."""
    print("| case | SUMO | routes | trips | SUMO wall s | citytwin wall s | speed-up | SUMO mean tt s | citytwin mean tt s "
          "| diff | per trip: mean, 5–95 % | SUMO teleports | citytwin stuck |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    label = {"junctions": "meso+junctions", "plain": "meso plain", "micro": "micro"}
    for case, mode in [(c, m) for c in a.cases for m in a.modes]:
        for tag, routes in ((mode, "own"), (mode + "-same-routes", "citytwin's"),
                            (mode + "-route-choice", "own, chosen")):
            path = os.path.join(a.work, case, "summary-%s.json" % tag)
            if not os.path.exists(path):
                continue
            with open(path) as f:
                s = json.load(f)
            su, ct, pt = s.get("sumo") or {}, s.get("citytwin") or {}, s.get("per_trip") or {}
            if not su or not ct:
                continue
            # like for like: SUMO's time without the departure segment citytwin does not drive
            s_tt = su["mean_tt"] - su.get("mean_first_segment_ff", 0.0)
            c_tt = ct["mean_travel_time_s"]
            # wall times only from medians of >= 3 runs a side (the project's rule for a figure)
            runs = min(su.get("runs") or 1, ct.get("runs") or 1)
            walls = ("%.2f | %.2f | %.1f×" % (su["wall_s"], ct["wall_s"], su["wall_s"] / ct["wall_s"]) if runs >= 3
                     else "– | – | – (%d run)" % runs)
            print("| %s | %s | %s | %s | %s | %.1f | %.1f | %+.1f %% | %+.1f s, %+.0f..%+.0f s | %s | %s |"
                  % (case, label.get(mode, mode), routes, "{:,}".format(s["trips"]).replace(",", " "), walls,
                     s_tt, c_tt, 100.0 * (c_tt - s_tt) / s_tt,
                     pt.get("mean_dtt", float("nan")), pt.get("p05_dtt", float("nan")), pt.get("p95_dtt", float("nan")),
                     int(su.get("teleports") or 0), ct.get("stuck", 0)))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("scc")
    s.add_argument("--net", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("lengths")
    s.add_argument("--net", required=True)
    s.add_argument("--out", required=True)
    s = sub.add_parser("export")
    s.add_argument("--net", required=True)
    s.add_argument("--dir", required=True)
    s.add_argument("--default-class", default="road")
    s = sub.add_parser("rates")
    s.add_argument("--trips", type=int, required=True)
    s = sub.add_parser("trips")
    s.add_argument("--net", required=True)
    s.add_argument("--input", required=True)
    s.add_argument("--rou", required=True)
    s.add_argument("--csv", required=True)
    s.add_argument("--speed-dev", default="0")
    s = sub.add_parser("replay", help="SUMO routes from citytwin's results (trips.route)")
    s.add_argument("--net", required=True)
    s.add_argument("--gpkg", required=True)
    s.add_argument("--rou", required=True)
    s.add_argument("--speed-dev", default="0")
    s = sub.add_parser("scenario")
    s.add_argument("--dir", required=True)
    s.add_argument("--case", required=True)
    s.add_argument("--start", type=int, default=0)
    s.add_argument("--end", type=int, required=True)
    s.add_argument("--no-junctions", action="store_true",
                   help="leave SUMO's junctions (signals, controls, restrictions) out of the city")
    s.add_argument("--prefix", default="scenario", help="file names: PREFIX.yaml, PREFIX_without_demand.yaml")
    s.add_argument("--write-routes", action="store_true", help="mobility.write_routes: true (for --same-routes)")
    s.add_argument("--iterations", type=int, default=1,
                   help="mobility.iterations (1 = free-flow routes, as SUMO's static routing; more for --route-choice)")
    s = sub.add_parser("check")
    s.add_argument("--info", required=True)
    s.add_argument("--netinfo", required=True)
    s = sub.add_parser("report")
    s.add_argument("--dir", required=True)
    s.add_argument("--case", required=True)
    s.add_argument("--citytwin-ran", action="store_true")
    s.add_argument("--citytwin-reason", default="")
    s.add_argument("--sumo-dir", default=".", help="SUMO's outputs (sumo.time.N, sumo.log, tripinfo.xml), under --dir")
    s.add_argument("--citytwin-dir", default=".", help="citytwin's outputs (citytwin.time.N, ...), under --dir")
    s.add_argument("--mode", default="meso+junctions", help="label of the SUMO mode that ran")
    s.add_argument("--mode-tag", default="junctions", help="summary-TAG.json beside summary.json")
    s.add_argument("--junction-data", action="store_true", help="citytwin was given SUMO's junctions")
    s.add_argument("--rou", default="trips.rou.xml", help="the route file SUMO ran, under --dir")
    s = sub.add_parser("where", help="where citytwin's delay is: junctions and links by total delay")
    s.add_argument("--gpkg", required=True, help="citytwin's results.gpkg of a case")
    s.add_argument("--top", type=int, default=12)
    s.add_argument("--node", type=int, action="append", default=[], help="also list this node's in-links")
    s = sub.add_parser("table", help="markdown table from WORK/CASE/summary-MODE*.json")
    s.add_argument("--work", required=True)
    s.add_argument("--modes", nargs="+", default=["junctions"], help="mode tags: junctions, plain, micro")
    s.add_argument("cases", nargs="+")
    a = p.parse_args()
    return {"scc": cmd_scc, "lengths": cmd_lengths, "export": cmd_export, "rates": cmd_rates, "trips": cmd_trips,
            "replay": cmd_replay, "scenario": cmd_scenario, "check": cmd_check, "report": cmd_report,
            "table": cmd_table, "where": cmd_where}[a.cmd](a) or 0


if __name__ == "__main__":
    sys.exit(main())
