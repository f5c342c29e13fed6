// RFC 5545 output: VCALENDARs of VEVENTs with UTC times, escaped TEXT values, lines
// folded at 75 octets (never inside a UTF-8 sequence) and CRLF line ends.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/time.hpp"

namespace kairos::service {

enum class IcalStatus { kTentative, kConfirmed, kCancelled };

struct IcalEvent {
  std::string uid;  // stable for the life of the booking
  Instant stamp{};  // DTSTAMP: when this representation was made
  Interval interval;
  std::int64_t sequence = 0;  // grows with each significant change
  IcalStatus status = IcalStatus::kConfirmed;
  std::string summary;
  std::string description;  // empty: left out
  std::string url;          // a meeting link; empty: left out
};

// TEXT escaping: backslash, semicolon and comma get a backslash; newlines become "\n".
std::string IcalEscapeText(std::string_view text);

// One content line, folded at 75 octets with CRLF + space, ending in CRLF.
std::string IcalFoldLine(std::string_view line);

// "20300107T090000Z".
std::string IcalUtc(Instant t);

// A whole VCALENDAR (METHOD:PUBLISH) holding the events; `name` becomes X-WR-CALNAME
// when not empty, so subscribing clients show it.
std::string IcalCalendar(const std::vector<IcalEvent>& events, std::string_view name = {});

}  // namespace kairos::service
