// The transport. Each connection is a coroutine. Reads complete on the I/O threads; a
// parsed request is handed to the worker pool, and the worker that ran the handler
// resumes the coroutine itself to write the response and start the next read. That is
// one cross-thread hand-off per request instead of two, and a slow handler still never
// stalls another connection. Reads may instead run on the I/O thread that read them
// (ServerOptions::read_threads == 0): no hand-off at all, at the price that a slow read
// holds that I/O thread.
//
// Connections have no strand: a connection's coroutine never runs on two threads at
// once. The only other party touching a socket is the reaper (timeouts) or a shutdown,
// so every operation on a socket starts under the connection's mutex, and cancellation
// takes the same mutex.
#include <utility>  // before Asio with g++ 12

#include "kairos/http/server.hpp"

#include <algorithm>
#include <atomic>
#include <cctype>
#include <iterator>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <list>
#include <mutex>
#include <random>
#include <spdlog/spdlog.h>
#include <thread>

#include "kairos/core/text.hpp"
#include "kairos/http/compression.hpp"

namespace kairos::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using asio::awaitable;
using asio::use_awaitable;
using Clock = std::chrono::steady_clock;

std::string NewRequestId() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  static constexpr char kHex[] = "0123456789abcdef";
  std::uint64_t v = rng();
  std::string id(16, '0');
  for (int i = 15; i >= 0; --i, v >>= 4) id[i] = kHex[v & 15];
  return id;
}

// A client-supplied request id is echoed only if it is short and plain.
bool AcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 64) return false;
  for (char c : id) {
    if (!(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.')) return false;
  }
  return true;
}

// RFC 9112 section 3.2: an HTTP/1.1 request needs exactly one Host header, and no
// request may carry two. A value must be a uri-host with an optional port (RFC 3986);
// the check is by character, which is enough to refuse spaces, paths and userinfo.
std::string_view HostProblem(const bhttp::request<bhttp::string_body>& msg) {
  auto hosts = msg.equal_range(bhttp::field::host);
  auto count = std::distance(hosts.first, hosts.second);
  if (count > 1) return "More than one Host header.";
  if (count == 0) return msg.version() >= 11 ? "Missing Host header." : "";
  auto value = hosts.first->value();
  for (char ch : value) {
    if (std::isalnum(static_cast<unsigned char>(ch))) continue;
    if (std::string_view("-._~!$&'()*+,;=:[]%").find(ch) == std::string_view::npos) return "Invalid Host header.";
  }
  return "";
}

// Runs f on the pool; the worker then resumes the awaiting coroutine directly.
template <class F>
auto Offload(asio::thread_pool& pool, F f) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Dispatched)>(
      [&pool](auto handler, F fn) {
        asio::post(pool, [fn = std::move(fn), handler = std::move(handler)]() mutable { handler(fn()); });
      },
      use_awaitable, std::move(f));
}

// Header values come from handlers; a CR or LF in one would split the response.
void AppendHeader(std::string& out, std::string_view name, std::string_view value) {
  out.append(name);
  out.append(": ");
  for (char ch : value) out.push_back(ch == '\r' || ch == '\n' ? ' ' : ch);
  out.append("\r\n");
}

// Serializes a response by hand: cheaper than Beast's serializer for small bodies.
std::string Serialize(const Response& r, const std::string& request_id, bool keep_alive, bool head) {
  std::string out;
  out.reserve(256 + (head ? 0 : r.body.size()));
  out.append("HTTP/1.1 ");
  out.append(std::to_string(r.status));
  out.push_back(' ');
  auto reason = bhttp::obsolete_reason(static_cast<bhttp::status>(r.status));
  out.append(reason.data(), reason.size());
  out.append("\r\nServer: kairos\r\n");
  bool bodiless = r.status == 204 || r.status == 304 || (r.status >= 100 && r.status < 200);
  if (!r.content_type.empty() && !bodiless) AppendHeader(out, "Content-Type", r.content_type);
  if (!bodiless) AppendHeader(out, "Content-Length", std::to_string(r.body.size()));
  AppendHeader(out, "X-Request-Id", request_id);
  for (const auto& [k, v] : r.headers) AppendHeader(out, k, v);
  if (!keep_alive) out.append("Connection: close\r\n");
  out.append("\r\n");
  if (!head && !bodiless) out.append(r.body);
  return out;
}

}  // namespace

