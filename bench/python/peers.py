"""The peers of issue 9 in bench/RESULTS.md: Kotlin coroutines on a single-threaded dispatcher and Java
virtual threads, on the non-network workloads. report.py calls these functions; they read the raw
files that bench/peers.sh leaves in bench/results/raw/:

    jmh-kotlin-{steps,spawn,timers,sync,generators}.json    (JMH parameter `dispatcher`)
    jmh-vthreads-{steps,spawn,timers,sync,generators}.json  (JMH parameter `parallelism`)
    peers-memory.jsonl                                      (KotlinMemoryMain, VtMemoryMain)

Rows have report.py's shape: (label, Stat, JMH entry or None). "vs best peer" compares with the best
of every implementation that is not jasyncio (CPython asyncio, uvloop, both Kotlin dispatchers, both
virtual-thread rows).
"""

import os
import statistics

import report as R

KOTLIN = [
    ("eventloop", "Kotlin coroutines, `runBlocking` event loop (1 thread)"),
    ("single", "Kotlin coroutines, `newSingleThreadContext` (1 thread)"),
]
VTHREADS = [
    ("1", "virtual threads, parallelism 1"),
    ("default", "virtual threads, default parallelism (2 carriers)"),
]

# Issue 9's targets against Kotlin (jasyncio, continuation engine, over the faster Kotlin dispatcher)
KOTLIN_TARGETS = {"steps": 0.5, "spawn": 0.8, "timers": 2.0, "queue": 1.0, "lock": 1.0, "semaphore": 1.0}

# Workload 6: jasyncio's SyncBench method -> (Kotlin method, virtual-thread method, what Kotlin uses)
SYNC = {
    "queue1x1": ("queue1x1", "queue1x1", "`Channel(100)`"),
    "queue4x4": ("queue4x4", "queue4x4", "`Channel(100)`"),
    "lock": ("lock", "lock", "`Mutex`"),
    "semaphore": ("semaphore", "semaphore", "`Semaphore(10)`"),
    "pingPong": ("pingPong", "pingPong", "`CompletableDeferred`"),
}
SYNC_TARGET = {"queue1x1": "queue", "queue4x4": "queue", "lock": "lock", "semaphore": "semaphore"}


def entries(path):
    """JMH entries keyed by (Class.method, dispatcher or parallelism)."""
    out = {}
    for b in R.load_json(path) or []:
        params = b.get("params") or {}
        e = next(iter(R.jmh_entries_from([b]).values()))
        name = b["benchmark"].rsplit(".", 2)
        out[(name[-2] + "." + name[-1], params.get("dispatcher") or params.get("parallelism"))] = e
    return out


def jmh_rows(raw, workload, kotlin_key, vt_key, fn=None):
    """[(label, Stat, entry)] of the peers' JMH results for one benchmark each (fn maps the Stat)."""
    rows = []
    for prefix, key, impls in (("kotlin", kotlin_key, KOTLIN), ("vthreads", vt_key, VTHREADS)):
        if key is None:
            continue
        jm = entries(os.path.join(raw, f"jmh-{prefix}-{workload}.json"))
        for param, label in impls:
            e = jm.get((key, param))
            if e:
                st = e["primary"] if fn is None else fn(e)
                rows.append((label, st, e))
    return rows


def rows(raw, workload, method=None):
    """Peer rows of steps, spawn or a sync method, in operations/s as jasyncio's rows."""
    if workload == "steps":
        return jmh_rows(raw, "steps", "KotlinTaskStepsBench.steps", "VtTaskStepsBench.steps")
    if workload == "spawn":
        return jmh_rows(raw, "spawn", "KotlinSpawnGatherBench.spawnAndGather", "VtSpawnJoinBench.spawnAndJoin")
    if workload == "sync":
        k, v, _ = SYNC[method]
        return jmh_rows(raw, "sync", f"KotlinSyncBench.{k}", f"VtSyncBench.{v}")
    raise ValueError(workload)


def is_peer(label):
    return not label.startswith("jasyncio")


def best(rows_, higher=True, value=lambda st: st.median):
    """(label, value) of the best peer among rows [(label, Stat, ...)], or None."""
    peers = [(r[0], value(r[1])) for r in rows_ if is_peer(r[0]) and r[1] is not None]
    if not peers:
        return None
    return (max if higher else min)(peers, key=lambda p: p[1])


def vs_best(v, b, higher=True):
    """This row's value against the best peer's: a speed ratio (>1 is faster), or bytes over bytes."""
    if b is None or v is None:
        return "-"
    return R.fmt_ratio(v / b[1])


def best_note(b, unit, digits=0):
    return f"Best peer: {b[0]} ({R.num(b[1], digits)} {unit})." if b else ""


