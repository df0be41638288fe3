#!/usr/bin/env python3
"""The Python side of jasyncio's benchmarks: the same workloads on CPython asyncio (and uvloop).

    python3 asyncio_bench.py WORKLOAD [--loop asyncio|uvloop] [--reps N]
    WORKLOAD = steps | spawn | timers | memory | scopes | sync | generators
               (--warmup N untimed runs first, default 1)

Each repetition prints one JSON line on stdout; bench/run collects them and bench/python/report.py
turns them into bench/RESULTS.md. The workloads mirror the Java ones line for line (see
bench/README.md):

  steps   10 tasks each looping `await asyncio.sleep(0)` (10 x 10,000 steps per repetition) on one
          loop kept for the run; steps/s.
  spawn   a task creates 100,000 trivial tasks with create_task and awaits gather() over them;
          tasks/s.
  timers  1,000,000 call_later timers, random delays in [0, 1) s (fixed seed, drawn before
          timing), each callback counting; callbacks/s from the start of scheduling to the last
          callback on the real clock, plus the loop thread's CPU time (time.thread_time()).
  memory  1,000,000 tasks suspended in asyncio.sleep(3600), or in `await fut` of one shared
          future that never completes; bytes per task from the process RSS (/proc/self/statm)
          before and after, after gc.collect(). Each measurement runs in a fresh interpreter.
  scopes  structured concurrency, four scenarios (one JSON line per scenario and repetition):
          gather     create_task of 10,000 trivial tasks, then `await asyncio.gather(*tasks)`; tasks/s
          taskgroup  `async with asyncio.TaskGroup() as tg` creating 10,000 trivial children; children/s
          waitfor    100,000 sequential `await asyncio.wait_for(trivial(), 10)`; calls/s
          timeout    100,000 sequential `async with asyncio.timeout(10)` scopes around a body that
                     only counts; scopes/s
          A repetition times SCOPE_ROUNDS rounds of gather/taskgroup (10 x 10,000 tasks) and one
          round of waitfor/timeout (100,000 calls), each round a run_until_complete of a fresh main
          task on one loop kept for the run, like the JMH invocations.
  sync    synchronization and queues, five scenarios (one JSON line per scenario and repetition):
          queue1x1   asyncio.Queue(100), 1 producer (`await q.put(i)`) and 1 consumer
                     (`await q.get()` + `q.task_done()`) move 1,000,000 items; the main task awaits
                     q.join() and gathers them; items/s
          queue4x4   the same with 4 producers and 4 consumers, each moving a quarter; items/s
          lock       100 tasks each looping 1,000 times over `async with lock: await asyncio.sleep(0)`;
                     acquisitions/s
          semaphore  the same with asyncio.Semaphore(10); acquisitions/s
          pingpong   two tasks, two asyncio.Events: the pinger sets ping, awaits pong, clears pong;
                     the ponger awaits ping, clears ping, sets pong; 100,000 round trips/s
          A repetition is one round (a run_until_complete of a fresh main task creating the
          primitive), like one JMH invocation.
  generators  what one value costs through a generator, four scenarios (one JSON line per scenario
          and repetition), each a round of 1,000,000 ints 0..999,999 summed by the consumer; ns/value:
          async       `async for` over an async generator that only yields, in the main task of a
                      run_until_complete (a fresh generator per round)
          asyncsleep  the same, but the generator awaits asyncio.sleep(0) before every 100th value
          sync        `for` over a plain generator, no loop involved (asyncio only)
          iterator    `for` over range(n), no generator (asyncio only; context)

Time is time.perf_counter(). --warmup untimed repetitions (default 1; bench/run passes 0 for
timers, whose rounds take many seconds on CPython) precede the timed ones; none for memory.
"""

import argparse
import asyncio
import gc
import json
import os
import random
import subprocess
import sys
import time

STEP_TASKS = 10
STEPS_PER_TASK = 10_000
SPAWN_TASKS = 100_000
TIMERS = 1_000_000
TIMER_SEED = 20240601
MEMORY_TASKS = 1_000_000
SCOPE_TASKS = 10_000
SCOPE_CALLS = 100_000
SCOPE_ROUNDS = 10  # gather/taskgroup rounds per timed repetition


def new_loop(kind):
    if kind == "uvloop":
        import uvloop
        return uvloop.new_event_loop()
    return asyncio.new_event_loop()


def emit(record):
    print(json.dumps(record), flush=True)


def impl_name(kind):
    return "uvloop" if kind == "uvloop" else "cpython-asyncio"


# ---- workload 1: task steps ----

