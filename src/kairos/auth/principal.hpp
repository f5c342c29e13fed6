// The principal type lives in core (core/principal.hpp) so that http can carry it
// without knowing auth; auth's code and its users keep this name for it.
#pragma once

#include "kairos/core/principal.hpp"
