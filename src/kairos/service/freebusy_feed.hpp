// Free/busy out: an account's busy time as an RFC 5545 VFREEBUSY that any calendar
// client can subscribe to, behind a secret, revocable token in the URL. It shows when
// the account is busy, never what with.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

// The feed covers this much time from the start of the current UTC day.
inline constexpr std::chrono::days kFreeBusyHorizon{63};

struct FreeBusyPeriods {
  Interval window;                  // DTSTART/DTEND of the VFREEBUSY
  std::vector<Interval> busy;       // FBTYPE=BUSY: confirmed or active bookings, merged
  std::vector<Interval> tentative;  // FBTYPE=BUSY-TENTATIVE: pending ones, outside busy time
};

// Merges the bookings' intervals within `window`: busy ones into disjoint periods, then
// tentative ones minus the busy time (time both hold is simply busy).
FreeBusyPeriods MergeFreeBusy(Interval window, const std::vector<Interval>& busy,
                              const std::vector<Interval>& tentative);

// The VCALENDAR (METHOD:PUBLISH) of one VFREEBUSY stamped `now`: UID `uid`, ORGANIZER
// (the account, when it has an email), one period per FREEBUSY line, times in UTC,
// lines folded at 75 octets.
std::string FreeBusyCalendar(const FreeBusyPeriods& periods, std::string_view uid, std::string_view name,
                             std::string_view email, Instant now);

struct FreeBusyFeed {
  std::string ics;
  std::string etag;  // a quoted strong validator of the periods (not of DTSTAMP)
};

class FreeBusyFeeds {
 public:
  explicit FreeBusyFeeds(store::Database& db) : db_(db) {}

  // A new feed token for the caller, replacing (and so revoking) any earlier one. Only
  // its digest is stored: the token is shown this once.
  std::string RotateToken(const auth::Principal& caller, Instant now);

  // When the caller's token was made; NotFound("No free/busy token") when there is none.
  Result<Instant> TokenCreatedAt(const auth::Principal& caller);

  // Revokes the caller's token; NotFound("No free/busy token") when there is none.
  Status RevokeToken(const auth::Principal& caller);

  // The free/busy of `username` (case-insensitive) from the start of today (UTC) for
  // kFreeBusyHorizon: every booking of any face holding time on the account's calendars.
  // NotFound("Feed not found") for an unknown user, a wrong or a revoked token alike.
  Result<FreeBusyFeed> Feed(std::string_view username, std::string_view token, Instant now);

 private:
  store::Database& db_;
};

}  // namespace kairos::service
