#!/usr/bin/env python3
"""The http benchmark's aiohttp client (bench/README.md, "The http workload").

    python3 http_client.py --loop uvloop|asyncio URL N WARMUP_SECONDS SECONDS

One aiohttp.ClientSession over a TCPConnector(limit=N), and N tasks each looping
`async with session.get(url) as r: await r.read()` (keep-alive: every task keeps one pooled
connection busy), as io.jasyncio.bench.http.JasyncioHttpClient. A warm-up phase of WARMUP_SECONDS,
then the measured phase of SECONDS: the tasks stop starting requests when it ends. Prints "measuring"
on stdout when the measured phase starts and, when it ends, one JSON line: the requests completed,
the wall time until the last task finished and the process's CPU time (os.times(): user + system,
every thread) over the phase. A response that is not a 200
with the expected body counts as an error (the first is printed on stderr).
"""

import argparse
import asyncio
import json
import os
import sys
import time

import aiohttp

EXPECTED = b"Hello, World!"


async def phase(session, url, n, seconds):
    st = {"stop": False, "requests": 0, "errors": 0, "bytes": 0, "first_error": None}

    async def worker():
        while not st["stop"]:
            try:
                async with session.get(url) as r:
                    body = await r.read()
                    if r.status != 200 or body != EXPECTED:
                        st["errors"] += 1
                        st["first_error"] = st["first_error"] or f"status {r.status}, {len(body)} body bytes"
                    else:
                        st["requests"] += 1
                        st["bytes"] += len(body)
            except Exception as e:  # noqa: BLE001 (counted and shown)
                st["errors"] += 1
                st["first_error"] = st["first_error"] or repr(e)
                if st["errors"] > 1000:
                    raise

    loop = asyncio.get_running_loop()
    h = loop.call_later(seconds, lambda: st.__setitem__("stop", True))
    try:
        await asyncio.gather(*(worker() for _ in range(n)))
    finally:
        h.cancel()
    return st


async def run(a, detail):
    conn = aiohttp.TCPConnector(limit=a.n)
    async with aiohttp.ClientSession(connector=conn) as session:
        if a.warmup > 0:
            w = await phase(session, a.url, a.n, a.warmup)
            if w["errors"]:
                print(f"warm-up: {w['errors']} errors, first: {w['first_error']}", file=sys.stderr)
        print("measuring", flush=True)
        t0 = os.times()
        w0 = time.perf_counter()
        p = await phase(session, a.url, a.n, a.seconds)
        elapsed = time.perf_counter() - w0
        t1 = os.times()
        if p["errors"]:
            print(f"{p['errors']} errors, first: {p['first_error']}", file=sys.stderr)
        print(json.dumps({"requests": p["requests"], "seconds": elapsed,
                          "cpu_s": (t1.user - t0.user) + (t1.system - t0.system),
                          "errors": p["errors"], "bytes": p["bytes"], "concurrency": a.n,
                          "impl_detail": detail}), flush=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    ap.add_argument("url")
    ap.add_argument("n", type=int)
    ap.add_argument("warmup", type=float)
    ap.add_argument("seconds", type=float)
    a = ap.parse_args()
    if a.loop == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
        detail = f"aiohttp {aiohttp.__version__}, uvloop {uvloop.__version__}"
    else:
        loop = asyncio.new_event_loop()
        detail = f"aiohttp {aiohttp.__version__}, asyncio"
    asyncio.set_event_loop(loop)
    try:
        loop.run_until_complete(run(a, detail))
    finally:
        loop.close()


if __name__ == "__main__":
    main()
