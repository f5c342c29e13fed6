#include "kairos/service/consultants.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <set>
#include <tuple>

#include "kairos/auth/crypto.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace kairos::service {
namespace {

using namespace std::chrono_literals;

Date D(std::string_view s) { return *ParseDate(s); }
TimeOfDay H(int hours, int minutes = 0) { return std::chrono::hours(hours) + std::chrono::minutes(minutes); }

class ConsultantsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("kairos-consultants-" + auth::NewUuid());
    db_ = store::OpenSqlite((dir_ / "k.db").string());
    store::Migrate(*db_);
    accounts_ = std::make_unique<Accounts>(*db_, hasher_, AccountsOptions{});
    consultants_ = std::make_unique<Consultants>(*db_, *accounts_);
  }
  void TearDown() override {
    consultants_.reset();
    accounts_.reset();
    db_->Close();
    std::filesystem::remove_all(dir_);
  }

  std::int64_t Consultant(const std::string& tz = "UTC") {
    auto a = consultants_->CreateConsultant({"Ada", "Lovelace", tz}, now_);
    EXPECT_TRUE(a.ok()) << a.error().message;
    return a->no;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_{{1, 8192}, 2};
  std::unique_ptr<Accounts> accounts_;
  std::unique_ptr<Consultants> consultants_;
  Instant now_ = *ParseInstant("2030-01-01T00:00:00Z");
};

TEST_F(ConsultantsTest, AccountsWithoutLoginGetNumberedUniqueNames) {
  // Someone signed up elsewhere (as a client: user 1) with the name the first consultant gets.
  auto squatter = accounts_->Create({.username = "consultant-1", .email = "s@example.com", .password = "password1"});
  ASSERT_TRUE(squatter.ok());
  auto c = consultants_->CreateConsultant({"Ada", "Lovelace", "Europe/London"}, now_);
  ASSERT_TRUE(c.ok()) << c.error().message;
  EXPECT_EQ(c->no, 1);
  EXPECT_EQ(c->account.id, 2);
  EXPECT_EQ(c->account.username.rfind("consultant-1-", 0), 0u) << c->account.username;
  EXPECT_EQ(c->account.role, auth::Role::kCoach);
  EXPECT_EQ(accounts_->FindById(2)->username, c->account.username);
  auto u = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(u.ok());
  EXPECT_EQ(u->no, 2);
  EXPECT_EQ(u->account.username, "user-2");
  EXPECT_EQ(u->account.role, auth::Role::kClient);
  EXPECT_EQ(consultants_->FindUser(1)->account.id, squatter->id);
  EXPECT_EQ(consultants_->FindConsultant(1)->account.id, 2);
  EXPECT_EQ(ConsultantNumberOf(*db_, 2), 1);
  EXPECT_EQ(ConsultantNumberOf(*db_, u->account.id), std::nullopt);
  EXPECT_FALSE(accounts_->Login(u->account.username, "", "127.0.0.1").ok());
  EXPECT_EQ(consultants_->FindConsultant(2).error().code, ErrorCode::kNotFound);
  EXPECT_EQ(consultants_->FindUser(3).error().code, ErrorCode::kNotFound);
  EXPECT_FALSE(consultants_->CreateUser({"", "Hopper", "UTC"}).ok());
  EXPECT_FALSE(consultants_->CreateUser({"Grace", "Hopper", "Nowhere/City"}).ok());
  EXPECT_EQ(accounts_->CreateWithoutLogin("admin", {.role = auth::Role::kAdmin}).error().code,
            ErrorCode::kInvalidArgument);
}