async def stepper(n):
    for _ in range(n):
        await asyncio.sleep(0)


async def steps_round():
    tasks = [asyncio.create_task(stepper(STEPS_PER_TASK)) for _ in range(STEP_TASKS)]
    await asyncio.gather(*tasks)


def run_steps(kind, reps, warmup):
    loop = new_loop(kind)
    try:
        for rep in range(1 - warmup, reps + 1):
            t0 = time.perf_counter()
            loop.run_until_complete(steps_round())
            dt = time.perf_counter() - t0
            if rep <= 0:
                continue  # warm-up
            steps = STEP_TASKS * STEPS_PER_TASK
            emit({"workload": "steps", "impl": impl_name(kind), "rep": rep, "seconds": dt,
                  "value": steps / dt, "unit": "steps/s"})
    finally:
        loop.close()


# ---- workload 2: spawn + gather ----

async def trivial():
    return 1


async def spawn_round():
    tasks = [asyncio.create_task(trivial()) for _ in range(SPAWN_TASKS)]
    return await asyncio.gather(*tasks)


def run_spawn(kind, reps, warmup):
    loop = new_loop(kind)
    try:
        for rep in range(1 - warmup, reps + 1):
            t0 = time.perf_counter()
            results = loop.run_until_complete(spawn_round())
            dt = time.perf_counter() - t0
            assert len(results) == SPAWN_TASKS
            del results
            if rep <= 0:
                continue
            emit({"workload": "spawn", "impl": impl_name(kind), "rep": rep, "seconds": dt,
                  "value": SPAWN_TASKS / dt, "unit": "tasks/s"})
    finally:
        loop.close()


# ---- workload 3: timers ----

def timers_round(loop, delays):
    done = loop.create_future()
    fired = 0

    def count():
        nonlocal fired
        fired += 1
        if fired == TIMERS:
            done.set_result(None)

    def schedule():
        call_later = loop.call_later
        for d in delays:
            call_later(d, count)

    cpu0 = time.thread_time()
    t0 = time.perf_counter()
    loop.call_soon(schedule)
    loop.run_until_complete(done)
    dt = time.perf_counter() - t0
    cpu = time.thread_time() - cpu0
    assert fired == TIMERS
    return dt, cpu


def run_timers(kind, reps, warmup):
    rnd = random.Random(TIMER_SEED)
    delays = [rnd.random() for _ in range(TIMERS)]  # [0, 1) seconds
    loop = new_loop(kind)
    try:
        for rep in range(1 - warmup, reps + 1):
            dt, cpu = timers_round(loop, delays)
            gc.collect()
            if rep <= 0:
                continue
            emit({"workload": "timers", "impl": impl_name(kind), "rep": rep, "seconds": dt,
                  "value": TIMERS / dt, "unit": "callbacks/s", "loop_cpu_seconds": cpu,
                  "cpu_value": TIMERS / cpu})
    finally:
        loop.close()


# ---- workload 5: structured concurrency ----

async def scope_gather():
    tasks = [asyncio.create_task(trivial()) for _ in range(SCOPE_TASKS)]
    return len(await asyncio.gather(*tasks))


async def scope_taskgroup():
    async with asyncio.TaskGroup() as tg:
        for _ in range(SCOPE_TASKS):
            tg.create_task(trivial())
    return SCOPE_TASKS


async def scope_waitfor():
    total = 0
    for _ in range(SCOPE_CALLS):
        total += await asyncio.wait_for(trivial(), 10)
    return total


async def scope_timeout():
    total = 0
    for _ in range(SCOPE_CALLS):
        async with asyncio.timeout(10):
            total += 1
    return total


SCOPES = {  # scenario: (main coroutine, rounds per repetition, operations per round, unit)
    "gather": (scope_gather, SCOPE_ROUNDS, SCOPE_TASKS, "tasks/s"),
    "taskgroup": (scope_taskgroup, SCOPE_ROUNDS, SCOPE_TASKS, "children/s"),
    "waitfor": (scope_waitfor, 1, SCOPE_CALLS, "calls/s"),
    "timeout": (scope_timeout, 1, SCOPE_CALLS, "scopes/s"),
}


def run_scopes(kind, reps, warmup, scenarios=tuple(SCOPES)):
    loop = new_loop(kind)
    try:
        for scenario in scenarios:
            main, rounds, ops, unit = SCOPES[scenario]
            for rep in range(1 - warmup, reps + 1):
                t0 = time.perf_counter()
                for _ in range(rounds):
                    n = loop.run_until_complete(main())
                    assert n == ops, (scenario, n)
                dt = time.perf_counter() - t0
                if rep <= 0:
                    continue
                emit({"workload": "scopes", "impl": impl_name(kind), "scenario": scenario, "rep": rep,
                      "seconds": dt, "value": rounds * ops / dt, "unit": unit})
    finally:
        loop.close()


