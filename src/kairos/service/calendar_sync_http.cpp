#include "kairos/service/calendar_sync_http.hpp"

#include <curl/curl.h>

#include <mutex>
#include <stdexcept>

#include "kairos/core/text.hpp"

namespace kairos::service {
namespace {

std::size_t Append(char* data, std::size_t size, std::size_t count, void* out) {
  static_cast<std::string*>(out)->append(data, size * count);
  return size * count;
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
    curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Append);
    curl_easy_setopt(curl, CURLOPT_WRITEDATA, &response.body);
    CURLcode code = curl_easy_perform(curl);
    long status = 0;
    curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
    curl_slist_free_all(headers);
    curl_easy_cleanup(curl);
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
