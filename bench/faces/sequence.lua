-- Shared by the write workloads. Loads the fixture ids (env FIXTURES: the fixtures.lua that
-- bench/faces_fixtures.py wrote), numbers every request so that no two requests of this
-- run or of an earlier one on the same database share a number (env SEQ_FILE holds where
-- the next run starts), and prints how many numbers the run used.
-- Thread t of WRK_THREADS (it must equal wrk's -t) takes numbers start + t, start + t + T, ...
dofile(assert(os.getenv("FIXTURES"), "FIXTURES must name the fixtures.lua"))

local seq_file = os.getenv("SEQ_FILE")
local threads_total = tonumber(os.getenv("WRK_THREADS") or "2")

local function saved_start()
  if not seq_file then return 0 end
  local f = io.open(seq_file, "r")
  if not f then return 0 end
  local n = tonumber(f:read("*l")) or 0
  f:close()
  return n
end

local start = saved_start()
local threads = {}

function setup(thread)
  thread:set("thread_no", #threads)
  thread:set("issued", 0)
  table.insert(threads, thread)
end

-- The request's number (called once per request, in the request's thread).
function next_number()
  local n = start + thread_no + threads_total * issued
  issued = issued + 1
  return n
end

function done(summary, latency, requests)
  local most = 0
  for _, t in ipairs(threads) do
    local issued_here = t:get("issued") or 0
    if issued_here > most then most = issued_here end
  end
  local next_start = start + threads_total * most
  if seq_file then
    local f = assert(io.open(seq_file, "w"))
    f:write(next_start, "\n")
    f:close()
  end
  io.write(string.format("sequence %d..%d\n", start, next_start - 1))
end

-- "YYYY-MM-DD" of the day `days` after the UTC midnight `base` (seconds since the epoch).
function day_after(base, days)
  return os.date("!%Y-%m-%d", base + days * 86400)
end

-- The q-th window of 14 minutes of a day (q = 0..95), as "HH:MM:SS" start and end.
function quarter_window(q)
  local s, e = q * 15, q * 15 + 14
  return string.format("%02d:%02d:00", math.floor(s / 60), s % 60),
    string.format("%02d:%02d:00", math.floor(e / 60), e % 60)
end

function json_post(path, body, token)
  local headers = {["Content-Type"] = "application/json"}
  if token then headers["Authorization"] = "Token " .. token end
  return wrk.format("POST", path, headers, body)
end
