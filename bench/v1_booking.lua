-- wrk script for bench/v1.sh: POST /v1/bookings, each request a different 30-minute start
-- (each wrk thread on its own starts, from 2031-01-01 on), so every request does the
-- full check-and-insert and is accepted.
local counter = 0
local thread_offset = 0
local threads = 0

function setup(thread)
  thread:set("thread_offset", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local n = counter * 2 + thread_offset
  local start = os.date("!%Y-%m-%dT%H:%M:%SZ", 1924992000 + n * 1800)  -- 2031-01-01T00:00:00Z + n half hours
  local body = string.format(
    '{"event_type_id":"%s","start":"%s","attendee":{"name":"Bench","email":"bench@example.com"}}',
    os.getenv("EVENT_TYPE"), start)
  return wrk.format("POST", "/v1/bookings", {["Content-Type"] = "application/json"}, body)
end
