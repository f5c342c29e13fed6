// kairos_scale_fixture: grows a Kairos SQLite database (its server stopped) to the scale
// benchmark's size (docs/performance.md): more calendars, and bookings spread over two
// years (2030-07-01 .. 2032-06-30), written through the project's own code.
//
// Accounts go through service::Accounts and service::Consultants (as a sign-up and
// POST /consultant/ make them) and calendars through booking::PersonalCalendar; every
// booking through booking::Book without the engine check (check = false, as a face that
// re-writes bookings it holds), in write transactions of thousands of rows. Face 004's
// one-off windows and face 002's meeting rows are inserted with the columns
// Consultants::AddAvailability and Meetings::Create write (those services run one
// transaction per row, too slow for a million). No two active bookings of a calendar
// overlap: times are handed out from each calendar's own map of taken hours.
//
// What it adds:
//  - to every face 004 consultant already in the database and every account that signs
//    in (face 002's users), --per-existing bookings (face 004: one-hour windows, each
//    reserved; face 002: meetings with a new account), only on dates the side-by-side
//    workloads neither read nor write (2030-08-01 .. 2030-12-31 and 2032-03-01 ..
//    2032-06-30);
//  - --calendars new calendars in all, the existing accounts' first ones included: a
//    tenth are face 004 consultants (in four time zones) with windows and reservations
//    on any date but those of March 2031 (what the views across consultants read), the
//    rest face 002 accounts with meetings among themselves over the two years;
//  - exactly --bookings bookings: 15% of what the existing calendars leave go to the new
//    consultants, the rest to meetings (two bookings each, about 5% cancelled).
// It prints its progress and, at the end, the database's counts.
#include <CLI/CLI.hpp>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <unordered_map>
#include <vector>

#include "kairos/auth/crypto.hpp"
#include "kairos/auth/password_hasher.hpp"
#include "kairos/booking/booking.hpp"
#include "kairos/booking/calendars.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/service/consultants.hpp"
#include "kairos/store/migrations.hpp"
#include "kairos/store/sqlite/sqlite_database.hpp"

namespace {

using namespace kairos;
using std::chrono::hours;
using store::Int;
using store::Text;

// The two years the bookings lie in, counted in hours from its start.
const Date kFirstDay = date::year{2030} / 7 / 1;
constexpr int kDays = 730;
constexpr int kHours = kDays * 24;
const std::array<const char*, 4> kConsultantZones = {"UTC", "Europe/Berlin", "America/New_York", "Asia/Tokyo"};
constexpr int kClients = 100;           // face 004 users who make the reservations
constexpr int kRowsPerTransaction = 5000;

Date DayAt(int day) { return Date{date::sys_days{kFirstDay} + date::days{day}}; }
Instant HourAt(int hour) { return Instant{date::sys_days{kFirstDay}} + hours{hour}; }

// Dates of the existing calendars' bookings: none the side-by-side workloads touch
// (2030-06-01 .. 2030-07-20 meetings, 2030-07-15's hours, 2031 blocked days, March 2031
// windows, the reservation windows from 2032-01-01, writes from 2034 on).
bool ForExisting(Date d) {
  return (d >= date::year{2030} / 8 / 1 && d <= date::year{2030} / 12 / 31) ||
         (d >= date::year{2032} / 3 / 1 && d <= date::year{2032} / 6 / 30);
}
// Dates of the new consultants' windows: any but March 2031's.
bool ForNewConsultants(Date d) { return !(d.year() == date::year{2031} && d.month() == date::March); }

// Which hours of the two years a calendar already holds.
class TakenHours {
 public:
  bool Taken(std::int64_t calendar, int hour) const {
    auto it = bits_.find(calendar);
    return it != bits_.end() && it->second[hour / 64] >> (hour % 64) & 1;
  }
  void Take(std::int64_t calendar, int hour) {
    auto& b = bits_[calendar];
    if (b.empty()) b.assign(kHours / 64 + 1, 0);
    b[hour / 64] |= std::uint64_t{1} << (hour % 64);
  }

