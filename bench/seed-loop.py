#!/usr/bin/env python3
"""The seed's loop: the naive kline sync klinesync replaces, as the baseline of bench/cold (issue 14).

Python 3 standard library only. What it does, and nothing more:
  - exchangeInfo of the market; every active contract (status TRADING; futures: contractType PERPETUAL);
  - per symbol, one at a time: GET klines?symbol=S&interval=I&limit=N when N <= 1000, else backwards pages of 1000
    (the latest page first, then endTime = the page's first open time - 1) until N bars (or an empty/short page);
    the rows are stored as returned, the still-open last bar included, as the seed did;
  - a per-row existence check (SELECT 1 FROM klines WHERE symbol=? AND interval=? AND open_time=?), a bulk insert
    of the new rows (executemany) and a commit;
  - time.sleep(0.1) between symbols.
No rate limiting. On HTTP 429/418 it sleeps for Retry-After (default 1 s; a 418's "banned until" time when there is
no header) and retries the same request, counting them; at most MAX_RETRIES per request and --max-seconds in all.

Prints one JSON line: seconds, requests, weight (computed per request from the documented weights; the header's
view is in weight_header_max, the highest X-MBX-USED-WEIGHT-1M seen), bars_inserted, rows_fetched, http_429,
http_418, symbols.

  bench/seed-loop.py --base-url http://127.0.0.1:PORT --db loop.sqlite --interval 4h --bars 2000 [--symbols-limit 100]
"""
import argparse
import json
import re
import sqlite3
import sys
import time
import urllib.error
import urllib.request

MAX_RETRIES = 50  # per request, on 429/418


def klines_weight(market, limit):
    """Documented request weight of one klines call (docs/binance-api.md)."""
    if market == "spot":
        return 2
    if limit < 100:
        return 1
    if limit < 500:
        return 2
    if limit <= 1000:
        return 5
    return 10


class Client:
    def __init__(self, base_url, market, deadline):
        self.base = base_url.rstrip("/")
        self.market = market
        self.prefix = {"usdm": "/fapi/v1", "coinm": "/dapi/v1", "spot": "/api/v3"}[market]
        self.deadline = deadline
        self.requests = 0
        self.weight = 0
        self.weight_header_max = 0
        self.http_429 = 0
        self.http_418 = 0

    def get(self, path, weight):
        url = self.base + self.prefix + path
        for _ in range(MAX_RETRIES + 1):
            if time.monotonic() > self.deadline:
                raise SystemExit("seed-loop: --max-seconds exceeded")
            self.requests += 1
            self.weight += weight
            try:
                with urllib.request.urlopen(url, timeout=30) as r:
                    used = r.headers.get("X-MBX-USED-WEIGHT-1M")
                    if used and used.isdigit():
                        self.weight_header_max = max(self.weight_header_max, int(used))
                    return json.loads(r.read())
            except urllib.error.HTTPError as e:
                if e.code not in (429, 418):
                    raise
                body = e.read().decode("utf-8", "replace")
                wait = 1.0
                retry_after = e.headers.get("Retry-After")
                if retry_after and retry_after.strip().isdigit():
                    wait = float(retry_after)
                if e.code == 429:
                    self.http_429 += 1
                else:
                    self.http_418 += 1
                    m = re.search(r"banned until (\d+)", body)
                    if not retry_after and m:
                        wait = max(0.0, int(m.group(1)) / 1000 - time.time())
                time.sleep(min(wait, max(0.0, self.deadline - time.monotonic())))
        raise SystemExit(f"seed-loop: {url}: still rate-limited after {MAX_RETRIES} retries")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--db", required=True)
    ap.add_argument("--interval", required=True)
    ap.add_argument("--bars", type=int, required=True)
    ap.add_argument("--symbols-limit", type=int, default=None)
    ap.add_argument("--market", choices=["usdm", "coinm", "spot"], default="usdm")
    ap.add_argument("--max-seconds", type=float, default=3600, help="give up after this long (default 3600)")
    a = ap.parse_args()

    start = time.monotonic()
    client = Client(a.base_url, a.market, start + a.max_seconds)
    db = sqlite3.connect(a.db)
    db.execute("""CREATE TABLE IF NOT EXISTS klines (
        symbol TEXT NOT NULL, interval TEXT NOT NULL, open_time INTEGER NOT NULL,
        open TEXT, high TEXT, low TEXT, close TEXT, volume TEXT, close_time INTEGER,
        quote_volume TEXT, trades INTEGER, taker_base_volume TEXT, taker_quote_volume TEXT,
        PRIMARY KEY (symbol, interval, open_time))""")
    db.commit()

    info = client.get("/exchangeInfo", 1 if a.market != "spot" else 20)
    symbols = []
    for s in info["symbols"]:
        status = s.get("status", s.get("contractStatus"))
        if status != "TRADING":
            continue
        if a.market != "spot" and s.get("contractType") != "PERPETUAL":
            continue
        symbols.append(s["symbol"])
    if a.symbols_limit is not None:
        symbols = symbols[: a.symbols_limit]

    inserted = fetched = 0
    for i, sym in enumerate(symbols):
        rows = []
        if a.bars <= 1000:
            rows = client.get(f"/klines?symbol={sym}&interval={a.interval}&limit={a.bars}",
                              klines_weight(a.market, a.bars))
        else:
            end = None
            pages = 0
            while len(rows) < a.bars and pages < a.bars // 1000 + 2:
                pages += 1
                q = f"/klines?symbol={sym}&interval={a.interval}&limit=1000"
                if end is not None:
                    q += f"&endTime={end}"
                page = client.get(q, klines_weight(a.market, 1000))
                if not page:
                    break
                rows = page + rows
                end = page[0][0] - 1
                if len(page) < 1000:
                    break
            rows = rows[-a.bars:]
        fetched += len(rows)
        new = []
        for k in rows:
            if db.execute("SELECT 1 FROM klines WHERE symbol=? AND interval=? AND open_time=?",
                          (sym, a.interval, k[0])).fetchone() is None:
                new.append((sym, a.interval, k[0], k[1], k[2], k[3], k[4], k[5], k[6], k[7], k[8], k[9], k[10]))
        db.executemany("INSERT INTO klines VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)", new)
        db.commit()
        inserted += len(new)
        if i + 1 < len(symbols):
            time.sleep(0.1)

    db.close()
    print(json.dumps({
        "seconds": round(time.monotonic() - start, 2), "requests": client.requests, "weight": client.weight,
        "weight_header_max": client.weight_header_max, "bars_inserted": inserted, "rows_fetched": fetched,
        "http_429": client.http_429, "http_418": client.http_418, "symbols": len(symbols)}))


if __name__ == "__main__":
    main()
