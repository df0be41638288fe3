# bench/peers.sh: sourced by bench/run. The peers of issue 9 on the non-network workloads:
# Kotlin coroutines on a single-threaded dispatcher (Maven module bench/kotlin) and Java virtual
# threads with java.util.concurrent (bench/src/main/java/io/jasyncio/bench/vthreads/). Uses bench/run's
# variables (BENCH, RAW, JAVA, PY) and its functions say, die and jmh.
#
#   BENCH_NO_KOTLIN=1    skip the Kotlin rows (and do not build bench/kotlin)
#   BENCH_NO_VTHREADS=1  skip the virtual-thread rows
#   BENCH_PEER_MEM_REPS  runs of each Kotlin memory measurement (default: BENCH_MEM_REPS, else 3);
#                        the virtual-thread ones run once (parallelism 1)

KOTLIN_DIR="$BENCH/kotlin"
KCP="$KOTLIN_DIR/target/classes:$KOTLIN_DIR/target/lib/*"

# The Maven modules bench/run builds besides bench (with a leading comma), or nothing.
peers_modules() {
  [ -n "${BENCH_NO_KOTLIN:-}" ] || printf ',bench/kotlin'
}

peers_check_build() {
  if [ -z "${BENCH_NO_KOTLIN:-}" ] && [ ! -f "$KOTLIN_DIR/target/classes/META-INF/BenchmarkList" ]; then
    die "bench/kotlin not built (no JMH BenchmarkList); BENCH_NO_KOTLIN=1 skips the Kotlin rows"
  fi
}

peers_kotlin_jmh() {  # peers_kotlin_jmh NAME REGEX [JMH ARGS...]: bench/run's jmh on the Kotlin module's class path
  CP="$KCP" jmh "$@"
}

peers_memory() {
  local reps="${BENCH_PEER_MEM_REPS:-${BENCH_MEM_REPS:-3}}" scenario rep
  : > "$RAW/peers-memory.jsonl"
  for scenario in sleep future; do
    if [ -z "${BENCH_NO_KOTLIN:-}" ]; then
      for rep in $(seq 1 "$reps"); do
        say "memory: Kotlin coroutines (runBlocking's event loop), $scenario, run $rep/$reps"
        local hist=()
        [ "$rep" = 1 ] && hist=(-Dbench.histogram=true)
        "$JAVA" -Xms8g -Xmx8g "${hist[@]}" -cp "$KCP" io.jasyncio.bench.kotlin.KotlinMemoryMain \
            "$scenario" 1000000 eventloop 2> "$RAW/kotlin-memory-$scenario-$rep.err" | tee -a "$RAW/peers-memory.jsonl" >&2
      done
    fi
    if [ -z "${BENCH_NO_VTHREADS:-}" ]; then
      say "memory: virtual threads (parallelism 1), $scenario"
      "$JAVA" -Xms8g -Xmx8g -Dbench.histogram=true -cp "$CP" io.jasyncio.bench.vthreads.VtMemoryMain \
          "$scenario" 1000000 1 2> "$RAW/vthreads-memory-$scenario-1.err" | tee -a "$RAW/peers-memory.jsonl" >&2
    fi
  done
}

peers_run() {  # peers_run WORKLOAD: the peers' runs of one workload (none for scopes)
  local w="$1" k="" v=""
  [ -n "${BENCH_NO_KOTLIN:-}" ] || k=1
  [ -n "${BENCH_NO_VTHREADS:-}" ] || v=1
  case "$w" in
    steps)
      [ -z "$k" ] || peers_kotlin_jmh kotlin-steps 'io.jasyncio.bench.kotlin.KotlinTaskStepsBench'
      [ -z "$v" ] || jmh vthreads-steps 'io.jasyncio.bench.vthreads.VtTaskStepsBench' ;;
    spawn)
      [ -z "$k" ] || peers_kotlin_jmh kotlin-spawn 'io.jasyncio.bench.kotlin.KotlinSpawnGatherBench'
      [ -z "$v" ] || jmh vthreads-spawn 'io.jasyncio.bench.vthreads.VtSpawnJoinBench' ;;
    timers)
      [ -z "$k" ] || peers_kotlin_jmh kotlin-timers 'io.jasyncio.bench.kotlin.KotlinTimersBench'
      [ -z "$v" ] || jmh vthreads-timers 'io.jasyncio.bench.vthreads.(VtTimersBench|ScheduledTimersBench)' ;;
    memory)
      [ -z "$k$v" ] || peers_memory ;;
    sync)
      [ -z "$k" ] || peers_kotlin_jmh kotlin-sync 'io.jasyncio.bench.kotlin.KotlinSyncBench'
      [ -z "$v" ] || jmh vthreads-sync 'io.jasyncio.bench.vthreads.VtSyncBench' ;;
    generators)
      [ -z "$k" ] || peers_kotlin_jmh kotlin-generators 'io.jasyncio.bench.kotlin.KotlinGeneratorsBench'
      [ -z "$v" ] || jmh vthreads-generators 'io.jasyncio.bench.vthreads.VtGeneratorsBench' ;;
  esac
}