 private:
  std::unordered_map<std::int64_t, std::vector<std::uint64_t>> bits_;
};

struct Consultant {
  std::int64_t calendar_id = 0;
  Zone zone = nullptr;
};

struct Options {
  std::string db;
  int calendars = 10000;
  long bookings = 1000000;
  int per_existing = 2000;
  unsigned seed = 22;
};

class Generator {
 public:
  explicit Generator(const Options& o)
      : o_(o),
        db_(store::OpenSqlite(o.db)),
        hasher_(auth::HashParams{1, 8192}, 1),  // libsodium's least: these passwords are never typed
        accounts_(*db_, hasher_, service::AccountsOptions{}),
        consultants_(*db_, accounts_),
        random_(o.seed),
        now_(booking::ClockNow()) {
    store::Migrate(*db_);
    // A page cache that holds the indexes being grown (the server keeps SQLite's default):
    // random uuids and calendars otherwise send most inserts to the disk.
    db_->Write([](store::Tx& tx) { tx.ExecScript("PRAGMA cache_size = -524288"); });
  }

  int Run() {
    const std::int64_t calendars_before = Count("SELECT count(*) FROM calendars");
    const std::int64_t bookings_before = Count("SELECT count(*) FROM bookings");
    std::printf("before: %lld calendars, %lld bookings\n", static_cast<long long>(calendars_before),
                static_cast<long long>(bookings_before));

    LoadExisting();
    CreateClients();
    const long existing_bookings = static_cast<long>(existing_consultants_.size()) * o_.per_existing +
                                   2L * static_cast<long>(existing_users_.size()) * o_.per_existing;
    const int new_consultants = o_.calendars / 10;
    const int new_users = o_.calendars - new_consultants - existing_without_calendar_;
    if (new_users < 2 || existing_bookings > o_.bookings) {
      std::fprintf(stderr, "too small: %d calendars and %ld bookings cannot hold what the %zu existing calendars get\n",
                   o_.calendars, o_.bookings, existing_consultants_.size() + existing_users_.size());
      return 2;
    }
    long rest = o_.bookings - existing_bookings;
    long for_consultants = rest * 15 / 100;
    if ((rest - for_consultants) % 2) ++for_consultants;  // meetings book two at a time
    const long meetings = (rest - for_consultants) / 2;

    CreateConsultants(new_consultants);
    CreateUsers(new_users);
    std::printf("calendars: %lld added\n", static_cast<long long>(Count("SELECT count(*) FROM calendars") - calendars_before));

    ReserveForExistingConsultants();
    MeetingsForExistingUsers();
    ReserveForNewConsultants(for_consultants);
    MeetingsAmongNewUsers(meetings);
    Flush();

    const std::int64_t calendars_after = Count("SELECT count(*) FROM calendars");
    const std::int64_t bookings_after = Count("SELECT count(*) FROM bookings");
    const std::int64_t overlapping = Count(
        "SELECT count(*) FROM (SELECT start_at, lag(end_at) OVER (PARTITION BY calendar_id ORDER BY start_at, id) "
        "AS previous_end FROM bookings WHERE status IN ('pending', 'confirmed', 'active')) WHERE previous_end > start_at");
    std::printf("added calendars %lld\n", static_cast<long long>(calendars_after - calendars_before));
    std::printf("added bookings %lld\n", static_cast<long long>(bookings_after - bookings_before));
    std::printf("total calendars %lld\n", static_cast<long long>(calendars_after));
    std::printf("total bookings %lld\n", static_cast<long long>(bookings_after));
    std::printf("total availability_windows %lld\n",
                static_cast<long long>(Count("SELECT count(*) FROM availability_windows")));
    std::printf("total meetings %lld\n", static_cast<long long>(Count("SELECT count(*) FROM meetings")));
    std::printf("total accounts %lld\n", static_cast<long long>(Count("SELECT count(*) FROM accounts")));
    std::printf("overlapping active bookings %lld\n", static_cast<long long>(overlapping));
    std::printf("done in %.0f s\n", Elapsed());
    std::fflush(stdout);
    db_->Close();
    if (calendars_after - calendars_before != o_.calendars || bookings_after - bookings_before != o_.bookings ||
        overlapping != 0) {
      std::fprintf(stderr, "the database does not hold what was asked\n");
      return 1;
    }
    return 0;
  }

 private:
  double Elapsed() const { return std::chrono::duration<double>(std::chrono::steady_clock::now() - started_).count(); }

