// Which address a request comes from. The TCP peer is the client, unless the peer is a
// reverse proxy the operator trusts (--trusted-proxies); then X-Forwarded-For names the
// client, read from the right so that only what trusted proxies appended is believed.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"
#include "kairos/http/request.hpp"

namespace kairos::http {

// The canonical text of an IP address (IPv4 dotted quad, or IPv6 as inet_ntop writes
// it; an IPv4-mapped IPv6 address becomes plain IPv4), or nullopt when `text` is not an
// address. A zone ("%eth0") is dropped.
std::optional<std::string> CanonicalAddress(std::string_view text);

// A list of addresses and networks (CIDR), IPv4 and IPv6.
class TrustedProxies {
 public:
  TrustedProxies() = default;

  // Each entry is an address ("10.0.0.1", "::1") or a network ("10.0.0.0/8",
  // "fd00::/8"); blanks around an entry are ignored, and so are empty entries. Anything
  // else is an InvalidArgument naming the entry.
  static Result<TrustedProxies> Parse(const std::vector<std::string>& entries);

  bool empty() const { return networks_.empty(); }
  // True when `address` is an address inside one of the networks.
  bool Contains(std::string_view address) const;

 private:
  struct Network {
    std::array<std::uint8_t, 16> bytes{};  // IPv4 as IPv4-mapped IPv6
    int prefix = 128;                      // in bits, over the 16 bytes
  };
  std::vector<Network> networks_;
};

// The client address of a request whose TCP peer is `peer`. When the peer is trusted,
// the X-Forwarded-For headers (all of them, in order, as one list) are walked from the
// right: trusted addresses are skipped, the first untrusted one is the client. An entry
// that is not an address ends the walk, and the last trusted hop seen is the answer (a
// malformed entry is never believed, nor anything left of it). Ports ("1.2.3.4:80",
// "[::1]:80") are ignored. The answer is canonical (see CanonicalAddress) when it is an
// address; a peer that is not one is returned as it is.
std::string ClientAddress(std::string_view peer, const HeaderList& headers, const TrustedProxies& trusted);

}  // namespace kairos::http
