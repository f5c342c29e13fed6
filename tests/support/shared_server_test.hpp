// A test suite that shares one real server: started before the suite's first test and
// stopped after its last, so every test talks to the same running binary.
#pragma once

#include <gtest/gtest.h>

#include <atomic>
#include <string>

#include "support/server_process.hpp"

namespace kairos::testing {

template <class Suite>
class SharedServerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }

  // A fresh name per call, so tests never share accounts.
  static std::string Unique(const std::string& base) {
    static std::atomic<int> n{0};
    return base + std::to_string(++n);
  }

  static inline ServerProcess* server_ = nullptr;
};

}  // namespace kairos::testing