  std::int64_t Count(const std::string& sql) {
    return db_->Read([&](store::Tx& tx) { return tx.QueryOne(sql)->Int(0); });
  }

  // The face 004 consultants and the accounts that sign in (face 002's users) already
  // there, and the hours their bookings already hold.
  void LoadExisting() {
    db_->Write([&](store::Tx& tx) {
      for (const auto& row : tx.Query(
               "SELECT c.id, c.timezone FROM face004_consultants f JOIN calendars c ON c.owner_account_id = "
               "f.account_id AND c.kind = 'personal' ORDER BY f.consultant_no")) {
        existing_consultants_.push_back({row.Int(0), booking::ZoneOrUtc(row.Text(1))});
      }
      for (const auto& row :
           tx.Query("SELECT a.id, c.id FROM accounts a LEFT JOIN calendars c ON c.owner_account_id = a.id AND "
                    "c.kind = 'personal' WHERE a.password_hash IS NOT NULL AND a.is_active = 1 ORDER BY a.id")) {
        // Its first booking would create its calendar; so does this.
        if (row.IsNull(1)) ++existing_without_calendar_;
        existing_users_.push_back({row.Int(0), booking::PersonalCalendar(tx, row.Int(0), now_).id});
      }
      const Interval span{HourAt(0), HourAt(kHours)};
      for (const auto& row : tx.Query(
               "SELECT calendar_id, start_at, end_at FROM bookings WHERE status IN ('pending', 'confirmed', 'active') "
               "AND end_at > ? AND start_at < ?",
               {Int(booking::ToStored(span.start)), Int(booking::ToStored(span.end))})) {
        for (std::int64_t t = row.Int(1); t < row.Int(2); t += 3600) {
          const auto hour = (t - booking::ToStored(span.start)) / 3600;
          if (hour >= 0 && hour < kHours) taken_.Take(row.Int(0), static_cast<int>(hour));
        }
      }
    });
    std::printf("existing: %zu face 004 consultants, %zu face 002 accounts (%d without a calendar yet)\n",
                existing_consultants_.size(), existing_users_.size(), existing_without_calendar_);
  }

  void CreateClients() {
    for (int k = 0; k < kClients; ++k) {
      auto user = consultants_.CreateUser({"scale", "client " + std::to_string(k), "UTC"});
      if (!user.ok()) throw std::runtime_error("face 004 user: " + user.error().message);
      clients_.push_back(user->account.id);
    }
  }

  void CreateConsultants(int n) {
    for (int k = 0; k < n; ++k) {
      const char* zone = kConsultantZones[k % kConsultantZones.size()];
      auto c = consultants_.CreateConsultant({"scale", "consultant " + std::to_string(k), zone}, now_);
      if (!c.ok()) throw std::runtime_error("face 004 consultant: " + c.error().message);
      const auto calendar = db_->Read([&](store::Tx& tx) { return booking::FindPersonalCalendar(tx, c->account.id); });
      new_consultants_.push_back({calendar->id, booking::ZoneOrUtc(zone)});
      if ((k + 1) % 200 == 0 || k + 1 == n) {
        std::printf("  consultants %d/%d (%.0f s)\n", k + 1, n, Elapsed());
        std::fflush(stdout);
      }
    }
  }

  void CreateUsers(int n) {
    static const std::array<const char*, 4> zones = {"UTC", "Europe/London", "America/Chicago", "Asia/Kolkata"};
    std::vector<std::int64_t> accounts;
    for (int k = 0; k < n; ++k) {
      const std::string name = "scale-user-" + std::to_string(k);
      auto a = accounts_.Create({.username = name, .email = name + "@scale.test", .password = "Scale@12345",
                                 .first_name = "scale", .last_name = std::to_string(k), .timezone = zones[k % 4]});
      if (!a.ok()) throw std::runtime_error("account " + name + ": " + a.error().message);
      accounts.push_back(a->id);
      if (accounts.size() == 1000 || k + 1 == n) {
        db_->Write([&](store::Tx& tx) {
          for (std::int64_t id : accounts) new_users_.push_back({id, booking::PersonalCalendar(tx, id, now_).id});
        });
        accounts.clear();
        std::printf("  face 002 accounts %d/%d (%.0f s)\n", k + 1, n, Elapsed());
        std::fflush(stdout);
      }
    }
  }

