#!/usr/bin/env python3
"""Runs the http benchmark (bench/README.md, "The http workload") and appends one JSON line per
measured cell to --out.

    python3 http_bench.py --cp CLASSPATH --java JAVA --out RAW.jsonl [--parts server,client]
                          [--servers jasyncio,...] [--clients jasyncio,...] [--rounds 3] [--duration 10]

Server part: for each round, each server in turn (rotated order): start it pinned to one core
(taskset), wait for its "ready" line, record one raw response to `GET /` (its size and header
names), give it a throwaway wrk run (50 connections, --throwaway-jvm seconds for the JVMs, which
need C2's compilations, --throwaway for the others), then measure every
connection count with wrk (1 thread, keep-alive, --duration seconds) pinned to the other core,
reading the server's CPU time (/proc/PID/stat: utime + stime of every thread) before and after.
wrk reports through bench/http/wrk_report.lua (requests, latency percentiles, socket errors,
non-2xx/3xx responses). Then the server is stopped.

Client part: one nginx (Debian's; worker_processes 1, bench/http/nginx.conf.template) pinned to
one core; for each round, each client in turn runs one process per concurrency N, pinned to the
other core: it warms up (--client-warmup-jvm / --client-warmup seconds), measures --duration
seconds and prints its own
figures (requests, wall time, its process CPU time); the nginx worker's CPU time is read around it.
"""

import argparse
import json
import os
import resource
import select
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))

# name -> (kind, arguments)
SERVERS = {
    "jasyncio": ("jasyncio", []),
    "jasyncio-portable": ("jasyncio-portable", []),
    "aiohttp-uvloop": ("python", ["--loop", "uvloop"]),
    "aiohttp": ("python", ["--loop", "asyncio"]),
    "netty-1": ("netty", ["one"]),
    "netty-default": ("netty", ["default"]),
    "nginx": ("nginx", []),
}
CLIENTS = {
    "jasyncio": ("jasyncio", []),
    "jasyncio-portable": ("jasyncio-portable", []),
    "aiohttp-uvloop": ("python", ["--loop", "uvloop"]),
    "aiohttp": ("python", ["--loop", "asyncio"]),
}
DEFAULT_CONNECTIONS = [50, 256]
DEFAULT_CONCURRENCY = [10, 100]

# glibc's malloc thresholds for the Python processes, as in the echo workload: a 16 MiB mmap
# threshold and a trim threshold above it, so that buffers come from the heap and the heap is not
# given back to the kernel after every request.
PY_MALLOC_ENV = {"MALLOC_MMAP_THRESHOLD_": str(16 * 1024 * 1024), "MALLOC_TRIM_THRESHOLD_": str(64 * 1024 * 1024)}
TICK = os.sysconf("SC_CLK_TCK")


