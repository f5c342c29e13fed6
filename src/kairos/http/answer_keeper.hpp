// Answers of read routes kept while nothing they read can have changed: the same request
// (route, target, Host, caller) within the same wall-clock second and while no write has
// committed since it was computed gets the bytes computed the first time. Handlers read
// the time to the second and the database, so within those bounds the answer is the one
// they would compute again: a memo, not a cache that can be stale. Only a server that can
// tell every commit to its database, of any process (SQLite's data_version), uses it;
// see docs/performance.md.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

#include "kairos/http/request.hpp"

namespace kairos::http {

class AnswerKeeper {
 public:
  // `generation` moves after every committed write; `second` is the handlers' clock.
  AnswerKeeper(std::function<std::uint64_t()> generation, std::function<std::int64_t()> second,
               std::size_t max_answers = 4096);

  // The answer of `request` from `handler`, kept or computed now (and kept when it is a 200).
  Response Answer(const std::string& route, const Request& request, const std::function<Response()>& handler);

  struct Counts {
    std::uint64_t kept = 0;      // answered from a kept answer
    std::uint64_t computed = 0;  // computed by the handler
  };
  Counts counts() const;

 private:
  struct Kept {
    std::uint64_t generation = 0;
    std::int64_t second = 0;
    Response response;
  };
  std::function<std::uint64_t()> generation_;
  std::function<std::int64_t()> second_;
  std::size_t max_answers_;
  mutable std::mutex mu_;
  std::unordered_map<std::string, Kept> answers_;
  Counts counts_;
};

}  // namespace kairos::http
