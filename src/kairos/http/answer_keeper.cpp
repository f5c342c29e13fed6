#include "kairos/http/answer_keeper.hpp"

#include <algorithm>

namespace kairos::http {

AnswerKeeper::AnswerKeeper(std::function<std::uint64_t()> generation, std::function<std::int64_t()> second,
                           std::size_t max_answers)
    : generation_(std::move(generation)), second_(std::move(second)), max_answers_(std::max<std::size_t>(1, max_answers)) {}

Response AnswerKeeper::Answer(const std::string& route, const Request& request,
                              const std::function<Response()>& handler) {
  std::string key = route;
  key += '\n';
  key += request.target;
  key += '\n';
  key += request.Header("host");
  key += '\n';
  key += request.principal ? std::to_string(request.principal->account_id) : "-";
  // Read before the handler's transaction: a write committing meanwhile moves the
  // generation past this one, so what is kept under it is never used.
  const std::uint64_t generation = generation_();
  const std::int64_t second = second_();
  {
    std::lock_guard lock(mu_);
    auto it = answers_.find(key);
    if (it != answers_.end() && it->second.generation == generation && it->second.second == second) {
      ++counts_.kept;
      return it->second.response;
    }
    ++counts_.computed;
  }
  Response response = handler();
  if (response.status == 200 && second_() == second) {
    std::lock_guard lock(mu_);
    if (answers_.size() >= max_answers_ && answers_.find(key) == answers_.end()) answers_.clear();
    answers_[key] = Kept{generation, second, response};
  }
  return response;
}

AnswerKeeper::Counts AnswerKeeper::counts() const {
  std::lock_guard lock(mu_);
  return counts_;
}

}  // namespace kairos::http