def kotlin_best(rows_, higher=True, value=lambda st: st.median):
    ks = [(r[0], value(r[1])) for r in rows_ if r[0].startswith("Kotlin") and r[1] is not None]
    if not ks:
        return None
    return (max if higher else min)(ks, key=lambda p: p[1])


def kotlin_target(summary, title, target_key, jas, jas_text, kot, unit, higher=True):
    """A bullet for a Kotlin target and its row in the peers' summary; kot = (label, value)."""
    t = KOTLIN_TARGETS[target_key]
    r = None if jas is None or kot is None else (jas / kot[1] if higher else kot[1] / jas)
    ok = None if r is None else r >= t
    summary.append((title, f"≥{t:g}x Kotlin", jas_text,
                    f"{R.num(kot[1])} {unit} ({kot[0].split(', ')[1]})" if kot else "-",
                    R.fmt_ratio(r), R.verdict(ok)))
    return (f"- Target ≥{t:g}x Kotlin coroutines (the faster dispatcher: {kot[0] if kot else '-'}): "
            f"{R.fmt_ratio(r)} → {R.verdict(ok)}.")


# ---- timers ----

def timer_rows(raw, jstats):
    """[(label, wall Stat, cpu Stat or None, entry)] for the peers' timers, via report.py's jstats."""
    out = []
    jm = entries(os.path.join(raw, "jmh-kotlin-timers.json"))
    for meth, what in (("delay", "`launch { delay(ms) }` per timer"),):
        for param, label in KOTLIN:
            e = jm.get((f"KotlinTimersBench.{meth}", param))
            if e:
                out.append((f"{label}, {what}",) + jstats(e) + (e,))
    jm = entries(os.path.join(raw, "jmh-vthreads-timers.json"))
    for param, label in VTHREADS:
        e = jm.get(("VtTimersBench.sleep", param))
        if e:
            out.append((f"{label}, one thread per timer in `sleep`",) + jstats(e) + (e,))
    e = jm.get(("ScheduledTimersBench.scheduled", None))
    if e:
        out.append(("`ScheduledThreadPoolExecutor(1)` callbacks (no virtual thread)",) + jstats(e) + (e,))
    return out


def timers_bullets(rows_, jas_row, summary):
    """The Kotlin timer target (≥2x Kotlin's delay), on the wall clock as specified and on loop CPU."""
    if jas_row is None:
        return []
    _, jwall, jcpu, _ = jas_row
    kd = [r for r in rows_ if r[0].startswith("Kotlin") and "delay" in r[0]]
    if not kd:
        return []
    kw = max(((r[0], r[1].median) for r in kd), key=lambda p: p[1])
    kc = max(((r[0], r[2].median) for r in kd if r[2]), key=lambda p: p[1], default=None)
    t = KOTLIN_TARGETS["timers"]
    rw = jwall.median / kw[1]
    rc = jcpu.median / kc[1] if jcpu and kc else None
    summary.append(("1,000,000 timers vs Kotlin's `delay` (wall)", f"≥{t:g}x Kotlin", f"{R.num(jwall.median)} callbacks/s",
                    f"{R.num(kw[1])} callbacks/s ({kw[0].split(', ')[1]})", R.fmt_ratio(rw), R.verdict(rw >= t)))
    out = [f"- Target ≥{t:g}x Kotlin's `delay` (the faster dispatcher, callbacks/s on the wall clock as specified): "
           f"{R.fmt_ratio(rw)} → {R.verdict(rw >= t)}."
           + (f" On the loop thread's CPU time: {R.fmt_ratio(rc)}." if rc else "")]
    if rc is not None:
        summary.append(("1,000,000 timers vs Kotlin's `delay` (loop CPU)", f"≥{t:g}x Kotlin", f"{R.num(jcpu.median)} callbacks/CPU-s",
                        f"{R.num(kc[1])} callbacks/CPU-s", R.fmt_ratio(rc), R.verdict(rc >= t)))
    return out


# ---- memory ----

def memory_groups(raw):
    """{(label, scenario): [(bytes per task, create + suspend s)]} of the peers' memory runs."""
    groups = {}
    for r in R.load_jsonl(os.path.join(raw, "peers-memory.jsonl")):
        if r["impl"].startswith("kotlin-"):
            label = dict(KOTLIN).get(r.get("dispatcher"), r["impl"])
        else:
            label = dict(VTHREADS).get("1" if r.get("parallelism") == 1 else "default", r["impl"])
        groups.setdefault((label, r["scenario"]), []).append((r["bytes_per_task"], r["create_and_suspend_s"]))
    return groups


MEMORY_ORDER = [label for _, label in KOTLIN + VTHREADS]


