#include "kairos/http/compression.hpp"

#include <zlib.h>

#include <cctype>
#include <limits>

namespace kairos::http {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

// A qvalue in thousandths: "0", "0.5", "1", "1.000" (RFC 9110 section 12.4.2); null when
// malformed.
std::optional<int> ParseQ(std::string_view q) {
  if (q.empty() || (q[0] != '0' && q[0] != '1')) return std::nullopt;
  int value = q[0] == '1' ? 1000 : 0;
  if (q.size() == 1) return value;
  if (q[1] != '.' || q.size() > 5) return std::nullopt;
  int scale = 100;
  for (char c : q.substr(2)) {
    if (c < '0' || c > '9') return std::nullopt;
    value += (c - '0') * scale;
    scale /= 10;
  }
  return value > 1000 ? std::nullopt : std::optional<int>(value);
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  std::optional<int> gzip_q, any_q;  // the highest q given for each
  while (!accept_encoding.empty()) {
    auto comma = accept_encoding.find(',');
    std::string_view element = accept_encoding.substr(0, comma);
    accept_encoding = comma == std::string_view::npos ? std::string_view{} : accept_encoding.substr(comma + 1);
    auto semi = element.find(';');
    std::string_view coding = Trim(element.substr(0, semi));
    if (coding.empty()) continue;
    int q = 1000;
    bool valid = true;
    while (semi != std::string_view::npos) {
      element.remove_prefix(semi + 1);
      semi = element.find(';');
      std::string_view param = Trim(element.substr(0, semi));
      auto eq = param.find('=');
      if (eq == std::string_view::npos || !IEquals(Trim(param.substr(0, eq)), "q")) continue;
      auto parsed = ParseQ(Trim(param.substr(eq + 1)));
      if (parsed) q = *parsed;
      else valid = false;  // an element with an unreadable weight is ignored
    }
    if (!valid) continue;
    std::optional<int>* slot = IEquals(coding, "gzip") || IEquals(coding, "x-gzip") ? &gzip_q
                               : coding == "*"                                     ? &any_q
                                                                                   : nullptr;
    if (slot != nullptr && (!*slot || **slot < q)) *slot = q;
  }
  if (gzip_q) return *gzip_q > 0;
  return any_q && *any_q > 0;
}

std::optional<std::string> Gzip(std::string_view bytes) {
  if (bytes.size() > std::numeric_limits<uInt>::max()) return std::nullopt;
  z_stream zs{};
  // 15 window bits, +16 for a gzip header and trailer instead of zlib's.
  if (deflateInit2(&zs, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) return std::nullopt;
  std::string out(deflateBound(&zs, static_cast<uLong>(bytes.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(bytes.data()));
  zs.avail_in = static_cast<uInt>(bytes.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  std::size_t produced = zs.total_out;
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return std::nullopt;
  out.resize(produced);
  return out;
}

void CompressResponse(const Request& request, Response& response) {
  int status = response.status;
  if ((status >= 100 && status < 200) || status == 204 || status == 304) return;
  if (response.body.size() <= kCompressAbove) return;
  if (!response.Header("Content-Encoding").empty()) return;
  response.AddVary("Accept-Encoding");
  if (request.method == Method::kHead) return;
  std::string accepted;  // repeated Accept-Encoding fields are one list
  for (const auto& [name, value] : request.headers) {
    if (!IEquals(name, "accept-encoding")) continue;
    if (!accepted.empty()) accepted += ',';
    accepted += value;
  }
  if (!AcceptsGzip(accepted)) return;
  auto compressed = Gzip(response.body);
  if (!compressed || compressed->size() >= response.body.size()) return;
  response.body = std::move(*compressed);
  response.SetHeader("Content-Encoding", "gzip");
}

}  // namespace kairos::http