# ---- workload 6: synchronization and queues ----

SYNC_ITEMS = 1_000_000
SYNC_MAXSIZE = 100
SYNC_TASKS = 100
SYNC_LOOPS = 1_000
SYNC_PERMITS = 10
SYNC_ROUND_TRIPS = 100_000


async def sync_queue(pairs):
    q = asyncio.Queue(SYNC_MAXSIZE)
    share = SYNC_ITEMS // pairs
    sums = [0] * pairs

    async def producer(base):
        for i in range(share):
            await q.put(base + i)

    async def consumer(me):
        total = 0
        for _ in range(share):
            total += await q.get()
            q.task_done()
        sums[me] = total

    tasks = [asyncio.create_task(producer(p * share)) for p in range(pairs)]
    tasks += [asyncio.create_task(consumer(c)) for c in range(pairs)]
    await q.join()
    await asyncio.gather(*tasks)
    assert sum(sums) == SYNC_ITEMS * (SYNC_ITEMS - 1) // 2
    return SYNC_ITEMS


async def sync_queue1x1():
    return await sync_queue(1)


async def sync_queue4x4():
    return await sync_queue(4)


async def sync_contend(prim):
    count = 0

    async def worker():
        nonlocal count
        for _ in range(SYNC_LOOPS):
            async with prim:
                count += 1
                await asyncio.sleep(0)

    await asyncio.gather(*[asyncio.create_task(worker()) for _ in range(SYNC_TASKS)])
    return count


async def sync_lock():
    return await sync_contend(asyncio.Lock())


async def sync_semaphore():
    return await sync_contend(asyncio.Semaphore(SYNC_PERMITS))


async def sync_pingpong():
    ping = asyncio.Event()
    pong = asyncio.Event()

    async def pinger():
        for _ in range(SYNC_ROUND_TRIPS):
            ping.set()
            await pong.wait()
            pong.clear()
        return SYNC_ROUND_TRIPS

    async def ponger():
        for _ in range(SYNC_ROUND_TRIPS):
            await ping.wait()
            ping.clear()
            pong.set()
        return SYNC_ROUND_TRIPS

    a, _ = await asyncio.gather(asyncio.create_task(pinger()), asyncio.create_task(ponger()))
    return a


SYNC = {  # scenario: (main coroutine, operations per round, unit)
    "queue1x1": (sync_queue1x1, SYNC_ITEMS, "items/s"),
    "queue4x4": (sync_queue4x4, SYNC_ITEMS, "items/s"),
    "lock": (sync_lock, SYNC_TASKS * SYNC_LOOPS, "acquisitions/s"),
    "semaphore": (sync_semaphore, SYNC_TASKS * SYNC_LOOPS, "acquisitions/s"),
    "pingpong": (sync_pingpong, SYNC_ROUND_TRIPS, "round trips/s"),
}


def run_sync(kind, reps, warmup, scenarios=tuple(SYNC)):
    loop = new_loop(kind)
    try:
        for scenario in scenarios:
            main, ops, unit = SYNC[scenario]
            for rep in range(1 - warmup, reps + 1):
                t0 = time.perf_counter()
                n = loop.run_until_complete(main())
                dt = time.perf_counter() - t0
                assert n == ops, (scenario, n)
                if rep <= 0:
                    continue
                emit({"workload": "sync", "impl": impl_name(kind), "scenario": scenario, "rep": rep,
                      "seconds": dt, "value": ops / dt, "unit": unit})
    finally:
        loop.close()


# ---- workload 7: generators ----

GEN_VALUES = 1_000_000
GEN_SLEEP_EVERY = 100


async def agen_count(n):
    for i in range(n):
        yield i


async def agen_count_sleeping(n):
    for i in range(n):
        if i % GEN_SLEEP_EVERY == 0:
            await asyncio.sleep(0)
        yield i


def gen_count(n):
    for i in range(n):
        yield i


async def gen_async(n):
    total = 0
    async for v in agen_count(n):
        total += v
    return total


async def gen_async_sleep(n):
    total = 0
    async for v in agen_count_sleeping(n):
        total += v
    return total


def gen_sync(n):
    total = 0
    for v in gen_count(n):
        total += v
    return total


def gen_iterator(n):
    total = 0
    for v in range(n):
        total += v
    return total