def memory_bullets(groups, mem_ok, summary):
    """Issue 9's memory target: at most 450 B (report.py's bullet) and less than a virtual thread's."""
    out = []
    for sc in ("sleep", "future"):
        vt = groups.get((dict(VTHREADS)["1"], sc))
        if sc not in mem_ok or not vt:
            continue
        v = statistics.median([b for b, _ in vt])
        ok = mem_ok[sc] < v
        out.append(f"- Target: less than a virtual thread's ({sc}): {R.num(mem_ok[sc])} B vs {R.num(v)} B per parked "
                   f"virtual thread ({mem_ok[sc] / v:.2f}x) → {R.verdict(ok)}.")
        summary.append((f"memory per suspended task ({sc}) vs a parked virtual thread", "< virtual thread",
                        f"{R.num(mem_ok[sc])} B/task", f"{R.num(v)} B/thread", f"{mem_ok[sc] / v:.2f}x", R.verdict(ok)))
        k = groups.get((dict(KOTLIN)["eventloop"], sc))
        if k:
            kb = statistics.median([b for b, _ in k])
            out.append(f"- For context ({sc}): a suspended Kotlin coroutine takes {R.num(kb)} B "
                       f"(jasyncio {mem_ok[sc] / kb:.2f}x that).")
    return out


# ---- generators ----

# jasyncio's GeneratorsBench method -> [(peer JMH file, key, param, label)]
GEN_PEERS = {
    "GeneratorsBench.asyncGenerator": [
        ("kotlin", "KotlinGeneratorsBench.flow", KOTLIN, "`flow { emit(i) }.collect`"),
        ("kotlin", "KotlinGeneratorsBench.produce", KOTLIN, "`produce { send(i) }` (a coroutine per generator)"),
        ("vthreads", "VtGeneratorsBench.synchronousQueue", VTHREADS, "producer thread, `SynchronousQueue`"),
    ],
    "GeneratorsBench.asyncGeneratorSleep": [
        ("kotlin", "KotlinGeneratorsBench.flowYield", KOTLIN, "`flow`, `yield()` every 100 values"),
        ("vthreads", "VtGeneratorsBench.synchronousQueueYield", VTHREADS, "`SynchronousQueue`, `Thread.yield()` every 100 values"),
    ],
    "GeneratorsBench.syncGenerator": [
        ("kotlin", "KotlinGeneratorsBench.sequence", KOTLIN[:1], "`sequence { yield(i) }`, no dispatcher"),
    ],
}


def gen_rows(raw, key):
    """[(label, ns-per-value Stat, values, entry)] of the peers for one of jasyncio's generator variants."""
    out = []
    cache = {}
    for prefix, pkey, impls, what in GEN_PEERS.get(key, []):
        if prefix not in cache:
            cache[prefix] = entries(os.path.join(raw, f"jmh-{prefix}-generators.json"))
        for param, label in impls:
            e = cache[prefix].get((pkey, param))
            if e:
                st, values = R.gen_ns(e)
                out.append((f"{'Kotlin' if pkey.endswith('sequence') else label}: {what}", st, values, e))
    return out


def summary_table(psummary):
    """The summary of the Kotlin / virtual-thread targets, after report.py's own summary."""
    if not psummary:
        return []
    L = ["## Summary against the peers (issue 9: Kotlin coroutines, virtual threads)", "",
         "jasyncio on its default (continuation) engine against the faster of the two single-threaded Kotlin",
         "dispatchers, or a parked virtual thread; every section below also has a \"vs best peer\" column.", "",
         "| workload | target | jasyncio | peer | ratio | met? |", "|---|---|---:|---:|---:|---|"]
    for row in psummary:
        L.append("| " + " | ".join(row) + " |")
    L.append("")
    return L


def versions_row():
    """The header table's row naming the peers' versions (from bench/kotlin/pom.xml)."""
    import re
    pom = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "kotlin", "pom.xml")
    try:
        with open(pom) as f:
            text = f.read()
        kv = re.search(r"<kotlin.version>([^<]+)<", text).group(1)
        cv = re.search(r"<kotlinx.coroutines.version>([^<]+)<", text).group(1)
    except (OSError, AttributeError):
        kv = cv = "?"
    return (f"| peers | Kotlin {kv}, kotlinx-coroutines-core {cv} (bench/kotlin); virtual threads of the JDK above, "
            f"`-Djdk.virtualThreadScheduler.parallelism=1` and default |")


def vs_best_time(ns, b):
    """Speed against the best peer for a time per operation (>1 is faster): best ns / this ns."""
    if b is None or not ns:
        return "-"
    return R.fmt_ratio(b[1] / ns)
