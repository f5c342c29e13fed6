-- Face 004 POST /consultants/<id>/availabilities/ over the 40 write consultants: request n
-- adds, for consultant n mod 40, its window number m = n div 40: the (m mod 96)-th window
-- of 14 minutes of day m div 96 from 2034-01-01. No two overlap.
dofile(os.getenv("FACES_DIR") .. "/sequence.lua")
local FIRST_DAY = 2019686400  -- 2034-01-01T00:00Z

function request()
  local n = next_number()
  local m = math.floor(n / #WR_CONS)
  local s, e = quarter_window(m % 96)
  local body = string.format('{"date":"%s","start_time":"%s","end_time":"%s"}', day_after(FIRST_DAY, math.floor(m / 96)), s, e)
  return json_post("/consultants/" .. WR_CONS[(n % #WR_CONS) + 1] .. "/availabilities/", body)
end
