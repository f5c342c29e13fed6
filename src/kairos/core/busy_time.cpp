#include "kairos/core/busy_time.hpp"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include <libical/ical.h>

#include "kairos/core/ical_time.hpp"
#include "kairos/core/recurrence.hpp"

namespace kairos {

namespace {

using std::chrono::days;
using std::chrono::seconds;

struct ComponentDeleter {
  void operator()(icalcomponent* c) const { icalcomponent_free(c); }
};
using ComponentPtr = std::unique_ptr<icalcomponent, ComponentDeleter>;

Error PayloadTooLarge(std::string message) {
  return Error{ErrorCode::kPayloadTooLarge, std::move(message), "ics"};
}

// How one date-time value is anchored: UTC, the owner's wall clock (floating, DATE), a
// system zone, or a VTIMEZONE of the data itself.
struct Anchor {
  enum Kind { kUtc, kOwner, kSystem, kVtimezone } kind = kOwner;
  Zone zone = nullptr;                 // kSystem
  icaltimezone* vtimezone = nullptr;   // kVtimezone (owned by the parsed calendar)
};

// A DATE or DATE-TIME value as written: its wall clock and what anchors it.
struct TimeValue {
  LocalDateTime local{};
  bool is_date = false;
  Anchor anchor;
};

using ical::FromIcal;
using ical::ToIcal;

bool ValidTime(const icaltimetype& t) {
  return !icaltime_is_null_time(t) && t.year > 0 && t.month >= 1 && t.month <= 12 && t.day >= 1 && t.day <= 31 &&
         Date{date::year{t.year}, date::month{static_cast<unsigned>(t.month)}, date::day{static_cast<unsigned>(t.day)}}
             .ok();
}

Instant Resolve(LocalDateTime local, const Anchor& a, Zone owner) {
  switch (a.kind) {
    case Anchor::kUtc: return Instant{local.time_since_epoch()};
    case Anchor::kOwner: return ToUtc(local, owner);
    case Anchor::kSystem: return ToUtc(local, a.zone);
    case Anchor::kVtimezone: {
      icaltimetype t = ToIcal(local);
      icaltimezone_convert_time(&t, a.vtimezone, icaltimezone_get_utc_timezone());
      return Instant{seconds{static_cast<long long>(icaltime_as_timet(t))}};
    }
  }
  return ToUtc(local, owner);
}

LocalDateTime WallClock(Instant t, const Anchor& a, Zone owner) {
  switch (a.kind) {
    case Anchor::kUtc: return LocalDateTime{t.time_since_epoch()};
    case Anchor::kOwner: return ToLocal(t, owner);
    case Anchor::kSystem: return ToLocal(t, a.zone);
    case Anchor::kVtimezone: {
      icaltimetype u = icaltime_from_timet_with_zone(static_cast<time_t>(t.time_since_epoch().count()), 0,
                                                     icaltimezone_get_utc_timezone());
      icaltimezone_convert_time(&u, icaltimezone_get_utc_timezone(), a.vtimezone);
      u.zone = nullptr;
      return FromIcal(u);
    }
  }
  return ToLocal(t, owner);
}

// One calendar's context: its VTIMEZONEs and the notes of fallbacks taken.
struct Reader {
  Zone owner;
  std::vector<std::string>* notes;

  Anchor AnchorFor(icalproperty* p, const icaltimetype& t, icalcomponent* calendar, std::string_view uid) const {
    Anchor a;
    if (t.is_date) return a;  // an all-day value: the owner's days
    if (icaltime_is_utc(t)) {
      a.kind = Anchor::kUtc;
      return a;
    }
    icalparameter* param = icalproperty_get_first_parameter(p, ICAL_TZID_PARAMETER);
    const char* tzid = param ? icalparameter_get_tzid(param) : nullptr;
    if (!tzid || !*tzid) return a;  // floating
    std::string name(tzid);
    // "/mozilla.org/20050126_1/Europe/Berlin", "/freeassociation.sourceforge.net/Europe/Berlin":
    // a vendor prefix, then an IANA name.
    std::vector<std::string> candidates{name};
    if (name.starts_with('/')) {
      for (auto slash = name.find('/', 1); slash != std::string::npos; slash = name.find('/', slash + 1)) {
        if (slash + 1 < name.size()) candidates.push_back(name.substr(slash + 1));
      }
    }
    for (const std::string& candidate : candidates) {
      if (auto zone = FindZone(candidate); zone.ok()) {
        a.kind = Anchor::kSystem;
        a.zone = zone.value();
        return a;
      }
    }
    if (calendar) {
      if (icaltimezone* vtz = icalcomponent_get_timezone(calendar, tzid)) {
        a.kind = Anchor::kVtimezone;
        a.vtimezone = vtz;
        return a;
      }
    }
    notes->push_back("UID " + std::string(uid) + ": unknown TZID " + name + " without a VTIMEZONE, read in the owner's zone");
    return a;
  }

