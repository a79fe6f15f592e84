#!/usr/bin/env python3
"""Another client on the same IP, for bench/cold: spends about --weight-per-minute of the simulator's request
weight with evenly spaced klines calls (limit=1000, weight 5 on USD-M), ignoring everything but its own pace, until
SIGTERM/SIGINT or --seconds. Python 3 standard library only.

On exit prints one JSON line: seconds, requests, weight, weight_per_minute (achieved), http_429, http_418, errors.

  bench/stranger.py --base-url http://127.0.0.1:PORT --weight-per-minute 800 --seconds 900 &
"""
import argparse
import json
import signal
import sys
import time
import urllib.error
import urllib.request

WEIGHT = 5  # USD-M klines with limit 500..1000


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--weight-per-minute", type=float, default=800)
    ap.add_argument("--seconds", type=float, default=900, help="stop after this long at the latest (default 900)")
    ap.add_argument("--symbol", default=None, help="default: the first trading symbol in exchangeInfo")
    a = ap.parse_args()
    base = a.base_url.rstrip("/")

    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(1))
    signal.signal(signal.SIGINT, lambda *_: stop.append(1))

    symbol = a.symbol
    if symbol is None:
        with urllib.request.urlopen(base + "/fapi/v1/exchangeInfo", timeout=30) as r:
            info = json.loads(r.read())
        symbol = next(s["symbol"] for s in info["symbols"] if s.get("status") == "TRADING")
    url = f"{base}/fapi/v1/klines?symbol={symbol}&interval=1h&limit=1000"

    gap = 60.0 * WEIGHT / a.weight_per_minute
    start = time.monotonic()
    n = requests = http_429 = http_418 = errors = 0
    while not stop and time.monotonic() - start < a.seconds:
        due = start + n * gap
        n += 1
        delay = due - time.monotonic()
        if delay > 0:
            time.sleep(delay)
            if stop:
                break
        requests += 1
        try:
            with urllib.request.urlopen(url, timeout=30) as r:
                r.read()
        except urllib.error.HTTPError as e:
            if e.code == 429:
                http_429 += 1
            elif e.code == 418:
                http_418 += 1
            else:
                errors += 1
        except (urllib.error.URLError, OSError):
            errors += 1
    secs = time.monotonic() - start
    print(json.dumps({"seconds": round(secs, 2), "requests": requests, "weight": requests * WEIGHT,
                      "weight_per_minute": round(requests * WEIGHT / secs * 60) if secs > 0 else 0,
                      "http_429": http_429, "http_418": http_418, "errors": errors}), flush=True)


if __name__ == "__main__":
    main()