GENERATORS = {  # scenario: (function, whether it is a coroutine run as the loop's main task)
    "async": (gen_async, True),
    "asyncsleep": (gen_async_sleep, True),
    "sync": (gen_sync, False),
    "iterator": (gen_iterator, False),
}


def run_generators(kind, reps, warmup, scenarios=tuple(GENERATORS)):
    loop = new_loop(kind)
    n = GEN_VALUES
    try:
        for scenario in scenarios:
            fn, is_coro = GENERATORS[scenario]
            if not is_coro and kind != "asyncio":
                continue  # no event loop involved: the same figure as under asyncio
            for rep in range(1 - warmup, reps + 1):
                t0 = time.perf_counter()
                total = loop.run_until_complete(fn(n)) if is_coro else fn(n)
                dt = time.perf_counter() - t0
                assert total == n * (n - 1) // 2, (scenario, total)
                if rep <= 0:
                    continue
                emit({"workload": "generators", "impl": impl_name(kind), "scenario": scenario, "rep": rep,
                      "seconds": dt, "values": n, "value": dt * 1e9 / n, "unit": "ns/value"})
    finally:
        loop.close()


# ---- workload 4: memory ----

PAGE = os.sysconf("SC_PAGE_SIZE")


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * PAGE


async def sleeper():
    await asyncio.sleep(3600)


async def waiter(fut):
    await fut


async def memory_main(scenario, n):
    loop = asyncio.get_running_loop()
    # Warm-up: the same kind of tasks, which then finish.
    release = loop.create_future()
    warm = [loop.create_task(waiter(release) if scenario == "future" else asyncio.sleep(0.001))
            for _ in range(20_000)]
    await asyncio.sleep(0)
    release.set_result(None)
    await asyncio.gather(*warm)
    del warm
    never = loop.create_future()
    gc.collect()
    before = rss_bytes()
    t0 = time.perf_counter()
    # No list of the tasks: the loop's timer heap (sleep) or the future's callbacks (future)
    # keep them alive, as in the Java measurement where the loop holds them.
    for _ in range(n):
        loop.create_task(sleeper() if scenario == "sleep" else waiter(never))
    await asyncio.sleep(0)
    await asyncio.sleep(0)
    elapsed = time.perf_counter() - t0
    pending = len(asyncio.all_tasks()) - 1
    gc.collect()
    after = rss_bytes()
    return before, after, pending, elapsed


def memory_child(kind, scenario, n):
    loop = new_loop(kind)
    asyncio.set_event_loop(loop)
    before, after, pending, elapsed = loop.run_until_complete(memory_main(scenario, n))
    if pending != n:
        raise SystemExit(f"expected {n} suspended tasks, found {pending}")
    emit({"workload": "memory", "impl": impl_name(kind), "scenario": scenario, "tasks": n,
          "rss_before": before, "rss_after": after, "value": (after - before) / n, "unit": "B/task",
          "create_and_suspend_s": elapsed})
    sys.stdout.flush()
    os._exit(0)  # skip cancelling a million tasks


def run_memory(kind, reps, scenarios=("sleep", "future")):
    for scenario in scenarios:
        for rep in range(1, reps + 1):
            out = subprocess.run([sys.executable, os.path.abspath(__file__), "memory-child",
                                  "--loop", kind, "--scenario", scenario],
                                 check=True, capture_output=True, text=True).stdout
            rec = json.loads(out.strip().splitlines()[-1])
            rec["rep"] = rep
            emit(rec)


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workload", choices=["steps", "spawn", "timers", "memory", "scopes", "sync", "generators",
                                        "memory-child"])
    p.add_argument("--loop", choices=["asyncio", "uvloop"], default="asyncio")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--warmup", type=int, default=1, help="untimed runs first (not for memory)")
    p.add_argument("--scenario", choices=["sleep", "future"], default="sleep")
    p.add_argument("--tasks", type=int, default=MEMORY_TASKS)
    a = p.parse_args()
    if a.workload == "steps":
        run_steps(a.loop, a.reps, a.warmup)
    elif a.workload == "spawn":
        run_spawn(a.loop, a.reps, a.warmup)
    elif a.workload == "timers":
        run_timers(a.loop, a.reps, a.warmup)
    elif a.workload == "memory":
        run_memory(a.loop, a.reps)
    elif a.workload == "scopes":
        run_scopes(a.loop, a.reps, a.warmup)
    elif a.workload == "sync":
        run_sync(a.loop, a.reps, a.warmup)
    elif a.workload == "generators":
        run_generators(a.loop, a.reps, a.warmup)
    else:
        memory_child(a.loop, a.scenario, a.tasks)


if __name__ == "__main__":
    main()
