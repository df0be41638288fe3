#!/usr/bin/env python3
"""Writes bench/RESULTS.md from the raw results that bench/run leaves in bench/results/raw/.

    python3 report.py --raw bench/results/raw --out bench/RESULTS.md [--java JAVA] [--python PY]

Every figure is a median over repeated measurements (JMH measurement iterations, or Python runs)
with the min-max range beside it. A workload whose raw files are missing is listed as not run.
A section of the previous RESULTS.md starting with "## Analysis (hand-written" is kept at the end.
"""

import argparse
import datetime
import glob
import json
import os
import platform
import re
import statistics
import subprocess

import peers  # issue 9's Kotlin and virtual-thread rows (bench/python/peers.py)

TIMER_COUNT = 1_000_000
ANALYSIS_HEADING = "## Analysis (hand-written"

TARGETS = {
    "steps_vs_cpython": 8.0,
    "steps_vs_limit": 0.60,
    "spawn": 20.0,
    "timers": 10.0,
    "memory": 450.0,
    "scopes": 15.0,
    "queue": 10.0,
    "lock": 20.0,
    "semaphore": 10.0,
    "pingpong": 10.0,
    "gen_async": 1.0,      # async generator that only yields: >= 1.0x CPython asyncio (per value)
    "gen_sleep": 5.0,      # the same with sleep(0) every 100 values: >= 5x CPython asyncio
    "gen_vs_bare": 1.3,    # per-value cost <= 1.3x a bare continuation resume + yield
}

# Workload 5's measurements: (JMH method, Python scenario, title, unit, per-op label, ops per round)
SCOPES = [
    ("gather", "gather", "`gather` of 10,000 trivial tasks", "tasks/s", "task", 10_000),
    ("taskGroup", "taskgroup", "`TaskGroup` with 10,000 trivial children", "children/s", "child", 10_000),
    ("waitFor", "waitfor", "100,000 `waitFor(coroutine, 10)` calls, no timeout", "calls/s", "call", 100_000),
    ("timeoutScope", "timeout", "100,000 `timeout(10)` scopes entered and exited", "scopes/s", "scope", 100_000),
]

# Workload 6's measurements: (JMH method, Python scenario, title, unit, per-op label, target key)
SYNC = [
    ("queue1x1", "queue1x1", "`Queue(100)`, 1 producer + 1 consumer, 1,000,000 items", "items/s", "item", "queue"),
    ("queue4x4", "queue4x4", "`Queue(100)`, 4 producers + 4 consumers, 1,000,000 items", "items/s", "item", "queue"),
    ("lock", "lock", "`Lock`, 100 contending tasks, acquire / `sleep(0)` / release", "acquisitions/s", "acquisition", "lock"),
    ("semaphore", "semaphore", "`Semaphore(10)`, 100 tasks, acquire / `sleep(0)` / release", "acquisitions/s", "acquisition", "semaphore"),
    ("pingPong", "pingpong", "`Event` ping-pong between two tasks", "round trips/s", "round trip", "pingpong"),
]


# ---- reading ----

def load_json(path):
    try:
        with open(path) as f:
            return json.load(f)
    except (OSError, ValueError):
        return None


def load_jsonl(path):
    out = []
    try:
        with open(path) as f:
            for line in f:
                line = line.strip()
                if line.startswith("{"):
                    out.append(json.loads(line))
    except OSError:
        pass
    return out


def flat(raw):
    return [v for fork in raw for v in fork]


class Stat:
    def __init__(self, values, error=None):
        self.values = list(values)
        self.median = statistics.median(self.values)
        self.min = min(self.values)
        self.max = max(self.values)
        self.n = len(self.values)
        self.error = error  # JMH's 99.9% half-width, when there is one

    def map(self, fn):
        vals = [fn(v) for v in self.values]
        return Stat(vals)


def jmh_entries(path):
    return jmh_entries_from(load_json(path) or [])


def gc_info(e, per_invocation=1):
    """(bytes allocated per unit, share of the measured time spent in GC pauses) from JMH -prof gc."""
    if e is None:
        return None, None
    sec = e["secondary"]
    norm = sec.get("gc.alloc.rate.norm")
    alloc = norm.median / per_invocation if norm else None
    js = e["json"]
    iters = js.get("measurementIterations") or 1
    gct = sec.get("gc.time")
    if "gc.alloc.rate" not in sec:
        return alloc, None  # run without -prof gc
    gc_ms = sum(gct.values) if gct else 0.0
    if js["mode"] == "ss":
        total_ms = sum(e["primary"].values)
    else:
        t = str(js.get("measurementTime") or "1 s").split()
        total_ms = iters * float(t[0]) * {"s": 1000.0, "ms": 1.0}.get(t[1] if len(t) > 1 else "s", 1000.0)
    return alloc, gc_ms / total_ms if total_ms else None


def fmt_gc(alloc, share):
    a = "-" if alloc is None else (f"{alloc:,.1f} B" if alloc < 100 else f"{alloc:,.0f} B")
    g = "-" if share is None else f"{share:.0%}"
    return a, g


def python_stats(path, field="value", scenario=None):
    recs = load_jsonl(path)
    by = {}
    for r in recs:
        if scenario is not None and r.get("scenario") != scenario:
            continue
        by.setdefault(r["impl"], []).append(r[field])
    return {impl: Stat(v) for impl, v in by.items()}


# ---- formatting ----

def num(x, digits=0):
    if not isinstance(x, (int, float)) or x != x:
        return "-"  # missing, or JMH's "NaN" error of a run with too few iterations
    if abs(x) >= 100 or digits == 0:
        return f"{x:,.{digits}f}"
    return f"{x:,.{digits}f}"


def rng(stat, digits=0, fn=None):
    lo, hi = (stat.min, stat.max) if fn is None else sorted((fn(stat.min), fn(stat.max)))
    return f"{num(lo, digits)} – {num(hi, digits)}"


def ratio(a, b):
    if a is None or b is None or b == 0:
        return None
    return a / b


def fmt_ratio(r):
    if r is None:
        return "-"
    return f"{r:.1f}x" if r >= 0.95 else f"{r:.2f}x"


def verdict(ok):
    if ok is None:
        return "not measured"
    return "**met**" if ok else "**missed**"


# ---- machine ----

def sh(cmd):
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, timeout=30)
        return (r.stdout + r.stderr).strip()
    except (OSError, subprocess.SubprocessError):
        return ""


def machine(java, python):
    cpu = "unknown"
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    cpu = line.split(":", 1)[1].strip()
                    break
    except OSError:
        pass
    mem = "unknown"
    try:
        with open("/proc/meminfo") as f:
            for line in f:
                if line.startswith("MemTotal"):
                    mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
                    break
    except OSError:
        pass
    jv = sh([java, "-version"]).splitlines() if java else []
    pv = sh([python, "--version"]) if python else ""
    uv = sh([python, "-c", "import uvloop; print(uvloop.__version__)"]) if python else ""
    if "Error" in uv or "Traceback" in uv:
        uv = "not installed"
    return {
        "nproc": os.cpu_count(), "cpu": cpu, "mem": mem, "kernel": platform.release(),
        "java": " / ".join(l.strip() for l in jv[:3]) or "unknown",
        "python": pv or "unknown", "uvloop": uv or "unknown",
    }


