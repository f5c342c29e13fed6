// Logging: every line to standard output, as text or as one JSON object per line.
#pragma once

#include <string>

#include "kairos/core/result.hpp"
#include "kairos/http/server.hpp"

namespace kairos::app {

enum class LogFormat { kText, kJson };

// "text" or "json".
Result<LogFormat> ParseLogFormat(const std::string& name);

// Sets up logging to stdout at a level ("debug", "info", "warn", "error") in a format.
// Text lines: "<time> <level> <message>". JSON lines: {"time", "level", "msg"}, and for
// requests the fields of FormatAccess.
void ConfigureLogging(const std::string& level, LogFormat format = LogFormat::kText);

// One request's log line without time and level: in text "GET /api/event/{id}/ 200
// 1.234ms id=... client=... account=42", in JSON an object with msg "request" and
// method, route, status, duration_ms, request_id, client and account_id (null when the
// request carried no valid credentials). Never a body, query string, header or token.
std::string FormatAccess(const http::AccessRecord& record, LogFormat format);

// Logs a request through the logger ConfigureLogging set up.
void LogAccess(const http::AccessRecord& record);

}  // namespace kairos::app
