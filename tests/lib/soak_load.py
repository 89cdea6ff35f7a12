#!/usr/bin/env python3
"""Bounded HTTP load through berth's proxy for tests/reliability/soak_test.sh.

load PORT SECONDS RATE THREADS OUT APP...
    GETs http://127.0.0.1:PORT/ with Host: APP.soak.test for random APPs, a new
    connection per request (so a proxy reload that drops a connection shows),
    at most RATE requests per second in all, for SECONDS. Writes OUT (JSON):
    per app the count of requests and of each outcome, and every failure with
    its time.
analyze OUT WINDOWS MARGIN
    WINDOWS has one line per change the driver made: "APP START END ACTION RC"
    (epoch seconds). A failure of an app within MARGIN seconds of one of its
    windows counts as "during a change"; any other is a failure of a steady
    app. Prints the figures and exits 1 when a steady app failed.

Outcomes: ok (2xx with the sample's body), conn (no connection, reset,
timeout), 5xx, other (another status), body (2xx without the body).
"""
import http.client
import json
import random
import sys
import threading
import time

BODY = b"hello from static"


def one_request(port, app):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/", headers={"Host": app + ".soak.test", "Connection": "close"})
        resp = conn.getresponse()
        body = resp.read()
    except (OSError, http.client.HTTPException) as e:
        return "conn", type(e).__name__
    finally:
        conn.close()
    if 200 <= resp.status < 300:
        return ("ok", "") if BODY in body else ("body", str(resp.status))
    return ("5xx" if resp.status >= 500 else "other"), str(resp.status)


def load(port, seconds, rate, threads, out, apps):
    end = time.time() + seconds
    interval = threads / rate  # each thread's share of the rate
    lock = threading.Lock()
    counts = {app: {} for app in apps}
    failures = []

    def worker(seed):
        rnd = random.Random(seed)
        next_at = time.time()
        while True:
            now = time.time()
            if now >= end:
                return
            if now < next_at:
                time.sleep(next_at - now)
            next_at += interval
            app = rnd.choice(apps)
            at = time.time()
            outcome, detail = one_request(port, app)
            with lock:
                counts[app][outcome] = counts[app].get(outcome, 0) + 1
                if outcome != "ok":
                    failures.append([app, at, outcome, detail])

    started = time.time()
    pool = [threading.Thread(target=worker, args=(i,)) for i in range(threads)]
    for t in pool:
        t.start()
    for t in pool:
        t.join()
    with open(out, "w") as f:
        json.dump({"seconds": time.time() - started, "counts": counts, "failures": failures}, f)


def analyze(out, windows_path, margin):
    with open(out) as f:
        result = json.load(f)
    windows = {}
    actions = {}
    with open(windows_path) as f:
        for line in f:
            parts = line.split()
            if len(parts) < 5:
                continue
            app, start, end, action, rc = parts[0], float(parts[1]), float(parts[2]), parts[3], parts[4]
            windows.setdefault(app, []).append((start - margin, end + margin))
            key = action + ("" if rc == "0" else " (failed rc=%s)" % rc)
            actions[key] = actions.get(key, 0) + 1
    total = sum(sum(c.values()) for c in result["counts"].values())
    ok = sum(c.get("ok", 0) for c in result["counts"].values())
    during, steady = {}, {}
    steady_examples = []
    for app, at, outcome, detail in result["failures"]:
        changing = any(a <= at <= b for a, b in windows.get(app, []))
        bucket = during if changing else steady
        bucket[outcome] = bucket.get(outcome, 0) + 1
        if not changing and len(steady_examples) < 10:
            steady_examples.append("%s at %.1f: %s %s" % (app, at, outcome, detail))
    changed_apps = sorted(windows)
    changed_requests = sum(sum(result["counts"][a].values()) for a in changed_apps if a in result["counts"])
    seconds = result["seconds"]
    print("load: %d apps, %d requests in %.0f s (%.0f req/s), %d ok" %
          (len(result["counts"]), total, seconds, total / max(seconds, 1), ok))
    print("changes: %s" % (", ".join("%s %d" % kv for kv in sorted(actions.items())) or "none"))
    print("apps changed: %d (%d requests to them in all); failures during their changes: %s" %
          (len(changed_apps), changed_requests, json.dumps(during, sort_keys=True)))
    print("failures of steady apps: %s" % json.dumps(steady, sort_keys=True))
    for e in steady_examples:
        print("  " + e)
    print("FIGURES requests=%d ok=%d steady_failures=%d change_failures=%d" %
          (total, ok, sum(steady.values()), sum(during.values())))
    return 1 if steady or total == 0 else 0


def main(argv):
    if argv[1] == "load":
        load(int(argv[2]), float(argv[3]), float(argv[4]), int(argv[5]), argv[6], argv[7:])
        return 0
    if argv[1] == "analyze":
        return analyze(argv[2], argv[3], float(argv[4]))
    print("usage: soak_load.py load|analyze ...", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
