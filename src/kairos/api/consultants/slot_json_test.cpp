#include "kairos/api/consultants/slot_json.hpp"

#include <gtest/gtest.h>

namespace kairos::api::consultants {
namespace {

nlohmann::json Dumped(const std::vector<service::FreeSlot>& slots) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& s : slots) out.push_back(SlotJson(s));
  return out;
}

TEST(ConsultantSlotJson, TheWrittenArrayIsTheDumpedOne) {
  std::vector<service::FreeSlot> slots;
  EXPECT_EQ(SlotsJsonText(slots), "[]");
  const std::vector<std::string> zones = {"UTC", "America/Argentina/Buenos_Aires", "Etc/GMT+11", "Pacific/Kiritimati",
                                          "quote\"back\\slash\ttab\x01", "caf\xc3\xa9", "bad\xff"};
  std::int64_t n = 0;
  for (const std::string& zone : zones) {
    for (bool recurring : {false, true}) {
      service::FreeSlot s;
      s.consultant_id = ++n * 7919;
      s.timezone = zone;
      s.date = Date{date::year{2024 + static_cast<int>(n % 3)}, date::month{static_cast<unsigned>(1 + n % 12)},
                    date::day{static_cast<unsigned>(1 + n % 28)}};
      s.start = TimeOfDay{n * 901 % 86400};
      s.end = TimeOfDay{86400};
      s.recurring = recurring;
      s.source_id = n == 3 ? 0 : n * 104729;
      slots.push_back(s);
      EXPECT_EQ(SlotsJsonText({s}), Dumped({s}).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
    }
  }
  EXPECT_EQ(SlotsJsonText(slots), Dumped(slots).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

}  // namespace
}  // namespace kairos::api::consultants
