// A small HTTP/1.1 client over a real TCP socket, with keep-alive and raw access for
// tests that send malformed or partial requests.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kairos::testing {

using Headers = std::vector<std::pair<std::string, std::string>>;

struct HttpResponse {
  int status = 0;
  Headers headers;  // names lower-cased
  std::string body;

  // The header's value, or empty. Case-insensitive.
  std::string Header(const std::string& name) const;
  // All values of a header (Set-Cookie repeats).
  std::vector<std::string> AllHeaders(const std::string& name) const;
  // The body as JSON; a parse failure throws, failing the test.
  nlohmann::json Json() const;
};

class HttpClient {
 public:
  explicit HttpClient(std::uint16_t port, std::string host = "127.0.0.1");
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends a request on the kept-alive connection (reconnecting if the server closed it)
  // and reads the response. On a documented face's path the response is checked against
  // the server's /openapi.json (support/schema_hook.hpp); a mismatch fails the test.
  HttpResponse Request(const std::string& method, const std::string& target, const std::string& body = "",
                       const Headers& headers = {});
  HttpResponse Get(const std::string& target, const Headers& headers = {}) { return Request("GET", target, "", headers); }
  HttpResponse Delete(const std::string& target, const Headers& headers = {}) { return Request("DELETE", target, "", headers); }
  HttpResponse Post(const std::string& target, const nlohmann::json& body, const Headers& headers = {});
  HttpResponse Put(const std::string& target, const nlohmann::json& body, const Headers& headers = {});
  HttpResponse Patch(const std::string& target, const nlohmann::json& body, const Headers& headers = {});

  // Raw access: connect, send bytes, read one response (head_only for HEAD requests).
  void Connect();
  void SendRaw(const std::string& bytes);
  HttpResponse ReadResponse(bool head_only = false);
  // True if the server closes the connection within timeout_ms (reads return 0 bytes).
  bool WaitClosed(int timeout_ms);
  void Close();
  bool connected() const { return fd_ >= 0; }
  // Connections opened so far (to check keep-alive reuse).
  int connects() const { return connects_; }
  // Turns the schema hook off for this client (on by default).
  void set_check_schemas(bool on) { check_schemas_ = on; }

 private:
  std::string host_;
  std::uint16_t port_;
  int fd_ = -1;
  int connects_ = 0;
  bool check_schemas_ = true;
  std::string buffer_;
};

// Percent-encodes a query value.
std::string UrlEncode(const std::string& s);

}  // namespace kairos::testing
