// Text helpers every layer may use: percent-encoding for URLs, queries and forms, and
// HTML escaping for pages and emails.
#pragma once

#include <string>
#include <string_view>

namespace kairos {

// Decodes %XX escapes (and '+' as space when form is true). Invalid escapes are kept as-is.
std::string PercentDecode(std::string_view s, bool form);
// Encodes everything but unreserved characters (RFC 3986).
std::string PercentEncode(std::string_view s);
// Encodes each piece between `separator`s as PercentEncode does, and writes each separator
// as `written_as`: '/' as '/' re-encodes a path, ' ' as '+' is Python's quote_plus.
std::string PercentEncodeAround(std::string_view s, char separator, char written_as);
// Escapes & < > " ' for HTML text and attribute values.
std::string HtmlEscape(std::string_view text);

}  // namespace kairos
