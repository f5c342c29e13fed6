-- Face 002 POST /api/user/block_slots/ as "blocker": request n blocks hours n mod 24 and
-- (n + 7) mod 24 of day n mod 365 from 2031-01-01.
dofile(os.getenv("FACES_DIR") .. "/sequence.lua")
local FIRST_DAY = 1924992000  -- 2031-01-01T00:00Z

function request()
  local n = next_number()
  local body = string.format('{"date":"%s","blocked_slots":[%d,%d]}', day_after(FIRST_DAY, n % 365), n % 24, (n + 7) % 24)
  return json_post("/api/user/block_slots/", body, TOK_BLOCK)
end
