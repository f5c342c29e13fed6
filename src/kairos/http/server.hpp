// The HTTP/1.1 server: Boost.Beast coroutines on I/O threads, handlers on a separate
// worker pool. This header is free of Asio and Beast; only server.cpp includes them.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "kairos/http/client_address.hpp"
#include "kairos/http/cors.hpp"
#include "kairos/http/metrics.hpp"
#include "kairos/http/router.hpp"

namespace kairos::http {

// What the access log says about one request: no body, query string, header or token.
struct AccessRecord {
  std::string_view method;          // "-" when the request line could not be parsed
  std::string_view route;           // the matched route's pattern, "unmatched", or "-" when unparsed
  int status = 0;
  double seconds = 0;               // from the end of reading to the response being ready
  std::string_view request_id;
  std::string_view client_address;  // see client_address.hpp; the peer when headers were unreadable
  std::optional<std::int64_t> account_id;  // when the request carried valid credentials
  std::string_view note;            // for requests the transport refused: why
};

struct ServerOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 8080;  // 0 picks a free port
  int io_threads = 2;
  int worker_threads = 4;
  // Where GET and HEAD requests run: 0 on the I/O thread that read them (no hand-off; for
  // handlers that never wait on the network, as with SQLite), N > 0 on a pool of their own
  // of N threads, -1 on the worker pool with everything else.
  int read_threads = -1;
  std::size_t body_limit = 1 << 20;    // larger bodies are answered 413
  std::size_t header_limit = 16 << 10; // larger header blocks are answered 431
  std::chrono::milliseconds header_timeout{10'000};  // from a request's first byte to its last header
  std::chrono::milliseconds body_timeout{30'000};    // to read a body, and to write a response
  std::chrono::milliseconds idle_timeout{75'000};    // a kept-alive connection with no request
  std::chrono::milliseconds shutdown_timeout{15'000};  // in-flight requests get this long to finish
  std::size_t max_connections = 10'000;
  bool access_log = true;
  std::function<void(const AccessRecord&)> access_logger;  // called per request when access_log is on
  TrustedProxies trusted_proxies;  // peers whose X-Forwarded-For names the client
  CorsPolicy cors;                 // off unless origins are listed (see cors.hpp)
};

class Server {
 public:
  Server(ServerOptions options, const Router& router, Metrics& metrics);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens; returns the bound port. Throws std::runtime_error if it cannot bind.
  std::uint16_t Listen();

  // Serves until Shutdown() is called or SIGTERM/SIGINT arrives, then stops accepting,
  // lets requests in flight finish (up to shutdown_timeout) and returns.
  void Run();

  // Begins a graceful shutdown. Safe from any thread.
  void Shutdown();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace kairos::http
