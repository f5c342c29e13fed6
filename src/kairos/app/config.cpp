#include "kairos/app/config.hpp"

#include <charconv>

namespace kairos::app {

Result<ListenAddress> ParseListen(const std::string& listen) {
  auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) {
    return InvalidArgument("listen address must be host:port, got \"" + listen + "\"", "listen");
  }
  ListenAddress out;
  out.host = listen.substr(0, colon);
  if (out.host.size() >= 2 && out.host.front() == '[' && out.host.back() == ']') out.host = out.host.substr(1, out.host.size() - 2);
  unsigned port = 0;
  const char* first = listen.data() + colon + 1;
  const char* last = listen.data() + listen.size();
  auto [ptr, ec] = std::from_chars(first, last, port);
  if (ec != std::errc() || ptr != last || port > 65535) {
    return InvalidArgument("listen port must be a number from 0 to 65535, got \"" + listen.substr(colon + 1) + "\"", "listen");
  }
  out.port = static_cast<std::uint16_t>(port);
  return out;
}

}  // namespace kairos::app