  // A one-off window of one hour, local `hour` on `day`, reserved by a client.
  void Reserve(const Consultant& c, Date day, int hour) {
    const Interval w{ToUtc(MakeLocal(day, hours{hour}), c.zone), ToUtc(MakeLocal(day, hours{hour + 1}), c.zone)};
    Add([=, this](store::Tx& tx) {
      const std::int64_t window = tx.QueryOne(
          "INSERT INTO availability_windows (uuid, calendar_id, start_at, end_at, local_date, local_start, local_end, "
          "capacity, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
          {Text(auth::NewUuid()), Int(c.calendar_id), Int(booking::ToStored(w.start)), Int(booking::ToStored(w.end)),
           Text(FormatDate(day)), Text(FormatTimeOfDay(hours{hour})), Text(FormatTimeOfDay(hours{hour + 1})),
           Int(booking::ToStored(now_)), Int(booking::ToStored(now_))})->Int(0);
      booking::NewBooking b;
      b.calendar_id = c.calendar_id;
      b.face = "consultant";
      b.interval = w;
      b.status = BookingStatus::kConfirmed;
      b.client_account_id = clients_[random_() % clients_.size()];
      b.window_id = window;
      Book({b});
    });
  }

  // An hour-long meeting of `organiser` with `guest` (account, calendar pairs) at `hour`.
  void Meet(std::pair<std::int64_t, std::int64_t> organiser, std::pair<std::int64_t, std::int64_t> guest, int hour,
            bool cancelled) {
    taken_.Take(organiser.second, hour);
    taken_.Take(guest.second, hour);
    const Interval when{HourAt(hour), HourAt(hour + 1)};
    const std::string status = cancelled ? "cancelled" : "active";
    Add([=, this](store::Tx& tx) {
      const std::int64_t meeting = tx.QueryOne(
          "INSERT INTO meetings (uuid, organiser_account_id, title, description, start_at, end_at, status, created_at, "
          "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
          {Text(auth::NewUuid()), Int(organiser.first), Text("scale " + std::to_string(hour)), Text("generated"),
           Int(booking::ToStored(when.start)), Int(booking::ToStored(when.end)), Text(status),
           Int(booking::ToStored(now_)), Int(booking::ToStored(now_))})->Int(0);
      std::vector<booking::NewBooking> both;
      for (auto calendar : {guest.second, organiser.second}) {  // as Meetings: the organiser last
        booking::NewBooking b;
        b.calendar_id = calendar;
        b.face = "meeting";
        b.interval = when;
        b.status = cancelled ? BookingStatus::kCancelled : BookingStatus::kActive;
        b.client_account_id = organiser.first;
        b.meeting_id = meeting;
        both.push_back(b);
      }
      Book(both);
    });
  }

  void Book(const std::vector<booking::NewBooking>& requests) {
    auto booked = booking::Book(*tx_, requests, booking::Policy{}, now_, false);
    if (!booked.ok()) throw std::runtime_error("booking refused: " + booked.refusal->error.message);
    written_ += static_cast<long>(requests.size());
  }

  // Queues one row's writer; every kRowsPerTransaction of them run in one transaction.
  void Add(std::function<void(store::Tx&)> f) {
    pending_.push_back(std::move(f));
    if (pending_.size() >= kRowsPerTransaction) Flush();
  }
  void Flush() {
    if (pending_.empty()) return;
    db_->Write([&](store::Tx& tx) {
      tx_ = &tx;
      for (auto& f : pending_) f(tx);
      tx_ = nullptr;
    });
    pending_.clear();
    if (written_ - reported_ >= 50000) {
      reported_ = written_;
      std::printf("  bookings %ld/%ld (%.0f s)\n", written_, o_.bookings, Elapsed());
      std::fflush(stdout);
    }
  }

  // A free hour of both calendars in [first, last) hours, drawn at random.
  std::optional<int> FreeHour(std::int64_t a, std::int64_t b, int first, int last, bool existing_dates) {
    for (int attempt = 0; attempt < 1000; ++attempt) {
      const int hour = first + static_cast<int>(random_() % static_cast<unsigned>(last - first));
      if (existing_dates && !ForExisting(DayAt(hour / 24))) continue;
      if (!taken_.Taken(a, hour) && !taken_.Taken(b, hour)) return hour;
    }
    return std::nullopt;
  }