# ---- the report ----

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--raw", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--java")
    ap.add_argument("--python")
    a = ap.parse_args()
    raw = a.raw
    m = machine(a.java, a.python)
    metas = {w: load_json(os.path.join(raw, f"meta-{w}.json"))
             for w in ("steps", "spawn", "timers", "memory", "scopes", "sync", "generators", "http")}
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")

    L = []
    add = L.append
    add("# jasyncio benchmark results")
    add("")
    add(f"Written by `bench/run` on {now}. Ratios are the only claims: every implementation ran on the")
    add("same machine in the same `bench/run` invocation (or in the per-workload run dated below).")
    add("")
    add("| | |")
    add("|---|---|")
    add(f"| machine | {m['nproc']} CPUs ({m['cpu']}), {m['mem']} RAM, Linux {m['kernel']} |")
    add(f"| JDK | {m['java']} |")
    add(f"| Python | {m['python']} (Debian's `/usr/bin/python3`); uvloop {m['uvloop']} |")
    add(peers.versions_row())
    gits = sorted({(mt or {}).get("git") for mt in metas.values() if mt})
    add(f"| jasyncio | commit {', '.join(g for g in gits if g) or 'unknown'} (core built from the working tree) |")
    for w, mt in metas.items():
        if mt:
            add(f"| {w} | run {mt.get('started', '?')} – {mt.get('ended', '?')}, load average "
                f"{mt.get('load_start', '?')} at start, {mt.get('load_end', '?')} at end"
                f"{'; JMH options: ' + mt['jmh_opts'] if mt.get('jmh_opts') else ''} |")
        else:
            add(f"| {w} | not run |")
    add("")
    add("**Noise.** This is a 2-core machine shared with other people's builds and test runs while these")
    add("numbers were taken (see the load averages above: anything near or above 2 means the benchmark")
    add("competed for the CPUs). JMH runs 1 fork, 3 warm-up and 5 measurement iterations of 1 s (timers: 2")
    add("warm-up and 5 measured single shots), so its 99.9% error bars are wide; they are shown as given.")
    add("Every figure is the **median** of the repeated measurements with the min–max range beside it.")
    add("")

    summary = []  # (workload, target, jasyncio, cpython, ratio text, verdict)
    psummary = []  # the same against Kotlin / virtual threads (peers.py)
    sections = []

    # ---- 1. task steps ----
    S = []
    jm = jmh_entries(os.path.join(raw, "jmh-steps.json"))
    py = python_stats(os.path.join(raw, "python-steps.jsonl"))
    cont = jm.get(("TaskStepsBench.steps", "continuation"))
    port = jm.get(("TaskStepsBench.steps", "portable"))
    base = jm.get(("ContinuationBaselineBench.yieldAndResume", None))
    cpy = py.get("cpython-asyncio")
    S.append("## 1. Task steps: 10 tasks each looping `sleep(0)`")
    S.append("")
    if cont or cpy:
        S.append("| implementation | steps/s (median) | min – max | ns per step | JMH score ± error | vs CPython asyncio | vs best peer | allocated per step | GC pauses (share of time) |")
        S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = [("jasyncio, continuation engine", cont["primary"] if cont else None, cont),
                ("jasyncio, portable engine", port["primary"] if port else None, port),
                ("CPython asyncio", cpy, None),
                ("uvloop", py.get("uvloop"), None)] + peers.rows(raw, "steps")
        best = peers.best(rows)
        for name, st, e in rows:
            if st is None:
                continue
            err = f"{num(e['score'])} ± {num(e['primary'].error)}" if e else "-"
            al, g = fmt_gc(*gc_info(e))
            S.append(f"| {name} | {num(st.median)} | {rng(st)} | {num(1e9 / st.median, 0)} | {err} | "
                     f"{fmt_ratio(ratio(st.median, cpy.median if cpy else None))} | {peers.vs_best(st.median, best)} | {al} | {g} |")
        S.append("")
        S.append(peers.best_note(best, "steps/s"))
        S.append("")
        if base:
            b = base["primary"]
            limit = 1e9 / b.median
            S.append(f"Engine limit, measured in the same run: a bare `jdk.internal.vm.Continuation` resume + yield "
                     f"takes **{num(b.median, 1)} ns** (median; {rng(b, 1)} ns; JMH {num(base['score'], 1)} ± "
                     f"{num(base['primary'].error, 1)} ns), i.e. at most {num(limit)} switches/s.")
            S.append("")
        r_cpy = ratio(cont["primary"].median, cpy.median) if cont and cpy else None
        r_lim = ratio(cont["primary"].median, 1e9 / base["primary"].median) if cont and base else None
        S.append(f"- Target ≥{TARGETS['steps_vs_cpython']:.0f}x CPython asyncio's steps/s: "
                 f"{fmt_ratio(r_cpy)} → {verdict(None if r_cpy is None else r_cpy >= TARGETS['steps_vs_cpython'])}.")
        S.append(f"- Target ≥{TARGETS['steps_vs_limit']:.0%} of the engine's own limit: "
                 f"{'-' if r_lim is None else f'{r_lim:.0%}'} → "
                 f"{verdict(None if r_lim is None else r_lim >= TARGETS['steps_vs_limit'])}"
                 + (f" (the loop adds {num(1e9 / cont['primary'].median - base['primary'].median)} ns per step "
                    f"on top of the {num(base['primary'].median)} ns switch; the budget is "
                    f"{num(base['primary'].median / TARGETS['steps_vs_limit'] - base['primary'].median)} ns)."
                    if cont and base else "."))
        S.append(peers.kotlin_target(psummary, "task steps vs Kotlin `yield()`", "steps", cont["primary"].median if cont else None,
                                     f"{num(cont['primary'].median)} steps/s" if cont else "-", peers.kotlin_best(rows), "steps/s"))
        if port and cpy:
            S.append(f"- Portable engine (reported, no target): {fmt_ratio(ratio(port['primary'].median, cpy.median))} "
                     f"CPython asyncio; every step is two thread hand-offs (park/unpark) between the loop thread "
                     f"and the task's virtual thread.")
        summary.append(("task steps (`sleep(0)`, 10 tasks)", f"≥{TARGETS['steps_vs_cpython']:.0f}x CPython",
                        f"{num(cont['primary'].median)} steps/s" if cont else "-",
                        f"{num(cpy.median)} steps/s" if cpy else "-", fmt_ratio(r_cpy),
                        verdict(None if r_cpy is None else r_cpy >= TARGETS['steps_vs_cpython'])))
        summary.append(("task steps vs bare continuation switch", f"≥{TARGETS['steps_vs_limit']:.0%} of limit",
                        f"{num(1e9 / cont['primary'].median)} ns/step" if cont else "-",
                        f"limit {num(base['primary'].median)} ns/switch" if base else "-",
                        "-" if r_lim is None else f"{r_lim:.0%}",
                        verdict(None if r_lim is None else r_lim >= TARGETS['steps_vs_limit'])))
    else:
        S.append("Not run.")
    S.append("")
    sections.append(S)

    # ---- 2. spawn + gather ----
    S = []
    jm = jmh_entries(os.path.join(raw, "jmh-spawn.json"))
    py = python_stats(os.path.join(raw, "python-spawn.jsonl"))
    cont = jm.get(("SpawnGatherBench.spawnAndGather", "continuation"))
    port = jm.get(("SpawnGatherBench.spawnAndGather", "portable"))
    cpy = py.get("cpython-asyncio")
    S.append("## 2. Spawn + gather of 100,000 trivial tasks")
    S.append("")
    if cont or cpy:
        S.append("| implementation | tasks/s (median) | min – max | µs per task | JMH score ± error | vs CPython asyncio | vs best peer | allocated per task | GC pauses (share of time) |")
        S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
        rows = [("jasyncio, continuation engine", cont["primary"] if cont else None, cont),
                ("jasyncio, portable engine", port["primary"] if port else None, port),
                ("CPython asyncio", cpy, None), ("uvloop", py.get("uvloop"), None)] + peers.rows(raw, "spawn")
        best = peers.best(rows)
        for name, st, e in rows:
            if st is None:
                continue
            err = f"{num(e['score'])} ± {num(e['primary'].error)}" if e else "-"
            al, g = fmt_gc(*gc_info(e))
            S.append(f"| {name} | {num(st.median)} | {rng(st)} | {1e6 / st.median:.2f} | {err} | "
                     f"{fmt_ratio(ratio(st.median, cpy.median if cpy else None))} | {peers.vs_best(st.median, best)} | {al} | {g} |")
        S.append("")
        S.append(peers.best_note(best, "tasks/s"))
        S.append("")
        r = ratio(cont["primary"].median, cpy.median) if cont and cpy else None
        S.append(f"- Target ≥{TARGETS['spawn']:.0f}x CPython asyncio's tasks/s: {fmt_ratio(r)} → "
                 f"{verdict(None if r is None else r >= TARGETS['spawn'])}.")
        S.append(peers.kotlin_target(psummary, "spawn + gather vs Kotlin `async` + `awaitAll`", "spawn",
                                     cont["primary"].median if cont else None,
                                     f"{num(cont['primary'].median)} tasks/s" if cont else "-", peers.kotlin_best(rows), "tasks/s"))
        summary.append(("spawn + gather, 100,000 tasks", f"≥{TARGETS['spawn']:.0f}x CPython",
                        f"{num(cont['primary'].median)} tasks/s" if cont else "-",
                        f"{num(cpy.median)} tasks/s" if cpy else "-", fmt_ratio(r),
                        verdict(None if r is None else r >= TARGETS['spawn'])))
    else:
        S.append("Not run.")
    S.append("")
    sections.append(S)

    # ---- 3. timers ----
    S = []
    jm = jmh_entries(os.path.join(raw, "jmh-timers.json"))
    py = python_stats(os.path.join(raw, "python-timers.jsonl"))
    pycpu = python_stats(os.path.join(raw, "python-timers.jsonl"), field="cpu_value")
    cont = jm.get(("TimersBench.timers", "continuation"))
    port = jm.get(("TimersBench.timers", "portable"))
    cpy = py.get("cpython-asyncio")
    S.append("## 3. 1,000,000 `callLater` timers, random delays in [0, 1) s")
    S.append("")
    if cont or cpy:
        S.append("Wall clock from the start of scheduling to the last callback (the latest deadline is ~1 s after")
        S.append("scheduling starts, so no implementation can beat ~1,000,000 callbacks/s here); the second figure")
        S.append("is the loop thread's CPU time only (scheduling + firing, without idle waits and without GC")
        S.append("threads), i.e. the loop's own cost per timer.")
        S.append("")
        S.append("| implementation | callbacks/s, wall (median) | min – max | vs CPython asyncio | vs best peer | callbacks per loop-CPU-second (median) | min – max | vs CPython asyncio | vs best peer | allocated per timer | GC pauses (share of time) |")
        S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")

        def jstats(e):
            wall = e["primary"].map(lambda ms: 1e6 / (ms / 1000.0))  # ms/op -> callbacks/s
            cpu = e["secondary"].get("loopCpuNanos")
            cpu = cpu.map(lambda ns: 1e6 / (ns / 1e9)) if cpu else None
            return wall, cpu

        rows = []
        if cont:
            rows.append(("jasyncio, continuation engine",) + jstats(cont) + (cont,))
        if port:
            rows.append(("jasyncio, portable engine (same code: no task involved)",) + jstats(port) + (port,))
        if cpy:
            rows.append(("CPython asyncio", cpy, pycpu.get("cpython-asyncio"), None))
        if py.get("uvloop"):
            rows.append(("uvloop", py.get("uvloop"), pycpu.get("uvloop"), None))
        prows = peers.timer_rows(raw, jstats)
        rows += prows
        best = peers.best(rows)
        best_cpu = peers.best([(r[0], r[2]) for r in rows if r[2] is not None])
        cpy_cpu = pycpu.get("cpython-asyncio")
        for name, wall, cpu, e in rows:
            al, g = fmt_gc(*gc_info(e, TIMER_COUNT))
            S.append(f"| {name} | {num(wall.median)} | {rng(wall)} | {fmt_ratio(ratio(wall.median, cpy.median if cpy else None))} | "
                     f"{peers.vs_best(wall.median, best)} | "
                     f"{num(cpu.median) if cpu else '-'} | {rng(cpu) if cpu else '-'} | "
                     f"{fmt_ratio(ratio(cpu.median, cpy_cpu.median)) if cpu and cpy_cpu else '-'} | "
                     f"{peers.vs_best(cpu.median, best_cpu) if cpu else '-'} | {al} | {g} |")
        S.append("")
        S.append(peers.best_note(best, "callbacks/s, wall") + " " + peers.best_note(best_cpu, "callbacks per loop-CPU-second"))
        S.append("")
        cwall, ccpu = jstats(cont) if cont else (None, None)
        r = ratio(cwall.median, cpy.median) if cont and cpy else None
        rc = ratio(ccpu.median, cpy_cpu.median) if ccpu and cpy_cpu else None
        S.append(f"- Target ≥{TARGETS['timers']:.0f}x CPython asyncio's callbacks/s (wall, as specified): {fmt_ratio(r)} → "
                 f"{verdict(None if r is None else r >= TARGETS['timers'])}. On loop CPU time: {fmt_ratio(rc)}.")
        if cpy:
            S.append(f"- Ceiling of the wall-clock ratio: the last deadline is ~1 s after scheduling starts, so even a loop"
                     f" that cost nothing would score at most ~{num(TIMER_COUNT)} callbacks/s ="
                     f" {fmt_ratio(TIMER_COUNT / cpy.median)} CPython asyncio's {num(cpy.median)} on this machine:"
                     f" the ≥{TARGETS['timers']:.0f}x wall target {'cannot be met here as specified' if TIMER_COUNT / cpy.median < TARGETS['timers'] else 'is within reach'}.")
        S.extend(peers.timers_bullets(prows, rows[0] if cont else None, psummary))
        summary.append(("1,000,000 `callLater` timers", f"≥{TARGETS['timers']:.0f}x CPython",
                        f"{num(cwall.median)} callbacks/s" if cont else "-",
                        f"{num(cpy.median)} callbacks/s" if cpy else "-", fmt_ratio(r),
                        verdict(None if r is None else r >= TARGETS['timers'])))
    else:
        S.append("Not run.")
    S.append("")
    sections.append(S)

    # ---- 4. memory ----
    S = []
    jrec = load_jsonl(os.path.join(raw, "java-memory.jsonl"))
    prec = load_jsonl(os.path.join(raw, "python-memory.jsonl"))
    S.append("## 4. Memory: 1,000,000 suspended tasks")
    S.append("")
    if jrec or prec:
        S.append("jasyncio: used heap (MemoryMXBean, minimum over several `System.gc()`) after minus before creating")
        S.append("the tasks, in a JVM with `-Xms8g -Xmx8g`, one JVM per run. CPython/uvloop: process RSS")
        S.append("(`/proc/self/statm`) after minus before, after `gc.collect()`, one interpreter per run. `sleep`:")
        S.append("each task in `sleep(3600)`; `future`: each task awaiting one shared future that never completes")
        S.append("(an `Event.wait()` at shallow depth).")
        S.append("")
        S.append("| implementation | scenario | bytes per task (median) | min – max | runs | create + suspend, s | vs CPython asyncio (same scenario) | vs best peer |")
        S.append("|---|---|---:|---:|---:|---:|---:|---:|")
        groups = {}
        for r in jrec:
            groups.setdefault((f"jasyncio, {r['engine']} engine", r["scenario"]), []).append((r["bytes_per_task"], r["create_and_suspend_s"]))
        for r in prec:
            groups.setdefault(({"cpython-asyncio": "CPython asyncio (RSS)", "uvloop": "uvloop (RSS)"}.get(r["impl"], r["impl"]), r["scenario"]), []).append((r["value"], r["create_and_suspend_s"]))
        pgroups = peers.memory_groups(raw)
        groups.update(pgroups)
        order = ["jasyncio, continuation engine", "jasyncio, portable engine", "CPython asyncio (RSS)", "uvloop (RSS)"] + peers.MEMORY_ORDER
        cpy_by = {sc: Stat([v for v, _ in groups[k]]) for k in groups for sc in [k[1]] if k[0] == "CPython asyncio (RSS)"}
        best_by = {sc: peers.best([(k[0], Stat([v for v, _ in groups[k]])) for k in groups if k[1] == sc], higher=False)
                   for sc in ("sleep", "future")}
        mem_ok = {}
        for impl in order:
            for sc in ("sleep", "future"):
                vals = groups.get((impl, sc))
                if not vals:
                    continue
                st = Stat([v for v, _ in vals])
                t = statistics.median([s for _, s in vals])
                S.append(f"| {impl} | {sc} | {num(st.median)} | {rng(st)} | {st.n} | {t:.1f} | "
                         f"{fmt_ratio(ratio(st.median, cpy_by[sc].median)) if sc in cpy_by else '-'} | "
                         f"{peers.vs_best(st.median, best_by[sc])} |")
                if impl == "jasyncio, continuation engine":
                    mem_ok[sc] = st.median
        S.append("")
        for sc in ("sleep", "future"):
            if sc in mem_ok:
                S.append(f"- Target ≤{TARGETS['memory']:.0f} B per task ({sc}): {num(mem_ok[sc])} B → "
                         f"{verdict(mem_ok[sc] <= TARGETS['memory'])}.")
                summary.append((f"memory, 1,000,000 tasks in {'`sleep`' if sc == 'sleep' else 'a shared future'}",
                                f"≤{TARGETS['memory']:.0f} B/task", f"{num(mem_ok[sc])} B/task",
                                f"{num(cpy_by[sc].median)} B/task (RSS)" if sc in cpy_by else "-",
                                fmt_ratio(ratio(mem_ok[sc], cpy_by[sc].median)) if sc in cpy_by else "-",
                                verdict(mem_ok[sc] <= TARGETS['memory'])))
        S.extend(peers.memory_bullets(pgroups, mem_ok, psummary))
        # Where the bytes go: the class histogram of the first continuation-engine run.
        for sc in ("sleep", "future"):
            hist = parse_histogram(os.path.join(raw, f"java-memory-continuation-{sc}-1.err"))
            if hist:
                S.append("")
                S.append(f"Where the bytes go, continuation engine, `{sc}` (class histogram of run 1 while the tasks"
                         f" are suspended; classes with at least one instance per task):")
                S.append("")
                S.append("| class | instances | bytes per task |")
                S.append("|---|---:|---:|")
                total = 0.0
                for cls, inst, b in hist:
                    S.append(f"| `{cls}` | {inst:,} | {b / 1e6:.1f} |")
                    total += b / 1e6
                S.append(f"| total of these | | {total:.1f} |")
    else:
        S.append("Not run.")
    S.append("")
    sections.append(S)

    # ---- 5. structured concurrency ----
    S = []
    jm = jmh_entries(os.path.join(raw, "jmh-scopes.json"))
    S.append("## 5. Structured concurrency: gather, TaskGroup, waitFor, timeout scopes")
    S.append("")
    if jm or os.path.exists(os.path.join(raw, "python-scopes.jsonl")):
        S.append("Each round is one `runUntilComplete` / `run_until_complete` of a fresh main task on a loop kept for")
        S.append("the trial/run. gather: the main task creates 10,000 trivial tasks and awaits `gather` over them;")
        S.append("TaskGroup: `taskGroup(tg -> ...)` / `async with asyncio.TaskGroup() as tg` creating 10,000 trivial")
        S.append("children; waitFor: 100,000 sequential `waitFor(trivial, 10)` / `await asyncio.wait_for(trivial(), 10)`")
        S.append("on a coroutine that returns at once (the deadline never fires); timeout: 100,000 sequential")
        S.append("`timeout(10).run(block)` / `async with asyncio.timeout(10)` around a block that returns at once.")
        S.append("JMH: one invocation per round; Python: one repetition = 10 rounds (gather, TaskGroup) or 1 round")
        S.append("(waitFor, timeout), one untimed warm-up, 5 timed repetitions.")
        S.append("")
        for meth, scen, title, unit, per, ops in SCOPES:
            py = python_stats(os.path.join(raw, "python-scopes.jsonl"), scenario=scen)
            cont = jm.get((f"ScopesBench.{meth}", "continuation"))
            port = jm.get((f"ScopesBench.{meth}", "portable"))
            cpy = py.get("cpython-asyncio")
            S.append(f"### {title}")
            S.append("")
            if not (cont or cpy):
                S.append("Not run.")
                S.append("")
                continue
            S.append(f"| implementation | {unit} (median) | min – max | µs per {per} | JMH score ± error | vs CPython asyncio | allocated per {per} | GC pauses (share of time) |")
            S.append("|---|---:|---:|---:|---:|---:|---:|---:|")
            for name, st, e in [("jasyncio, continuation engine", cont["primary"] if cont else None, cont),
                                ("jasyncio, portable engine", port["primary"] if port else None, port),
                                ("CPython asyncio", cpy, None), ("uvloop", py.get("uvloop"), None)]:
                if st is None:
                    continue
                err = f"{num(e['score'])} ± {num(e['primary'].error)}" if e else "-"
                al, g = fmt_gc(*gc_info(e))
                S.append(f"| {name} | {num(st.median)} | {rng(st)} | {1e6 / st.median:.3f} | {err} | "
                         f"{fmt_ratio(ratio(st.median, cpy.median if cpy else None))} | {al} | {g} |")
            S.append("")
            r = ratio(cont["primary"].median, cpy.median) if cont and cpy else None
            ok = None if r is None else r >= TARGETS["scopes"]
            S.append(f"- Target ≥{TARGETS['scopes']:.0f}x CPython asyncio's {unit}: {fmt_ratio(r)} → {verdict(ok)}.")
            S.append("")
            summary.append((title.replace("10,000 trivial", "10,000").replace(", no timeout", ""),
                            f"≥{TARGETS['scopes']:.0f}x CPython",
                            f"{num(cont['primary'].median)} {unit}" if cont else "-",
                            f"{num(cpy.median)} {unit}" if cpy else "-", fmt_ratio(r), verdict(ok)))
        S.append("CPython's `wait_for` differs by version: up to 3.11 it wraps a coroutine in a task and waits on")
        S.append("it with a `call_later` timer; from 3.12 it runs the coroutine inline under `asyncio.timeout()`,")
        S.append("as jasyncio's `waitFor` does. The Python used here is given at the top of this file.")
        S.append("")
    else:
        S.append("Not run.")
        S.append("")
    sections.append(S)

    # ---- 6. synchronization and queues ----
    S = []
    jm = jmh_entries(os.path.join(raw, "jmh-sync.json"))
    S.append("## 6. Synchronization and queues")
    S.append("")
    if jm or os.path.exists(os.path.join(raw, "python-sync.jsonl")):
        S.append("Each round is one `runUntilComplete` / `run_until_complete` of a fresh main task on a loop kept for")
        S.append("the trial/run, which creates the primitive and the tasks. Queue: a `Queue(100)` / `asyncio.Queue(100)`;")
        S.append("each producer `put`s its share of the 1,000,000 items, each consumer takes its share with `get` +")
        S.append("`taskDone` / `task_done`; the main task `join`s the queue and gathers the tasks. Lock / Semaphore(10):")
        S.append("100 tasks each loop 1,000 times over `try (var _ = lock.acquire()) { sleep(0); }` / `async with lock:")
        S.append("await asyncio.sleep(0)` (100,000 acquisitions per round). Ping-pong: two tasks and two events; the pinger")
        S.append("sets `ping`, awaits `pong` and clears it, the ponger awaits `ping`, clears it and sets `pong`; 100,000")
        S.append("round trips per round. JMH: one invocation per round; Python: one repetition = one round, one untimed")
        S.append("warm-up, 5 timed repetitions.")
        S.append("")
        for meth, scen, title, unit, per, tkey in SYNC:
            py = python_stats(os.path.join(raw, "python-sync.jsonl"), scenario=scen)
            cont = jm.get((f"SyncBench.{meth}", "continuation"))
            port = jm.get((f"SyncBench.{meth}", "portable"))
            cpy = py.get("cpython-asyncio")
            S.append(f"### {title}")
            S.append("")
            if not (cont or cpy):
                S.append("Not run.")
                S.append("")
                continue
            S.append(f"| implementation | {unit} (median) | min – max | µs per {per} | JMH score ± error | vs CPython asyncio | vs best peer | allocated per {per} | GC pauses (share of time) |")
            S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|")
            rows = [("jasyncio, continuation engine", cont["primary"] if cont else None, cont),
                    ("jasyncio, portable engine", port["primary"] if port else None, port),
                    ("CPython asyncio", cpy, None), ("uvloop", py.get("uvloop"), None)] + peers.rows(raw, "sync", meth)
            best = peers.best(rows)
            for name, st, e in rows:
                if st is None:
                    continue
                err = f"{num(e['score'])} ± {num(e['primary'].error)}" if e else "-"
                al, g = fmt_gc(*gc_info(e))
                S.append(f"| {name} | {num(st.median)} | {rng(st)} | {1e6 / st.median:.3f} | {err} | "
                         f"{fmt_ratio(ratio(st.median, cpy.median if cpy else None))} | {peers.vs_best(st.median, best)} | {al} | {g} |")
            S.append("")
            S.append(peers.best_note(best, unit))
            S.append("")
            r = ratio(cont["primary"].median, cpy.median) if cont and cpy else None
            ok = None if r is None else r >= TARGETS[tkey]
            S.append(f"- Target ≥{TARGETS[tkey]:.0f}x CPython asyncio's {unit}: {fmt_ratio(r)} → {verdict(ok)}.")
            if meth in peers.SYNC_TARGET:
                S.append(peers.kotlin_target(psummary, f"{title} vs Kotlin's {peers.SYNC[meth][2]}", peers.SYNC_TARGET[meth],
                                             cont["primary"].median if cont else None,
                                             f"{num(cont['primary'].median)} {unit}" if cont else "-", peers.kotlin_best(rows), unit))
            S.append("")
            summary.append((title, f"≥{TARGETS[tkey]:.0f}x CPython",
                            f"{num(cont['primary'].median)} {unit}" if cont else "-",
                            f"{num(cpy.median)} {unit}" if cpy else "-", fmt_ratio(r), verdict(ok)))
        S.append("The portable engine pays two thread hand-offs (park/unpark between the loop thread and a")
        S.append("virtual thread) for every suspension, and these workloads suspend on almost every operation")
        S.append("(the queue ones only when the queue is full or empty); it has no target.")
        S.append("")
    else:
        S.append("Not run.")
        S.append("")
    sections.append(S)

    # ---- 7. generators ----
    sections.append(generators_section(raw, summary))

    # ---- 8. cost of debug mode ----
    sections.append(debug_section(raw))

    # ---- 10. HTTP server and client ----
    sections.append(http_section(raw, summary))

    # ---- summary first ----
    add("## Summary (default engine: continuation)")
    add("")
    add("| workload | target | jasyncio | CPython asyncio | ratio | met? |")
    add("|---|---|---:|---:|---:|---|")
    for row in summary:
        add("| " + " | ".join(row) + " |")
    add("")
    add("The portable (virtual-thread) engine's figures are in each section; the targets are set for the")
    add("default engine.")
    add("")
    L.extend(peers.summary_table(psummary))
    for S in sections:
        L.extend(S)
    add("## How these numbers were made")
    add("")
    add("`./jasyncio bench [steps|spawn|timers|memory|scopes|sync|generators|http]` (or `bench/run ...` with JAVA_HOME set")
    add("to JDK 25);")
    add("bench/README.md describes each workload. Raw results (JMH JSON and logs, Python JSON lines, class")
    add("histograms) are in `bench/results/raw/`, not committed.")
    add("")
    # A hand-written analysis section at the end of the previous RESULTS.md survives regeneration.
    try:
        with open(a.out) as f:
            old = f.read()
        i = old.find(ANALYSIS_HEADING)
        if i >= 0:
            L.append(old[i:].rstrip("\n"))
            L.append("")
    except OSError:
        pass
    with open(a.out, "w") as f:
        f.write("\n".join(L))
    print(f"wrote {a.out}")


