// RFC 5545 output: VCALENDARs of VEVENTs, escaped TEXT values, lines folded at 75 octets
// (never inside a UTF-8 sequence) and CRLF line ends. Two shapes: a published calendar
// (feeds, .ics files: METHOD:PUBLISH, times in UTC, an ORGANIZER but no ATTENDEE, as
// RFC 5546 §3.2.1 wants) and a CalDAV calendar object resource (RFC 4791 §4.1: no
// METHOD; local times with TZID and the VTIMEZONE they need; ORGANIZER and ATTENDEEs).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/time.hpp"

namespace kairos::service {

enum class IcalStatus { kTentative, kConfirmed, kCancelled };

// A calendar user: the name becomes CN, the email a mailto: address.
struct IcalParty {
  std::string name;
  std::string email;     // empty: the party is left out
  std::string role;      // ATTENDEE ROLE: CHAIR, REQ-PARTICIPANT, ...
  std::string partstat;  // ATTENDEE PARTSTAT: ACCEPTED, NEEDS-ACTION, ...
};

struct IcalEvent {
  std::string uid;  // stable for the life of the booking
  Instant stamp{};  // DTSTAMP: when this representation was made
  Interval interval;
  std::int64_t sequence = 0;  // grows with each significant change
  IcalStatus status = IcalStatus::kConfirmed;
  std::string summary;
  std::string description;  // empty: left out
  std::string url;          // a meeting link; empty: left out
  // The zone DTSTART and DTEND are written in (its IANA name as TZID); empty or UTC:
  // UTC times.
  std::string tzid;
  Zone zone = nullptr;
  std::optional<IcalParty> organizer;
  std::vector<IcalParty> attendees;  // written in CalDAV resources only
};

// TEXT escaping: backslash, semicolon and comma get a backslash; newlines become "\n".
std::string IcalEscapeText(std::string_view text);

// One content line, folded at 75 octets with CRLF + space, ending in CRLF.
std::string IcalFoldLine(std::string_view line);

// "20300107T090000Z".
std::string IcalUtc(Instant t);

// A VTIMEZONE for `zone` named `tzid`, from the offsets the zone really has: the
// transition in force at `from` (or, when the zone has not changed in the two years
// before, one observance starting at `from`) and each transition up to `to`, as
// STANDARD (the lowest offset seen) and DAYLIGHT (higher) observances without RRULE.
std::string IcalVtimezone(std::string_view tzid, Zone zone, Instant from, Instant to);

// A published VCALENDAR (METHOD:PUBLISH) holding the events; `name` becomes
// X-WR-CALNAME when not empty, so subscribing clients show it.
std::string IcalCalendar(const std::vector<IcalEvent>& events, std::string_view name = {});

// One event as a CalDAV calendar object resource: no METHOD, a VTIMEZONE for its TZID
// covering the local years the event touches, its ORGANIZER and ATTENDEEs.
std::string IcalResource(const IcalEvent& event);

// One event as an iTIP message (RFC 5546) for email invitations: the resource above with
// METHOD (REQUEST, or CANCEL with the event's status CANCELLED).
std::string IcalInvitation(const IcalEvent& event, std::string_view method);

}  // namespace kairos::service
