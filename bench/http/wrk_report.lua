-- wrk -s bench/http/wrk_report.lua: prints one JSON line of the run's figures after wrk's own report
-- (bench/http/http_bench.py reads it). Defines only done(), so wrk keeps its fast path (no per-request
-- Lua).
done = function(summary, latency, requests)
  io.write(string.format(
    '{"requests": %d, "duration_us": %d, "bytes": %d, "errors_connect": %d, "errors_read": %d, ' ..
    '"errors_write": %d, "errors_status": %d, "errors_timeout": %d, "latency_p50_us": %d, ' ..
    '"latency_p90_us": %d, "latency_p99_us": %d, "latency_mean_us": %.1f, "latency_max_us": %d}\n',
    summary.requests, summary.duration, summary.bytes, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout, latency:percentile(50),
    latency:percentile(90), latency:percentile(99), latency.mean, latency.max))
end
