#!/usr/bin/env python3
"""The http benchmark's aiohttp server (bench/README.md, "The http workload").

    python3 http_server.py --loop uvloop|asyncio PORT

aiohttp.web's hello world: one route, GET /, answering web.Response(text="Hello, World!")
(text/plain; charset=utf-8, Content-Length, Date, Server: Python/3.x aiohttp/3.x), served with
web.run_app on 127.0.0.1 with the access log off (access_log=None: aiohttp 3.8 formats a log line
per request even when the logger is disabled; the jasyncio server has no access log by default
either), on uvloop's loop or asyncio's default one. Prints "ready ..." on stdout once serving;
SIGTERM stops it (run_app's signal handling). bench/http/http_bench.py runs it with glibc's malloc
thresholds raised (MALLOC_MMAP_THRESHOLD_, MALLOC_TRIM_THRESHOLD_), as the echo workload does.
"""

import argparse
import asyncio
import sys

import aiohttp
from aiohttp import web


async def hello(request):
    return web.Response(text="Hello, World!")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--loop", choices=("uvloop", "asyncio"), default="uvloop")
    ap.add_argument("port", type=int)
    a = ap.parse_args()
    if a.loop == "uvloop":
        import uvloop
        loop = uvloop.new_event_loop()
        detail = f"uvloop {uvloop.__version__}"
    else:
        loop = asyncio.new_event_loop()
        detail = "asyncio"
    app = web.Application()
    app.router.add_get("/", hello)

    def ready(*_):
        print(f"ready (aiohttp {aiohttp.__version__} web, {detail}, Python {sys.version.split()[0]})", flush=True)

    web.run_app(app, host="127.0.0.1", port=a.port, access_log=None, print=ready, loop=loop)


if __name__ == "__main__":
    main()
