#include "kairos/store/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "kairos/store/migrations.hpp"

namespace kairos::store {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-store-" + std::to_string(::getpid()) + "-" +
                                                     ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    db_ = OpenSqlite((dir_ / "sub" / "t.db").string());
    db_->Write([](Tx& tx) {
      tx.ExecScript("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER CHECK (n >= 0))");
    });
  }
  void TearDown() override {
    db_->Close();
    std::filesystem::remove_all(dir_);
  }
  std::filesystem::path dir_;
  std::unique_ptr<Database> db_;
};

TEST_F(SqliteTest, CreatesTheFolderAndRoundTripsValues) {
  EXPECT_TRUE(std::filesystem::exists(dir_ / "sub" / "t.db"));
  db_->Write([](Tx& tx) {
    auto rows = tx.Query("INSERT INTO t (name, n) VALUES (?, ?) RETURNING id", {Text("a'; DROP TABLE t; --"), Int(5)});
    EXPECT_EQ(rows.size(), 1u);
    tx.Exec("INSERT INTO t (name, n) VALUES (?, ?)", {Text(std::string("nul\0byte", 8)), Null()});
  });
  db_->Read([](Tx& tx) {
    auto rows = tx.Query("SELECT name, n FROM t ORDER BY id");
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].Text(0), "a'; DROP TABLE t; --");
    EXPECT_EQ(rows[0].Int(1), 5);
    EXPECT_EQ(rows[1].Text(0), std::string("nul\0byte", 8));
    EXPECT_TRUE(rows[1].IsNull(1));
    EXPECT_FALSE(rows[1].OptionalInt(1).has_value());
  });
}

TEST_F(SqliteTest, ConstraintViolationsAreTyped) {
  db_->Write([](Tx& tx) { tx.Exec("INSERT INTO t (name, n) VALUES ('x', 1)"); });
  try {
    db_->Write([](Tx& tx) { tx.Exec("INSERT INTO t (name, n) VALUES ('x', 2)"); });
    FAIL() << "expected a unique violation";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kUniqueViolation);
  }
  try {
    db_->Write([](Tx& tx) { tx.Exec("INSERT INTO t (name, n) VALUES ('y', -1)"); });
    FAIL() << "expected a check violation";
  } catch (const StoreError& e) {
    EXPECT_EQ(e.kind(), StoreError::Kind::kCheckViolation);
  }
}