TEST_F(ConsultantsTest, FreeTimeSplitsWindowsAroundReservations) {
  std::int64_t id = Consultant("America/New_York");
  auto user = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(user.ok());
  // Anyone may change or reserve a consultant and user made through the face.
  auto consultant = consultants_->MayChange(id, std::nullopt);
  ASSERT_TRUE(consultant.ok());
  auto parties = consultants_->MayReserve(id, user->no, std::nullopt);
  ASSERT_TRUE(parties.ok());
  auto window = consultants_->AddAvailability(*consultant, D("2030-03-05"), H(9), H(12), now_);
  ASSERT_TRUE(window.ok()) << window.error().message;
  auto weekly = consultants_->AddRecurring(*consultant, 1, H(14), H(15), true, now_);  // Tuesdays
  ASSERT_TRUE(weekly.ok()) << weekly.error().message;

  auto booked = consultants_->Reserve(*parties, {D("2030-03-05"), H(10), H(10, 30)}, now_);
  ASSERT_TRUE(booked.ok()) << booked.error().message;
  EXPECT_EQ(booked->availability_id, window->id);

  auto slots = consultants_->FreeTime(id, D("2030-03-05"), D("2030-03-05"), now_);
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 3u);
  EXPECT_EQ((*slots)[0].end, H(10));
  EXPECT_EQ((*slots)[1].start, H(10, 30));
  EXPECT_EQ((*slots)[1].source_id, window->id);
  EXPECT_TRUE((*slots)[2].recurring);
  EXPECT_EQ((*slots)[2].source_id, weekly->id);

  EXPECT_FALSE(consultants_->Reserve(*parties, {D("2030-03-05"), H(10), H(10, 30)}, now_).ok());
  EXPECT_EQ(consultants_->DeleteAvailability(*consultant, window->id).error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(consultants_->FreeTime(id, D("2030-01-01"), D("2030-04-03"), now_).error().field, "end_date");
  EXPECT_TRUE(consultants_->FreeTime(id, D("2030-01-01"), D("2030-04-02"), now_).ok());
}

TEST_F(ConsultantsTest, ViewsStartFromNow) {
  std::int64_t id = Consultant();
  ASSERT_TRUE(consultants_->AddAvailability(*consultants_->FindConsultant(id), D("2030-01-02"), H(9), H(11), now_).ok());
  auto slots = consultants_->FreeTime(id, D("2030-01-02"), D("2030-01-02"), *ParseInstant("2030-01-02T10:00:00Z"));
  ASSERT_TRUE(slots.ok());
  ASSERT_EQ(slots->size(), 1u);
  EXPECT_EQ((*slots)[0].start, H(10));
  EXPECT_EQ((*slots)[0].end, H(11));
}

std::string Show(const FreeSlot& s) {
  return std::to_string(s.consultant_id) + " " + s.timezone + " " + FormatDate(s.date) + " " +
         FormatTimeOfDay(s.start) + "-" + FormatTimeOfDay(s.end) + (s.recurring ? " weekly " : " one-off ") +
         std::to_string(s.source_id);
}

std::vector<std::string> Shown(const std::vector<FreeSlot>& slots) {
  std::vector<std::string> out;
  for (const FreeSlot& s : slots) out.push_back(Show(s));
  return out;
}

