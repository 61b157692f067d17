-- wrk script: sendGift as a web client sends it, each request with its own idempotency key.
-- args: tokens-file streams-file mode(uniform|hot)
local tokens, streams, mode = {}, {}, "uniform"
counter, ok, refused, failed = 0, 0, 0, 0
local threads = {}
local GIFT = "00000000-0000-4000-9000-000000000001"

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  for line in io.lines(args[1]) do tokens[#tokens + 1] = line end
  for line in io.lines(args[2]) do streams[#streams + 1] = line end
  mode = args[3] or "uniform"
  -- crash.sh: remember every acknowledged gift (ACK_DIR set), to look for it after the crash
  local dir = os.getenv("ACK_DIR")
  if dir then
    ack_file = io.open(dir .. "/acked-" .. tostring(tid or 0) .. ".txt", "w")
    ack_file:setvbuf("line")
  end
  math.randomseed(os.time() * 1000 + (tid or 0))
end

function request()
  counter = counter + 1
  sent = (sent or 0) + 1
  local token = tokens[math.random(#tokens)]
  local stream = mode == "hot" and streams[1] or streams[math.random(#streams)]
  local key = string.format("w%d-%d-%d-%d", tid or 0, os.time(), counter, math.random(1000000000))
  local body = '{"query":"mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id } userErrors { code } } }",'
    .. '"variables":{"i":{"streamId":"' .. stream .. '","giftId":"' .. GIFT .. '","quantity":1,"idempotencyKey":"' .. key .. '"}}}'
  return wrk.format("POST", "/graphql", { ["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. token }, body)
end

function response(status, headers, body)
  if status == 200 and string.find(body, '"userErrors":[]', 1, true) and string.find(body, '"receipt":{"id"', 1, true) then
    ok = ok + 1
    if ack_file then
      ack_file:write(string.match(body, '"receipt":{"id":"([^"]+)"'), "\n")
    end
  elseif status == 200 and not string.find(body, '"errors"', 1, true) then
    refused = refused + 1
  else
    failed = failed + 1
  end
end

function done(summary, latency, requests)
  local total_ok, total_refused, total_failed, total_sent = 0, 0, 0, 0
  for _, thread in ipairs(threads) do
    total_ok = total_ok + thread:get("ok")
    total_refused = total_refused + thread:get("refused")
    total_failed = total_failed + thread:get("failed")
    total_sent = total_sent + (thread:get("sent") or 0)
  end
  local errors = summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.status + summary.errors.timeout
  -- requests still in flight when wrk stops: the service finishes them, but wrk never reads the answer
  local inflight = total_sent - total_ok - total_refused - total_failed
  io.write(string.format("RESULT ok=%d refused=%d failed=%d socket_errors=%d inflight=%d duration_us=%d p50_us=%d p99_us=%d\n",
    total_ok, total_refused, total_failed, errors, inflight, summary.duration, latency:percentile(50), latency:percentile(99)))
  -- the latency histogram of the point: its percentiles and its slowest request, in ms
  local h = {}
  for _, p in ipairs({10, 25, 50, 75, 90, 95, 99, 99.9}) do
    h[#h + 1] = string.format("p%s %.1f", p, latency:percentile(p) / 1000)
  end
  h[#h + 1] = string.format("max %.1f", latency.max / 1000)
  io.write("HISTOGRAM " .. table.concat(h, ", ") .. "\n")
end
