-- Face 004 POST /consultant/<id>/reserve/ for the fixture user: request n reserves, for
-- reservation consultant n mod 40, its window number m = n div 40, in the order the
-- fixtures made them (96 windows of 14 minutes a day from 2032-01-01, RES_DAYS days).
-- Past the last window the answers are 404: the run then fails loudly.
dofile(os.getenv("FACES_DIR") .. "/sequence.lua")
local FIRST_DAY = 1956528000  -- 2032-01-01T00:00Z

function request()
  local n = next_number()
  local m = math.floor(n / #RES_CONS)
  local s, e = quarter_window(m % 96)
  local body = string.format('{"user":%d,"date":"%s","start_time":"%s","end_time":"%s"}', RES_USER,
    day_after(FIRST_DAY, math.floor(m / 96)), s, e)
  return json_post("/consultant/" .. RES_CONS[(n % #RES_CONS) + 1] .. "/reserve/", body)
end