// The views across every consultant read only the consultants with windows in the asked
// dates, all at once; they answer exactly what asking each consultant in turn answers
// (merged in consultant order, then ordered by date, start and consultant), for zones
// from UTC-11 to UTC+14, weekly windows with validity dates, bookings and DST changes.
TEST_F(ConsultantsTest, EveryConsultantsViewIsEachConsultantsOwnMerged) {
  auto user = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(user.ok());
  auto person = [&](std::int64_t no) { return *consultants_->FindConsultant(no); };
  auto one_off = [&](std::int64_t no, const char* date, TimeOfDay from, TimeOfDay to) {
    auto w = consultants_->AddAvailability(person(no), D(date), from, to, now_);
    EXPECT_TRUE(w.ok()) << w.error().message;
    return w.ok() ? w->id : 0;
  };
  auto weekly = [&](std::int64_t no, int day, TimeOfDay from, TimeOfDay to, bool active = true) {
    auto r = consultants_->AddRecurring(person(no), day, from, to, active, now_);
    EXPECT_TRUE(r.ok()) << r.error().message;
    return r.ok() ? r->id : 0;
  };
  auto reserve = [&](std::int64_t no, const char* date, TimeOfDay from, TimeOfDay to) {
    auto parties = consultants_->MayReserve(no, user->no, std::nullopt);
    ASSERT_TRUE(parties.ok());
    auto r = consultants_->Reserve(*parties, {D(date), from, to}, now_);
    ASSERT_TRUE(r.ok()) << r.error().message;
  };

  const std::int64_t london = Consultant("Europe/London");
  const std::int64_t london_window = one_off(london, "2030-03-05", H(9), H(12));
  reserve(london, "2030-03-05", H(10), H(10, 30));
  const std::int64_t london_rule = weekly(london, 1, H(14), H(15));  // Tuesdays
  const std::int64_t new_york = Consultant("America/New_York");
  const std::int64_t new_york_rule = weekly(new_york, 6, H(0, 30), H(3, 30));  // Sundays, across both DST changes
  const std::int64_t new_york_window = one_off(new_york, "2030-03-10", H(5), H(6));
  one_off(new_york, "2030-11-03", H(4), H(5));
  reserve(new_york, "2030-03-10", H(1), H(1, 30));
  const std::int64_t tokyo = Consultant("Asia/Tokyo");
  const std::int64_t tokyo_window = one_off(tokyo, "2030-03-06", H(0), H(2));  // 5 March in UTC
  one_off(tokyo, "2030-08-01", H(9), H(10));
  const std::int64_t kiritimati = Consultant("Pacific/Kiritimati");  // UTC+14
  const std::int64_t kiritimati_window = one_off(kiritimati, "2030-03-05", H(0), H(1));
  const std::int64_t pago_pago = Consultant("Pacific/Pago_Pago");  // UTC-11
  const std::int64_t pago_pago_window = one_off(pago_pago, "2030-03-05", H(23), H(23, 59));
  const std::int64_t valid_march = Consultant();
  const std::int64_t march_rule = weekly(valid_march, 2, H(9), H(10));  // Wednesdays, in March only
  weekly(valid_march, 0, H(9), H(10), false);                            // inactive Mondays
  db_->Write([&](store::Tx& tx) {
    tx.Exec("UPDATE weekly_rules SET valid_from = '2030-03-01', valid_until = '2030-03-31' WHERE id = ?",
            {store::Int(march_rule)});
  });
  const std::int64_t nothing = Consultant("Europe/Paris");
  const std::int64_t next_year = Consultant();
  one_off(next_year, "2031-03-05", H(9), H(10));
  const std::int64_t inactive = Consultant();
  one_off(inactive, "2030-03-05", H(9), H(10));
  db_->Write([&](store::Tx& tx) {
    tx.Exec("UPDATE accounts SET is_active = 0 WHERE id = ?", {store::Int(person(inactive).account.id)});
  });
  const std::int64_t booked_up = Consultant();
  one_off(booked_up, "2030-03-05", H(8), H(9));
  reserve(booked_up, "2030-03-05", H(8), H(9));
  // Two one-off windows starting together (another writer's): the shared time is listed
  // under the first made, whichever query loaded them.
  const std::int64_t twin = Consultant("Europe/Berlin");
  const std::int64_t first_made = one_off(twin, "2030-03-07", H(9), H(10));
  db_->Write([&](store::Tx& tx) {
    tx.Exec("INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, "
            "local_end, capacity, created_at, updated_at) SELECT 'twin', calendar_id, start_at, end_at + 1800, "
            "local_date, local_start, '10:30:00', 1, created_at, updated_at FROM availability_windows WHERE id = ?",
            {store::Int(first_made)});
  });
  const std::int64_t last_no = twin;

  auto merged = [&](Date first, Date last) {
    std::vector<FreeSlot> out;
    for (std::int64_t no = 1; no <= last_no; ++no) {
      if (!consultants_->FindConsultant(no).ok()) continue;
      auto own = consultants_->FreeTime(no, first, last, now_);
      EXPECT_TRUE(own.ok());
      if (own.ok()) out.insert(out.end(), own->begin(), own->end());
    }
    std::sort(out.begin(), out.end(), [](const FreeSlot& a, const FreeSlot& b) {
      return std::tie(a.date, a.start, a.consultant_id) < std::tie(b.date, b.start, b.consultant_id);
    });
    return Shown(out);
  };
  auto every = [&](Date first, Date last) {
    auto all = consultants_->FreeTime(std::nullopt, first, last, now_);
    EXPECT_TRUE(all.ok());
    return all.ok() ? Shown(*all) : std::vector<std::string>{};
  };
  std::size_t listed = 0;
  auto check = [&](Date first, Date last) {
    auto expected = merged(first, last);
    EXPECT_EQ(every(first, last), expected) << FormatDate(first) << " to " << FormatDate(last);
    listed += expected.size();
  };
  for (date::sys_days day{D("2030-02-24")}; day <= date::sys_days{D("2030-03-14")}; day += date::days{1}) {
    for (int days : {1, 2, 7, 31}) check(Date{day}, Date{day + date::days{days - 1}});
  }
  for (date::sys_days day{D("2030-10-30")}; day <= date::sys_days{D("2030-11-05")}; day += date::days{1}) {
    check(Date{day}, Date{day});
  }
  check(D("2030-01-01"), D("2030-04-02"));
  check(D("2030-06-01"), D("2030-08-31"));
  check(D("2031-03-05"), D("2031-03-05"));
  EXPECT_GT(listed, 300u);

  // What one date lists, and whom it leaves out.
  auto day = consultants_->FreeTime(std::nullopt, D("2030-03-05"), D("2030-03-05"), now_);
  ASSERT_TRUE(day.ok());
  std::set<std::int64_t> who;
  for (const FreeSlot& s : *day) who.insert(s.consultant_id);
  EXPECT_EQ(who, (std::set<std::int64_t>{london, kiritimati, pago_pago}));
  auto at = [](std::int64_t no, const char* rest, std::int64_t source) {
    return std::to_string(no) + " " + rest + " " + std::to_string(source);
  };
  EXPECT_EQ(Shown(*day), (std::vector<std::string>{
                             at(kiritimati, "Pacific/Kiritimati 2030-03-05 00:00:00-01:00:00 one-off", kiritimati_window),
                             at(london, "Europe/London 2030-03-05 09:00:00-10:00:00 one-off", london_window),
                             at(london, "Europe/London 2030-03-05 10:30:00-12:00:00 one-off", london_window),
                             at(london, "Europe/London 2030-03-05 14:00:00-15:00:00 weekly", london_rule),
                             at(pago_pago, "Pacific/Pago_Pago 2030-03-05 23:00:00-23:59:00 one-off", pago_pago_window),
                         }));
  // Spring forward at 02:00: 00:30-03:30 holds two hours, 01:00-01:30 of them booked.
  auto sunday = consultants_->FreeTime(std::nullopt, D("2030-03-10"), D("2030-03-10"), now_);
  ASSERT_TRUE(sunday.ok());
  EXPECT_EQ(Shown(*sunday), (std::vector<std::string>{
                                at(new_york, "America/New_York 2030-03-10 00:30:00-01:00:00 weekly", new_york_rule),
                                at(new_york, "America/New_York 2030-03-10 01:30:00-03:30:00 weekly", new_york_rule),
                                at(new_york, "America/New_York 2030-03-10 05:00:00-06:00:00 one-off", new_york_window),
                            }));
  // The weekly window valid in March only: listed on 6 March, not on 27 February or 3 April.
  auto wednesday = consultants_->FreeTime(std::nullopt, D("2030-03-06"), D("2030-03-06"), now_);
  ASSERT_TRUE(wednesday.ok());
  EXPECT_EQ(Shown(*wednesday), (std::vector<std::string>{
                                   at(tokyo, "Asia/Tokyo 2030-03-06 00:00:00-02:00:00 one-off", tokyo_window),
                                   at(valid_march, "UTC 2030-03-06 09:00:00-10:00:00 weekly", march_rule),
                               }));
  EXPECT_TRUE(consultants_->FreeTime(std::nullopt, D("2030-02-27"), D("2030-02-27"), now_)->empty());
  EXPECT_TRUE(consultants_->FreeTime(std::nullopt, D("2030-04-03"), D("2030-04-03"), now_)->empty());
  auto thursday = consultants_->FreeTime(std::nullopt, D("2030-03-07"), D("2030-03-07"), now_);
  ASSERT_TRUE(thursday.ok());
  EXPECT_EQ(Shown(*thursday), (std::vector<std::string>{
                                  at(twin, "Europe/Berlin 2030-03-07 09:00:00-10:00:00 one-off", first_made),
                                  at(twin, "Europe/Berlin 2030-03-07 10:00:00-10:30:00 one-off", first_made + 1),
                              }));
  // Nobody with windows in March 2030 but those above.
  auto march = consultants_->FreeTime(std::nullopt, D("2030-03-01"), D("2030-03-31"), now_);
  ASSERT_TRUE(march.ok());
  who.clear();
  for (const FreeSlot& s : *march) who.insert(s.consultant_id);
  EXPECT_EQ(who, (std::set<std::int64_t>{london, new_york, tokyo, kiritimati, pago_pago, valid_march, twin}));
  EXPECT_EQ(who.count(nothing) + who.count(next_year) + who.count(inactive) + who.count(booked_up), 0u);
}

