#include "support/schema_hook.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <map>
#include <mutex>
#include <vector>

#include "support/http_client.hpp"
#include "support/json_schema.hpp"

namespace kairos::testing {
namespace {

using nlohmann::json;

// The faces documented in /openapi.json with their schemas.
const std::vector<std::string>& CheckedPrefixes() {
  static const std::vector<std::string> prefixes = {
      "/users/time-slots",                                       // 000
      "/booking",                                                // 001 coach bookings
      "/calendar",                                               // 001 calendar integration
      "/api/event", "/api/user",  // 002
      "/api/exchanges", "/api/time-slots", "/api/bookings",      // 003
      "/consultant", "/consultants", "/user", "/availabilities",  // 004
      "/v1"};
  return prefixes;
}

struct State {
  std::mutex mu;
  std::map<std::uint16_t, json> documents;  // null: the server gave none
  std::set<std::string> undocumented;
};

State& Shared() {
  static State* state = [] {
    auto* s = new State;
    std::atexit([] {
      State& st = Shared();
      std::lock_guard lock(st.mu);
      if (st.undocumented.empty()) return;
      std::fprintf(stderr, "schema hook: responses with no declared schema (operation status):\n");
      for (const auto& op : st.undocumented) std::fprintf(stderr, "  %s\n", op.c_str());
    });
    return s;
  }();
  return *state;
}

// The operation for method and path, as json_schema's ResponseSchema finds it.
const json* FindOperation(const json& openapi, const std::string& method, const std::string& path) {
  std::string lower;
  for (char c : method) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  auto split = [](const std::string& s) {
    std::vector<std::string> parts;
    std::size_t start = 0;
    while (true) {
      auto slash = s.find('/', start);
      parts.push_back(s.substr(start, slash - start));
      if (slash == std::string::npos) break;
      start = slash + 1;
    }
    return parts;
  };
  const auto b = split(path);
  const json* op = nullptr;
  int best = -1;
  if (!openapi.contains("paths")) return nullptr;
  for (const auto& [tmpl, item] : openapi["paths"].items()) {
    if (!item.contains(lower)) continue;
    const auto a = split(tmpl);
    if (a.size() != b.size()) continue;
    bool match = true;
    int literal = 0;  // literal segments: the router prefers them, earliest first
    for (std::size_t i = 0; i < a.size() && match; ++i) {
      bool param = a[i].size() > 2 && a[i].front() == '{' && a[i].back() == '}';
      match = param ? !b[i].empty() : a[i] == b[i];
      if (!param) literal += 1 << (a.size() - i);
    }
    if (!match) continue;
    if (literal > best) {
      best = literal;
      op = &item[lower];
    }
  }
  return op;
}

}  // namespace

bool SchemaChecked(const std::string& path) {
  for (const auto& prefix : CheckedPrefixes()) {
    if (path.compare(0, prefix.size(), prefix) == 0 &&
        (path.size() == prefix.size() || path[prefix.size()] == '/' || path[prefix.size()] == '?')) {
      return true;
    }
  }
  return false;
}

std::string CheckResponse(const json& openapi, const std::string& method, const std::string& target, int status,
                          const std::string& body) {
  const std::string path = target.substr(0, target.find('?'));
  const json* op = FindOperation(openapi, method, path);
  // No operation: a path or method no route has (the router's 404 or 405).
  if (op == nullptr) return {};
  const std::string id = op->value("operationId", method + " " + path);
  const json& responses = (*op)["responses"];
  const std::string code = std::to_string(status);
  const json* response = nullptr;
  if (responses.contains(code)) {
    response = &responses[code];
  } else if (responses.contains("default") && responses["default"].contains("content")) {
    response = &responses["default"];
  } else {
    std::lock_guard lock(Shared().mu);
    Shared().undocumented.insert(id + " " + code);
    return {};
  }
  const std::string where = id + " (" + method + " " + target + ") " + code + ": ";
  if (!response->contains("content")) {
    if (!body.empty()) return where + "declares no body but the response has one:\n" + body;
    return {};
  }
  const auto& [media_type, content] = *(*response)["content"].items().begin();
  // A text body (the metrics) is a string: nothing more to check.
  if (media_type.find("json") == std::string::npos) return {};
  json parsed = json::parse(body, nullptr, false);
  if (parsed.is_discarded()) return where + "the body is not JSON:\n" + body;
  const json& schema = content["schema"];
  std::string out;
  for (const auto& e : SchemaErrors(schema, parsed, openapi)) out += where + "breaks its schema at " + e + "\n";
  if (!out.empty()) out += body;
  return out;
}

void SetOpenApiForPort(std::uint16_t port, json openapi) {
  State& st = Shared();
  std::lock_guard lock(st.mu);
  if (openapi.is_null()) {
    st.documents.erase(port);
  } else {
    st.documents[port] = std::move(openapi);
  }
}

std::set<std::string> Undocumented() {
  std::lock_guard lock(Shared().mu);
  return Shared().undocumented;
}

void CheckServerResponse(std::uint16_t port, const std::string& host, const std::string& method,
                         const std::string& target, int status, const std::string& body) {
  if (method == "HEAD" || !SchemaChecked(target)) return;
  State& st = Shared();
  json doc;
  {
    std::unique_lock lock(st.mu);
    auto it = st.documents.find(port);
    if (it == st.documents.end()) {
      lock.unlock();
      json fetched;
      try {
        HttpClient c(port, host);
        HttpResponse r = c.Get("/openapi.json");  // not under a checked prefix
        if (r.status == 200) fetched = json::parse(r.body, nullptr, false);
        if (fetched.is_discarded()) fetched = nullptr;
      } catch (const std::exception&) {
        fetched = nullptr;  // no server there any more: nothing to check against
      }
      lock.lock();
      it = st.documents.emplace(port, std::move(fetched)).first;
    }
    doc = it->second;
  }
  if (doc.is_null()) return;
  std::string error = CheckResponse(doc, method, target, status, body);
  if (!error.empty()) ADD_FAILURE() << "schema hook: " << error;
}

}  // namespace kairos::testing
