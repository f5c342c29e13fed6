// Face 004's free slots as JSON. The views list hundreds of slots per answer, so the
// array is written straight into the body; SlotJson is the one-object form (documentation,
// tests), and both write the same bytes.
#pragma once

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "kairos/service/consultants.hpp"

namespace kairos::api::consultants {

nlohmann::json SlotJson(const service::FreeSlot& s);

// Exactly SlotsJson(slots).dump(): an array of SlotJson objects, keys in nlohmann's order.
std::string SlotsJsonText(const std::vector<service::FreeSlot>& slots);

}  // namespace kairos::api::consultants