  TimeValue Value(icalproperty* p, const icaltimetype& t, icalcomponent* calendar, std::string_view uid) const {
    TimeValue v;
    v.local = FromIcal(t);
    v.is_date = t.is_date != 0;
    v.anchor = AnchorFor(p, t, calendar, uid);
    return v;
  }

  Instant Start(const TimeValue& v) const { return Resolve(v.local, v.anchor, owner); }
};

// How long each instance lasts, from DTEND or DURATION.
struct Length {
  seconds exact{0};  // DTEND's exact duration, or DURATION's time part
  days nominal{0};   // DURATION's days and weeks, or a DATE event's days
};

std::string UidOf(icalcomponent* event) {
  const char* uid = icalcomponent_get_uid(event);
  return uid ? std::string(uid) : std::string();
}

bool IsFree(icalcomponent* event) {
  if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_TRANSP_PROPERTY)) {
    icalproperty_transp t = icalproperty_get_transp(p);
    if (t == ICAL_TRANSP_TRANSPARENT || t == ICAL_TRANSP_TRANSPARENTNOCONFLICT) return true;
  }
  if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_STATUS_PROPERTY)) {
    if (icalproperty_get_status(p) == ICAL_STATUS_CANCELLED) return true;
  }
  return false;
}

// An instance's identity for RECURRENCE-ID and EXDATE: the UTC instant it starts, or for
// an all-day series its date.
struct InstanceKey {
  bool is_date = false;
  long long value = 0;  // seconds since the epoch, or days since the epoch
  auto operator<=>(const InstanceKey&) const = default;
};

InstanceKey KeyOf(const TimeValue& v, const Reader& r) {
  if (v.is_date) return {true, date::floor<days>(v.local).time_since_epoch().count()};
  return {false, r.Start(v).time_since_epoch().count()};
}

// The instants busy in one VEVENT's instances (a master with its RRULE/RDATE, or a lone
// override), without the instances in `replaced`.
class EventExpander {
 public:
  EventExpander(const Reader& reader, icalcomponent* calendar, Interval range, std::size_t* budget,
                std::size_t max_instances, std::vector<Interval>* out)
      : r_(reader), calendar_(calendar), range_(range), budget_(budget), max_instances_(max_instances), out_(out) {}

