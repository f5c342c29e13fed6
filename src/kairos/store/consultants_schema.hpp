// Migration 8: face 004 numbers its consultants and its users separately, each from 1,
// as the service it follows does, while accounts keep their own ids.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration ConsultantNumbersMigration();

}  // namespace kairos::store
