-- wrk script of the ATP benchmark: checks every response (status, body size) and prints one JSON line.
-- Usage: wrk ... -s bench/wrk-report.lua <url> -- <min_body_bytes>
-- A body shorter than min_body_bytes (an empty or error body) is counted as short, never as a success.

local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  min_bytes = tonumber(args[1]) or 0
  statuses = {}
  short_bodies = 0
  body_bytes = 0
end

function response(status, headers, body)
  local key = tostring(status)
  statuses[key] = (statuses[key] or 0) + 1
  local size = body and #body or 0
  body_bytes = body_bytes + size
  if size < min_bytes then
    short_bodies = short_bodies + 1
  end
end

function done(summary, latency, requests)
  local status_totals, short, bytes = {}, 0, 0
  for _, thread in ipairs(threads) do
    for code, count in pairs(thread:get("statuses")) do
      status_totals[code] = (status_totals[code] or 0) + count
    end
    short = short + thread:get("short_bodies")
    bytes = bytes + thread:get("body_bytes")
  end
  local codes = {}
  for code, count in pairs(status_totals) do
    table.insert(codes, string.format('"%s":%d', code, count))
  end
  local e = summary.errors
  io.write(string.format(
    'WRK_JSON {"duration_us":%d,"requests":%d,"bytes":%d,"body_bytes":%d,"short_bodies":%d,' ..
    '"statuses":{%s},"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},' ..
    '"latency_us":{"min":%d,"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.duration, summary.requests, summary.bytes, bytes, short,
    table.concat(codes, ","), e.connect, e.read, e.write, e.status, e.timeout,
    latency.min, latency.mean, latency.max, latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)))
end
