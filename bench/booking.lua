-- wrk script for bench/backends.sh: POST /api/bookings/ for an hour-long booking, each
-- request on a different day (and each wrk thread on its own days), so the exchange's
-- capacity never runs out and every request does the full check-and-insert.
local counter = 0
local thread_offset = 0
local threads = 0

function setup(thread)
  thread:set("thread_offset", threads)
  threads = threads + 1
end

function request()
  counter = counter + 1
  local day = (counter * 8 + thread_offset) % 20000
  local date = os.date("!%Y-%m-%d", 1893456000 + day * 86400)  -- from 2030-01-01
  local body = string.format(
    '{"exchange":"%s","date":"%s","start_time":"09:00","end_time":"10:00","customer_name":"Bench","customer_email":"bench@example.com"}',
    os.getenv("EXCHANGE"), date)
  return wrk.format("POST", "/api/bookings/",
    {["Content-Type"] = "application/json", ["Authorization"] = "Bearer " .. os.getenv("TOKEN")}, body)
end
