#include "kairos/service/calendar_sync_ical.hpp"

#include <date/date.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>

namespace kairos::service {
namespace {

using std::chrono::seconds;

std::string_view StatusText(IcalStatus s) {
  switch (s) {
    case IcalStatus::kTentative: return "TENTATIVE";
    case IcalStatus::kConfirmed: return "CONFIRMED";
    case IcalStatus::kCancelled: return "CANCELLED";
  }
  return "CONFIRMED";
}

void Line(std::string& out, std::string_view name, std::string_view value) {
  std::string line(name);
  line += ':';
  line += value;
  out += IcalFoldLine(line);
}

// A parameter value, always quoted: DQUOTE and control characters cannot appear in a
// quoted-string (RFC 5545 §3.1), so they are replaced or dropped.
std::string QuotedParam(std::string_view value) {
  std::string out = "\"";
  for (char c : value) {
    if (c == '"') {
      out += '\'';
    } else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f) {
      out += c;
    }
  }
  out += '"';
  return out;
}

// TZID=America/New_York; quoted only if the name holds a character paramtext forbids.
std::string TzidParam(std::string_view tzid) {
  bool plain = std::none_of(tzid.begin(), tzid.end(), [](char c) { return c == ',' || c == ';' || c == ':'; });
  return ";TZID=" + (plain ? std::string(tzid) : QuotedParam(tzid));
}

// "20300107T090000": a local date-time as RFC 5545 writes it, without a zone.
std::string IcalLocal(LocalDateTime local) {
  std::string out;
  for (char c : FormatLocalDateTime(local)) {
    if (c != '-' && c != ':') out += c;
  }
  return out;
}

// "+0530", "-0500", "+0000"; seconds only when the offset has them (RFC 5545 §3.3.14).
std::string IcalOffset(seconds offset) {
  char sign = offset < seconds{0} ? '-' : '+';
  long long total = std::llabs(offset.count());
  char buf[32];
  if (total % 60 == 0) {
    std::snprintf(buf, sizeof buf, "%c%02lld%02lld", sign, total / 3600, total / 60 % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%c%02lld%02lld%02lld", sign, total / 3600, total / 60 % 60, total % 60);
  }
  return buf;
}

bool IsUtcName(std::string_view tzid) { return tzid.empty() || tzid == "UTC" || tzid == "Etc/UTC"; }

bool Zoned(const IcalEvent& e) { return e.zone != nullptr && !IsUtcName(e.tzid); }

// DTSTART or DTEND: the wall clock with TZID for a zoned event, else UTC. A time in the
// second occurrence of a repeated hour cannot be named by its wall clock (RFC 5545
// §3.3.5 reads that as the first occurrence), so it is written in UTC.
void TimeLine(std::string& out, std::string_view name, Instant t, const IcalEvent& e) {
  if (Zoned(e)) {
    LocalDateTime local = ToLocal(t, e.zone);
    if (ToUtc(local, e.zone) == t) {
      Line(out, std::string(name) + TzidParam(e.tzid), IcalLocal(local));
      return;
    }
  }
  Line(out, name, IcalUtc(t));
}

// ORGANIZER or ATTENDEE. In a CalDAV resource, SCHEDULE-AGENT=CLIENT (RFC 6638 §7.1)
// keeps a scheduling server from mailing invitations: Kairos tells the parties itself.
void PartyLine(std::string& out, std::string_view name, const IcalParty& p, bool attendee, bool caldav) {
  std::string address;
  for (char c : p.email) {
    if (static_cast<unsigned char>(c) > 0x20 && c != '"' && c != 0x7f) address += c;
  }
  if (address.empty()) return;
  std::string line(name);
  if (!p.name.empty()) line += ";CN=" + QuotedParam(p.name);
  if (attendee) {
    if (!p.role.empty()) line += ";ROLE=" + p.role;
    if (!p.partstat.empty()) line += ";PARTSTAT=" + p.partstat;
  }
  if (caldav) line += ";SCHEDULE-AGENT=CLIENT";
  Line(out, line, "mailto:" + address);
}

// A change of UTC offset: the first instant of the new offset.
struct Transition {
  Instant at;
  seconds before;
  seconds after;
};

// The zone's transitions in (from, to], found from UtcOffset alone: sampled every six
// hours (no zone changes twice that fast), each change narrowed to its second.
std::vector<Transition> Transitions(Zone zone, Instant from, Instant to) {
  constexpr seconds kStep = std::chrono::hours{6};
  std::vector<Transition> out;
  Instant t = from;
  seconds offset = UtcOffset(t, zone);
  while (t < to) {
    Instant next = std::min<Instant>(t + kStep, to);
    seconds next_offset = UtcOffset(next, zone);
    if (next_offset != offset) {
      Instant lo = t;    // still the old offset
      Instant hi = next;  // already the new one
      while (hi - lo > seconds{1}) {
        Instant mid = lo + (hi - lo) / 2;
        (UtcOffset(mid, zone) == offset ? lo : hi) = mid;
      }
      out.push_back({hi, offset, next_offset});
      offset = next_offset;
    }
    t = next;
  }
  return out;
}

// Midnight starting 1 January of `year` on the zone's wall clock.
Instant StartOfLocalYear(int year, Zone zone) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-01-01", year);
  return LocalDayBounds(*ParseDate(buf), zone).start;
}

void EventLines(std::string& out, const IcalEvent& e, bool caldav) {
  Line(out, "BEGIN", "VEVENT");
  Line(out, "UID", e.uid);
  Line(out, "DTSTAMP", IcalUtc(e.stamp));
  TimeLine(out, "DTSTART", e.interval.start, e);
  TimeLine(out, "DTEND", e.interval.end, e);
  Line(out, "SEQUENCE", std::to_string(e.sequence));
  Line(out, "STATUS", StatusText(e.status));
  Line(out, "SUMMARY", IcalEscapeText(e.summary));
  if (!e.description.empty()) Line(out, "DESCRIPTION", IcalEscapeText(e.description));
  if (!e.url.empty()) {
    Line(out, "LOCATION", IcalEscapeText(e.url));
    Line(out, "URL", e.url);
  }
  if (e.organizer) PartyLine(out, "ORGANIZER", *e.organizer, false, caldav);
  // A published calendar carries no ATTENDEE (RFC 5546 §3.2.1): it invites nobody.
  if (caldav) {
    for (const IcalParty& a : e.attendees) PartyLine(out, "ATTENDEE", a, true, caldav);
  }
  // Cancelled events stay in the feed so subscribers drop them; they hold no time.
  Line(out, "TRANSP", e.status == IcalStatus::kCancelled ? "TRANSPARENT" : "OPAQUE");
  Line(out, "END", "VEVENT");
}

void CalendarHead(std::string& out) {
  Line(out, "BEGIN", "VCALENDAR");
  Line(out, "VERSION", "2.0");
  Line(out, "PRODID", "-//Kairos//Kairos Scheduling//EN");
  Line(out, "CALSCALE", "GREGORIAN");
}

}  // namespace

