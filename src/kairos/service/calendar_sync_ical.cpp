#include "kairos/service/calendar_sync_ical.hpp"

#include <date/date.h>

namespace kairos::service {
namespace {

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

std::string IcalCalendar(const std::vector<IcalEvent>& events, std::string_view name) {
  std::string out;
  Line(out, "BEGIN", "VCALENDAR");
  Line(out, "VERSION", "2.0");
  Line(out, "PRODID", "-//Kairos//Kairos Scheduling//EN");
  Line(out, "CALSCALE", "GREGORIAN");
  Line(out, "METHOD", "PUBLISH");
  if (!name.empty()) Line(out, "X-WR-CALNAME", IcalEscapeText(name));
  for (const IcalEvent& e : events) {
    Line(out, "BEGIN", "VEVENT");
    Line(out, "UID", e.uid);
    Line(out, "DTSTAMP", IcalUtc(e.stamp));
    Line(out, "DTSTART", IcalUtc(e.interval.start));
    Line(out, "DTEND", IcalUtc(e.interval.end));
    Line(out, "SEQUENCE", std::to_string(e.sequence));
    Line(out, "STATUS", StatusText(e.status));
    Line(out, "SUMMARY", IcalEscapeText(e.summary));
    if (!e.description.empty()) Line(out, "DESCRIPTION", IcalEscapeText(e.description));
    if (!e.url.empty()) {
      Line(out, "LOCATION", IcalEscapeText(e.url));
      Line(out, "URL", e.url);
    }
    // Cancelled events stay in the feed so subscribers drop them; they hold no time.
    Line(out, "TRANSP", e.status == IcalStatus::kCancelled ? "TRANSPARENT" : "OPAQUE");
    Line(out, "END", "VEVENT");
  }
  Line(out, "END", "VCALENDAR");
  return out;
}

}  // namespace kairos::service
