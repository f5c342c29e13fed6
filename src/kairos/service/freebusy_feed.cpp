#include "kairos/service/freebusy_feed.hpp"

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/core/booking_status.hpp"
#include "kairos/core/interval_set.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/calendar_sync_ical.hpp"

namespace kairos::service {
namespace {

using store::Int;
using store::Text;
using booking::FromStored;
using booking::ToStored;

void Line(std::string& out, std::string_view name, std::string_view value) {
  std::string line(name);
  line += ':';
  line += value;
  out += IcalFoldLine(line);
}

// RFC 5545 §3.8.2.6: one period per line, as explicit start and end in UTC.
void PeriodLines(std::string& out, std::string_view fbtype, const std::vector<Interval>& periods) {
  for (const Interval& p : periods) {
    Line(out, "FREEBUSY;FBTYPE=" + std::string(fbtype), IcalUtc(p.start) + "/" + IcalUtc(p.end));
  }
}

}  // namespace

FreeBusyPeriods MergeFreeBusy(Interval window, const std::vector<Interval>& busy,
                              const std::vector<Interval>& tentative) {
  IntervalSet within = IntervalSet::Of({window});
  IntervalSet busy_set = IntervalSet::Of(busy).Intersection(within);
  IntervalSet tentative_set = IntervalSet::Of(tentative).Intersection(within).Subtract(busy_set);
  return {window, busy_set.intervals(), tentative_set.intervals()};
}

std::string FreeBusyCalendar(const FreeBusyPeriods& periods, std::string_view uid, std::string_view name,
                             std::string_view email, Instant now) {
  std::string out;
  Line(out, "BEGIN", "VCALENDAR");
  Line(out, "VERSION", "2.0");
  Line(out, "PRODID", "-//Kairos//Kairos Scheduling//EN");
  Line(out, "CALSCALE", "GREGORIAN");
  Line(out, "METHOD", "PUBLISH");
  Line(out, "BEGIN", "VFREEBUSY");
  Line(out, "UID", IcalEscapeText(uid));
  Line(out, "DTSTAMP", IcalUtc(now));
  Line(out, "DTSTART", IcalUtc(periods.window.start));
  Line(out, "DTEND", IcalUtc(periods.window.end));
  std::string address;
  for (char c : email) {
    if (static_cast<unsigned char>(c) > 0x20 && c != '"' && c != 0x7f) address += c;
  }
  if (!address.empty()) {
    std::string cn;
    for (char c : name) {
      if (c != '"' && static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) cn += c;
    }
    Line(out, cn.empty() ? std::string("ORGANIZER") : "ORGANIZER;CN=\"" + cn + "\"", "mailto:" + address);
  }
  PeriodLines(out, "BUSY", periods.busy);
  PeriodLines(out, "BUSY-TENTATIVE", periods.tentative);
  Line(out, "END", "VFREEBUSY");
  Line(out, "END", "VCALENDAR");
  return out;
}

std::string FreeBusyFeeds::RotateToken(const auth::Principal& caller, Instant now) {
  std::string token = auth::RandomSecret();
  db_.Write([&](store::Tx& tx) {
    tx.Exec("DELETE FROM freebusy_tokens WHERE account_id = ?", {Int(caller.account_id)});
    tx.Exec("INSERT INTO freebusy_tokens (account_id, token_digest, created_at) VALUES (?, ?, ?)",
            {Int(caller.account_id), Text(auth::SecretDigest(token)), Int(ToStored(now))});
  });
  return token;
}

Result<Instant> FreeBusyFeeds::TokenCreatedAt(const auth::Principal& caller) {
  return db_.Read([&](store::Tx& tx) -> Result<Instant> {
    auto row = tx.QueryOne("SELECT created_at FROM freebusy_tokens WHERE account_id = ?", {Int(caller.account_id)});
    if (!row) return NotFound("No free/busy token");
    return FromStored(row->Int(0));
  });
}

Status FreeBusyFeeds::RevokeToken(const auth::Principal& caller) {
  return db_.Write([&](store::Tx& tx) -> Status {
    if (tx.Exec("DELETE FROM freebusy_tokens WHERE account_id = ?", {Int(caller.account_id)}) == 0) {
      return NotFound("No free/busy token");
    }
    return {};
  });
}

Result<FreeBusyFeed> FreeBusyFeeds::Feed(std::string_view username, std::string_view token, Instant now) {
  if (!auth::LooksLikeSecret(token)) return NotFound("Feed not found");
  return db_.Read([&](store::Tx& tx) -> Result<FreeBusyFeed> {
    auto owner = tx.QueryOne(
        "SELECT a.id, a.username, a.email, a.first_name, a.last_name FROM freebusy_tokens f JOIN accounts a ON "
        "a.id = f.account_id WHERE f.token_digest = ? AND a.username_key = ? AND a.is_active = 1",
        {Text(auth::SecretDigest(token)), Text(CaseKey(username))});
    if (!owner) return NotFound("Feed not found");
    const Instant today = std::chrono::floor<std::chrono::days>(now);
    const Interval window{today, today + kFreeBusyHorizon};
    std::vector<Interval> busy;
    std::vector<Interval> tentative;
    // Every face's bookings live in one table; a meeting has one on each participant's
    // calendar, so the account's own calendars hold all its busy time.
    for (const auto& row : tx.Query("SELECT b.start_at, b.end_at, b.status FROM bookings b JOIN calendars c ON c.id = "
                                    "b.calendar_id WHERE c.owner_account_id = ? AND b.status IN " +
                                        std::string(kHoldingStatusesSql) +
                                        " AND b.start_at >= ? AND b.end_at > ? AND b.start_at < ?",
                                    {Int(owner->Int(0)), Int(kairos::booking::OverlapScanFloor(window.start)),
                                     Int(ToStored(window.start)), Int(ToStored(window.end))})) {
      Interval held{FromStored(row.Int(0)), FromStored(row.Int(1))};
      (row.Text(2) == "pending" ? tentative : busy).push_back(held);
    }
    FreeBusyPeriods periods = MergeFreeBusy(window, busy, tentative);
    const std::string username_stored = owner->Text(1);
    const std::string name = DisplayName(owner->OptionalText(3).value_or(""), owner->OptionalText(4).value_or(""),
                                         username_stored);
    // The validator covers what the feed says, not when it was stamped.
    std::string says = IcalUtc(window.start) + IcalUtc(window.end) + name + owner->OptionalText(2).value_or("");
    for (const Interval& p : periods.busy) says += "B" + IcalUtc(p.start) + IcalUtc(p.end);
    for (const Interval& p : periods.tentative) says += "T" + IcalUtc(p.start) + IcalUtc(p.end);
    FreeBusyFeed feed;
    feed.etag = "\"" + auth::SecretDigest(says).substr(0, 32) + "\"";
    feed.ics = FreeBusyCalendar(periods, "freebusy-" + username_stored + "@kairos", name,
                                owner->OptionalText(2).value_or(""), now);
    return feed;
  });
}

}  // namespace kairos::service
