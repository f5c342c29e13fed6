#include "kairos/service/calendar_sync_http.hpp"

#include <arpa/inet.h>
#include <curl/curl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <mutex>
#include <stdexcept>

#include "kairos/core/text.hpp"
#include "kairos/service/notifications.hpp"

namespace kairos::service {
namespace {

// The body read so far, and how much of it may be kept.
struct Sink {
  std::string* body;
  std::size_t max_bytes;  // 0: no limit
  bool overflowed = false;
};

std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
  auto* sink = static_cast<Sink*>(out);
  if (sink->max_bytes != 0 && sink->body->size() + size * count > sink->max_bytes) {
    sink->overflowed = true;
    return 0;  // curl stops with CURLE_WRITE_ERROR
  }
  sink->body->append(data, size * count);
  return size * count;
}

// Whether `public_only` turned a connection away.
struct SocketGate {
  bool public_only = false;
  bool refused = false;
};

curl_socket_t OpenSocket(void* gate_ptr, curlsocktype, curl_sockaddr* address) {
  auto* gate = static_cast<SocketGate*>(gate_ptr);
  if (gate->public_only) {
    char text[INET6_ADDRSTRLEN] = {};
    const sockaddr* sa = &address->addr;
    bool known = (sa->sa_family == AF_INET &&
                  inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(sa)->sin_addr, text, sizeof text)) ||
                 (sa->sa_family == AF_INET6 &&
                  inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(sa)->sin6_addr, text, sizeof text));
    if (!known || IsPrivateAddress(text)) {
      gate->refused = true;
      return CURL_SOCKET_BAD;
    }
  }
  return socket(address->family, address->socktype, address->protocol);
}

class CurlFetcher : public HttpFetcher {
 public:
  explicit CurlFetcher(std::chrono::milliseconds timeout) : timeout_(timeout) {
    static std::once_flag once;
    std::call_once(once, [] {
      if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) throw std::runtime_error("libcurl could not start");
    });
  }

  Result<OutgoingResponse> Fetch(const OutgoingRequest& request, const std::string& peer) override {
    CURL* curl = curl_easy_init();
    if (curl == nullptr) throw std::runtime_error("libcurl could not create a handle");
    curl_slist* headers = nullptr;
    for (const auto& [name, value] : request.headers) headers = curl_slist_append(headers, (name + ": " + value).c_str());
    OutgoingResponse response;
    curl_easy_setopt(curl, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(curl, CURLOPT_CUSTOMREQUEST, request.method.c_str());
    if (!request.body.empty() || request.method == "POST" || request.method == "PUT" || request.method == "PATCH") {
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, request.body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    }
    curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
    if (!request.username.empty()) {
      curl_easy_setopt(curl, CURLOPT_HTTPAUTH, CURLAUTH_BASIC);
      curl_easy_setopt(curl, CURLOPT_USERNAME, request.username.c_str());
      curl_easy_setopt(curl, CURLOPT_PASSWORD, request.password.c_str());
    }
    curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(timeout_.count()));
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);  // worker threads: no SIGALRM for timeouts
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "http,https");
    Sink sink{&response.body, request.max_body_bytes};
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &sink);
    SocketGate gate{request.public_only};
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETFUNCTION, OpenSocket);
    curl_easy_setopt(curl, CURLOPT_OPENSOCKETDATA, &gate);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
    if (gate.refused) {
      return Error{ErrorCode::kBadGateway,
                   peer + " is at a loopback, private or link-local address, which is not allowed", {}};
    }
    if (sink.overflowed) {
      return Error{ErrorCode::kPayloadTooLarge,
                   peer + " answered more than " + std::to_string(request.max_body_bytes) + " bytes", {}};
    }
    if (code == CURLE_OPERATION_TIMEDOUT) {
      return Error{ErrorCode::kBadGateway, peer + " did not answer in time", {}};
    }
    if (code != CURLE_OK) {
      return Error{ErrorCode::kBadGateway, peer + " could not be reached (" + curl_easy_strerror(code) + ")", {}};
    }
    response.status = static_cast<int>(status);
    return response;
  }

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace

std::unique_ptr<HttpFetcher> MakeCurlFetcher(std::chrono::milliseconds timeout) {
  return std::make_unique<CurlFetcher>(timeout);
}

std::string FormEncode(const std::vector<std::pair<std::string, std::string>>& pairs) {
  std::string out;
  for (const auto& [name, value] : pairs) {
    if (!out.empty()) out += '&';
    out += PercentEncode(name) + "=" + PercentEncode(value);
  }
  return out;
}

}  // namespace kairos::service