// A reservation names the one-off window it lies in: of several that hold it (another
// writer's), the one starting first, then the one made first; a window of the longest
// length (48 hours) is found from its last hour.
// The views across consultants read the windows of the asked dates in any zone, so the windows of the days just before and after are read too; the
// consultants who have time only on those days in their own zone must cost a lookup,
// not a snapshot laid over every asked day.
TEST_F(ConsultantsTest, AMonthsViewCostsLittleForConsultantsWithTimeOnlyAroundIt) {
  const std::int64_t in_march = Consultant("Europe/Paris");
  ASSERT_TRUE(consultants_->AddAvailability(*consultants_->FindConsultant(in_march), D("2031-03-10"), H(9), H(17), now_)
                  .ok());
  auto steps = [&] {
    std::uint64_t before = store::SqliteVmSteps();
    auto slots = consultants_->FreeTime(std::nullopt, D("2031-03-01"), D("2031-03-31"), now_);
    EXPECT_TRUE(slots.ok());
    EXPECT_EQ(slots->size(), 1u);
    return store::SqliteVmSteps() - before;
  };
  const std::uint64_t alone = steps();
  constexpr int kAround = 60;
  for (int i = 0; i < kAround; ++i) {
    // 28 February 20:00 in UTC+14 is 06:00 UTC that day, and 1 April 08:00 in UTC-11 is
    // 19:00 UTC: both within a day of the asked month, neither in it in its own zone.
    const bool east = i % 2 == 0;
    const std::int64_t no = Consultant(east ? "Pacific/Kiritimati" : "Pacific/Pago_Pago");
    auto w = consultants_->AddAvailability(*consultants_->FindConsultant(no), D(east ? "2031-02-28" : "2031-04-01"),
                                           east ? H(20) : H(8), east ? H(23) : H(10), now_);
    ASSERT_TRUE(w.ok()) << w.error().message;
  }
  const std::uint64_t around = steps();
  EXPECT_GT(alone, 0u);
  // Loading a snapshot of each of them cost about 140 steps apiece; a lookup costs about 20.
  EXPECT_LE(around, alone + kAround * 40) << "alone: " << alone << " steps, with " << kAround << " around: " << around;
}