struct Server::Impl {
  struct Connection {
    explicit Connection(tcp::socket s) : socket(std::move(s)) {}
    tcp::socket socket;
    std::mutex mu;               // guards starting operations on socket, and the fields below
    Clock::time_point deadline;  // the pending operation's deadline; max() when none
    bool busy = false;           // between a request's first byte and its response
    bool cancelled = false;      // timed out or shut down: every later operation fails at once
  };

  Impl(ServerOptions o, const Router& r, Metrics& m)
      : options(std::move(o)), router(r), metrics(m), acceptor(ioc), signals(ioc, SIGINT, SIGTERM),
        workers(static_cast<std::size_t>(std::max(1, options.worker_threads))) {
    if (options.read_threads > 0) readers.emplace(static_cast<std::size_t>(options.read_threads));
  }

  ServerOptions options;
  const Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::signal_set signals;
  asio::thread_pool workers;
  std::optional<asio::thread_pool> readers;  // GET and HEAD, when read_threads > 0
  std::atomic<bool> stopping{false};
  std::mutex connections_mu;
  std::list<std::shared_ptr<Connection>> connections;

  awaitable<void> Accept() {
    for (;;) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(ioc.get_executor(), asio::redirect_error(use_awaitable, ec));
      if (stopping) co_return;
      if (ec) {
        if (ec == asio::error::operation_aborted) co_return;
        spdlog::warn("accept failed: {}", ec.message());
        continue;
      }
      std::shared_ptr<Connection> conn;
      std::list<std::shared_ptr<Connection>>::iterator where;
      {
        std::lock_guard lock(connections_mu);
        if (connections.size() >= options.max_connections) {
          socket.close(ec);
          continue;
        }
        conn = std::make_shared<Connection>(std::move(socket));
        conn->deadline = Clock::time_point::max();
        where = connections.insert(connections.end(), conn);
      }
      asio::co_spawn(ioc.get_executor(), Serve(conn), [this, where](std::exception_ptr e) {
        if (e) {
          try {
            std::rethrow_exception(e);
          } catch (const std::exception& ex) {
            spdlog::error("connection failed: {}", ex.what());
          }
        }
        std::lock_guard lock(connections_mu);
        connections.erase(where);
      });
    }
  }

  // Closes connections whose pending operation has outlived its deadline.
  awaitable<void> Reap() {
    auto shortest = std::min({options.header_timeout, options.body_timeout, options.idle_timeout});
    auto period = std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(10),
                                                        std::chrono::milliseconds(250));
    asio::steady_timer timer(ioc);
    while (!stopping) {
      timer.expires_after(period);
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
      auto now = Clock::now();
      std::lock_guard lock(connections_mu);
      for (auto& conn : connections) {
        std::lock_guard c(conn->mu);
        if (conn->deadline <= now && !conn->cancelled) {
          conn->cancelled = true;
          conn->socket.cancel(ec);
        }
      }
    }
  }

  // Starts one read under the connection's mutex; completes with operation_aborted if
  // the connection was already cancelled.
  template <class Token>
  auto ReadSome(Connection& c, asio::mutable_buffer buf, Clock::time_point deadline, Token&& token) {
    return asio::async_initiate<Token, void(beast::error_code, std::size_t)>(
        [this, &c, deadline](auto handler, asio::mutable_buffer b) {
          std::lock_guard lock(c.mu);
          if (c.cancelled || (stopping && !c.busy)) {
            asio::post(ioc, [h = std::move(handler)]() mutable { h(beast::error_code(asio::error::operation_aborted), std::size_t{0}); });
            return;
          }
          c.deadline = deadline;
          c.socket.async_read_some(b, std::move(handler));
        },
        token, buf);
  }

  template <class Token>
  auto WriteSome(Connection& c, asio::const_buffer buf, Clock::time_point deadline, Token&& token) {
    return asio::async_initiate<Token, void(beast::error_code, std::size_t)>(
        [this, &c, deadline](auto handler, asio::const_buffer b) {
          std::lock_guard lock(c.mu);
          if (c.cancelled) {
            asio::post(ioc, [h = std::move(handler)]() mutable { h(beast::error_code(asio::error::operation_aborted), std::size_t{0}); });
            return;
          }
          c.deadline = deadline;
          c.socket.async_write_some(b, std::move(handler));
        },
        token, buf);
  }

  // Reads more bytes into the buffer before the deadline. False when the peer is gone,
  // too slow, or the connection was cancelled.
  awaitable<bool> ReadMore(Connection& c, beast::flat_buffer& buffer, Clock::time_point deadline) {
    beast::error_code ec;
    std::size_t n = co_await ReadSome(c, buffer.prepare(16 * 1024), deadline, asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    buffer.commit(n);
    co_return true;
  }

  // Writes the whole response: one non-blocking attempt (enough for almost every
  // response), then asynchronous writes with the body timeout.
  awaitable<bool> Write(Connection& c, const std::string& out) {
    std::size_t written = 0;
    {
      std::lock_guard lock(c.mu);
      if (c.cancelled) co_return false;
      beast::error_code ec;
      written = c.socket.write_some(asio::buffer(out), ec);
      if (ec && ec != asio::error::would_block && ec != asio::error::try_again) co_return false;
    }
    auto deadline = Clock::now() + options.body_timeout;
    while (written < out.size()) {
      beast::error_code ec;
      written += co_await WriteSome(c, asio::buffer(out.data() + written, out.size() - written), deadline,
                                    asio::redirect_error(use_awaitable, ec));
      if (ec) co_return false;
    }
    co_return true;
  }

  // Answers an error found by the transport itself (before any handler ran) and logs it.
  awaitable<void> WriteTransportError(Connection& c, int status, std::string_view message, const std::string& request_id,
                                      std::string_view client, std::string_view method = "-") {
    Response r = ErrorResponse(ErrorStyle::kDetail, Error{ErrorCode::kInvalidArgument, std::string(message), {}}, status);
    co_await Write(c, Serialize(r, request_id, false, false));
    metrics.Record("-", "unparsed", status, 0);
    if (options.access_log && options.access_logger) {
      options.access_logger(AccessRecord{.method = method, .route = "-", .status = status, .request_id = request_id,
                                         .client_address = client, .note = message});
    }
  }

  // Everything between a parsed request and its response, on a worker: a CORS preflight
  // is answered here, anything else by the router; then CORS headers and compression.
  Dispatched Handle(Request& req) const {
    if (options.cors.enabled() && IsPreflight(req)) {
      auto routes = router.RoutesAt(req.path);
      std::vector<Method> methods;
      for (const Route* route : routes) {
        if (std::find(methods.begin(), methods.end(), route->method) == methods.end()) methods.push_back(route->method);
      }
      if (auto answer = AnswerPreflight(options.cors, req, methods)) {
        return {std::move(*answer), routes.front()};  // counted under the path's pattern
      }
    }
    Dispatched d = router.Dispatch(req);
    ApplyCors(options.cors, req, d.response);
    CompressResponse(req, d.response);
    return d;
  }

  // Marks the connection busy (a request is being read or handled) or idle, and clears
  // the deadline of the operation that just finished.
  void SetBusy(Connection& c, bool busy) {
    std::lock_guard lock(c.mu);
    c.busy = busy;
    c.deadline = Clock::time_point::max();
  }

  awaitable<void> Serve(std::shared_ptr<Connection> conn) {
    Connection& c = *conn;
    beast::flat_buffer buffer;
    std::string remote;
    {
      beast::error_code ec;
      auto ep = c.socket.remote_endpoint(ec);
      if (!ec) remote = ep.address().to_string();
      c.socket.set_option(tcp::no_delay(true), ec);
      c.socket.non_blocking(true, ec);
    }
    for (;;) {
      if (stopping) break;
      if (buffer.size() == 0) {
        // Waiting for the next request on a kept-alive connection.
        if (!co_await ReadMore(c, buffer, Clock::now() + options.idle_timeout)) break;
      }
      SetBusy(c, true);
      std::string request_id = NewRequestId();
      bhttp::request_parser<bhttp::string_body> parser;
      parser.header_limit(static_cast<std::uint32_t>(options.header_limit));
      parser.body_limit(options.body_limit);
      parser.eager(true);

      // Parse straight from the buffer; read only when the parser needs more bytes.
      auto deadline = Clock::now() + options.header_timeout;
      bool header_checked = false;
      int failure = 0;  // an HTTP status to answer with, or -1 to just close
      std::string_view failure_message;
      while (!parser.is_done()) {
        beast::error_code ec;
        std::size_t used = buffer.size() > 0 ? parser.put(buffer.data(), ec) : 0;
        buffer.consume(used);
        if (ec == bhttp::error::need_more) ec = {};
        if (ec == bhttp::error::header_limit) {
          failure = 431, failure_message = "Request header fields too large.";
        } else if (ec == bhttp::error::body_limit) {
          failure = 413, failure_message = "Request body too large.";
        } else if (ec) {
          failure = 400, failure_message = "Malformed request.";
        }
        if (failure != 0) break;
        if (parser.is_header_done() && !header_checked) {
          header_checked = true;
          if (beast::iequals(parser.get()[bhttp::field::expect], "100-continue") && !parser.is_done()) {
            if (!co_await Write(c, "HTTP/1.1 100 Continue\r\n\r\n")) {
              failure = -1;
              break;
            }
          }
          deadline = Clock::now() + options.body_timeout;
        }
        if (parser.is_done()) break;
        if (used > 0 && buffer.size() > 0) continue;
        if (!co_await ReadMore(c, buffer, deadline)) {
          failure = -1;  // the client is gone or too slow; there is no one to answer
          break;
        }
      }
      if (failure != 0) {
        if (failure > 0) co_await WriteTransportError(c, failure, failure_message, request_id, remote);
        break;
      }

      // The request is read: its read deadline must not cut off a slow handler.
      SetBusy(c, true);
      auto start = Clock::now();
      auto msg = parser.release();
      if (auto id = msg["X-Request-Id"]; AcceptableRequestId(std::string_view(id.data(), id.size()))) {
        request_id = std::string(id);
      }
      Request req;
      req.method = ParseMethod(std::string_view(msg.method_string().data(), msg.method_string().size()));
      req.target = std::string(msg.target());
      req.keep_alive = msg.keep_alive();
      req.remote_address = remote;
      req.request_id = request_id;
      for (const auto& field : msg) {
        std::string name(field.name_string());
        for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
        req.headers.emplace_back(std::move(name), std::string(field.value()));
      }
      req.body = std::move(msg.body());
      req.client_address = ClientAddress(remote, req.headers, options.trusted_proxies);
      bool head_request = req.method == Method::kHead;
      if (auto problem = HostProblem(msg); !problem.empty()) {
        co_await WriteTransportError(c, 400, problem, request_id, req.client_address, MethodName(req.method));
        break;
      }
      if (req.target.empty() || req.target.front() != '/') {
        co_await WriteTransportError(c, 400, "Request target must be an absolute path.", request_id, req.client_address,
                                     MethodName(req.method));
        break;
      }
      auto q = req.target.find('?');
      req.path = PercentDecode(std::string_view(req.target).substr(0, q), false);
      if (q != std::string::npos) req.query_string = req.target.substr(q + 1);

      // From here the coroutine runs on the thread that ran the handler.
      Dispatched d;
      bool read = req.method == Method::kGet || req.method == Method::kHead;
      if (read && options.read_threads == 0) {
        d = Handle(req);
      } else {
        d = co_await Offload(read && readers ? *readers : workers, [this, &req]() { return Handle(req); });
      }

      double seconds = std::chrono::duration<double>(Clock::now() - start).count();
      std::string_view route_label = d.route != nullptr ? std::string_view(d.route->pattern) : "unmatched";
      metrics.Record(MethodName(req.method), route_label, d.response.status, seconds);
      if (options.access_log && options.access_logger) {
        AccessRecord record{.method = MethodName(req.method), .route = route_label, .status = d.response.status,
                            .seconds = seconds, .request_id = request_id, .client_address = req.client_address};
        if (req.principal) record.account_id = req.principal->account_id;
        options.access_logger(record);
      }
      bool keep_alive = req.keep_alive && !stopping;
      bool written = co_await Write(c, Serialize(d.response, request_id, keep_alive, head_request));
      SetBusy(c, false);
      if (!written || !keep_alive) break;
    }
    std::lock_guard lock(c.mu);
    c.cancelled = true;
    beast::error_code ignored;
    c.socket.shutdown(tcp::socket::shutdown_send, ignored);
    c.socket.close(ignored);
  }

  void BeginShutdown() {
    if (stopping.exchange(true)) return;
    spdlog::info("shutting down: no new connections, finishing requests in flight");
    beast::error_code ignored;
    acceptor.close(ignored);
    signals.cancel(ignored);
    {
      std::lock_guard lock(connections_mu);
      for (auto& conn : connections) {
        std::lock_guard c(conn->mu);
        if (!conn->busy) {
          conn->cancelled = true;
          conn->socket.cancel(ignored);
        }
      }
    }
    asio::co_spawn(ioc, WaitForConnections(), asio::detached);
  }

  awaitable<void> WaitForConnections() {
    auto deadline = Clock::now() + options.shutdown_timeout;
    asio::steady_timer timer(ioc);
    for (;;) {
      {
        std::lock_guard lock(connections_mu);
        if (connections.empty()) break;
      }
      if (Clock::now() >= deadline) {
        spdlog::warn("shutdown timeout: closing connections still busy");
        break;
      }
      timer.expires_after(std::chrono::milliseconds(20));
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_awaitable, ec));
    }
    ioc.stop();
  }
};

