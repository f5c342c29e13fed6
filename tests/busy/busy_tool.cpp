// kairos_busy_tool: prints the busy intervals Kairos derives from iCalendar data, one
// "START END" line (UTC, ISO 8601) each, so tests/busy/oracle.py can compare them with an
// independent reading. Not installed; a test helper.
//
//   kairos_busy_tool --zone ZONE --from UTC --to UTC (--ics FILE | --caldav URL [--user U --password P])
//
// --caldav sends the calendar-query REPORT Kairos uses (CaldavBusyQueryRequest) to the
// collection and reads its multistatus answer.
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>
#include <string>

#include "kairos/core/busy_time.hpp"
#include "kairos/service/calendar_sync_http.hpp"
#include "kairos/service/calendar_sync_providers.hpp"

namespace {

int Fail(const std::string& message) {
  std::cerr << "kairos_busy_tool: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  std::map<std::string, std::string> args;
  for (int i = 1; i + 1 < argc; i += 2) args[argv[i]] = argv[i + 1];
  if (!args.contains("--zone") || !args.contains("--from") || !args.contains("--to") ||
      args.contains("--ics") == args.contains("--caldav")) {
    return Fail("usage: --zone ZONE --from UTC --to UTC (--ics FILE | --caldav URL)");
  }
  auto zone = kairos::FindZone(args["--zone"]);
  auto from = kairos::ParseInstant(args["--from"]);
  auto to = kairos::ParseInstant(args["--to"]);
  if (!zone.ok() || !from.ok() || !to.ok()) return Fail("bad --zone, --from or --to");
  kairos::Interval range{from.value(), to.value()};

  std::vector<std::string> pieces;
  if (args.contains("--ics")) {
    std::ifstream in(args["--ics"], std::ios::binary);
    if (!in) return Fail("cannot read " + args["--ics"]);
    std::stringstream text;
    text << in.rdbuf();
    pieces.push_back(text.str());
  } else {
    auto fetcher = kairos::service::MakeCurlFetcher(std::chrono::seconds{10});
    auto request = kairos::service::CaldavBusyQueryRequest(args["--caldav"], args["--user"], args["--password"], range);
    auto response = fetcher->Fetch(request, "CalDAV server");
    if (!response.ok()) return Fail(response.error().message);
    if (response.value().status != 207) return Fail("REPORT answered " + std::to_string(response.value().status));
    auto data = kairos::CaldavCalendarData(response.value().body);
    if (!data.ok()) return Fail(data.error().message);
    pieces = std::move(data).value();
    std::cerr << "kairos_busy_tool: " << pieces.size() << " calendar objects from the REPORT\n";
  }
  auto busy = kairos::ReadIcalBusyTime(pieces, zone.value(), range);
  if (!busy.ok()) return Fail(busy.error().message);
  for (const auto& note : busy.value().notes) std::cerr << "note: " << note << "\n";
  for (const kairos::Interval& i : busy.value().busy.intervals()) {
    std::cout << kairos::FormatUtc(i.start) << " " << kairos::FormatUtc(i.end) << "\n";
  }
  return 0;
}