  Result<bool> Expand(icalcomponent* event, const std::set<InstanceKey>& replaced, bool recurring) {
    uid_ = UidOf(event);
    icalproperty* start_prop = icalcomponent_get_first_property(event, ICAL_DTSTART_PROPERTY);
    if (!start_prop) return InvalidArgument("UID " + uid_ + ": VEVENT without DTSTART", "ics");
    icaltimetype dtstart = icalproperty_get_dtstart(start_prop);
    if (!ValidTime(dtstart)) return InvalidArgument("UID " + uid_ + ": DTSTART cannot be read", "ics");
    start_ = r_.Value(start_prop, dtstart, calendar_, uid_);

    if (auto length = LengthOf(event); !length.ok()) {
      return length.error();
    } else {
      length_ = length.value();
    }

    std::set<InstanceKey> excluded = replaced;
    for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_EXDATE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_EXDATE_PROPERTY)) {
      icaltimetype t = icalproperty_get_exdate(p);
      if (!ValidTime(t)) continue;
      TimeValue v = r_.Value(p, t, calendar_, uid_);
      excluded.insert(KeyOf(v, r_));
      if (v.is_date && !start_.is_date) date_exdates_.insert(date::floor<days>(v.local).time_since_epoch().count());
    }

    std::vector<TimeValue> starts{start_};
    if (recurring) {
      for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_RRULE_PROPERTY); p;
           p = icalcomponent_get_next_property(event, ICAL_RRULE_PROPERTY)) {
        auto more = RuleStarts(p);
        if (!more.ok()) return more.error();
        for (LocalDateTime local : more.value()) starts.push_back({local, start_.is_date, start_.anchor});
      }
      for (icalproperty* p = icalcomponent_get_first_property(event, ICAL_RDATE_PROPERTY); p;
           p = icalcomponent_get_next_property(event, ICAL_RDATE_PROPERTY)) {
        icaldatetimeperiodtype rdate = icalproperty_get_rdate(p);
        if (!icalperiodtype_is_null_period(rdate.period)) {
          if (!ValidTime(rdate.period.start)) continue;
          TimeValue from = r_.Value(p, rdate.period.start, calendar_, uid_);
          Instant begin = r_.Start(from);
          Instant end = begin;
          if (!icaltime_is_null_time(rdate.period.end) && ValidTime(rdate.period.end)) {
            end = r_.Start(r_.Value(p, rdate.period.end, calendar_, uid_));
          } else {
            end = begin + seconds{icaldurationtype_as_int(rdate.period.duration)};
          }
          if (excluded.contains(KeyOf(from, r_))) continue;
          if (!Take()) return TooMany();
          Add({begin, end});
          continue;
        }
        if (!ValidTime(rdate.time)) continue;
        starts.push_back(r_.Value(p, rdate.time, calendar_, uid_));
      }
    }

    std::set<InstanceKey> seen;
    for (const TimeValue& s : starts) {
      InstanceKey key = KeyOf(s, r_);
      if (!seen.insert(key).second || excluded.contains(key)) continue;
      if (!s.is_date && !date_exdates_.empty() &&
          date_exdates_.contains(date::floor<days>(s.local).time_since_epoch().count())) {
        continue;
      }
      Interval busy = InstanceInterval(s);
      if (!busy.Overlaps(range_)) continue;
      if (!Take()) return TooMany();
      Add(busy);
    }
    return true;
  }

 private:
  Result<Length> LengthOf(icalcomponent* event) {
    Length length;
    if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_DTEND_PROPERTY)) {
      icaltimetype t = icalproperty_get_dtend(p);
      if (!ValidTime(t)) return InvalidArgument("UID " + uid_ + ": DTEND cannot be read", "ics");
      TimeValue end = r_.Value(p, t, calendar_, uid_);
      if (start_.is_date) {
        length.nominal = date::floor<days>(end.local) - date::floor<days>(start_.local);
      } else {
        length.exact = r_.Start(end) - r_.Start(start_);
      }
      return length;
    }
    if (icalproperty* p = icalcomponent_get_first_property(event, ICAL_DURATION_PROPERTY)) {
      icaldurationtype d = icalproperty_get_duration(p);
      int sign = d.is_neg ? -1 : 1;
      length.nominal = days{sign * static_cast<long long>(d.weeks * 7 + d.days)};
      length.exact = seconds{sign * static_cast<long long>(d.hours * 3600 + d.minutes * 60 + d.seconds)};
      return length;
    }
    if (start_.is_date) length.nominal = days{1};
    return length;
  }

  Interval InstanceInterval(const TimeValue& s) const {
    // A DATE value is a day of the owner's; its end is midnight after its last day.
    Instant begin = r_.Start(s);
    Instant end;
    if (length_.nominal != days{0}) {
      end = Resolve(s.local + length_.nominal, s.anchor, r_.owner) + length_.exact;
    } else {
      end = begin + length_.exact;
    }
    return {begin, end};
  }

  // The RRULE's instance starts (DTSTART's wall clock, its anchor) near the range.
  Result<std::vector<LocalDateTime>> RuleStarts(icalproperty* p) {
    const char* text = icalproperty_get_value_as_string(p);
    std::string rule = text ? text : "";
    for (char& c : rule) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    // A UTC UNTIL on a zoned or floating series is moved onto the series' wall clock, where
    // the expansion happens.
    if (auto at = rule.find("UNTIL="); at != std::string::npos) {
      auto end = rule.find(';', at);
      if (end == std::string::npos) end = rule.size();
      std::string until = rule.substr(at + 6, end - at - 6);
      if (until.size() == 16 && until.back() == 'Z' && start_.anchor.kind != Anchor::kUtc) {
        icaltimetype u = icaltime_from_string(until.c_str());
        if (ValidTime(u)) {
          LocalDateTime local = WallClock(Instant{FromIcal(u).time_since_epoch()}, start_.anchor, r_.owner);
          std::string formatted;
          for (char c : FormatLocalDateTime(local)) {
            if (c != '-' && c != ':') formatted += c;
          }
          rule.replace(at + 6, end - at - 6, formatted);
        }
      } else if (until.size() == 8 && !start_.is_date) {
        rule.replace(at + 6, end - at - 6, until + "T235959");
      }
    }
    auto parsed = RecurrenceRule::Parse(rule);
    if (!parsed.ok()) return InvalidArgument("UID " + uid_ + ": " + parsed.error().message, "ics");
    // The wall clock near the range: offsets are under a day, instances last `length_`.
    seconds reach = length_.exact + length_.nominal + days{2};
    LocalDateTime from{(range_.start - reach).time_since_epoch()};
    LocalDateTime to{(range_.end + days{2}).time_since_epoch()};
    if (start_.is_date) {
      from = date::floor<days>(from);
      to = date::ceil<days>(to);
    }
    std::size_t room = max_instances_ - std::min(max_instances_, *budget_);
    auto starts = ExpandRecurrence(parsed.value(), start_.local, std::max(from, start_.local), to, {}, room);
    if (!starts.ok()) {
      return InvalidArgument("UID " + uid_ + ": more than " + std::to_string(max_instances_) +
                                 " instances near the range, or " + starts.error().message,
                             "ics");
    }
    return starts.value();
  }

  bool Take() { return ++*budget_ <= max_instances_; }
  Error TooMany() const {
    return InvalidArgument("UID " + uid_ + ": more than " + std::to_string(max_instances_) + " instances in the range",
                           "ics");
  }
  void Add(Interval busy) {
    Interval clipped{std::max(busy.start, range_.start), std::min(busy.end, range_.end)};
    if (!clipped.empty()) out_->push_back(clipped);
  }

  const Reader& r_;
  icalcomponent* calendar_;
  Interval range_;
  std::size_t* budget_;
  std::size_t max_instances_;
  std::vector<Interval>* out_;
  std::string uid_;
  TimeValue start_;
  Length length_;
  std::set<long long> date_exdates_;
};

