#include "kairos/api/consultants/slot_json.hpp"

#include <unordered_map>

namespace kairos::api::consultants {

using nlohmann::json;

json SlotJson(const service::FreeSlot& s) {
  return {{"consultant", s.consultant_id},
          {"date", FormatDate(s.date)},
          {"start_time", FormatTimeOfDay(s.start)},
          {"end_time", FormatTimeOfDay(s.end)},
          {"timezone", s.timezone},
          {"is_booked", false},  // a listed slot is free time
          {"source", s.recurring ? "recurring" : "one_off"},
          {"availability", s.recurring ? json(nullptr) : json(s.source_id)},
          {"recurring", s.recurring ? json(s.source_id) : json(nullptr)}};
}

std::string SlotsJsonText(const std::vector<service::FreeSlot>& slots) {
  // A slot's zone is one of few; each is escaped by nlohmann once.
  std::unordered_map<std::string, std::string> zones;
  std::string out;
  out.reserve(2 + slots.size() * 200);
  out.push_back('[');
  for (const service::FreeSlot& s : slots) {
    if (out.size() > 1) out.push_back(',');
    const std::string id = std::to_string(s.source_id);
    // The keys as nlohmann orders an object's: by name.
    out += "{\"availability\":";
    out += s.recurring ? "null" : id;
    out += ",\"consultant\":";
    out += std::to_string(s.consultant_id);
    out += ",\"date\":\"";
    out += FormatDate(s.date);
    out += "\",\"end_time\":\"";
    out += FormatTimeOfDay(s.end);
    out += "\",\"is_booked\":false,\"recurring\":";
    out += s.recurring ? id : "null";
    out += s.recurring ? ",\"source\":\"recurring\"" : ",\"source\":\"one_off\"";
    out += ",\"start_time\":\"";
    out += FormatTimeOfDay(s.start);
    out += "\",\"timezone\":";
    auto zone = zones.find(s.timezone);
    if (zone == zones.end()) {
      zone = zones.emplace(s.timezone, json(s.timezone).dump(-1, ' ', false, json::error_handler_t::replace)).first;
    }
    out += zone->second;
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

}  // namespace kairos::api::consultants