Server::Server(ServerOptions options, const Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(std::move(options), router, metrics)) {}

Server::~Server() {
  impl_->workers.join();
  if (impl_->readers) impl_->readers->join();
}

std::uint16_t Server::Listen() {
  auto& acc = impl_->acceptor;
  beast::error_code ec;
  auto address = asio::ip::make_address(impl_->options.host, ec);
  if (ec) throw std::runtime_error("invalid listen address: " + impl_->options.host);
  tcp::endpoint ep{address, impl_->options.port};
  acc.open(ep.protocol(), ec);
  if (!ec) acc.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acc.bind(ep, ec);
  if (!ec) acc.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    throw std::runtime_error("cannot listen on " + impl_->options.host + ":" + std::to_string(impl_->options.port) +
                             ": " + ec.message());
  }
  return acc.local_endpoint().port();
}

void Server::Run() {
  Impl& s = *impl_;
  s.signals.async_wait([&s](const beast::error_code& ec, int sig) {
    if (ec) return;
    spdlog::info("received signal {}", sig);
    s.BeginShutdown();
  });
  asio::co_spawn(s.ioc, s.Accept(), asio::detached);
  asio::co_spawn(s.ioc, s.Reap(), asio::detached);
  std::vector<std::thread> threads;
  int n = std::max(1, s.options.io_threads);
  for (int i = 1; i < n; ++i) threads.emplace_back([&s] { s.ioc.run(); });
  s.ioc.run();
  for (auto& t : threads) t.join();
  s.workers.join();
  if (s.readers) s.readers->join();
}

void Server::Shutdown() {
  asio::post(impl_->ioc, [this] { impl_->BeginShutdown(); });
}

}  // namespace kairos::http