// The VCALENDARs (or bare VEVENTs) of one parsed piece.
void Calendars(icalcomponent* root, std::vector<icalcomponent*>& out) {
  icalcomponent_kind kind = icalcomponent_isa(root);
  if (kind == ICAL_VCALENDAR_COMPONENT || kind == ICAL_VEVENT_COMPONENT) {
    out.push_back(root);
    return;
  }
  if (kind == ICAL_XROOT_COMPONENT) {
    for (icalcomponent* c = icalcomponent_get_first_component(root, ICAL_ANY_COMPONENT); c;
         c = icalcomponent_get_next_component(root, ICAL_ANY_COMPONENT)) {
      if (icalcomponent_isa(c) == ICAL_VCALENDAR_COMPONENT) out.push_back(c);
    }
  }
}

struct EventRef {
  icalcomponent* event;
  icalcomponent* calendar;  // where its VTIMEZONEs are
};

}  // namespace

bool IsKairosUid(std::string_view uid) {
  constexpr std::string_view kSuffix = "@kairos";
  if (!uid.ends_with(kSuffix)) return false;
  uid.remove_suffix(kSuffix.size());
  if (uid.starts_with("meeting-")) uid.remove_prefix(8);
  if (uid.size() != 36) return false;
  for (std::size_t i = 0; i < uid.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? uid[i] != '-' : !std::isxdigit(static_cast<unsigned char>(uid[i]))) return false;
  }
  return true;
}

