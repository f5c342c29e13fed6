// Migration 16: the free/busy feed tokens. One per account; only the token's digest is
// kept, so a stolen database does not open anyone's feed.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration FreeBusyTokensMigration();

}  // namespace kairos::store
