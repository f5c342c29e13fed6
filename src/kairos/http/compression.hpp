// gzip for large responses. Which codings a client takes is read from Accept-Encoding
// (RFC 9110 section 12.5.3, q-values included); zlib stays inside compression.cpp.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "kairos/http/request.hpp"

namespace kairos::http {

// Bodies larger than this are worth compressing.
inline constexpr std::size_t kCompressAbove = 1024;

// Whether an Accept-Encoding value takes gzip: "gzip" (or "x-gzip") with a q-value
// above 0, or else "*" with one. An empty value takes nothing but identity.
bool AcceptsGzip(std::string_view accept_encoding);

// The gzip stream (RFC 1952) of the bytes; null if zlib fails.
std::optional<std::string> Gzip(std::string_view bytes);

// Compresses a response in place when it is worth it and the request takes gzip, adding
// Content-Encoding: gzip; adds Vary: Accept-Encoding to every response that could have
// been compressed. Leaves alone responses without a body (1xx, 204, 304), bodies of
// kCompressAbove bytes or fewer, responses that already have a Content-Encoding, and the
// body of a HEAD request (its headers then describe the uncompressed body).
void CompressResponse(const Request& request, Response& response);

}  // namespace kairos::http
