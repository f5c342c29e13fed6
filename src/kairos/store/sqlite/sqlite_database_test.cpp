#include "kairos/store/sqlite/sqlite_database.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
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
  // Runs write(i) for i < writers on threads of their own while one transaction (it
  // inserts 'leader') holds the writer, so they queue behind it; releases it once all
  // have started and had time to reach the queue, then waits for every thread.
  // Returns WriteGeneration() as it was while the leader held the writer.
  std::uint64_t QueueBehindALeader(int writers, const std::function<void(int)>& write) {
    std::atomic<bool> leading{false}, release{false};
    std::thread leader([&] {
      db_->Write([&](Tx& tx) {
        tx.Exec("INSERT INTO t (name, n) VALUES ('leader', 0)");
        leading = true;
        while (!release) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      });
    });
    while (!leading) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    const std::uint64_t before = WriteGeneration();
    std::atomic<int> arrived{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < writers; ++i) {
      threads.emplace_back([&, i] {
        arrived.fetch_add(1);
        write(i);
      });
    }
    while (arrived < writers) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // let them reach the queue
    release = true;
    leader.join();
    for (auto& t : threads) t.join();
    return before;
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

// Writers that queue behind a running transaction are committed together, each in its
// own savepoint: one that throws or declines rolls back alone, the others commit, and each
// caller's hooks run once, on its own thread, after the shared commit.
TEST_F(SqliteTest, QueuedWritersCommitTogetherAndFailAlone) {
  constexpr int kWriters = 24;
  std::atomic<int> hooks_on_own_thread{0}, hooks_elsewhere{0};
  std::vector<int> outcome(kWriters, -1);  // 1 committed, 0 declined, 2 threw
  const std::uint64_t before = QueueBehindALeader(kWriters, [&](int i) {
    const auto me = std::this_thread::get_id();
    try {
      db_->WriteTx([&](Tx& tx) {
        tx.Exec("INSERT INTO t (name, n) VALUES (?, ?)", {Text("w" + std::to_string(i)), Int(i)});
        tx.AfterCommit([&, me] { (std::this_thread::get_id() == me ? hooks_on_own_thread : hooks_elsewhere)++; });
        if (i % 6 == 1) tx.Exec("INSERT INTO t (name, n) VALUES ('leader', 1)");  // unique violation: throws
        return i % 6 != 2;                                                        // declines
      });
      outcome[i] = i % 6 == 2 ? 0 : 1;
    } catch (const StoreError&) {
      outcome[i] = 2;
    }
  });

  int committed = 0;
  for (int i = 0; i < kWriters; ++i) {
    const int expected = i % 6 == 1 ? 2 : i % 6 == 2 ? 0 : 1;
    EXPECT_EQ(outcome[i], expected) << "writer " << i;
    committed += expected == 1;
  }
  auto names = db_->Read([](Tx& tx) { return tx.Query("SELECT name FROM t WHERE name LIKE 'w%' ORDER BY n"); });
  ASSERT_EQ(static_cast<int>(names.size()), committed);
  for (const Row& r : names) {
    const int i = std::stoi(r.Text(0).substr(1));
    EXPECT_EQ(i % 6 != 1 && i % 6 != 2, true) << r.Text(0) << " should have rolled back";
  }
  EXPECT_EQ(hooks_on_own_thread.load(), committed);
  EXPECT_EQ(hooks_elsewhere.load(), 0);
  // The leader's commit, then the queued writers' shared ones: fewer than one per caller.
  EXPECT_LT(WriteGeneration() - before, static_cast<std::uint64_t>(committed));
}

// When a caller ends the shared transaction itself (as SQLite does on some errors), the
// others' work is not lost: each runs again in a transaction of its own.
TEST_F(SqliteTest, AFailedGroupCommitRunsEachCallerAlone) {
  constexpr int kWriters = 12;
  std::atomic<int> runs_of_good{0};
  std::atomic<int> failed{0};
  QueueBehindALeader(kWriters, [&](int i) {
    try {
      db_->Write([&](Tx& tx) {
        if (i == kWriters / 2) {
          tx.Exec("ROLLBACK");  // ends the whole transaction
          throw std::runtime_error("gave up");
        }
        runs_of_good.fetch_add(1);
        tx.Exec("INSERT INTO t (name, n) VALUES (?, ?)", {Text("g" + std::to_string(i)), Int(i)});
      });
    } catch (const std::runtime_error&) {
      failed.fetch_add(1);
    }
  });
  EXPECT_EQ(failed.load(), 1);
  EXPECT_EQ(db_->Read([](Tx& tx) { return tx.QueryOne("SELECT count(*) FROM t WHERE name LIKE 'g%'")->Int(0); }),
            kWriters - 1);
  EXPECT_EQ(db_->Read([](Tx& tx) { return tx.QueryOne("SELECT count(*) FROM t WHERE name = 'leader'")->Int(0); }), 1);
  EXPECT_GE(runs_of_good.load(), kWriters - 1);
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

// Checkpoints run beside the writer, and the WAL still starts over: under steady writes it
// never grows past a few thousand pages (when only the checkpoint thread copied, it grew
// with every commit: to over 10,000 pages here), and every row is there.
TEST_F(SqliteTest, TheWalStaysSmallUnderSteadyWrites) {
  const std::filesystem::path wal = dir_ / "sub" / "t.db-wal";
  const std::string payload(4000, 'x');
  std::uintmax_t largest = 0;
  for (int i = 0; i < 3000; ++i) {
    db_->Write([&](Tx& tx) {
      tx.Exec("INSERT INTO t (name, n) VALUES (?, ?)", {Text(payload + std::to_string(i)), Int(i)});
    });
    if (i % 100 == 0) db_->Read([](Tx& tx) { tx.Query("SELECT COUNT(*) FROM t"); });
    std::error_code ec;
    largest = std::max(largest, std::filesystem::file_size(wal, ec));
  }
  EXPECT_GT(largest, 0u);
  EXPECT_LT(largest, std::uintmax_t{4000} * 4096) << "the WAL grew to " << largest << " bytes";
  EXPECT_EQ(db_->Read([](Tx& tx) { return tx.QueryOne("SELECT COUNT(*) FROM t")->Int(0); }), 3000);
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

TEST_F(SqliteTest, AMigrationBelowTheNewestRecordedIsStillApplied) {
  const Migration one{1, "one", "CREATE TABLE m1 (x INTEGER)", "CREATE TABLE m1 (x BIGINT)"};
  const Migration two{2, "two", "CREATE TABLE m2 (x INTEGER)", "CREATE TABLE m2 (x BIGINT)"};
  const Migration three{3, "three", "CREATE TABLE m3 (x INTEGER)", "CREATE TABLE m3 (x BIGINT)"};
  // A release that knew 1 and 3, then one that also knows 2.
  EXPECT_EQ(Migrate(*db_, {one, three}), 2);
  EXPECT_EQ(SchemaVersion(*db_), 3);
  EXPECT_EQ(Migrate(*db_, {one, two, three}), 1);
  EXPECT_EQ(Migrate(*db_, {one, two, three}), 0);
  db_->Read([](Tx& tx) {
    EXPECT_TRUE(tx.QueryOne("SELECT 1 FROM schema_migrations WHERE version = 2").has_value());
    EXPECT_TRUE(tx.QueryOne("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'm2'").has_value());
    return 0;
  });
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
