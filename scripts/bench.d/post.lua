-- wrk: POST a small Python submission (created only; no worker runs while this is measured).
wrk.method = "POST"
wrk.path = "/submissions"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"language_id":71,"source_code":"print(\\"hello\\")"}'

-- One line the script parses: requests/s, p50 and p99 in ms, and the non-2xx count.
done = function(summary, latency, requests)
  local errors = summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout
  io.write(string.format("RESULT %.0f %.2f %.2f %d %d\n",
    summary.requests / (summary.duration / 1e6), latency:percentile(50) / 1000, latency:percentile(99) / 1000, errors, summary.requests))
end
