#include "kairos/app/logging.hpp"

#include <spdlog/fmt/fmt.h>
#include <spdlog/formatter.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <chrono>
#include <cmath>
#include <ctime>
#include <nlohmann/json.hpp>

namespace kairos::app {
namespace {

constexpr const char* kAccessLogger = "kairos.access";

LogFormat g_format = LogFormat::kText;
std::shared_ptr<spdlog::logger> g_access;

// "2026-11-22T09:30:00.123Z"
void AppendTime(spdlog::log_clock::time_point t, spdlog::memory_buf_t& out) {
  auto since_epoch = t.time_since_epoch();
  auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  std::time_t tt = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&tt, &tm);
  fmt::format_to(std::back_inserter(out), "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z", tm.tm_year + 1900,
                 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, millis);
}

std::string JsonString(std::string_view s) {
  // Invalid UTF-8 (from a client-chosen value that reached a message) is replaced, not fatal.
  return nlohmann::json(std::string(s)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void Append(spdlog::memory_buf_t& out, std::string_view s) { out.append(s.data(), s.data() + s.size()); }

// Writes both loggers' lines. Request lines arrive already formatted by FormatAccess (in
// JSON, a whole object); every other message is the text the code logged.
class LineFormatter final : public spdlog::formatter {
 public:
  explicit LineFormatter(LogFormat format) : format_(format) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string_view level(spdlog::level::to_string_view(msg.level).data(), spdlog::level::to_string_view(msg.level).size());
    std::string_view payload(msg.payload.data(), msg.payload.size());
    bool access = std::string_view(msg.logger_name.data(), msg.logger_name.size()) == kAccessLogger;
    if (format_ == LogFormat::kText) {
      AppendTime(msg.time, dest);
      dest.push_back(' ');
      Append(dest, level);
      dest.push_back(' ');
      Append(dest, payload);
    } else {
      Append(dest, "{\"time\":\"");
      AppendTime(msg.time, dest);
      Append(dest, "\",\"level\":\"");
      Append(dest, level);
      Append(dest, "\",");
      if (access && payload.size() >= 2 && payload.front() == '{') {
        Append(dest, payload.substr(1));
      } else {
        Append(dest, "\"msg\":");
        Append(dest, JsonString(payload));
        dest.push_back('}');
      }
    }
    dest.push_back('\n');
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<LineFormatter>(format_); }

 private:
  LogFormat format_;
};

}  // namespace

Result<LogFormat> ParseLogFormat(const std::string& name) {
  if (name == "text") return LogFormat::kText;
  if (name == "json") return LogFormat::kJson;
  return InvalidArgument("log format must be text or json, got \"" + name + "\"", "log-format");
}

void ConfigureLogging(const std::string& level, LogFormat format) {
  g_format = format;
  auto sink = std::make_shared<spdlog::sinks::stdout_sink_mt>();
  sink->set_formatter(std::make_unique<LineFormatter>(format));
  auto logger = std::make_shared<spdlog::logger>("kairos", sink);
  g_access = std::make_shared<spdlog::logger>(kAccessLogger, sink);
  for (const auto& l : {logger, g_access}) {
    l->set_level(spdlog::level::from_str(level));
    // A flush per line would cost a system call per request; warnings flush at once,
    // everything else within a second, and all of it at exit.
    l->flush_on(spdlog::level::warn);
  }
  spdlog::drop_all();
  spdlog::register_logger(g_access);
  spdlog::set_default_logger(logger);
  spdlog::flush_every(std::chrono::seconds(1));
}

std::string FormatAccess(const http::AccessRecord& r, LogFormat format) {
  double ms = r.seconds * 1000;
  if (format == LogFormat::kText) {
    std::string line = fmt::format("{} {} {} {:.3f}ms id={} client={}", r.method, r.route, r.status, ms, r.request_id,
                                   r.client_address.empty() ? "-" : r.client_address);
    if (r.account_id) line += fmt::format(" account={}", *r.account_id);
    if (!r.note.empty()) line += fmt::format(" ({})", r.note);
    return line;
  }
  nlohmann::ordered_json j;
  j["msg"] = "request";
  j["method"] = r.method;
  j["route"] = r.route;
  j["status"] = r.status;
  j["duration_ms"] = std::round(ms * 1000) / 1000;
  j["request_id"] = r.request_id;
  j["client"] = r.client_address;
  j["account_id"] = r.account_id ? nlohmann::ordered_json(*r.account_id) : nlohmann::ordered_json(nullptr);
  if (!r.note.empty()) j["error"] = r.note;
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

void LogAccess(const http::AccessRecord& record) {
  if (!g_access) return;
  if (!g_access->should_log(spdlog::level::info)) return;
  g_access->info("{}", FormatAccess(record, g_format));
}

}  // namespace kairos::app
