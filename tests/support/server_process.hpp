// Starts the real kairos binary as a child process on an ephemeral loopback port with a
// temporary database, and stops it with SIGTERM.
#pragma once

#include <sys/types.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace kairos::testing {

struct ServerProcessOptions {
  std::vector<std::string> args;  // extra flags after `serve`
  std::vector<std::pair<std::string, std::string>> env;  // extra environment
  // A SQLite file or a postgresql:// URL. Default: a file in the temporary folder, or in
  // postgres mode a fresh database dropped with the server (see support/database.hpp).
  std::string db_path;
};

class ServerProcess {
 public:
  explicit ServerProcess(ServerProcessOptions options = {});
  ~ServerProcess();
  ServerProcess(const ServerProcess&) = delete;
  ServerProcess& operator=(const ServerProcess&) = delete;

  std::uint16_t port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& dir() const { return dir_; }
  const std::string& db_path() const { return db_path_; }
  // Everything the server printed so far.
  std::string Log() const;
  // Sends a signal and waits for the exit; returns the exit status (or 128+signal).
  int Stop(int signal_number);
  // Sends a signal without waiting.
  void Signal(int signal_number) const;
  // Waits up to timeout_ms for the process to exit; returns its status or -1 if still running.
  int WaitExit(int timeout_ms);
  bool running() const { return pid_ > 0; }

 private:
  std::string dir_;
  std::string db_path_;
  std::string log_path_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
  bool owns_dir_ = true;
  bool owns_db_ = false;
};

// Runs the kairos binary with arguments and returns {exit status, stdout+stderr}.
std::pair<int, std::string> RunKairos(const std::vector<std::string>& args,
                                      const std::vector<std::pair<std::string, std::string>>& env = {},
                                      const std::string& stdin_text = "");

// A fresh temporary folder, removed by the caller.
std::string MakeTempDir();

}  // namespace kairos::testing
