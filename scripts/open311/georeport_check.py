#!/usr/bin/env python3
"""Interoperability check of congso's Open311 GeoReport v2 endpoint with a third-party client.

Starts the real server (``CONGSO_BIN``, default ``target/debug/congso``) with the demo data on a
temporary SQLite database, files one report through ``POST /open311/v2/requests.json`` with an
api_key made by ``congso admin open311-key create``, then reads services, service definitions and
requests back with the PyPI client ``georeport`` in JSON and in XML.

    python3 scripts/open311/georeport_check.py
"""

import os
import shutil
import subprocess
import sys
import tempfile
import threading

import requests
from georeport import GeoReport

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "..", ".."))
BIN = os.path.abspath(os.environ.get("CONGSO_BIN", os.path.join(ROOT, "target", "debug", "congso")))
JURISDICTION = "hue.gov.vn"
DEMO_SERVICES = {"o-ga-mat-duong", "den-chieu-sang", "rac-thai-moi-truong", "ngap-ung", "trat-tu-giao-thong"}

failures = 0


def check(cond, message):
    global failures
    print(("  ok   " if cond else "  FAIL ") + message)
    if not cond:
        failures += 1


def as_list(x):
    """xmltodict gives a dict for one element and a list for several."""
    if x is None:
        return []
    return x if isinstance(x, list) else [x]


def start_server(data_dir):
    env = dict(os.environ, CONGSO_DEMO_PASSWORD="mat-khau-open311-2026", CONGSO_LOG="warn")
    env.pop("CONGSO_DATABASE_URL", None)
    child = subprocess.Popen(
        [BIN, "serve", "--bind", "127.0.0.1:0", "--data-dir", data_dir],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True,
    )
    base = None
    timer = threading.Timer(120, child.kill)
    timer.start()
    for line in child.stdout:
        if "http://" in line:
            base = "http://" + line.split("http://", 1)[1].strip()
            break
    timer.cancel()
    if base is None:
        child.kill()
        raise SystemExit("the server did not start")
    # Keep draining the output so the server never blocks on a full pipe.
    threading.Thread(target=lambda: [None for _ in child.stdout], daemon=True).start()
    return child, base


def main():
    data_dir = tempfile.mkdtemp(prefix="congso-open311-")
    child = None
    try:
        child, base = start_server(data_dir)
        root = f"{base}/open311/v2"
        print(f"georeport against {root}")
        # An api_key from the command line (printed on its last line), then one POST.
        out = subprocess.run([BIN, "admin", "open311-key", "create", "--name", "georeport check",
                              "--data-dir", data_dir], capture_output=True, text=True, check=True,
                             env=dict(os.environ, CONGSO_LOG="warn"))
        key = out.stdout.strip().splitlines()[-1]
        r = requests.post(f"{root}/requests.json", data={
            "api_key": key, "service_code": "ngap-ung", "lat": "16.4700", "long": "107.5800",
            "description": "Ngập sâu sau mưa lớn, cống bị tắc", "first_name": "Hà", "last_name": "Lê",
        }, timeout=30)
        check(r.status_code == 200, f"POST requests.json with the api_key ({r.status_code})")
        new_id = r.json()[0]["service_request_id"]
        bad = requests.post(f"{root}/requests.json", data={"api_key": "sai", "service_code": "ngap-ung"}, timeout=30)
        check(bad.status_code == 403 and bad.json()[0]["code"] == 403, "a wrong api_key gets 403 with an errors body")

        for fmt in ("json", "xml"):
            for jurisdiction in (None, JURISDICTION):
                g = GeoReport(root, jurisdiction=jurisdiction, output_format=fmt)
                label = f"{fmt}, jurisdiction={jurisdiction}"
                services = as_list(g.get_service_list())
                codes = {s["service_code"] for s in services}
                check(codes == DEMO_SERVICES, f"services: the five demo categories ({label})")
                road = next(s for s in services if s["service_code"] == "o-ga-mat-duong")
                check(road["service_name"] == "Hư hỏng mặt đường, ổ gà" and str(road["metadata"]).lower() == "true",
                      f"service fields, Vietnamese names intact ({label})")
                definition = g.get_service_definition("o-ga-mat-duong")
                attrs = as_list(definition["attributes"]["attribute"] if fmt == "xml" else definition["attributes"])
                check(definition["service_code"] == "o-ga-mat-duong" and attrs[0]["code"] == "muc_do",
                      f"service definition with its attribute ({label})")
                reqs = as_list(g.get_service_requests())
                ids = {x["service_request_id"] for x in reqs}
                check(len(reqs) >= 4 and new_id in ids, f"requests: the demo's three and the posted one ({label}, {len(reqs)})")
                closed = as_list(g.get_service_requests(status="closed"))
                check(len(closed) >= 1 and all(x["status"] == "closed" for x in closed), f"status=closed filter ({label})")
                only = as_list(g.get_service_requests(service_code="ngap-ung"))
                check(new_id in {x["service_request_id"] for x in only}, f"service_code filter ({label})")
                one = g.get_service_request(new_id)
                check(one["service_request_id"] == new_id and one["service_code"] == "ngap-ung"
                      and one["status"] == "open" and one["agency_responsible"] == "Sở Xây dựng",
                      f"a single request ({label})")
                check(str(one["requested_datetime"]).endswith("+07:00"), f"datetimes carry +07:00 ({label})")
    finally:
        if child is not None:
            child.terminate()
            try:
                child.wait(timeout=10)
            except subprocess.TimeoutExpired:
                child.kill()
        shutil.rmtree(data_dir, ignore_errors=True)
    print("georeport: ok" if failures == 0 else f"georeport: {failures} failure(s)")
    return 0 if failures == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
