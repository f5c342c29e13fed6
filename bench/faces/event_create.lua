-- Face 002 POST /api/event/ as "org" with participants p1 and p2: request n books the
-- hour n hours after 2035-01-01T00:00 (UTC, the organiser's zone), so none conflicts.
dofile(os.getenv("FACES_DIR") .. "/sequence.lua")
local FIRST_HOUR = 2051222400  -- 2035-01-01T00:00Z

function request()
  local n = next_number()
  local body = string.format('{"title":"bench %d","time_slot":"%s","description":"wrk","participants":["%s","%s"]}',
    n, os.date("!%Y-%m-%d %H:00:00", FIRST_HOUR + n * 3600), P1, P2)
  return json_post("/api/event/", body, TOK_ORG)
end