TEST_F(ConsultantsTest, AReservationNamesTheEarliestWindowHoldingIt) {
  std::int64_t id = Consultant();
  auto consultant = consultants_->FindConsultant(id);
  auto user = consultants_->CreateUser({"Grace", "Hopper", "UTC"});
  ASSERT_TRUE(consultant.ok() && user.ok());
  auto parties = consultants_->MayReserve(id, user->no, std::nullopt);
  ASSERT_TRUE(parties.ok());
  auto later = consultants_->AddAvailability(*consultant, D("2030-03-05"), H(9), H(12), now_);
  ASSERT_TRUE(later.ok()) << later.error().message;
  const std::int64_t calendar = db_->Read([&](store::Tx& tx) {
    return tx.QueryOne("SELECT calendar_id FROM availability_windows WHERE id = ?", {store::Int(later->id)})->Int(0);
  });
  auto insert = [&](const char* start, const char* end) {
    return db_->Write([&](store::Tx& tx) {
      return tx.QueryOne("INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, "
                         "local_end, capacity, created_at, updated_at) VALUES (?, ?, ?, ?, '2030-03-01', '00:00:00', "
                         "'00:00:00', 1, 0, 0) RETURNING id",
                         {store::Text(auth::NewUuid()), store::Int(calendar),
                          store::Int(ParseInstant(start)->time_since_epoch().count()),
                          store::Int(ParseInstant(end)->time_since_epoch().count())})
          ->Int(0);
    });
  };
  insert("2030-01-10T00:00:00Z", "2030-01-11T00:00:00Z");  // long past the request
  const std::int64_t earliest = insert("2030-03-05T08:00:00Z", "2030-03-05T11:00:00Z");
  const std::int64_t same_start = insert("2030-03-05T08:00:00Z", "2030-03-05T10:30:00Z");
  auto r = consultants_->Reserve(*parties, {D("2030-03-05"), H(10), H(10, 30)}, now_);
  ASSERT_TRUE(r.ok()) << r.error().message;
  EXPECT_EQ(r->availability_id, earliest);
  EXPECT_GT(same_start, earliest);
  EXPECT_EQ(r->recurring_id, std::nullopt);

  const std::int64_t longest = insert("2030-04-01T00:00:00Z", "2030-04-03T00:00:00Z");
  auto last_hour = consultants_->Reserve(*parties, {D("2030-04-02"), H(23), H(24)}, now_);
  ASSERT_TRUE(last_hour.ok()) << last_hour.error().message;
  EXPECT_EQ(last_hour->availability_id, longest);
}