# Workload 7's rows: (JMH class.method or None, Python scenario or None, label)
GEN_VARIANTS = [
    ("GeneratorsBench.asyncGenerator", "async", "async generator, yields only (a)"),
    ("GeneratorsBench.asyncGeneratorSleep", "asyncsleep", "async generator, `sleep(0)` every 100 values (b)"),
    ("GeneratorsBench.syncGenerator", "sync", "sync `Generator`, plain thread"),
    ("GeneratorsBench.syncGeneratorInTask", None, "sync `Generator`, iterated by a task"),
]
GEN_BASELINES = [
    ("GeneratorBaselineBench.continuation", None, "bare `Continuation` resume + yield (the engine's limit)"),
    ("ContinuationBaselineBench.yieldAndResume", None, "bare `Continuation`, one resume per JMH call (workload 1's yardstick)"),
    ("GeneratorBaselineBench.continuationNested", None, "bare `Continuation`, nested in an outer continuation"),
    ("GeneratorBaselineBench.iterator", "iterator", "plain `Iterator<Integer>` (Python: `for` over `range`)"),
]


def gen_ns(e):
    """ns per value of a generators JMH entry (score: ms per round of `values` values)."""
    if e is None:
        return None
    values = int((e["json"].get("params") or {}).get("values", 1))
    unit = e["unit"].split("/")[0]
    scale = {"s": 1e9, "ms": 1e6, "us": 1e3, "ns": 1.0}[unit]
    return e["primary"].map(lambda v: v * scale / values), values


