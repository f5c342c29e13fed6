// The placeholders and parameters of an SQL `IN (...)` list of ids.
#pragma once

#include <cstdint>
#include <span>
#include <string>

#include "kairos/store/database.hpp"

namespace kairos::store {

struct IdList {
  std::string marks;  // "?, ?, ?": one per id
  Params params;      // the ids, in order
};

inline IdList IdsIn(std::span<const std::int64_t> ids) {
  IdList out;
  for (std::int64_t id : ids) {
    out.marks += out.marks.empty() ? "?" : ", ?";
    out.params.push_back(Int(id));
  }
  return out;
}

}  // namespace kairos::store
