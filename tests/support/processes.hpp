// Helper processes and files for the HTTP tests that run other servers beside Kairos
// (Radicale, the mock providers, a file server).
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace kairos::testing {

std::string ReadAll(const std::string& path);
// Runs a command and returns its standard output; fails the test on a non-zero exit.
std::string Capture(const std::string& command);
// A loopback port nothing listens on at the moment.
std::uint16_t FreePort();
// Whether something accepts connections on the loopback port.
bool Listening(std::uint16_t port);
// Polls `ready` every 20 ms, at most `tries` times.
bool WaitFor(const std::function<bool()>& ready, int tries = 500);

// A helper process, its output in `log`, stopped with SIGTERM.
class Child {
 public:
  Child(std::vector<std::string> argv, const std::string& log);
  ~Child();
  Child(const Child&) = delete;
  Child& operator=(const Child&) = delete;

 private:
  pid_t pid_ = -1;
};

}  // namespace kairos::testing
