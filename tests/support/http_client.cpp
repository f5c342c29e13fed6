#include "support/http_client.hpp"

#include "support/schema_hook.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <cctype>
#include <stdexcept>

namespace kairos::testing {
namespace {

std::string Lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

std::string HttpResponse::Header(const std::string& name) const {
  std::string key = Lower(name);
  for (const auto& [k, v] : headers) {
    if (k == key) return v;
  }
  return {};
}

std::vector<std::string> HttpResponse::AllHeaders(const std::string& name) const {
  std::string key = Lower(name);
  std::vector<std::string> out;
  for (const auto& [k, v] : headers) {
    if (k == key) out.push_back(v);
  }
  return out;
}

nlohmann::json HttpResponse::Json() const {
  try {
    return nlohmann::json::parse(body);
  } catch (const std::exception& e) {
    throw std::runtime_error("response is not JSON (status " + std::to_string(status) + "): " + body.substr(0, 300));
  }
}

HttpClient::HttpClient(std::uint16_t port, std::string host) : host_(std::move(host)), port_(port) {}

HttpClient::~HttpClient() { Close(); }

void HttpClient::Close() {
  if (fd_ >= 0) ::close(fd_);
  fd_ = -1;
  buffer_.clear();
}

void HttpClient::Connect() {
  Close();
  fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
  if (fd_ < 0) throw std::runtime_error("socket failed");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port_);
  ::inet_pton(AF_INET, host_.c_str(), &addr.sin_addr);
  if (::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    Close();
    throw std::runtime_error("connect failed to port " + std::to_string(port_));
  }
  int one = 1;
  ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  timeval tv{60, 0};
  ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  ++connects_;
}

void HttpClient::SendRaw(const std::string& bytes) {
  if (fd_ < 0) Connect();
  std::size_t sent = 0;
  while (sent < bytes.size()) {
    ssize_t n = ::send(fd_, bytes.data() + sent, bytes.size() - sent, MSG_NOSIGNAL);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) throw std::runtime_error(std::string("send failed: ") + std::strerror(errno));
    sent += static_cast<std::size_t>(n);
  }
}

HttpResponse HttpClient::ReadResponse(bool head_only) {
  auto fill = [&]() {
    char chunk[16384];
    ssize_t n;
    do {
      n = ::recv(fd_, chunk, sizeof chunk, 0);
    } while (n < 0 && errno == EINTR);
    if (n == 0) throw std::runtime_error("connection closed before a full response");
    if (n < 0) throw std::runtime_error(std::string("reading the response failed: ") + std::strerror(errno));
    buffer_.append(chunk, static_cast<std::size_t>(n));
  };
  std::size_t end;
  while ((end = buffer_.find("\r\n\r\n")) == std::string::npos) fill();
  std::string head = buffer_.substr(0, end);
  buffer_.erase(0, end + 4);

  HttpResponse r;
  std::size_t line_end = head.find("\r\n");
  std::string status_line = head.substr(0, line_end);
  if (status_line.size() < 12 || status_line.compare(0, 5, "HTTP/") != 0) {
    throw std::runtime_error("bad status line: " + status_line);
  }
  r.status = std::stoi(status_line.substr(9, 3));
  std::size_t pos = line_end == std::string::npos ? head.size() : line_end + 2;
  while (pos < head.size()) {
    std::size_t next = head.find("\r\n", pos);
    if (next == std::string::npos) next = head.size();
    std::string line = head.substr(pos, next - pos);
    auto colon = line.find(':');
    if (colon != std::string::npos) {
      std::string value = line.substr(colon + 1);
      value.erase(0, value.find_first_not_of(' '));
      r.headers.emplace_back(Lower(line.substr(0, colon)), value);
    }
    pos = next + 2;
  }
  if (r.status == 100) return ReadResponse(head_only);
  std::size_t length = 0;
  if (auto cl = r.Header("content-length"); !cl.empty()) length = std::stoul(cl);
  if (!head_only && r.status != 204 && r.status != 304) {
    while (buffer_.size() < length) fill();
    r.body = buffer_.substr(0, length);
    buffer_.erase(0, length);
  }
  if (Lower(r.Header("connection")) == "close") Close();
  return r;
}

bool HttpClient::WaitClosed(int timeout_ms) {
  if (fd_ < 0) return true;
  pollfd p{fd_, POLLIN, 0};
  int rc = ::poll(&p, 1, timeout_ms);
  if (rc <= 0) return false;
  char c;
  ssize_t n = ::recv(fd_, &c, 1, MSG_PEEK);
  return n <= 0;
}

HttpResponse HttpClient::Request(const std::string& method, const std::string& target, const std::string& body,
                                 const Headers& headers) {
  std::string req = method + " " + target + " HTTP/1.1\r\nHost: " + host_ + ":" + std::to_string(port_) + "\r\n";
  bool has_type = false;
  for (const auto& [k, v] : headers) {
    req += k + ": " + v + "\r\n";
    if (Lower(k) == "content-type") has_type = true;
  }
  if (!body.empty() || method == "POST" || method == "PUT" || method == "PATCH") {
    if (!has_type) req += "Content-Type: application/json\r\n";
    req += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  req += "\r\n" + body;
  // A kept-alive connection may have been closed by the server since the last use.
  for (int attempt = 0; attempt < 2; ++attempt) {
    try {
      if (fd_ < 0 || (attempt == 0 && WaitClosed(0))) Connect();
      SendRaw(req);
      HttpResponse r = ReadResponse(method == "HEAD");
      // Responses of documented faces must fit /openapi.json (support/schema_hook.hpp):
      // JSON bodies and empty ones; others (a booking's text/calendar) carry no JSON schema.
      const std::string type = r.Header("content-type");
      const bool json_or_empty = r.body.empty() || type.find("json") != std::string::npos;
      if (check_schemas_ && r.Header("content-encoding").empty() && json_or_empty) {
        CheckServerResponse(port_, host_, method, target, r.status, r.body);
      }
      return r;
    } catch (const std::runtime_error&) {
      Close();
      if (attempt == 1) throw;
    }
  }
  throw std::logic_error("unreachable");
}

HttpResponse HttpClient::Post(const std::string& target, const nlohmann::json& body, const Headers& headers) {
  return Request("POST", target, body.dump(), headers);
}
HttpResponse HttpClient::Put(const std::string& target, const nlohmann::json& body, const Headers& headers) {
  return Request("PUT", target, body.dump(), headers);
}
HttpResponse HttpClient::Patch(const std::string& target, const nlohmann::json& body, const Headers& headers) {
  return Request("PATCH", target, body.dump(), headers);
}

std::string UrlEncode(const std::string& s) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 15]);
    }
  }
  return out;
}

}  // namespace kairos::testing