Result<BusyTime> ReadIcalBusyTime(std::string_view ics, Zone owner, Interval range, const BusyReadLimits& limits) {
  return ReadIcalBusyTime(std::vector<std::string>{std::string(ics)}, owner, range, limits);
}

Result<BusyTime> ReadIcalBusyTime(const std::vector<std::string>& pieces, Zone owner, Interval range,
                                  const BusyReadLimits& limits) {
  ical::DisableFatalErrors();
  std::size_t bytes = 0;
  for (const auto& piece : pieces) bytes += piece.size();
  if (bytes > limits.max_bytes) {
    return PayloadTooLarge("Calendar data is larger than " + std::to_string(limits.max_bytes) + " bytes");
  }
  BusyTime result;
  if (range.empty()) return result;

  std::vector<ComponentPtr> roots;
  std::vector<EventRef> events;
  for (const auto& piece : pieces) {
    if (piece.find_first_not_of(" \t\r\n") == std::string::npos) continue;
    ComponentPtr root(icalparser_parse_string(piece.c_str()));
    if (!root) return InvalidArgument("Calendar data is not iCalendar (no VCALENDAR)", "ics");
    std::vector<icalcomponent*> calendars;
    Calendars(root.get(), calendars);
    if (calendars.empty()) return InvalidArgument("Calendar data is not iCalendar (no VCALENDAR)", "ics");
    for (icalcomponent* calendar : calendars) {
      if (icalcomponent_isa(calendar) == ICAL_VEVENT_COMPONENT) {
        events.push_back({calendar, nullptr});
      } else {
        for (icalcomponent* e = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); e;
             e = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT)) {
          events.push_back({e, calendar});
        }
      }
      if (events.size() > limits.max_events) {
        return PayloadTooLarge("Calendar data holds more than " + std::to_string(limits.max_events) + " events");
      }
    }
    roots.push_back(std::move(root));
  }
  result.events = events.size();

  Reader reader{owner, &result.notes};
  // Per UID: the master and the overrides (RECURRENCE-ID), each keyed by the instance it
  // replaces.
  struct Series {
    std::optional<EventRef> master;
    std::vector<std::pair<InstanceKey, EventRef>> overrides;
  };
  std::map<std::string, Series> series;
  std::vector<EventRef> loose;  // no UID: each stands alone
  for (const EventRef& ref : events) {
    std::string uid = UidOf(ref.event);
    if (IsKairosUid(uid)) continue;
    if (uid.empty()) {
      loose.push_back(ref);
      continue;
    }
    Series& s = series[uid];
    if (icalproperty* rid = icalcomponent_get_first_property(ref.event, ICAL_RECURRENCEID_PROPERTY)) {
      icaltimetype t = icalproperty_get_recurrenceid(rid);
      if (!ValidTime(t)) return InvalidArgument("UID " + uid + ": RECURRENCE-ID cannot be read", "ics");
      s.overrides.emplace_back(KeyOf(reader.Value(rid, t, ref.calendar, uid), reader), ref);
    } else if (!s.master) {
      s.master = ref;
    } else {
      loose.push_back(ref);  // a second master under the same UID: read on its own
    }
  }

  std::vector<Interval> busy;
  std::size_t budget = 0;
  const std::set<InstanceKey> none;
  for (auto& [uid, s] : series) {
    std::set<InstanceKey> replaced;
    for (auto& [key, ref] : s.overrides) replaced.insert(key);
    if (s.master && !IsFree(s.master->event)) {
      EventExpander expander(reader, s.master->calendar, range, &budget, limits.max_instances, &busy);
      if (auto r = expander.Expand(s.master->event, replaced, true); !r.ok()) return r.error();
    }
    for (auto& [key, ref] : s.overrides) {
      if (IsFree(ref.event)) continue;
      EventExpander expander(reader, ref.calendar, range, &budget, limits.max_instances, &busy);
      if (auto r = expander.Expand(ref.event, none, false); !r.ok()) return r.error();
    }
  }
  for (const EventRef& ref : loose) {
    if (IsFree(ref.event)) continue;
    EventExpander expander(reader, ref.calendar, range, &budget, limits.max_instances, &busy);
    if (auto r = expander.Expand(ref.event, none, true); !r.ok()) return r.error();
  }
  result.busy = IntervalSet::Of(std::move(busy));
  return result;
}