def generators_section(raw, summary):
    S = []
    S.append("## 7. Generators: 1,000,000 values through a generator")
    S.append("")
    jm = jmh_entries(os.path.join(raw, "jmh-generators.json"))
    jm.update({k: v for k, v in jmh_entries(os.path.join(raw, "jmh-generators-portable.json")).items()
               if k[1] == "portable"})
    pyfile = os.path.join(raw, "python-generators.jsonl")
    if not jm and not os.path.exists(pyfile):
        S.append("Not run.")
        S.append("")
        return S
    py = {scen: python_stats(pyfile, scenario=scen) for scen in ("async", "asyncsleep", "sync", "iterator")}
    S.append("One round: a fresh generator yields the ints 0 .. 999,999 (boxed `Integer`s in Java) and the consumer")
    S.append("sums them in a for-each loop (`for (int v : gen)` / `async for v in agen()`). (a) an `AsyncGenerator`")
    S.append("whose body only yields, iterated by the main task of a `runUntilComplete` / `run_until_complete`;")
    S.append("(b) the same body calling `sleep(0)` / `await asyncio.sleep(0)` before every 100th value, so the")
    S.append("task suspends to the loop from inside the generator 10,000 times per round; the sync `Generator` on")
    S.append("the benchmark thread (no loop) and inside a task. Yardsticks, measured in the same JMH invocation as")
    S.append("the continuation engine: a bare `jdk.internal.vm.Continuation` whose body loops `slot = i; yield`,")
    S.append("resumed in a loop that reads the slot (one resume + one yield per value, nothing of jasyncio), the")
    S.append("same nested in an outer continuation (as a generator nests in its task), and a plain")
    S.append("`Iterator<Integer>` counting up. JMH: one invocation per round (the portable engine's rounds are")
    S.append("shorter, see the values column), 6 warm-up iterations for the generators (3 for the yardsticks), each")
    S.append("fork with `-XX:+AlwaysPreTouch`; Python: one untimed warm-up round, 5 timed rounds. Lower is better.")
    S.append("")
    S.append("| variant | implementation | ns per value (median) | min – max | values per round | JMH score per round ± error | speed vs CPython (same variant) | speed vs best peer | cost vs bare continuation | allocated per value | GC pauses (share of time) |")
    S.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    bare = gen_ns(jm.get(("GeneratorBaselineBench.continuation", None)))
    bare_ns = bare[0].median if bare else None
    results = {}

    def row(label, impl, st, values, e, cpy_ns, best=None):
        ed = 3 if e and e["score"] < 10 else 1
        err = f"{num(e['score'], ed)} ± {num(e['primary'].error, ed)} {e['unit'].split('/')[0]}" if e else "-"
        al, g = fmt_gc(*gc_info(e, values)) if e else ("-", "-")
        vs_cpy = fmt_ratio(ratio(cpy_ns, st.median)) if cpy_ns else "-"
        vs_bare = f"{st.median / bare_ns:.2f}x" if bare_ns and impl.startswith("jasyncio") else "-"
        d = 2 if st.median < 10 else 1
        S.append(f"| {label} | {impl} | {num(st.median, d)} | {rng(st, d)} | {num(values)} | {err} | {vs_cpy} | "
                 f"{peers.vs_best_time(st.median, best)} | {vs_bare} | {al} | {g} |")

    for key, scen, label in GEN_VARIANTS + GEN_BASELINES:
        cpy = py.get(scen, {}).get("cpython-asyncio") if scen else None
        cpy_ns = cpy.median if cpy else None
        prow = peers.gen_rows(raw, key)
        best = peers.best([(i, py.get(scen, {}).get(i)) for i in ("cpython-asyncio", "uvloop") if scen and py.get(scen, {}).get(i)]
                          + [(lbl, st) for lbl, st, _, _ in prow], higher=False) if key.startswith("GeneratorsBench") else None
        if key.startswith("GeneratorsBench"):
            for engine in ("continuation", "portable"):
                e = jm.get((key, engine))
                if e:
                    st, values = gen_ns(e)
                    results[(key, engine)] = st.median
                    row(label, f"jasyncio, {engine} engine", st, values, e, cpy_ns, best)
        else:
            e = jm.get((key, None))
            if e:
                st, values = gen_ns(e)
                results[(key, None)] = st.median
                row(label, "Java (no jasyncio)", st, values, e, cpy_ns)
        if scen:
            for impl, name in (("cpython-asyncio", "CPython asyncio"), ("uvloop", "uvloop")):
                st = py.get(scen, {}).get(impl)
                if st:
                    row(label, name if scen in ("async", "asyncsleep") else "CPython", st, 1_000_000, None, cpy_ns, best)
        for impl, st, values, e in prow:
            row(label, impl, st, values, e, cpy_ns, best)
    S.append("")
    S.append("The best peer of each variant is the fastest of CPython, uvloop, Kotlin and virtual threads in it (lower ns is better).")
    S.append("")
    a_ns = results.get(("GeneratorsBench.asyncGenerator", "continuation"))
    b_ns = results.get(("GeneratorsBench.asyncGeneratorSleep", "continuation"))
    cpy_a = py["async"].get("cpython-asyncio")
    cpy_b = py["asyncsleep"].get("cpython-asyncio")
    r_a = ratio(cpy_a.median, a_ns) if cpy_a and a_ns else None
    r_b = ratio(cpy_b.median, b_ns) if cpy_b and b_ns else None
    r_c = ratio(a_ns, bare_ns) if a_ns and bare_ns else None
    ok_a = None if r_a is None else r_a >= TARGETS["gen_async"]
    ok_b = None if r_b is None else r_b >= TARGETS["gen_sleep"]
    ok_c = None if r_c is None else r_c <= TARGETS["gen_vs_bare"]
    S.append(f"- Target (a) ≥{TARGETS['gen_async']:.1f}x CPython asyncio, async generator that only yields: "
             f"{num(a_ns, 1) if a_ns else '-'} ns vs {num(cpy_a.median, 1) if cpy_a else '-'} ns per value, "
             f"{fmt_ratio(r_a)} → {verdict(ok_a)}.")
    S.append(f"- Target (b) ≥{TARGETS['gen_sleep']:.0f}x CPython asyncio, with `sleep(0)` every 100 values: "
             f"{num(b_ns, 1) if b_ns else '-'} ns vs {num(cpy_b.median, 1) if cpy_b else '-'} ns per value, "
             f"{fmt_ratio(r_b)} → {verdict(ok_b)}.")
    S.append(f"- Target (c) per-value cost ≤{TARGETS['gen_vs_bare']:.1f}x a bare continuation resume + yield "
             f"measured in the same run: {num(a_ns, 1) if a_ns else '-'} ns vs {num(bare_ns, 1) if bare_ns else '-'} ns, "
             f"{'-' if r_c is None else f'{r_c:.2f}x'} → {verdict(ok_c)}.")
    if bare_ns and cpy_a and cpy_b:
        S.append(f"- Ceilings: every value costs at least one continuation resume + yield ({num(bare_ns, 1)} ns here), so"
                 f" even a generator that added nothing to it would reach at most {fmt_ratio(cpy_a.median / bare_ns)}"
                 f" CPython asyncio in (a) and {fmt_ratio(cpy_b.median / bare_ns)} in (b) on this machine.")
    it_ns = results.get(("GeneratorBaselineBench.iterator", None))
    sg_ns = results.get(("GeneratorsBench.syncGenerator", "continuation"))
    st_ns = results.get(("GeneratorsBench.syncGeneratorInTask", "continuation"))
    if it_ns and sg_ns:
        S.append(f"- For context: a sync `Generator` costs {num(sg_ns, 1)} ns per value on a plain thread"
                 + (f" ({num(st_ns, 1)} ns iterated by a task)" if st_ns else "")
                 + f" on the continuation engine, against {num(it_ns, 2)} ns for a plain `Iterator`.")
    S.append("")
    summary.append(("async generator, 1,000,000 values, yields only", f"≥{TARGETS['gen_async']:.1f}x CPython",
                    f"{num(a_ns, 1)} ns/value" if a_ns else "-",
                    f"{num(cpy_a.median, 1)} ns/value" if cpy_a else "-", fmt_ratio(r_a), verdict(ok_a)))
    summary.append(("async generator, `sleep(0)` every 100 values", f"≥{TARGETS['gen_sleep']:.0f}x CPython",
                    f"{num(b_ns, 1)} ns/value" if b_ns else "-",
                    f"{num(cpy_b.median, 1)} ns/value" if cpy_b else "-", fmt_ratio(r_b), verdict(ok_b)))
    summary.append(("async generator vs bare continuation switch", f"≤{TARGETS['gen_vs_bare']:.1f}x bare",
                    f"{num(a_ns, 1)} ns/value" if a_ns else "-",
                    f"bare {num(bare_ns, 1)} ns/switch" if bare_ns else "-",
                    "-" if r_c is None else f"{r_c:.2f}x", verdict(ok_c)))
    return S