def say(*a):
    print("http:", *a, file=sys.stderr, flush=True)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def cpu_seconds(pid):
    """utime + stime of a process (all its threads, live and dead), in seconds."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def now():
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def is_jvm(kind):
    return kind in ("jasyncio", "jasyncio-portable", "netty")


def java_command(a, kind, cls, args):
    engine = ["-Djasyncio.engine=portable"] if kind == "jasyncio-portable" else []
    return [a.java, "--add-exports", "java.base/jdk.internal.vm=ALL-UNNAMED", *a.jvm_opts.split(), *engine,
            "-cp", a.cp, cls, *args]


def server_command(a, name, port):
    kind, args = SERVERS[name]
    env = dict(os.environ)
    if kind in ("jasyncio", "jasyncio-portable"):
        cmd = java_command(a, kind, "io.jasyncio.bench.http.JasyncioHttpServer", [*args, str(port)])
    elif kind == "netty":
        cmd = java_command(a, kind, "io.jasyncio.bench.http.NettyHttpServer", [*args, str(port)])
    else:
        cmd = [a.python, os.path.join(HERE, "http_server.py"), *args, str(port)]
        env.update(PY_MALLOC_ENV)
    return ["taskset", "-c", str(a.server_cpu), *cmd], env


def raw_get(port, timeout=5.0):
    """One `GET /` as wrk sends it; returns (whole response bytes, head text)."""
    with socket.create_connection(("127.0.0.1", port), timeout=timeout) as s:
        s.sendall(f"GET / HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n\r\n".encode())
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        head, _, body = data.partition(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n")[1:]:
            k, _, v = line.partition(b":")
            if k.strip().lower() == b"content-length":
                length = int(v.strip())
        while len(body) < length:
            chunk = s.recv(65536)
            if not chunk:
                break
            body += chunk
    return len(head) + 4 + len(body), head.decode("latin-1")


class Server:
    def __init__(self, a, name):
        self.name = name
        self.port = free_port()
        cmd, env = server_command(a, name, self.port)
        self.log = open(os.path.join(a.logdir, f"http-server-{name}.log"), "a")
        self.log.write(f"\n=== {now()} {' '.join(cmd)}\n")
        self.log.flush()
        # taskset execs the server, so this pid is the server's.
        self.proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=self.log, text=True)
        line = ""
        if select.select([self.proc.stdout], [], [], 60)[0]:
            line = self.proc.stdout.readline()
        if not line.startswith("ready"):
            self.stop()
            raise RuntimeError(f"{name} did not start (see {self.log.name}): {line!r}")
        self.banner = line.strip()
        self.pid = self.proc.pid
        deadline = time.time() + 30
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                if time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"{name} said ready but does not accept connections")
                time.sleep(0.1)

    def alive(self):
        return self.proc.poll() is None

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()


def start_server(a, name):
    if SERVERS[name][0] == "nginx":
        return Nginx(a)
    return Server(a, name)


def wrk(a, port, conns, seconds):
    """One wrk run; returns its JSON line plus wrk's own CPU time."""
    cmd = ["taskset", "-c", str(a.client_cpu), a.wrk, "-t1", f"-c{conns}", f"-d{seconds:g}s", "--timeout", "5s",
           "-s", os.path.join(HERE, "wrk_report.lua"), f"http://127.0.0.1:{port}/"]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    lines = [l for l in r.stdout.splitlines() if l.startswith("{")]
    if r.returncode != 0 or not lines:
        raise RuntimeError(f"wrk failed ({r.returncode}): {r.stderr.strip() or r.stdout.strip()}")
    out = json.loads(lines[-1])
    out["wrk_cpu_s"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return out


def server_part(a, out):
    servers = [s for s in a.servers.split(",") if s]
    v = subprocess.run([a.wrk, "--version"], capture_output=True, text=True)
    wrk_version = ((v.stdout or v.stderr).split() + ["?", "?"])[1]
    failures = 0
    for rnd in range(1, a.rounds + 1):
        k = (rnd - 1) % len(servers)
        for name in servers[k:] + servers[:k]:
            say(f"server round {rnd}/{a.rounds}: {name}")
            try:
                srv = start_server(a, name)
            except RuntimeError as e:
                say(str(e))
                failures += 1
                continue
            try:
                size, head = raw_get(srv.port)
                throwaway = a.throwaway_jvm if is_jvm(SERVERS[name][0]) else a.throwaway
                if throwaway > 0:
                    wrk(a, srv.port, 50, throwaway)
                for conns in a.connections:
                    ld = load()
                    c0 = cpu_seconds(srv.pid)
                    w = wrk(a, srv.port, conns, a.duration)
                    c1 = cpu_seconds(srv.pid)
                    if not srv.alive():
                        raise RuntimeError(f"{name} exited during the measurement")
                    secs = w["duration_us"] / 1e6
                    n = w["requests"]
                    errors = {k: w[k] for k in w if k.startswith("errors_")}
                    rec = {"part": "server", "server": name, "round": rnd, "connections": conns,
                           "rps": n / secs, "requests": n, "seconds": secs, "server_cpu_s": c1 - c0,
                           "server_us_per_request": (c1 - c0) / n * 1e6 if n else None,
                           "server_cpu_share": (c1 - c0) / secs, "wrk_cpu_share": w["wrk_cpu_s"] / secs,
                           "latency_p50_us": w["latency_p50_us"], "latency_p90_us": w["latency_p90_us"],
                           "latency_p99_us": w["latency_p99_us"], "latency_max_us": w["latency_max_us"],
                           **errors, "bytes": w["bytes"], "response_bytes": size, "response_head": head,
                           "banner": srv.banner, "wrk": wrk_version, "load": ld, "throwaway": throwaway,
                           "jvm_opts": a.jvm_opts, "time": now()}
                    out.write(json.dumps(rec) + "\n")
                    out.flush()
                    bad = {k: v for k, v in errors.items() if v}
                    say(f"  {conns:>4} connections: {rec['rps']:>10,.0f} req/s, server "
                        f"{rec['server_us_per_request'] or float('nan'):6.2f} us/req (server CPU "
                        f"{rec['server_cpu_share']:.0%}, wrk CPU {rec['wrk_cpu_share']:.0%}), p50 "
                        f"{w['latency_p50_us'] / 1000:.2f} ms, p99 {w['latency_p99_us'] / 1000:.2f} ms"
                        + (f", ERRORS {bad}" if bad else ""))
            except (RuntimeError, OSError, subprocess.TimeoutExpired) as e:
                say(f"{name}: {e}")
                failures += 1
            finally:
                srv.stop()
    return failures


class Nginx:
    """Debian's nginx with bench/http/nginx.conf.template; pid is its one worker's (the CPU measured)."""

    name = "nginx"

    def __init__(self, a):
        self.dir = tempfile.mkdtemp(prefix="jasyncio-bench-nginx-")
        self.port = free_port()
        with open(os.path.join(HERE, "nginx.conf.template")) as f:
            conf = f.read().replace("@DIR@", self.dir).replace("@PORT@", str(self.port))
        with open(os.path.join(self.dir, "nginx.conf"), "w") as f:
            f.write(conf)
        cmd = ["taskset", "-c", str(a.server_cpu), a.nginx, "-p", self.dir, "-c", os.path.join(self.dir, "nginx.conf"),
               "-g", f"daemon off; pid {self.dir}/nginx.pid;"]
        self.log = open(os.path.join(a.logdir, "http-nginx.log"), "a")
        self.log.write(f"\n=== {now()} {' '.join(cmd)}\n")
        self.log.flush()
        self.proc = subprocess.Popen(cmd, stdout=self.log, stderr=self.log)
        deadline = time.time() + 30
        while True:
            try:
                size, head = raw_get(self.port)
                break
            except OSError:
                if self.proc.poll() is not None or time.time() > deadline:
                    self.stop()
                    raise RuntimeError(f"nginx did not start (see {self.log.name} and {self.dir}/error.log)")
                time.sleep(0.1)
        self.response_bytes, self.response_head = size, head
        self.worker = self.pid = self._worker()
        self.version = subprocess.run([a.nginx, "-v"], capture_output=True, text=True).stderr.strip()
        self.banner = f"ready ({self.version}, worker_processes 1)"

    def _worker(self):
        pid = self.proc.pid
        try:
            with open(f"/proc/{pid}/task/{pid}/children") as f:
                kids = [int(x) for x in f.read().split()]
        except OSError:
            kids = []
            for d in os.listdir("/proc"):
                if d.isdigit():
                    try:
                        with open(f"/proc/{d}/stat") as f:
                            if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                                kids.append(int(d))
                    except (OSError, ValueError, IndexError):
                        pass
        if len(kids) != 1:
            self.stop()
            raise RuntimeError(f"expected one nginx worker under {pid}, found {kids}")
        return kids[0]

    def alive(self):
        return self.proc.poll() is None and os.path.exists(f"/proc/{self.worker}")

    def stop(self):
        if self.log.closed:
            return
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGQUIT)  # nginx's graceful shutdown
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        shutil.rmtree(self.dir, ignore_errors=True)