// Coaches and clients that existed before migration 8 are numbered in account-id order
// when it runs; accounts made afterwards continue the count, each role on its own.
TEST(ConsultantNumbers, ExistingAccountsAreNumberedInIdOrderByTheMigration) {
  auto dir = std::filesystem::temp_directory_path() / ("kairos-consultant-numbers-" + auth::NewUuid());
  auto db = store::OpenSqlite((dir / "k.db").string());
  store::SchemaVersion(*db);  // creates schema_migrations
  for (const auto& m : store::AllMigrations()) {
    if (m.version >= 8) continue;
    db->Write([&](store::Tx& tx) {
      tx.ExecScript(m.sqlite_sql);
      tx.Exec("INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)",
              {store::Int(m.version), store::Text(m.name)});
    });
  }
  db->Write([](store::Tx& tx) {
    for (const char* role : {"client", "coach", "admin", "coach", "client"}) {
      tx.Exec("INSERT INTO accounts (uuid, role, created_at, updated_at) VALUES (?, ?, 0, 0)",
              {store::Text(auth::NewUuid()), store::Text(role)});
    }
  });
  const auto& all = store::AllMigrations();
  EXPECT_EQ(store::Migrate(*db), std::count_if(all.begin(), all.end(), [](const auto& m) { return m.version >= 8; }));
  EXPECT_EQ(ConsultantNumberOf(*db, 2), 1);
  EXPECT_EQ(ConsultantNumberOf(*db, 4), 2);
  EXPECT_EQ(ConsultantNumberOf(*db, 3), std::nullopt) << "an admin is no consultant";

  auth::PasswordHasher hasher{{1, 8192}, 2};
  Accounts accounts(*db, hasher, AccountsOptions{});
  Consultants consultants(*db, accounts);
  EXPECT_EQ(consultants.FindUser(1)->account.id, 1);
  EXPECT_EQ(consultants.FindUser(2)->account.id, 5);
  EXPECT_EQ(consultants.FindConsultant(2)->account.id, 4);
  auto next = consultants.CreateConsultant({"Ada", "Lovelace", "UTC"}, *ParseInstant("2030-01-01T00:00:00Z"));
  ASSERT_TRUE(next.ok()) << next.error().message;
  EXPECT_EQ(next->no, 3);
  EXPECT_EQ(consultants.CreateUser({"Grace", "Hopper", "UTC"})->no, 3);
  // A client promoted to coach gets the next consultant number and keeps its user number.
  db->Write([](store::Tx& tx) { tx.Exec("UPDATE accounts SET role = 'coach' WHERE id = 5"); });
  EXPECT_EQ(ConsultantNumberOf(*db, 5), 4);
  EXPECT_EQ(consultants.FindUser(2).error().code, ErrorCode::kNotFound) << "no longer a client";
  db->Write([](store::Tx& tx) { tx.Exec("UPDATE accounts SET role = 'client' WHERE id = 5"); });
  EXPECT_EQ(consultants.FindUser(2)->account.id, 5);
  EXPECT_EQ(ConsultantNumberOf(*db, 5), std::nullopt);
  db->Close();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::service