# Issue 6's debug dimension: (workload, JMH class.method, title, unit, per-op label, ns or µs per op)
DEBUG_WORKLOADS = [
    ("steps", "TaskStepsBench.steps", "task steps (`sleep(0)`, 10 tasks)", "steps/s", "step"),
    ("spawn", "SpawnGatherBench.spawnAndGather", "spawn + gather, 100,000 tasks", "tasks/s", "task"),
]
DEBUG_MODES = [
    ("off", "debug off"),
    ("on", "debug on (`loop.setDebug(true)`)"),
    ("jfr", "debug off, JFR recording of `io.jasyncio.TaskCreated` + `TaskDone`"),
]


def debug_section(raw):
    """Section 8: each workload with debug off / on / off + JFR task events, in rounds of one fork per mode."""
    S = ["## 8. Cost of debug mode (issue 6): task steps and spawn + gather, debug off / on", ""]
    found = False
    rows = []
    for w, key, title, unit, per in DEBUG_WORKLOADS:
        files = sorted(glob.glob(os.path.join(raw, f"jmh-{w}-debug-*.json")))
        by_mode = {}
        for path in files:
            data = load_json(path) or []
            for b in data:
                if not b["benchmark"].endswith(key):
                    continue
                mode = (b.get("params") or {}).get("debug")
                one = jmh_entries_from([b])
                e = next(iter(one.values()))
                by_mode.setdefault(mode, []).append(e)
        if not by_mode:
            continue
        found = True
        off = off_cpu = None
        for mode, label in DEBUG_MODES:
            es = by_mode.get(mode)
            if not es:
                continue
            st = Stat([v for e in es for v in e["primary"].values])
            round_medians = [e["primary"].median for e in es]
            cpu = [c / o for e in es
                   for c, o in zip(e["secondary"].get("loopCpuNanos", Stat([0])).values,
                                   e["secondary"].get("loopOps", Stat([0])).values) if o]
            cpu_st = Stat(cpu) if cpu else None
            if mode == "off":
                off_cpu = cpu_st
            allocs = [a for a, _ in (gc_info(e) for e in es) if a is not None]
            shares = [debug_gc_share(e) for e in es]
            shares = [g for g in shares if g is not None]
            if mode == "off":
                off = st
            ns = 1e9 / st.median
            extra = "-" if off is None or mode == "off" else f"{ns - 1e9 / off.median:+,.0f} ns"
            rel = "1.00x" if mode == "off" else ("-" if off is None else f"{st.median / off.median:.2f}x")
            rows.append(f"| {title} | {label} | {num(st.median)} {unit} | {rng(st)} | "
                        f"{', '.join(num(m) for m in round_medians)} | {num(ns) if ns >= 100 else f'{ns:.1f}'} ns | "
                        f"{extra} | {rel} | "
                        f"{'-' if cpu_st is None else f'{cpu_st.median:,.1f} ns ({cpu_st.min:,.1f} – {cpu_st.max:,.1f})'} | "
                        f"{'-' if cpu_st is None or off_cpu is None or mode == 'off' else f'{cpu_st.median - off_cpu.median:+,.1f} ns'} | "
                        f"{fmt_gc(statistics.median(allocs) if allocs else None, None)[0]} | "
                        f"{fmt_gc(None, statistics.median(shares) if shares else None)[1]} |")
    if not found:
        S.append("Not run (`bench/run steps spawn` measures it).")
        S.append("")
        return S
    S.append("The same JMH benchmarks as sections 1 and 2 (continuation engine), with the parameter `debug`: `off`")
    S.append("(the default loop), `on` (`loop.setDebug(true)` for the trial: every ready entry timed for the")
    S.append("slow-step report and watched by the watchdog thread, futures, handles and tasks record their")
    S.append("creation site, loop methods check their thread), and `jfr` (debug off, but a JFR recording started")
    S.append("in the fork has jasyncio's task lifecycle events enabled with their default settings, TaskCreated")
    S.append("with its stack trace, written to disk). Run in rounds of one fork per mode, back to back, so that")
    S.append("a change of load hits the three modes alike; each fork 3 warm-up + 5 measured iterations of 1 s.")
    S.append("The figures pool the measured iterations of every round; \"per round\" gives each fork's median.")
    S.append("")
    S.append("The loop thread's CPU time per operation (JMH aux counters `loopCpuNanos` / `loopOps`, per iteration)")
    S.append("leaves out the time the thread spent descheduled on the shared machine, and the GC threads' work:")
    S.append("it moves much less with the load than the wall-clock throughput.")
    S.append("")
    S.append(f"| workload | mode | throughput (median) | min – max | per round | wall time per op | wall cost per op vs off | throughput vs off | loop CPU per op (median, min – max) | CPU cost per op vs off | allocated per op | GC pauses (share of time) |")
    S.append("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    S.extend(rows)
    S.append("")
    return S


def debug_gc_share(e):
    """GC pause time / measured time of one fork. An iteration lasts at least one invocation, which in
    debug mode can be several times JMH's 1 s: the time is sum(ops / (ops/s)) from the aux counters."""
    sec = e["secondary"]
    ops = sec.get("loopOps")
    if ops is None or "gc.alloc.rate" not in sec:
        return gc_info(e)[1]
    total_s = sum(o / v for o, v in zip(ops.values, e["primary"].values) if v)
    gct = sec.get("gc.time")
    return (sum(gct.values) if gct else 0.0) / (total_s * 1000.0) if total_s else None


def jmh_entries_from(data):
    """jmh_entries for JMH JSON already loaded."""
    out = {}
    for b in data:
        name = b["benchmark"].rsplit(".", 2)
        key = name[-2] + "." + name[-1]
        engine = (b.get("params") or {}).get("engine")
        pm = b["primaryMetric"]
        entry = {"primary": Stat(flat(pm["rawData"]), pm.get("scoreError")), "unit": pm["scoreUnit"],
                 "score": pm["score"], "secondary": {}, "json": b}
        for k, v in (b.get("secondaryMetrics") or {}).items():
            r = flat(v.get("rawData") or [])
            if r:
                entry["secondary"][k] = Stat(r)
        out[(key, engine)] = entry
    return out


def parse_histogram(path, per_task=1_000_000):
    try:
        with open(path) as f:
            text = f.read()
    except OSError:
        return []
    out = []
    for line in text.splitlines():
        mm = re.match(r"\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)", line)
        if mm:
            inst, b, cls = int(mm.group(1)), int(mm.group(2)), mm.group(3)
            if inst >= per_task:
                cls = re.sub(r"/0x[0-9a-f]+", "", cls)
                out.append((cls, inst, b))
    return out


# ---- 10. HTTP server and client (issue 8) ----

# (raw name, label, kind): "jasyncio" rows carry the targets; "aiohttp" (uvloop) and "netty" (one
# event-loop thread) are the targets' yardsticks; "limit" is a C server, the practical ceiling.
HTTP_SERVERS = [
    ("jasyncio", "jasyncio (continuation engine)", "jasyncio"),
    ("jasyncio-portable", "jasyncio, portable engine", "extra"),
    ("aiohttp-uvloop", "aiohttp.web on uvloop", "aiohttp"),
    ("aiohttp", "aiohttp.web on asyncio", "extra"),
    ("netty-1", "Netty NIO, 1 event-loop thread", "netty"),
    ("netty-default", "Netty NIO, default threads (1 boss + 2 x CPUs seen)", "extra"),
    ("nginx", "nginx, 1 worker (C: the practical limit)", "limit"),
]
HTTP_CLIENTS = [
    ("jasyncio", "jasyncio ClientSession (continuation engine)", "jasyncio"),
    ("jasyncio-portable", "jasyncio ClientSession, portable engine", "extra"),
    ("aiohttp-uvloop", "aiohttp ClientSession on uvloop", "aiohttp"),
    ("aiohttp", "aiohttp ClientSession on asyncio", "extra"),
]
HTTP_SERVER_LABEL = {n: l for n, l, _ in HTTP_SERVERS}
HTTP_TARGETS = {"server_vs_aiohttp": 5.0, "server_vs_netty": 0.8, "client_vs_aiohttp": 5.0}
HTTP_ERRORS = ("errors_connect", "errors_read", "errors_write", "errors_timeout", "errors_status")


def http_versions(recs):
    """Versions of the peers, from the servers' ready lines and the clients' own reports."""
    v = {}
    for r in recs:
        b = r.get("banner", "") + " " + r.get("impl_detail", "")
        for key, pat in (("aiohttp", r"aiohttp (\d[\w.]*)"), ("uvloop", r"uvloop (\d[\w.]*)"),
                         ("nginx", r"nginx/(\d[\w.]*)"), ("python", r"Python (\d[\w.]*)")):
            mm = re.search(pat, b)
            if mm:
                v[key] = mm.group(1)
        if r.get("nginx"):
            mm = re.search(r"nginx/(\S+)", r["nginx"])
            if mm:
                v["nginx"] = mm.group(1)
    return v


def http_netty_version(raw):
    """The Netty version in bench/target/lib (netty-codec-http's jar), or None."""
    lib = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(raw))), "target", "lib")
    for path in sorted(glob.glob(os.path.join(lib, "netty-codec-http-4*.jar"))):
        mm = re.search(r"netty-codec-http-(.+)\.jar$", path)
        if mm:
            return mm.group(1)
    return None


