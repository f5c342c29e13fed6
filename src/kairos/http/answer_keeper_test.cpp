#include "kairos/http/answer_keeper.hpp"

#include <gtest/gtest.h>

namespace kairos::http {
namespace {

class AnswerKeeperTest : public ::testing::Test {
 protected:
  AnswerKeeper keeper_{[this] { return generation_; }, [this] { return second_; }, 3};
  std::uint64_t generation_ = 1;
  std::int64_t second_ = 100;
  int calls_ = 0;

  Request Get(std::string target, std::string host = "a.test", std::optional<std::int64_t> account = {}) {
    Request r;
    r.method = Method::kGet;
    r.target = std::move(target);
    r.headers.emplace_back("host", std::move(host));
    if (account) {
      r.principal.emplace();
      r.principal->account_id = *account;
    }
    return r;
  }
  std::string Ask(const Request& r, int status = 200) {
    return keeper_.Answer("/route", r, [&] {
      ++calls_;
      Response out;
      out.status = status;
      out.body = r.target + "#" + std::to_string(calls_);
      return out;
    }).body;
  }
};

TEST_F(AnswerKeeperTest, TheSameRequestInTheSameSecondWithoutAWriteIsKept) {
  EXPECT_EQ(Ask(Get("/x")), "/x#1");
  EXPECT_EQ(Ask(Get("/x")), "/x#1");
  EXPECT_EQ(keeper_.counts().kept, 1u);
  EXPECT_EQ(keeper_.counts().computed, 1u);
}

TEST_F(AnswerKeeperTest, AWriteOrTheNextSecondComputesAgain) {
  EXPECT_EQ(Ask(Get("/x")), "/x#1");
  ++generation_;
  EXPECT_EQ(Ask(Get("/x")), "/x#2") << "a write committed";
  ++second_;
  EXPECT_EQ(Ask(Get("/x")), "/x#3") << "the time moved on";
  EXPECT_EQ(Ask(Get("/x")), "/x#3");
}

TEST_F(AnswerKeeperTest, TargetHostAndCallerAreEachTheirOwnAnswer) {
  EXPECT_EQ(Ask(Get("/x")), "/x#1");
  EXPECT_EQ(Ask(Get("/x?a=1")), "/x?a=1#2");
  EXPECT_EQ(Ask(Get("/x", "b.test")), "/x#3");
  EXPECT_EQ(Ask(Get("/x", "a.test", 7)), "/x#4");
  EXPECT_EQ(Ask(Get("/x", "a.test", 8)), "/x#5");
  EXPECT_EQ(Ask(Get("/x", "a.test", 7)), "/x#4");
}

TEST_F(AnswerKeeperTest, OnlyOksAreKept) {
  EXPECT_EQ(Ask(Get("/x"), 404), "/x#1");
  EXPECT_EQ(Ask(Get("/x"), 404), "/x#2");
}

TEST_F(AnswerKeeperTest, AnAnswerWhoseSecondEndedWhileComputingIsNotKept) {
  Request r = Get("/x");
  keeper_.Answer("/route", r, [&] {
    ++second_;
    Response out;
    out.body = "late";
    return out;
  });
  EXPECT_EQ(Ask(r), "/x#1");
}

TEST_F(AnswerKeeperTest, PastTheLimitTheKeptAnswersStartOver) {
  for (int i = 0; i < 5; ++i) Ask(Get("/x" + std::to_string(i)));
  EXPECT_EQ(calls_, 5);
  EXPECT_EQ(Ask(Get("/x4")), "/x4#5") << "the newest is kept";
  EXPECT_EQ(Ask(Get("/x0")), "/x0#6") << "the oldest went when the limit was reached";
}

}  // namespace
}  // namespace kairos::http