TEST_F(SqliteTest, AnErrorResultRollsBackAndAnExceptionToo) {
  Status s = db_->Write([](Tx& tx) -> Status {
    tx.Exec("INSERT INTO t (name, n) VALUES ('gone', 1)");
    return Conflict("changed my mind");
  });
  EXPECT_FALSE(s.ok());
  EXPECT_THROW(db_->Write([](Tx& tx) {
    tx.Exec("INSERT INTO t (name, n) VALUES ('gone2', 1)");
    throw std::runtime_error("boom");
  }),
               std::runtime_error);
  auto count = db_->Read([](Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM t")->Int(0); });
  EXPECT_EQ(count, 0);
  Result<int> ok = db_->Write([](Tx& tx) -> Result<int> {
    tx.Exec("INSERT INTO t (name, n) VALUES ('kept', 1)");
    return 1;
  });
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(db_->Read([](Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM t")->Int(0); }), 1);
}

TEST_F(SqliteTest, ConcurrentWritersNeverLoseAnIncrement) {
  db_->Write([](Tx& tx) { tx.Exec("INSERT INTO t (id, name, n) VALUES (1, 'counter', 0)"); });
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        db_->Write([](Tx& tx) {
          auto n = tx.QueryOne("SELECT n FROM t WHERE id = 1")->Int(0);
          tx.Exec("UPDATE t SET n = ? WHERE id = 1", {Int(n + 1)});
        });
        db_->Read([](Tx& tx) { tx.Query("SELECT n FROM t WHERE id = 1"); });
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(db_->Read([](Tx& tx) { return tx.QueryOne("SELECT n FROM t WHERE id = 1")->Int(0); }), 400);
}

TEST_F(SqliteTest, AfterCommitRunsOnlyForCommittedTransactions) {
  int ran = 0;
  db_->Write([&](Tx& tx) {
    tx.Exec("INSERT INTO t (name, n) VALUES ('a', 1)");
    tx.AfterCommit([&] { ++ran; });
    EXPECT_EQ(ran, 0) << "not before the commit";
  });
  EXPECT_EQ(ran, 1);
  db_->WriteTx([&](Tx& tx) {
    tx.AfterCommit([&] { ran += 10; });
    return false;  // rolled back
  });
  EXPECT_THROW(db_->Write([&](Tx& tx) {
    tx.AfterCommit([&] { ran += 100; });
    tx.Exec("INSERT INTO t (name, n) VALUES ('a', 1)");  // unique violation
  }),
               StoreError);
  db_->Write([&](Tx&) {});
  EXPECT_EQ(ran, 1) << "rolled-back hooks are dropped, not run by the next commit";
}

// Readers keep what they computed while WriteGeneration stands still: a committed
// transaction that changed a row moves it, one that changed none (a poll) does not.
TEST_F(SqliteTest, OnlyCommitsThatChangeARowMoveTheWriteGeneration) {
  std::uint64_t g = WriteGeneration();
  db_->Write([](Tx& tx) { tx.Exec("INSERT INTO t (name, n) VALUES ('g', 1)"); });
  EXPECT_GT(WriteGeneration(), g);
  g = WriteGeneration();
  db_->Write([](Tx& tx) {
    tx.Exec("UPDATE t SET n = 2 WHERE name = 'nobody'");
    tx.Query("UPDATE t SET n = 3 WHERE name = 'nobody' RETURNING id");
    tx.Query("SELECT COUNT(*) FROM t");
  });
  EXPECT_EQ(WriteGeneration(), g) << "nothing changed";
  db_->Write([](Tx& tx) { tx.Exec("DELETE FROM t WHERE name = 'g'"); });
  EXPECT_GT(WriteGeneration(), g);
}

TEST_F(SqliteTest, PoolWaitsCountOnlyBlockedAcquisitions) {
  auto idle = db_->Pools();
  ASSERT_EQ(idle.size(), 2u);
  EXPECT_EQ(idle[0].pool, "sqlite_writer");
  EXPECT_EQ(idle[1].pool, "sqlite_readers");
  EXPECT_EQ(idle[0].waits, 0u) << "uncontended writes never wait";
  EXPECT_EQ(idle[1].size, 4);
  std::atomic<bool> holding{false};
  std::thread holder([&] {
    db_->Write([&](Tx&) {
      holding = true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    });
  });
  while (!holding) std::this_thread::yield();
  db_->Write([](Tx&) {});
  holder.join();
  auto after = db_->Pools();
  EXPECT_EQ(after[0].waits, 1u);
  EXPECT_GT(after[0].wait_seconds, 0.01);
}

TEST_F(SqliteTest, MigrationsApplyOnceInOrder) {
  int applied = Migrate(*db_);
  EXPECT_EQ(applied, static_cast<int>(AllMigrations().size()));
  EXPECT_EQ(Migrate(*db_), 0);
  EXPECT_EQ(SchemaVersion(*db_), AllMigrations().back().version);
  int previous = 0;
  for (const auto& m : AllMigrations()) {
    EXPECT_GT(m.version, previous);
    EXPECT_FALSE(m.sqlite_sql.empty());
    EXPECT_FALSE(m.postgres_sql.empty());
    previous = m.version;
  }
}

TEST_F(SqliteTest, ANewerDatabaseIsRefused) {
  Migrate(*db_);
  db_->Write([](Tx& tx) { tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (9999, 'future', 0)"); });
  EXPECT_THROW(Migrate(*db_), std::runtime_error);
}

TEST_F(SqliteTest, ClosedDatabaseIsUnavailable) {
  db_->Close();
  EXPECT_THROW(db_->Read([](Tx&) {}), StoreUnavailable);
  EXPECT_FALSE(db_->Ping());
  db_ = OpenSqlite((dir_ / "sub" / "t.db").string());
  EXPECT_TRUE(db_->Ping());
}

}  // namespace
}  // namespace kairos::store