namespace {

std::optional<unsigned long> Number(std::string_view digits, int base) {
  unsigned long value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value, base);
  if (digits.empty() || ec != std::errc{} || end != digits.data() + digits.size() || value > 0x10FFFF) {
    return std::nullopt;
  }
  return value;
}

// "&lt;" and friends, "&#10;", "&#x0A;" and CDATA sections, as XML 1.0 defines them.
std::string DecodeXmlText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size();) {
    if (text.substr(i).starts_with("<![CDATA[")) {
      auto end = text.find("]]>", i + 9);
      if (end == std::string_view::npos) end = text.size();
      out.append(text.substr(i + 9, end - i - 9));
      i = std::min(text.size(), end + 3);
      continue;
    }
    if (text[i] == '&') {
      auto semi = text.find(';', i);
      if (semi != std::string_view::npos && semi - i <= 10) {
        std::string_view name = text.substr(i + 1, semi - i - 1);
        std::optional<unsigned long> code;
        if (name == "lt") code = '<';
        else if (name == "gt") code = '>';
        else if (name == "amp") code = '&';
        else if (name == "quot") code = '"';
        else if (name == "apos") code = '\'';
        else if (name.starts_with("#x") || name.starts_with("#X")) code = Number(name.substr(2), 16);
        else if (name.starts_with("#")) code = Number(name.substr(1), 10);
        if (code) {
          unsigned long c = *code;
          if (c < 0x80) {
            out += static_cast<char>(c);
          } else if (c < 0x800) {
            out += static_cast<char>(0xC0 | (c >> 6));
            out += static_cast<char>(0x80 | (c & 0x3F));
          } else if (c < 0x10000) {
            out += static_cast<char>(0xE0 | (c >> 12));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
          } else {
            out += static_cast<char>(0xF0 | (c >> 18));
            out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
            out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
            out += static_cast<char>(0x80 | (c & 0x3F));
          }
          i = semi + 1;
          continue;
        }
      }
    }
    out += text[i++];
  }
  return out;
}

}  // namespace

Result<std::vector<std::string>> CaldavCalendarData(std::string_view xml) {
  std::vector<std::string> out;
  constexpr std::string_view kName = "calendar-data";
  for (std::size_t at = xml.find('<'); at != std::string_view::npos; at = xml.find('<', at + 1)) {
    auto close = xml.find('>', at);
    if (close == std::string_view::npos) break;
    std::string_view tag = xml.substr(at + 1, close - at - 1);
    if (tag.empty() || tag[0] == '/' || tag[0] == '?' || tag[0] == '!') continue;
    std::string_view name = tag.substr(0, tag.find_first_of(" \t\r\n/"));
    std::string_view local = name.substr(name.find(':') == std::string_view::npos ? 0 : name.find(':') + 1);
    if (local != kName) continue;
    if (tag.back() == '/') continue;  // <C:calendar-data/>: nothing
    std::string end_tag = "</" + std::string(name) + ">";
    // CDATA may hold "</": skip over sections while looking for the end tag.
    std::size_t from = close + 1;
    std::size_t end = std::string_view::npos;
    for (std::size_t scan = from;;) {
      std::size_t cdata = xml.find("<![CDATA[", scan);
      std::size_t candidate = xml.find(end_tag, scan);
      if (candidate == std::string_view::npos) break;
      if (cdata != std::string_view::npos && cdata < candidate) {
        std::size_t cdata_end = xml.find("]]>", cdata);
        if (cdata_end == std::string_view::npos) break;
        scan = cdata_end + 3;
        continue;
      }
      end = candidate;
      break;
    }
    if (end == std::string_view::npos) {
      return InvalidArgument("CalDAV answer has an unterminated calendar-data element", "calendar-data");
    }
    out.push_back(DecodeXmlText(xml.substr(from, end - from)));
    at = end;
  }
  return out;
}

}  // namespace kairos