std::string IcalEscapeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    switch (c) {
      case '\\': out += "\\\\"; break;
      case ';': out += "\\;"; break;
      case ',': out += "\\,"; break;
      case '\n': out += "\\n"; break;
      case '\r':
        // CRLF and lone CR are one line break.
        if (i + 1 < text.size() && text[i + 1] == '\n') ++i;
        out += "\\n";
        break;
      default:
        // Other control characters are not allowed in TEXT (RFC 5545 §3.3.11).
        if (static_cast<unsigned char>(c) < 0x20 && c != '\t') continue;
        out += c;
    }
  }
  return out;
}

std::string IcalFoldLine(std::string_view line) {
  constexpr std::size_t kMaxOctets = 75;
  std::string out;
  std::size_t used = 0;  // octets on the current physical line
  std::size_t i = 0;
  while (i < line.size()) {
    // The whole UTF-8 sequence that starts here moves as one.
    std::size_t n = 1;
    while (i + n < line.size() && (static_cast<unsigned char>(line[i + n]) & 0xC0) == 0x80) ++n;
    if (used + n > kMaxOctets) {
      out += "\r\n ";
      used = 1;
    }
    out.append(line.substr(i, n));
    used += n;
    i += n;
  }
  out += "\r\n";
  return out;
}

std::string IcalUtc(Instant t) { return date::format("%Y%m%dT%H%M%SZ", t); }

std::string IcalVtimezone(std::string_view tzid, Zone zone, Instant from, Instant to) {
  std::vector<Transition> observances;
  std::vector<Transition> earlier = Transitions(zone, from - std::chrono::days{731}, from);
  if (!earlier.empty()) {
    observances.push_back(earlier.back());
  } else {
    seconds offset = UtcOffset(from, zone);
    observances.push_back({from, offset, offset});
  }
  for (const Transition& t : Transitions(zone, from, to)) observances.push_back(t);
  seconds lowest = observances.front().after;
  for (const Transition& t : observances) lowest = std::min(lowest, t.after);

  std::string out;
  Line(out, "BEGIN", "VTIMEZONE");
  Line(out, "TZID", tzid);
  for (const Transition& t : observances) {
    std::string_view kind = t.after == lowest ? "STANDARD" : "DAYLIGHT";
    Line(out, "BEGIN", kind);
    // The onset on the wall clock as it read just before the change.
    Line(out, "DTSTART", IcalLocal(LocalDateTime{t.at.time_since_epoch() + t.before}));
    Line(out, "TZOFFSETFROM", IcalOffset(t.before));
    Line(out, "TZOFFSETTO", IcalOffset(t.after));
    Line(out, "END", kind);
  }
  Line(out, "END", "VTIMEZONE");
  return out;
}

std::string IcalCalendar(const std::vector<IcalEvent>& events, std::string_view name) {
  std::string out;
  CalendarHead(out);
  Line(out, "METHOD", "PUBLISH");
  if (!name.empty()) Line(out, "X-WR-CALNAME", IcalEscapeText(name));
  for (const IcalEvent& e : events) EventLines(out, e, false);
  Line(out, "END", "VCALENDAR");
  return out;
}

namespace {

// A VCALENDAR of one event with its ORGANIZER and ATTENDEEs and, when zoned, the
// VTIMEZONE it needs; METHOD when `method` is not empty.
std::string Scheduling(const IcalEvent& e, std::string_view method) {
  std::string out;
  CalendarHead(out);
  if (!method.empty()) Line(out, "METHOD", method);
  if (Zoned(e)) {
    int first = static_cast<int>(LocalDate(e.interval.start, e.zone).year());
    int last = static_cast<int>(LocalDate(e.interval.end, e.zone).year());
    out += IcalVtimezone(e.tzid, e.zone, StartOfLocalYear(first, e.zone), StartOfLocalYear(last + 1, e.zone));
  }
  EventLines(out, e, true);
  Line(out, "END", "VCALENDAR");
  return out;
}

}  // namespace

// No METHOD: a calendar collection holds no iTIP messages (RFC 4791 §4.1).
std::string IcalResource(const IcalEvent& e) { return Scheduling(e, ""); }

std::string IcalInvitation(const IcalEvent& e, std::string_view method) { return Scheduling(e, method); }

}  // namespace kairos::service
