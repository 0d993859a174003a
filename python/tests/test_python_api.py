"""The Python module on the bundled Monaco data: run, KPIs, tables, rasters, errors.
Run by ctest with PYTHONPATH=<build>/python (see tests/CMakeLists.txt)."""
import math
import os
import tempfile
import threading
import unittest

import numpy as np

import citytwin

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BASELINE = os.path.join(ROOT, "scenarios", "monaco", "baseline.yaml")


def quick(path=BASELINE):
    s = citytwin.Scenario(path)
    s.set("demand.synthetic.sample", 0.1)
    s.set("mobility.iterations", 1)
    s.set("wifi.cell_size_m", 10)
    return s


class ScenarioApi(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.result = quick().run(threads=2)

    def test_kpis_are_a_dict_with_the_documented_keys(self):
        k = self.result.kpis
        for key in ("trips", "car_trips", "completed", "mean_travel_time_s", "mean_delay_s", "vehicle_km"):
            self.assertIn(key, k["mobility"])
        for key in ("aps", "area_covered_share", "population_covered_share", "mean_sinr_db", "overloaded_aps_peak"):
            self.assertIn(key, k["wifi"])
        self.assertEqual(k["run"]["threads"], 2)
        self.assertGreater(k["mobility"]["completed"], 0)

    def test_link_flows_are_numpy_columns_of_equal_length(self):
        lf = self.result.link_flows
        n = len(lf["link_id"])
        self.assertGreater(n, 0)
        for name in ("hour", "flow_veh", "mean_speed_kmh", "volume_capacity"):
            self.assertIsInstance(lf[name], np.ndarray)
            self.assertEqual(lf[name].shape, (n,))
        self.assertEqual(lf["link_id"].dtype, np.int64)
        self.assertTrue((lf["hour"] >= 0).all() and (lf["hour"] < 30).all())
        # Entries per link and hour add up to what the trips drove through.
        self.assertEqual(int(lf["flow_veh"].sum()), int(lf["flow_veh"].astype(np.int64).sum()))

    def test_trips_table_matches_the_kpis(self):
        trips = self.result.trips
        self.assertEqual(len(trips["trip_id"]), self.result.kpis["mobility"]["trips"])
        self.assertEqual(sum(1 for s in trips["status"] if s == "arrived"), self.result.kpis["mobility"]["completed"])

    def test_districts_and_ap_load(self):
        d = self.result.districts
        self.assertEqual(len(d["district_id"]), len(self.result.kpis["wifi"]["districts"]))
        self.assertEqual(len(self.result.ap_load["ap_id"]), 24 * self.result.kpis["wifi"]["aps"])

    def test_raster_is_2d_with_its_georeference(self):
        r = self.result.raster("rssi")
        values, gt = r["values"], r["geotransform"]
        self.assertEqual(values.ndim, 2)
        self.assertEqual(values.dtype, np.float32)
        self.assertEqual(gt[1], 10.0)          # the cell size set above
        self.assertEqual(gt[5], -10.0)         # north-up
        self.assertIn("UTM zone 32N", r["crs"])
        # Monaco lies around 373 000 E, 4 844 000 N in UTM 32N: the grid must cover it.
        west, north = gt[0], gt[3]
        east, south = west + values.shape[1] * gt[1], north + values.shape[0] * gt[5]
        self.assertTrue(west < 373000 < east and south < 4844000 < north, (west, east, south, north))
        # The GeoPackage copy, read back through GDAL, has the same grid and values.
        path = os.path.join(tempfile.mkdtemp(), "r.gpkg")
        self.result.write(path)
        stored = citytwin.open_results(path).raster("wifi_rssi")
        self.assertEqual(tuple(stored["geotransform"]), tuple(gt))
        np.testing.assert_array_equal(stored["values"], values)
        # Every served cell names an access point that exists.
        server = self.result.raster("server")
        served = server["values"][server["values"] != server["nodata"]]
        self.assertGreater(served.size, 0)
        self.assertLess(int(served.max()), self.result.kpis["wifi"]["aps"])

    def test_stored_result_reads_back_the_same_kpis_and_tables(self):
        path = os.path.join(tempfile.mkdtemp(), "m.gpkg")
        self.result.write(path)
        stored = citytwin.open_results(path)
        self.assertEqual(stored.kpis["mobility"]["completed"], self.result.kpis["mobility"]["completed"])
        self.assertIn("link_flows", stored.tables())
        np.testing.assert_array_equal(stored.table("link_flows")["flow_veh"], self.result.link_flows["flow_veh"])
        self.assertEqual(stored.raster("wifi_rssi")["values"].shape, self.result.raster("rssi")["values"].shape)


class Overrides(unittest.TestCase):
    def test_a_typo_raises_citytwin_error_with_the_cli_message(self):
        s = citytwin.Scenario(BASELINE)
        with self.assertRaises(citytwin.Error) as e:
            s.set("demand.synthetic.car_shar", 0.4)
        self.assertIn("unknown key 'demand.synthetic.car_shar' (did you mean 'car_share'?)", str(e.exception))
        self.assertTrue(issubclass(citytwin.Error, RuntimeError))

    def test_a_bad_value_is_refused_and_the_scenario_stays_usable(self):
        s = citytwin.Scenario(BASELINE)
        with self.assertRaises(citytwin.Error):
            s.set("demand.synthetic.car_share", 1.5)
        s.set("demand.synthetic.car_share", 0.5)
        self.assertIn("car_share: 0.5", s.yaml)

    def test_missing_file_raises(self):
        with self.assertRaises(citytwin.Error) as e:
            citytwin.Scenario("/nonexistent/scenario.yaml")
        self.assertIn("/nonexistent/scenario.yaml", str(e.exception))

    def test_edits_and_plugins_from_python_change_the_run(self):
        s = quick()
        s.add_edit("close_links", {"streets": ["Boulevard Albert 1er"]})
        s.add_plugin("wifi_expansion", {"count": 3})
        r = s.run(threads=1)
        self.assertEqual(r.kpis["mobility"]["closed_links"], 8)
        self.assertEqual(r.kpis["plugins"]["wifi_expansion"]["placed"], 3)
        with self.assertRaises(citytwin.Error) as e:
            s2 = quick()
            s2.add_plugin("no_such_plugin", {})
            s2.run()
        self.assertIn("plugin 'no_such_plugin' not found", str(e.exception))

    def test_car_share_changes_car_trips_and_runs_are_reproducible(self):
        lo, hi = quick(), quick()
        lo.set("demand.synthetic.car_share", 0.2)
        hi.set("demand.synthetic.car_share", 0.5)
        a, b = lo.run(threads=1).kpis, hi.run(threads=2).kpis
        self.assertLess(a["mobility"]["car_trips"], b["mobility"]["car_trips"])
        self.assertEqual(a["mobility"], lo.run(threads=2).kpis["mobility"])

    def test_the_gil_is_released_while_running(self):
        ticks = []
        stop = threading.Event()

        def tick():
            while not stop.is_set():
                ticks.append(1)
                stop.wait(0.01)

        t = threading.Thread(target=tick)
        t.start()
        quick().run(threads=1)
        stop.set()
        t.join()
        self.assertGreater(len(ticks), 5)   # the ticker ran during the simulation


if __name__ == "__main__":
    unittest.main()