def http_ratio(r):
    """A ratio that a target is judged on: two decimals, so that 4.96x does not read as 5.0x."""
    return "-" if r is None else f"{r:.2f}x"


def http_stats(rs, field):
    vals = [r[field] for r in rs if r.get(field) is not None]
    return Stat(vals) if vals else None


def http_section(raw, summary):
    S = ["## 10. HTTP (issue 8): server and client requests/s", ""]
    recs = load_jsonl(os.path.join(raw, "http.jsonl"))
    if not recs:
        S.append("Not run (`bench/run http` measures it).")
        S.append("")
        return S
    srv = [r for r in recs if r.get("part") == "server"]
    cli = [r for r in recs if r.get("part") == "client"]
    v = http_versions(recs)
    loads = [float(r["load"].split()[0]) for r in recs if r.get("load")]
    times = sorted(r["time"] for r in recs if r.get("time"))
    netty = http_netty_version(raw)
    S.append(f"Measured {times[0]} – {times[-1]}; aiohttp {v.get('aiohttp', '?')} (Debian's python3-aiohttp, with its C"
             f" parser) on Python {v.get('python', '?')}, uvloop {v.get('uvloop', '?')}, Netty {netty or '?'}"
             f" (netty-codec-http), nginx {v.get('nginx', '?')} (Debian's), wrk {srv[-1].get('wrk', '?') if srv else '-'}.")
    if loads:
        S.append(f"Load average (1 min) at the start of the cells: median {statistics.median(loads):.2f}, "
                 f"min {min(loads):.2f}, max {max(loads):.2f}"
                 f"{' (a shared 2-core machine: other builds and benchmarks ran meanwhile, so requests/s are depressed and noisy; CPU per request moves less)' if max(loads) > 2.5 else ''}.")
    S.append("")
    S.append("bench/README.md (\"The http workload\") describes every server and client. Server and load generator run")
    S.append("on 127.0.0.1, pinned to different cores (`taskset`: the server on CPU 0, wrk or the client on CPU 1).")
    S.append("**Server CPU per request** is the server process's utime + stime (every thread: GC and JIT count) from")
    S.append("`/proc/PID/stat` over the measured window, divided by the requests; nginx's is its worker's. It includes")
    S.append("the kernel's work on the server's side of the socket, most of the cost of a 13-byte answer. Figures")
    S.append("are medians (min – max beside them) over the rounds; each round starts every server afresh, in a rotated order.")
    S.append("")

    # ---- server ----
    if srv:
        by = {}
        for r in srv:
            by.setdefault((r["connections"], r["server"]), []).append(r)
        rounds = max(r["round"] for r in srv)
        secs = statistics.median([r["seconds"] for r in srv])
        thr = sorted({(r["server"], r.get("throwaway")) for r in srv})
        S.append("### Server: requests/s under wrk")
        S.append("")
        S.append(f"`wrk -t1 -cC -d{secs:.0f}s` (one thread, keep-alive, `GET /` with only a Host header), C = 50 and 256,")
        S.append(f"{rounds} round{'s' if rounds != 1 else ''}; before the cells each server gets a throwaway wrk run of 50 connections ("
                 + ", ".join(sorted({f'{t:g} s' for _, t in thr if t is not None})) + "; the JVMs get the longer one: pinned to one busy")
        S.append("core, C2 needs 10–20 s to compile Netty's pipeline). Every server answers `Hello, World!` as")
        S.append("`text/plain; charset=utf-8` with Content-Length and Date; response sizes and heads are listed below the tables.")
        S.append("The Python servers run with `MALLOC_MMAP_THRESHOLD_=16777216 MALLOC_TRIM_THRESHOLD_=67108864` and")
        S.append(f"aiohttp's access log off (`access_log=None`, as jasyncio's default); the JVMs with `{srv[-1].get('jvm_opts', '')}`.")
        S.append("")
        med = {}
        for key, rs in by.items():
            med[key] = {"rps": http_stats(rs, "rps"), "cpu": http_stats(rs, "server_us_per_request"),
                        "p50": statistics.median([r["latency_p50_us"] for r in rs]) / 1000,
                        "p99": statistics.median([r["latency_p99_us"] for r in rs]) / 1000,
                        "share": statistics.median([r["server_cpu_share"] for r in rs]),
                        "wrk": statistics.median([r.get("wrk_cpu_share", 0) for r in rs]),
                        "errors": {k: sum(r.get(k, 0) for r in rs) for k in HTTP_ERRORS}}
        conns_list = sorted({c for c, _ in by})
        verdicts = []
        for conns in conns_list:
            S.append(f"#### {conns} connections")
            S.append("")
            ai = med.get((conns, "aiohttp-uvloop"))
            ne = med.get((conns, "netty-1"))
            S.append("| server | requests/s (median) | min – max | vs aiohttp (uvloop) | vs Netty (1 thread) | "
                     "server CPU µs per request | min – max | CPU/request vs Netty (1 thread) | latency p50 / p99 (ms) | "
                     "server CPU | wrk CPU | errors |")
            S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
            for name, label, kind in HTTP_SERVERS:
                x = med.get((conns, name))
                if not x:
                    continue
                bold = "**" if kind == "jasyncio" else ""
                errs = ", ".join(f"{k[7:]} {n}" for k, n in x["errors"].items() if n) or "0"
                cpu_ne = f"{x['cpu'].median / ne['cpu'].median:.2f}x" if x["cpu"] and ne and ne["cpu"] else "-"
                S.append(f"| {bold}{label}{bold} | {num(x['rps'].median)} | {rng(x['rps'])} | "
                         f"{fmt_ratio(ratio(x['rps'].median, ai['rps'].median)) if ai else '-'} | "
                         f"{fmt_ratio(ratio(x['rps'].median, ne['rps'].median)) if ne else '-'} | "
                         f"{num(x['cpu'].median, 2) if x['cpu'] else '-'} | {rng(x['cpu'], 2) if x['cpu'] else '-'} | "
                         f"{cpu_ne} | "
                         f"{x['p50']:.2f} / {x['p99']:.1f} | {x['share']:.0%} | {x['wrk']:.0%} | {errs} |")
            S.append("")
            j = med.get((conns, "jasyncio"))
            if j:
                r_ai = ratio(j["rps"].median, ai["rps"].median) if ai else None
                r_ne = ratio(j["rps"].median, ne["rps"].median) if ne else None
                ok_ai = None if r_ai is None else r_ai >= HTTP_TARGETS["server_vs_aiohttp"]
                ok_ne = None if r_ne is None else r_ne >= HTTP_TARGETS["server_vs_netty"]
                cpu_ai = ai["cpu"].median / j["cpu"].median if ai and ai["cpu"] and j["cpu"] else None
                cpu_ne = ne["cpu"].median / j["cpu"].median if ne and ne["cpu"] and j["cpu"] else None
                S.append(f"- jasyncio: {http_ratio(r_ai)} aiohttp's requests/s (target ≥{HTTP_TARGETS['server_vs_aiohttp']:g}x → "
                         f"{verdict(ok_ai)}) and {http_ratio(r_ne)} Netty's (target ≥{HTTP_TARGETS['server_vs_netty']:g}x → "
                         f"{verdict(ok_ne)}). By CPU per request (requests per CPU-second, what a fully loaded core"
                         f" would give): {fmt_ratio(cpu_ai)} aiohttp's, {fmt_ratio(cpu_ne)} Netty's.")
                lim = med.get((conns, "nginx"))
                if lim and ai and ai["cpu"] and lim["cpu"]:
                    S.append(f"- nginx (C) costs {lim['cpu'].median:.2f} µs per request: requests per CPU-second"
                             f" {fmt_ratio(ai['cpu'].median / lim['cpu'].median)} aiohttp's. That bounds what any server"
                             " can reach against aiohttp on this kernel.")
                verdicts.append((conns, j, ai, ne, r_ai, ok_ai, r_ne, ok_ne, cpu_ai, cpu_ne))
                errs = sum(j["errors"].values())
                if errs:
                    S.append(f"- **jasyncio had {errs} wrk errors** ({j['errors']}).")
            S.append("")
        # response sizes
        heads = {}
        for r in srv:
            heads.setdefault(r["server"], (r.get("response_bytes"), r.get("response_head", "")))
        S.append("Response to wrk's `GET /` (bytes on the wire, head and 13-byte body; header names in order):")
        S.append("")
        S.append("| server | bytes | status line and headers |")
        S.append("|---|---:|---|")
        for name, label, _ in HTTP_SERVERS:
            if name in heads:
                size, head = heads[name]
                lines = head.split("\r\n")
                names = [l.split(":", 1)[0] + (": " + l.split(":", 1)[1].strip() if l.split(":", 1)[0].lower() in
                         ("server", "content-type", "connection") else "") for l in lines[1:] if l]
                heads_list = "; ".join("`" + n + "`" for n in names)
                S.append(f"| {label} | {size} | `{lines[0]}`; {heads_list} |")
        S.append("")
        if verdicts:
            w = min((x for x in verdicts if x[4] is not None), key=lambda x: x[4], default=None)
            if w:
                summary.append((f"HTTP server: requests/s vs aiohttp.web on uvloop (worst: {w[0]} connections)",
                                f"≥{HTTP_TARGETS['server_vs_aiohttp']:g}x aiohttp", f"{num(w[1]['rps'].median)} req/s",
                                f"aiohttp+uvloop {num(w[2]['rps'].median)} req/s", http_ratio(w[4]),
                                verdict(all(x[5] for x in verdicts if x[5] is not None))))
            w = min((x for x in verdicts if x[6] is not None), key=lambda x: x[6], default=None)
            if w:
                summary.append((f"HTTP server: requests/s vs Netty, 1 thread (worst: {w[0]} connections)",
                                f"≥{HTTP_TARGETS['server_vs_netty']:g}x Netty", f"{num(w[1]['rps'].median)} req/s",
                                f"Netty {num(w[3]['rps'].median)} req/s", http_ratio(w[6]),
                                verdict(all(x[7] for x in verdicts if x[7] is not None))))

    # ---- client ----
    if cli:
        by = {}
        for r in cli:
            by.setdefault((r["concurrency"], r["client"]), []).append(r)
        rounds = max(r["round"] for r in cli)
        secs = statistics.median([r["seconds"] for r in cli])
        warm = sorted({r.get("warmup") for r in cli if r.get("warmup") is not None})
        size = cli[-1].get("nginx_response_bytes")
        S.append("### Client: requests/s against nginx")
        S.append("")
        S.append(f"One nginx (worker_processes 1, keep-alive without a request limit, `return 200 \"Hello, World!\"`, {size}-byte")
        S.append("responses, access log off; `bench/http/nginx.conf.template`) on CPU 0; each client on CPU 1, one process per cell: one")
        S.append("session whose connector's limit is N, N tasks each looping GET + read of the whole body (checked), so N")
        S.append(f"keep-alive connections stay busy. Each process warms up ({', '.join(f'{x:g} s' for x in warm)}; the JVMs the")
        S.append(f"longer) and then counts the requests completed in {secs:.0f} s; **client CPU per request** is its own process")
        S.append(f"CPU time (every thread) over that phase. {rounds} round{'s' if rounds != 1 else ''}. nginx CPU is its worker's share of")
        S.append("CPU 0 over the same phase: near 100% means nginx, not the client, was the limit.")
        S.append("")
        med = {}
        for key, rs in by.items():
            med[key] = {"rps": http_stats(rs, "rps"), "cpu": http_stats(rs, "client_us_per_request"),
                        "share": statistics.median([r["client_cpu_share"] for r in rs]),
                        "nginx": statistics.median([r.get("nginx_cpu_share", 0) for r in rs]),
                        "errors": sum(r.get("errors", 0) for r in rs)}
        verdicts = []
        for n in sorted({c for c, _ in by}):
            S.append(f"#### N = {n}")
            S.append("")
            ai = med.get((n, "aiohttp-uvloop"))
            S.append("| client | requests/s (median) | min – max | vs aiohttp (uvloop) | client CPU µs per request | "
                     "min – max | CPU/request: aiohttp (uvloop) ÷ this | client CPU | nginx CPU | errors |")
            S.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
            for name, label, kind in HTTP_CLIENTS:
                x = med.get((n, name))
                if not x:
                    continue
                bold = "**" if kind == "jasyncio" else ""
                S.append(f"| {bold}{label}{bold} | {num(x['rps'].median)} | {rng(x['rps'])} | "
                         f"{fmt_ratio(ratio(x['rps'].median, ai['rps'].median)) if ai else '-'} | "
                         f"{num(x['cpu'].median, 1) if x['cpu'] else '-'} | {rng(x['cpu'], 1) if x['cpu'] else '-'} | "
                         f"{fmt_ratio(ai['cpu'].median / x['cpu'].median) if ai and ai['cpu'] and x['cpu'] else '-'} | "
                         f"{x['share']:.0%} | {x['nginx']:.0%} | {x['errors']} |")
            S.append("")
            j = med.get((n, "jasyncio"))
            if j and ai:
                r_ai = ratio(j["rps"].median, ai["rps"].median)
                ok = None if r_ai is None else r_ai >= HTTP_TARGETS["client_vs_aiohttp"]
                cpu_ai = ai["cpu"].median / j["cpu"].median if ai["cpu"] and j["cpu"] else None
                S.append(f"- jasyncio: {http_ratio(r_ai)} aiohttp's requests/s (target ≥{HTTP_TARGETS['client_vs_aiohttp']:g}x → "
                         f"{verdict(ok)}); by CPU per request {fmt_ratio(cpu_ai)}."
                         + (f" nginx's worker was at {j['nginx']:.0%} of its core: the server, not the client, limited"
                            " jasyncio's requests/s." if j["nginx"] >= 0.9 else ""))
                verdicts.append((n, j, ai, r_ai, ok, cpu_ai))
                S.append("")
        if verdicts:
            w = min((x for x in verdicts if x[3] is not None), key=lambda x: x[3], default=None)
            if w:
                summary.append((f"HTTP client: requests/s vs aiohttp on uvloop, against nginx (worst: N = {w[0]})",
                                f"≥{HTTP_TARGETS['client_vs_aiohttp']:g}x aiohttp", f"{num(w[1]['rps'].median)} req/s",
                                f"aiohttp+uvloop {num(w[2]['rps'].median)} req/s", http_ratio(w[3]),
                                verdict(all(x[4] for x in verdicts if x[4] is not None))))
    return S


if __name__ == "__main__":
    main()
