-- wrk script for bench/run.sh: one kind of request per run, chosen by the environment, and a
-- machine-readable summary line at the end so run.sh need not parse wrk's human report.
--
--   BENCH_METHOD    GET or POST (default POST)
--   BENCH_MODEL     the "model" of the chat completion body (POST only)
--   BENCH_KEY_FILE  a file holding the API key; read here so the key never appears on a command
--                   line (where `ps` would show it). Unset: no Authorization header.

local method = os.getenv("BENCH_METHOD") or "POST"
local model = os.getenv("BENCH_MODEL") or "demo"
local key_file = os.getenv("BENCH_KEY_FILE")

wrk.method = method
if method == "POST" then
   wrk.headers["Content-Type"] = "application/json"
   wrk.body = '{"model":"' .. model .. '","messages":[{"role":"user","content":"Hello!"}]}'
end

if key_file and key_file ~= "" then
   local file = assert(io.open(key_file, "r"))
   local key = file:read("*l")
   file:close()
   wrk.headers["Authorization"] = "Bearer " .. key
end

function done(summary, latency, requests)
   local errors = summary.errors
   io.write(string.format(
      'BENCH_RESULT {"requests":%d,"duration_us":%d,"bytes":%d,' ..
      '"errors_connect":%d,"errors_read":%d,"errors_write":%d,"errors_status":%d,' ..
      '"errors_timeout":%d,"latency_p50_us":%d,"latency_p90_us":%d,"latency_p99_us":%d,' ..
      '"latency_mean_us":%.1f,"latency_max_us":%d}\n',
      summary.requests, summary.duration, summary.bytes,
      errors.connect, errors.read, errors.write, errors.status, errors.timeout,
      latency:percentile(50), latency:percentile(90), latency:percentile(99),
      latency.mean, latency.max))
end
