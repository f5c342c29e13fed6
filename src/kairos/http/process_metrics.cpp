// process_* metrics read from /proc/self (Linux), named as Prometheus' client libraries
// name them so dashboards made for other programs work unchanged.
#include <sys/resource.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "kairos/http/metrics.hpp"

namespace kairos::http {
namespace {

std::string ReadFile(const char* path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The fields of /proc/self/stat after the command name (which may hold spaces), so
// fields[0] is field 3 of proc(5), "state".
std::vector<std::string> StatFields() {
  std::string stat = ReadFile("/proc/self/stat");
  std::vector<std::string> fields;
  auto close = stat.rfind(')');
  if (close == std::string::npos) return fields;
  std::istringstream rest(stat.substr(close + 1));
  for (std::string f; rest >> f;) fields.push_back(f);
  return fields;
}

double BootTime() {
  std::istringstream in(ReadFile("/proc/stat"));
  for (std::string line; std::getline(in, line);) {
    if (line.rfind("btime ", 0) == 0) return std::stod(line.substr(6));
  }
  return 0;
}

}  // namespace

void CollectProcessMetrics(Exposition& out) {
  const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
  const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
  auto fields = StatFields();
  // proc(5): utime is field 14, stime 15, starttime 22, rss 24; fields[0] is field 3.
  auto field = [&](std::size_t n) { return fields.size() > n - 3 ? std::stod(fields[n - 3]) : 0.0; };
  if (fields.size() >= 22 && ticks > 0) {
    out.Family("process_cpu_seconds_total", "counter", "User and system CPU time spent, in seconds.");
    out.Sample("process_cpu_seconds_total", {}, (field(14) + field(15)) / ticks);
    out.Family("process_start_time_seconds", "gauge", "Start time of the process since the Unix epoch, in seconds.");
    out.Sample("process_start_time_seconds", {}, BootTime() + field(22) / ticks);
    out.Family("process_resident_memory_bytes", "gauge", "Resident memory size, in bytes.");
    out.Sample("process_resident_memory_bytes", {}, field(24) * page);
  }
  std::error_code ec;
  double open = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end; it.increment(ec)) ++open;
  if (!ec) {
    out.Family("process_open_fds", "gauge", "Open file descriptors.");
    out.Sample("process_open_fds", {}, open);
  }
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    out.Family("process_max_fds", "gauge", "The limit on open file descriptors (soft).");
    out.Sample("process_max_fds", {}, limit.rlim_cur == RLIM_INFINITY ? -1.0 : static_cast<double>(limit.rlim_cur));
  }
}

}  // namespace kairos::http
