#include "kairos/http/client_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <charconv>
#include <cstring>

namespace kairos::http {
namespace {

using Bytes = std::array<std::uint8_t, 16>;

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsV4Mapped(const Bytes& b) {
  return std::all_of(b.begin(), b.begin() + 10, [](std::uint8_t x) { return x == 0; }) && b[10] == 0xff &&
         b[11] == 0xff;
}

// An address as 16 bytes (IPv4 mapped into IPv6), or nullopt. With allow_zone, an IPv6
// zone ("%eth0") is dropped; without, it makes the text invalid.
std::optional<Bytes> ParseBytes(std::string_view text, bool allow_zone) {
  if (auto pct = text.find('%'); pct != std::string_view::npos) {
    if (!allow_zone || text.find(':') == std::string_view::npos) return std::nullopt;
    text = text.substr(0, pct);
  }
  if (text.empty() || text.size() > INET6_ADDRSTRLEN || text.find('\0') != std::string_view::npos) {
    return std::nullopt;
  }
  std::string s(text);  // inet_pton needs a terminated string
  Bytes out{};
  std::uint8_t v4[4];
  if (inet_pton(AF_INET, s.c_str(), v4) == 1) {
    out[10] = out[11] = 0xff;
    std::memcpy(out.data() + 12, v4, 4);
    return out;
  }
  if (inet_pton(AF_INET6, s.c_str(), out.data()) == 1) return out;
  return std::nullopt;
}

std::string Format(const Bytes& b) {
  char buf[INET6_ADDRSTRLEN] = {};
  if (IsV4Mapped(b)) {
    inet_ntop(AF_INET, b.data() + 12, buf, sizeof buf);
  } else {
    inet_ntop(AF_INET6, b.data(), buf, sizeof buf);
  }
  return buf;
}

bool IsPort(std::string_view s) {
  if (s.empty() || s.size() > 5) return false;
  unsigned port = 0;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), port);
  return ec == std::errc() && ptr == s.data() + s.size() && port <= 65535;
}

// The address part of an X-Forwarded-For entry: "[v6]:port" and "v4:port" lose the
// port, "[v6]" its brackets. nullopt when the brackets or the port are malformed.
std::optional<std::string_view> WithoutPort(std::string_view entry) {
  if (!entry.empty() && entry.front() == '[') {
    auto close = entry.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    std::string_view rest = entry.substr(close + 1);
    if (!rest.empty() && (rest.front() != ':' || !IsPort(rest.substr(1)))) return std::nullopt;
    return entry.substr(1, close - 1);
  }
  auto colon = entry.find(':');
  if (colon != std::string_view::npos && entry.find(':', colon + 1) == std::string_view::npos) {
    if (!IsPort(entry.substr(colon + 1))) return std::nullopt;
    return entry.substr(0, colon);
  }
  return entry;
}

bool InNetwork(const Bytes& address, const Bytes& network, int prefix) {
  int full = prefix / 8;
  if (!std::equal(address.begin(), address.begin() + full, network.begin())) return false;
  int rest = prefix % 8;
  if (rest == 0) return true;
  auto mask = static_cast<std::uint8_t>(0xff << (8 - rest));
  return (address[full] & mask) == (network[full] & mask);
}

}  // namespace

std::optional<std::string> CanonicalAddress(std::string_view text) {
  auto bytes = ParseBytes(text, true);
  if (!bytes) return std::nullopt;
  return Format(*bytes);
}

Result<TrustedProxies> TrustedProxies::Parse(const std::vector<std::string>& entries) {
  TrustedProxies out;
  for (const std::string& raw : entries) {
    std::string_view entry = Trim(raw);
    if (entry.empty()) continue;
    auto bad = [&](const std::string& why) {
      return InvalidArgument("--trusted-proxies: \"" + std::string(entry) + "\" is not " + why, "trusted_proxies");
    };
    auto slash = entry.find('/');
    std::string_view address = entry.substr(0, slash);
    auto bytes = ParseBytes(address, false);
    if (!bytes) return bad("an IPv4 or IPv6 address or network (CIDR)");
    bool v4 = address.find(':') == std::string_view::npos;
    int max_prefix = v4 ? 32 : 128;
    int prefix = max_prefix;
    if (slash != std::string_view::npos) {
      std::string_view digits = entry.substr(slash + 1);
      auto [ptr, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), prefix);
      if (digits.empty() || digits.size() > 3 || ec != std::errc() || ptr != digits.data() + digits.size() ||
          prefix < 0 || prefix > max_prefix) {
        return bad("a network: the prefix length must be 0 to " + std::to_string(max_prefix));
      }
    }
    Network n;
    n.bytes = *bytes;
    n.prefix = v4 ? prefix + 96 : prefix;
    out.networks_.push_back(n);
  }
  return out;
}

bool TrustedProxies::Contains(std::string_view address) const {
  if (networks_.empty()) return false;
  auto bytes = ParseBytes(address, true);
  if (!bytes) return false;
  return std::any_of(networks_.begin(), networks_.end(),
                     [&](const Network& n) { return InNetwork(*bytes, n.bytes, n.prefix); });
}

std::string ClientAddress(std::string_view peer, const HeaderList& headers, const TrustedProxies& trusted) {
  std::string client = CanonicalAddress(peer).value_or(std::string(peer));
  if (!trusted.Contains(peer)) return client;
  std::vector<std::string_view> hops;
  for (const auto& [name, value] : headers) {
    if (name != "x-forwarded-for") continue;
    std::string_view rest = value;
    while (true) {
      auto comma = rest.find(',');
      hops.push_back(Trim(rest.substr(0, comma)));
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }
  for (auto it = hops.rbegin(); it != hops.rend(); ++it) {
    if (it->empty()) continue;  // an empty list element ("a, , b") means nothing
    auto address = WithoutPort(*it);
    auto canonical = address ? CanonicalAddress(*address) : std::nullopt;
    if (!canonical) break;
    if (!trusted.Contains(*canonical)) return *canonical;
    client = *canonical;
  }
  return client;
}

}  // namespace kairos::http
