#include "support/server_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "support/database.hpp"

namespace kairos::testing {
namespace {

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

[[noreturn]] void ExecKairos(const std::vector<std::string>& args,
                             const std::vector<std::pair<std::string, std::string>>& env) {
  // Small but real argon2id parameters keep test servers fast; a test's own flags or
  // environment override them.
  setenv("KAIROS_ARGON2_OPSLIMIT", "1", 1);
  setenv("KAIROS_ARGON2_MEMLIMIT", "65536", 1);
  for (const auto& [k, v] : env) setenv(k.c_str(), v.c_str(), 1);
  std::vector<char*> argv;
  argv.push_back(const_cast<char*>(KAIROS_BINARY));
  for (const auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  execv(KAIROS_BINARY, argv.data());
  _exit(127);
}

}  // namespace

std::string MakeTempDir() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "kairos-test-XXXXXX").string();
  if (mkdtemp(tmpl.data()) == nullptr) throw std::runtime_error("mkdtemp failed");
  return tmpl;
}

ServerProcess::ServerProcess(ServerProcessOptions options) {
  dir_ = MakeTempDir();
  if (!options.db_path.empty()) {
    db_path_ = options.db_path;
  } else if (PostgresBackend()) {
    db_path_ = CreatePostgresDatabase();
    owns_db_ = true;
  } else {
    db_path_ = dir_ + "/kairos.db";
  }
  log_path_ = dir_ + "/server.log";
  std::string port_file = dir_ + "/port";
  std::vector<std::string> args = {"serve", "--listen", "127.0.0.1:0", "--db", db_path_, "--port-file", port_file};
  // A database URL has no folder to keep the calendar key beside; the server's folder
  // does (a test's own key flags come later and win). Servers on one database must share
  // the key (they open each other's sealed secrets), so it is derived from the database.
  if (IsDatabaseUrl(db_path_)) {
    const std::string key_file = dir_ + "/calendar.key";
    {
      std::ofstream out(key_file);
      char hex[17];
      for (int part = 0; part < 4; ++part) {
        std::snprintf(hex, sizeof hex, "%016zx", std::hash<std::string>{}(std::to_string(part) + db_path_));
        out << hex;
      }
      out << "\n";
    }
    std::filesystem::permissions(key_file, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write,
                                 std::filesystem::perm_options::replace);
    args.insert(args.end(), {"--calendar-key-file", key_file});
  }
  args.insert(args.end(), options.args.begin(), options.args.end());

  pid_ = fork();
  if (pid_ < 0) throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    int fd = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    ExecKairos(args, options.env);
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("kairos exited during start:\n" + ReadFile(log_path_));
    }
    std::string text = ReadFile(port_file);
    if (!text.empty()) {
      port_ = static_cast<std::uint16_t>(std::stoi(text));
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  Stop(SIGKILL);
  throw std::runtime_error("kairos did not start in time:\n" + ReadFile(log_path_));
}

ServerProcess::~ServerProcess() {
  if (pid_ > 0) Stop(SIGTERM);
  if (owns_db_) DropPostgresDatabase(db_path_);
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string ServerProcess::Log() const { return ReadFile(log_path_); }

void ServerProcess::Signal(int signal_number) const {
  if (pid_ > 0) kill(pid_, signal_number);
}

int ServerProcess::WaitExit(int timeout_ms) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (pid_ > 0) {
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
    }
    if (std::chrono::steady_clock::now() >= deadline) return -1;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return -1;
}

int ServerProcess::Stop(int signal_number) {
  if (pid_ <= 0) return -1;
  kill(pid_, signal_number);
  int status = WaitExit(30'000);
  if (status == -1 && pid_ > 0) {
    kill(pid_, SIGKILL);
    status = WaitExit(10'000);
  }
  return status;
}

std::pair<int, std::string> RunKairos(const std::vector<std::string>& args,
                                      const std::vector<std::pair<std::string, std::string>>& env,
                                      const std::string& stdin_text) {
  std::string dir = MakeTempDir();
  std::string out_path = dir + "/out";
  std::string in_path = dir + "/in";
  {
    std::ofstream in(in_path);
    in << stdin_text;
  }
  pid_t pid = fork();
  if (pid < 0) throw std::runtime_error("fork failed");
  if (pid == 0) {
    int fd = open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
    int in = open(in_path.c_str(), O_RDONLY);
    dup2(in, 0);
    ExecKairos(args, env);
  }
  int status = 0;
  waitpid(pid, &status, 0);
  std::string out = ReadFile(out_path);
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status), out};
}

}  // namespace kairos::testing