def client_command(a, name, url, n):
    kind, args = CLIENTS[name]
    env = dict(os.environ)
    warmup = a.client_warmup_jvm if is_jvm(kind) else a.client_warmup
    tail = [url, str(n), f"{warmup:g}", f"{a.duration:g}"]
    if kind.startswith("jasyncio"):
        cmd = java_command(a, kind, "io.jasyncio.bench.http.JasyncioHttpClient", tail)
    else:
        cmd = [a.python, os.path.join(HERE, "http_client.py"), *args, *tail]
        env.update(PY_MALLOC_ENV)
    return ["taskset", "-c", str(a.client_cpu), *cmd], env, warmup


def client_part(a, out):
    clients = [c for c in a.clients.split(",") if c]
    failures = 0
    ng = Nginx(a)
    say(f"client part: {ng.version} on port {ng.port}, worker pid {ng.worker}; response {ng.response_bytes} bytes")
    try:
        url = f"http://127.0.0.1:{ng.port}/"
        for rnd in range(1, a.rounds + 1):
            k = (rnd - 1) % len(clients)
            for name in clients[k:] + clients[:k]:
                say(f"client round {rnd}/{a.rounds}: {name}")
                for n in a.concurrency:
                    cmd, env, warmup = client_command(a, name, url, n)
                    ld = load()
                    with open(os.path.join(a.logdir, f"http-client-{name}.log"), "a") as log:
                        log.write(f"\n=== {now()} {' '.join(cmd)}\n")
                        log.flush()
                        # The client prints "measuring" when its measured phase starts and its JSON line
                        # when it ends: nginx's worker CPU is read at both.
                        proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=log, text=True)
                        c0 = c1 = None
                        lines = []
                        deadline = time.time() + warmup + a.duration + 120
                        for line in proc.stdout:
                            if line.startswith("measuring"):
                                c0 = cpu_seconds(ng.worker)
                            elif line.startswith("{"):
                                c1 = cpu_seconds(ng.worker)
                                lines.append(line)
                            if time.time() > deadline:
                                proc.kill()
                                break
                        rc = proc.wait()
                    if rc != 0 or not lines or c0 is None:
                        say(f"  {name} N={n} failed ({rc}); see http-client-{name}.log")
                        failures += 1
                        continue
                    c = json.loads(lines[-1])
                    n_req = c["requests"]
                    rec = {"part": "client", "client": name, "round": rnd, "concurrency": n,
                           "rps": n_req / c["seconds"], "requests": n_req, "seconds": c["seconds"],
                           "client_cpu_s": c["cpu_s"],
                           "client_us_per_request": c["cpu_s"] / n_req * 1e6 if n_req else None,
                           "client_cpu_share": c["cpu_s"] / c["seconds"],
                           # nginx's worker over the measured phase: its share of one core tells whether
                           # nginx, not the client, was the limit.
                           "nginx_cpu_s": c1 - c0, "nginx_cpu_share": (c1 - c0) / c["seconds"],
                           "nginx_us_per_request": (c1 - c0) / n_req * 1e6 if n_req else None,
                           "errors": c["errors"], "impl_detail": c.get("impl_detail", ""),
                           "loop_alloc_bytes_per_request": c.get("loop_alloc_bytes_per_request"),
                           "nginx": ng.version, "nginx_response_bytes": ng.response_bytes,
                           "nginx_response_head": ng.response_head, "load": ld, "warmup": warmup,
                           "jvm_opts": a.jvm_opts, "time": now()}
                    out.write(json.dumps(rec) + "\n")
                    out.flush()
                    say(f"  N={n:>4}: {rec['rps']:>10,.0f} req/s, client {rec['client_us_per_request'] or float('nan'):6.2f}"
                        f" us/req (client CPU {rec['client_cpu_share']:.0%}, nginx CPU {rec['nginx_cpu_share']:.0%})"
                        + (f", ERRORS {c['errors']}" if c["errors"] else ""))
    finally:
        ng.stop()
    return failures


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--cp", required=True, help="class path of the Java servers and client")
    ap.add_argument("--java", required=True)
    ap.add_argument("--python", default="/usr/bin/python3")
    ap.add_argument("--wrk", default=shutil.which("wrk") or "wrk")
    ap.add_argument("--nginx", default=shutil.which("nginx") or "/usr/sbin/nginx")
    ap.add_argument("--jvm-opts", dest="jvm_opts", default="-Xms1g -Xmx1g -XX:+UseSerialGC")
    ap.add_argument("--parts", default="server,client")
    ap.add_argument("--servers", default=",".join(SERVERS))
    ap.add_argument("--clients", default=",".join(CLIENTS))
    ap.add_argument("--connections", default=",".join(map(str, DEFAULT_CONNECTIONS)), help="wrk connections, comma-separated")
    ap.add_argument("--concurrency", default=",".join(map(str, DEFAULT_CONCURRENCY)), help="client tasks N, comma-separated")
    ap.add_argument("--rounds", type=int, default=3)
    ap.add_argument("--duration", type=float, default=10.0)
    # The JVMs need longer: pinned to one busy core, C2 takes 10-20 s to compile Netty's pipeline.
    ap.add_argument("--throwaway", type=float, default=3.0,
                    help="seconds of the throwaway wrk run (50 connections) per Python or nginx server")
    ap.add_argument("--throwaway-jvm", dest="throwaway_jvm", type=float, default=15.0,
                    help="the same for the JVM servers")
    ap.add_argument("--client-warmup", dest="client_warmup", type=float, default=3.0,
                    help="seconds each Python client runs before its measured phase")
    ap.add_argument("--client-warmup-jvm", dest="client_warmup_jvm", type=float, default=10.0,
                    help="the same for the JVM clients")
    ap.add_argument("--server-cpu", dest="server_cpu", type=int, default=0)
    ap.add_argument("--client-cpu", dest="client_cpu", type=int, default=1)
    ap.add_argument("--out", required=True, help="JSON lines file to append to")
    ap.add_argument("--logdir", default=None)
    a = ap.parse_args()
    a.logdir = a.logdir or os.path.dirname(os.path.abspath(a.out))
    a.connections = [int(x) for x in a.connections.split(",") if x]
    a.concurrency = [int(x) for x in a.concurrency.split(",") if x]
    for s in a.servers.split(","):
        if s and s not in SERVERS:
            sys.exit(f"unknown server {s!r} (known: {', '.join(SERVERS)})")
    for c in a.clients.split(","):
        if c and c not in CLIENTS:
            sys.exit(f"unknown client {c!r} (known: {', '.join(CLIENTS)})")
    parts = [p for p in a.parts.split(",") if p]
    failures = 0
    with open(a.out, "a") as out:
        if "server" in parts:
            failures += server_part(a, out)
        if "client" in parts:
            failures += client_part(a, out)
    if failures:
        say(f"{failures} run(s) failed")
        sys.exit(1)


if __name__ == "__main__":
    main()
