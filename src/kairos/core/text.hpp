// Text helpers every layer may use: percent-encoding for URLs, queries and forms.
#pragma once

#include <string>
#include <string_view>

namespace kairos {

// Decodes %XX escapes (and '+' as space when form is true). Invalid escapes are kept as-is.
std::string PercentDecode(std::string_view s, bool form);
// Encodes everything but unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view s);

}  // namespace kairos