  void ReserveForExistingConsultants() {
    std::vector<int> days;
    for (int d = 0; d < kDays; ++d) {
      if (ForExisting(DayAt(d))) days.push_back(d);
    }
    if (o_.per_existing > static_cast<int>(days.size()) * 10) throw std::runtime_error("--per-existing is too large");
    for (const Consultant& c : existing_consultants_) {
      for (int w = 0; w < o_.per_existing; ++w) {
        Reserve(c, DayAt(days[w % days.size()]), 8 + static_cast<int>(w / days.size()));
      }
    }
  }

  void MeetingsForExistingUsers() {
    for (const auto& user : existing_users_) {
      for (int k = 0; k < o_.per_existing; ++k) {
        const auto& guest = new_users_[random_() % new_users_.size()];
        auto hour = FreeHour(user.second, guest.second, 0, kHours, true);
        if (!hour) throw std::runtime_error("no free hour left for an existing account");
        Meet(user, guest, *hour, false);
      }
    }
  }

  void ReserveForNewConsultants(long n) {
    // Each consultant's windows on distinct (day, hour) pairs, 08:00 .. 18:00 local.
    std::vector<std::vector<std::uint64_t>> used(new_consultants_.size(), std::vector<std::uint64_t>(kDays * 10 / 64 + 1));
    for (long k = 0; k < n; ++k) {
      const std::size_t i = static_cast<std::size_t>(k) % new_consultants_.size();
      for (;;) {
        const int slot = static_cast<int>(random_() % (kDays * 10));
        if (used[i][slot / 64] >> (slot % 64) & 1) continue;
        if (!ForNewConsultants(DayAt(slot / 10))) continue;
        used[i][slot / 64] |= std::uint64_t{1} << (slot % 64);
        Reserve(new_consultants_[i], DayAt(slot / 10), 8 + slot % 10);
        break;
      }
    }
  }

  void MeetingsAmongNewUsers(long n) {
    for (long k = 0; k < n; ++k) {
      for (;;) {
        const auto& a = new_users_[random_() % new_users_.size()];
        const auto& b = new_users_[random_() % new_users_.size()];
        if (a.first == b.first) continue;
        auto hour = FreeHour(a.second, b.second, 0, kHours, false);
        if (!hour) continue;
        Meet(a, b, *hour, random_() % 20 == 0);
        break;
      }
    }
  }

  Options o_;
  std::chrono::steady_clock::time_point started_ = std::chrono::steady_clock::now();
  std::unique_ptr<store::Database> db_;
  auth::PasswordHasher hasher_;
  service::Accounts accounts_;
  service::Consultants consultants_;
  std::mt19937_64 random_;
  Instant now_;
  store::Tx* tx_ = nullptr;
  std::vector<std::function<void(store::Tx&)>> pending_;
  long written_ = 0;
  long reported_ = 0;
  TakenHours taken_;
  std::vector<Consultant> existing_consultants_;
  std::vector<std::pair<std::int64_t, std::int64_t>> existing_users_;  // account, calendar
  int existing_without_calendar_ = 0;
  std::vector<std::int64_t> clients_;
  std::vector<Consultant> new_consultants_;
  std::vector<std::pair<std::int64_t, std::int64_t>> new_users_;  // account, calendar
};

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Grows a Kairos SQLite database (server stopped) to the scale benchmark's size"};
  Options o;
  app.add_option("--db", o.db, "The SQLite database file the server made")->required();
  app.add_option("--calendars", o.calendars, "Calendars to add in all")->check(CLI::Range(10, 1000000));
  app.add_option("--bookings", o.bookings, "Bookings to add in all")->check(CLI::Range(0L, 100000000L));
  app.add_option("--per-existing", o.per_existing, "Bookings for each existing consultant and face 002 account")
      ->check(CLI::Range(0, 2750));
  app.add_option("--seed", o.seed, "Seed of the pseudo-random choices");
  CLI11_PARSE(app, argc, argv);
  if (!std::filesystem::exists(o.db)) {
    std::fprintf(stderr, "no database at %s: start the server on it once first\n", o.db.c_str());
    return 2;
  }
  try {
    Generator generator(o);
    return generator.Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "kairos_scale_fixture: %s\n", e.what());
    return 1;
  }
}
