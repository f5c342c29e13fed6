#include "kairos/service/calendar_busy.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <functional>

#include "kairos/booking/calendars.hpp"
#include "kairos/core/busy_time.hpp"
#include "kairos/core/interval_set.hpp"
#include "kairos/service/calendar_sync_subscriptions.hpp"

namespace kairos::service {
namespace {

using booking::FromStored;
using booking::ToStored;
using store::Int;
using store::Null;
using store::Text;

std::atomic<std::uint64_t> g_ok{0};
std::atomic<std::uint64_t> g_failed{0};
// The refresh interval StaleBusySources measures against (the last CalendarBusy built).
std::atomic<std::int64_t> g_refresh_seconds{300};

// Graph pages followed at most (500 events each).
constexpr int kMaxGraphPages = 20;

std::string ProviderText(CalendarProvider p) { return std::string(CalendarProviderName(p)); }

// Errors as a source's state shows them: the message only (it never names a secret).
std::string Describe(const Error& e) { return e.message.empty() ? "failed" : e.message; }

}  // namespace

BusyRefreshCounts BusyRefreshCounters() { return {g_ok.load(), g_failed.load()}; }

struct CalendarBusy::Source {
  std::int64_t connection_id = 0;
  std::int64_t account_id = 0;
  CalendarProvider provider = CalendarProvider::kCaldav;
  std::string owner_zone = "UTC";
  std::string caldav_url;
  std::string caldav_username;
  std::optional<std::string> caldav_password_sealed;
  std::optional<std::string> subscription_url_sealed;
};

std::optional<CalendarBusy::Source> CalendarBusy::LoadSource(std::int64_t connection_id) {
  return db_.Read([&](store::Tx& tx) -> std::optional<Source> {
    auto row = tx.QueryOne(
        "SELECT k.id, k.account_id, k.provider, a.timezone, k.caldav_url, k.caldav_username, "
        "k.caldav_password_sealed, k.subscription_url_sealed FROM calendar_connections k JOIN accounts a ON a.id = "
        "k.account_id WHERE k.id = ?",
        {Int(connection_id)});
    if (!row) return std::nullopt;
    auto provider = ParseCalendarProvider(row->Text(2));
    if (!provider) return std::nullopt;
    Source s;
    s.connection_id = row->Int(0);
    s.account_id = row->Int(1);
    s.provider = *provider;
    s.owner_zone = row->Text(3);
    s.caldav_url = row->OptionalText(4).value_or("");
    s.caldav_username = row->OptionalText(5).value_or("");
    s.caldav_password_sealed = row->OptionalText(6);
    s.subscription_url_sealed = row->OptionalText(7);
    return s;
  });
}

BusySourceState CalendarBusy::FetchAndStore(const Source& source, Instant now) {
  const Zone owner = booking::ZoneOrUtc(source.owner_zone);
  const Interval range{now - std::chrono::hours{24}, now + options_.horizon};
  Result<BusyTime> read = Error{ErrorCode::kInvalidArgument, "busy time is not read from this kind of calendar", {}};
  if (source.provider == CalendarProvider::kGoogle || source.provider == CalendarProvider::kOutlook) {
    read = sync_ ? ReadProvider(source, range, now) : read;
  } else if (source.provider == CalendarProvider::kSubscription) {
    auto url = box_.Open(source.subscription_url_sealed.value_or(""));
    read = url ? FetchSubscriptionBusy(http_, *url, options_.allow_private, owner, range) : Result<BusyTime>(url.error());
  } else if (source.provider == CalendarProvider::kCaldav) {
    auto password = box_.Open(source.caldav_password_sealed.value_or(""));
    if (!password) {
      read = password.error();
    } else {
      auto response = http_.Fetch(CaldavBusyQueryRequest(source.caldav_url, source.caldav_username, *password, range),
                                  ProviderPeer(CalendarProvider::kCaldav));
      if (!response) {
        read = response.error();
      } else if (response->status != 207 && response->status != 200) {
        read = PeerError(CalendarProvider::kCaldav, response->status);
      } else if (auto pieces = CaldavCalendarData(response->body); !pieces) {
        read = pieces.error();
      } else {
        read = ReadIcalBusyTime(*pieces, owner, range);
      }
    }
  }
  BusySourceState state;
  state.connection_id = source.connection_id;
  state.provider = source.provider;
  db_.Write([&](store::Tx& tx) {
    if (read) {
      const auto& intervals = read->busy.intervals();
      tx.Exec("UPDATE calendar_busy SET intervals = ?, fetched_at = ?, attempted_at = ?, last_error = NULL, "
              "lease_until = 0 WHERE connection_id = ?",
              {Text(booking::FormatBusyIntervals(intervals)), Int(ToStored(now)), Int(ToStored(now)),
               Int(source.connection_id)});
    } else {
      // The last known busy time keeps counting.
      tx.Exec("UPDATE calendar_busy SET attempted_at = ?, last_error = ?, lease_until = 0 WHERE connection_id = ?",
              {Int(ToStored(now)), Text(Describe(read.error())), Int(source.connection_id)});
    }
    return 0;
  });
  if (read) {
    g_ok.fetch_add(1, std::memory_order_relaxed);
    spdlog::debug("busy time: connection {} ({}) read, {} interval(s) from {} event(s)", source.connection_id,
                  ProviderText(source.provider), read->busy.intervals().size(), read->events);
  } else {
    g_failed.fetch_add(1, std::memory_order_relaxed);
    spdlog::warn("busy time: connection {} ({}) of account {} failed: {}", source.connection_id,
                 ProviderText(source.provider), source.account_id, Describe(read.error()));
  }
  auto states = db_.Read([&](store::Tx& tx) {
    return tx.QueryOne("SELECT busy, fetched_at, attempted_at, last_error, intervals FROM calendar_busy b JOIN "
                       "calendar_connections k ON k.id = b.connection_id WHERE b.connection_id = ?",
                       {Int(source.connection_id)});
  });
  if (states) {
    state.busy = states->Int(0) != 0;
    if (auto t = states->OptionalInt(1)) state.fetched_at = FromStored(*t);
    if (auto t = states->OptionalInt(2)) state.attempted_at = FromStored(*t);
    state.last_error = states->OptionalText(3);
    state.intervals = booking::ParseBusyIntervals(states->Text(4)).size();
  }
  return state;
}

Result<BusyTime> CalendarBusy::ReadProvider(const Source& source, Interval range, Instant now) {
  const CalendarProvider p = source.provider;
  const OAuthEndpoints& endpoints = sync_->ProviderEndpoints(p);
  auto token = sync_->AccessToken(source.account_id, p, now);
  if (!token) return token.error();
  // A request, with one retry after refreshing a token the provider refused early.
  auto fetch = [&](const std::function<OutgoingRequest(const std::string&)>& make) -> Result<OutgoingResponse> {
    auto response = http_.Fetch(make(*token), ProviderPeer(p));
    if (!response || response->status != 401) return response;
    token = sync_->AccessToken(source.account_id, p, now, true);
    if (!token) return token.error();
    return http_.Fetch(make(*token), ProviderPeer(p));
  };
  BusyTime out;
  std::vector<Interval> busy;
  if (p == CalendarProvider::kGoogle) {
    auto response = fetch([&](const std::string& t) { return GoogleFreeBusyRequest(endpoints, t, range); });
    if (!response) return response.error();
    auto periods = ParseGoogleFreeBusy(*response);
    if (!periods) return periods.error();
    busy = std::move(*periods);
  } else {
    // Kairos's own events there are known by the ids Graph gave them when they were written.
    auto own = db_.Read([&](store::Tx& tx) {
      std::vector<std::string> ids;
      for (const auto& row : tx.Query("SELECT external_id FROM calendar_event_links WHERE account_id = ? AND "
                                      "provider = 'outlook'",
                                      {Int(source.account_id)})) {
        ids.push_back(row.Text(0));
      }
      std::sort(ids.begin(), ids.end());
      return ids;
    });
    std::optional<std::string> next;
    for (int page = 0; page < kMaxGraphPages; ++page) {
      auto response = fetch([&](const std::string& t) {
        return next ? GraphNextPageRequest(*next, t) : GraphCalendarViewRequest(endpoints, t, range);
      });
      if (!response) return response.error();
      auto parsed = ParseGraphCalendarView(*response);
      if (!parsed) return parsed.error();
      for (const auto& e : parsed->busy) {
        if (std::binary_search(own.begin(), own.end(), e.id)) continue;
        busy.push_back(e.interval);
      }
      out.events += parsed->busy.size();
      next = parsed->next_link;
      if (!next) break;
      if (page + 1 == kMaxGraphPages) {
        return Error{ErrorCode::kBadGateway, "Microsoft Graph answered more than " +
                                                 std::to_string(kMaxGraphPages * 500) + " events", {}};
      }
    }
  }
  out.busy = IntervalSet::Of(std::move(busy)).Intersection(IntervalSet::Of({range}));
  return out;
}

Status CalendarBusy::ConnectSubscription(const auth::Principal& caller, std::string_view url_text, Instant now) {
  auto url = ParseSubscriptionUrl(url_text, options_.allow_private, "url");
  if (!url) return url.error();
  auto zone = db_.Read([&](store::Tx& tx) {
    auto row = tx.QueryOne("SELECT timezone FROM accounts WHERE id = ?", {Int(caller.account_id)});
    return row ? row->Text(0) : std::string("UTC");
  });
  const Interval range{now - std::chrono::hours{24}, now + options_.horizon};
  auto read = FetchSubscriptionBusy(http_, *url, options_.allow_private, booking::ZoneOrUtc(zone), range);
  if (!read) return read.error();
  db_.Write([&](store::Tx& tx) {
    tx.Exec(
        "INSERT INTO calendar_connections (account_id, provider, subscription_url_sealed, created_at, updated_at) "
        "VALUES (?, 'subscription', ?, ?, ?) ON CONFLICT (account_id, provider) DO UPDATE SET "
        "subscription_url_sealed = excluded.subscription_url_sealed, updated_at = excluded.updated_at",
        {Int(caller.account_id), Text(box_.Seal(*url)), Int(ToStored(now)), Int(ToStored(now))});
    auto id = tx.QueryOne("SELECT id FROM calendar_connections WHERE account_id = ? AND provider = 'subscription'",
                          {Int(caller.account_id)});
    tx.Exec(
        "INSERT INTO calendar_busy (connection_id, account_id, intervals, fetched_at, attempted_at, last_error, "
        "lease_until) VALUES (?, ?, ?, ?, ?, NULL, 0) ON CONFLICT (connection_id) DO UPDATE SET intervals = "
        "excluded.intervals, fetched_at = excluded.fetched_at, attempted_at = excluded.attempted_at, last_error = "
        "NULL, lease_until = 0",
        {Int(id->Int(0)), Int(caller.account_id), Text(booking::FormatBusyIntervals(read->busy.intervals())),
         Int(ToStored(now)), Int(ToStored(now))});
    return 0;
  });
  g_ok.fetch_add(1, std::memory_order_relaxed);
  return {};
}

Status CalendarBusy::SetBusy(const auth::Principal& caller, CalendarProvider provider, bool busy) {
  return db_.Write([&](store::Tx& tx) -> Status {
    if (tx.Exec("UPDATE calendar_connections SET busy = ? WHERE account_id = ? AND provider = ?",
                {Int(busy ? 1 : 0), Int(caller.account_id), Text(ProviderText(provider))}) == 0) {
      return NotFound("No " + ProviderText(provider) + " calendar connected");
    }
    return {};
  });
}

Result<BusySourceState> CalendarBusy::Refresh(const auth::Principal& caller, CalendarProvider provider, Instant now) {
  auto id = db_.Write([&](store::Tx& tx) -> std::optional<std::int64_t> {
    auto row = tx.QueryOne("SELECT id FROM calendar_connections WHERE account_id = ? AND provider = ?",
                           {Int(caller.account_id), Text(ProviderText(provider))});
    if (!row) return std::nullopt;
    // A connection made before busy time was read has no row yet.
    tx.Exec("INSERT INTO calendar_busy (connection_id, account_id) VALUES (?, ?) ON CONFLICT (connection_id) DO NOTHING",
            {Int(row->Int(0)), Int(caller.account_id)});
    return row->Int(0);
  });
  if (!id) return NotFound("No " + ProviderText(provider) + " calendar connected");
  auto source = LoadSource(*id);
  if (!source) return NotFound("No " + ProviderText(provider) + " calendar connected");
  return FetchAndStore(*source, now);
}

std::vector<BusySourceState> CalendarBusy::States(const auth::Principal& caller) {
  return db_.Read([&](store::Tx& tx) {
    std::vector<BusySourceState> out;
    for (const auto& row : tx.Query(
             "SELECT k.id, k.provider, k.busy, b.fetched_at, b.attempted_at, b.last_error, b.intervals FROM "
             "calendar_connections k LEFT JOIN calendar_busy b ON b.connection_id = k.id WHERE k.account_id = ? "
             "ORDER BY k.provider",
             {Int(caller.account_id)})) {
      auto provider = ParseCalendarProvider(row.Text(1));
      if (!provider) continue;
      BusySourceState s;
      s.connection_id = row.Int(0);
      s.provider = *provider;
      s.busy = row.Int(2) != 0;
      if (auto t = row.OptionalInt(3)) s.fetched_at = FromStored(*t);
      if (auto t = row.OptionalInt(4)) s.attempted_at = FromStored(*t);
      s.last_error = row.OptionalText(5);
      if (auto text = row.OptionalText(6)) s.intervals = booking::ParseBusyIntervals(*text).size();
      out.push_back(std::move(s));
    }
    return out;
  });
}

int CalendarBusy::RefreshDue(Instant now) {
  const std::int64_t due = ToStored(now - options_.refresh);
  // Connections made before busy time was read (or by other routes) get their row here;
  // another instance may be adding the same rows at once.
  auto candidates = db_.Write([&](store::Tx& tx) {
    tx.Exec(
        "INSERT INTO calendar_busy (connection_id, account_id) SELECT k.id, k.account_id FROM calendar_connections k "
        "WHERE NOT EXISTS (SELECT 1 FROM calendar_busy b WHERE b.connection_id = k.id) "
        "ON CONFLICT (connection_id) DO NOTHING");
    std::vector<std::int64_t> ids;
    for (const auto& row : tx.Query(
             "SELECT b.connection_id FROM calendar_busy b JOIN calendar_connections k ON k.id = b.connection_id "
             "WHERE k.busy = 1 AND (b.attempted_at IS NULL OR "
             "b.attempted_at <= ?) AND b.lease_until <= ? ORDER BY b.attempted_at, b.connection_id LIMIT 100",
             {Int(due), Int(ToStored(now))})) {
      ids.push_back(row.Int(0));
    }
    return ids;
  });
  int fetched = 0;
  for (std::int64_t id : candidates) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stopping_) break;
    }
    // The lease: only the instance whose update changes the row fetches the source.
    bool claimed = db_.Write([&](store::Tx& tx) {
      return tx.Exec("UPDATE calendar_busy SET lease_until = ? WHERE connection_id = ? AND lease_until <= ? AND "
                     "(attempted_at IS NULL OR attempted_at <= ?)",
                     {Int(ToStored(now + options_.lease)), Int(id), Int(ToStored(now)), Int(due)}) == 1;
    });
    if (!claimed) continue;
    auto source = LoadSource(id);
    if (!source) continue;
    FetchAndStore(*source, now);
    ++fetched;
  }
  return fetched;
}

CalendarBusy::CalendarBusy(store::Database& db, const SecretBox& box, HttpFetcher& http, BusyOptions options,
                           CalendarSync* sync)
    : db_(db), box_(box), http_(http), options_(options), sync_(sync) {
  g_refresh_seconds.store(std::max<std::int64_t>(1, options_.refresh.count()));
}

void CalendarBusy::Start() {
  thread_ = std::thread([this] {
    // Looked at four times an interval (at least every second, at most every 30), so a
    // source is read again well before it has gone two intervals unread (stale).
    const auto tick = std::clamp<std::chrono::milliseconds>(
        std::chrono::duration_cast<std::chrono::milliseconds>(options_.refresh) / 4, std::chrono::seconds{1},
        std::chrono::seconds{30});
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        RefreshDue(booking::ClockNow());
      } catch (const std::exception& e) {
        spdlog::warn("busy time: refresh round failed: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, tick, [this] { return stopping_; });
    }
  });
}

void CalendarBusy::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

std::vector<std::int64_t> StaleBusySources(store::Tx& tx, const std::vector<std::int64_t>& account_ids, Instant now) {
  std::vector<std::int64_t> out;
  std::string marks;
  store::Params params;
  for (std::int64_t id : account_ids) {
    if (id == 0) continue;
    marks += marks.empty() ? "?" : ", ?";
    params.push_back(Int(id));
  }
  if (params.empty()) return out;
  const std::int64_t old = ToStored(now - 2 * std::chrono::seconds{g_refresh_seconds.load()});
  params.push_back(Int(old));
  for (const auto& row : tx.Query(
           "SELECT b.connection_id FROM calendar_busy b JOIN calendar_connections k ON k.id = b.connection_id WHERE "
           "k.busy = 1 AND k.account_id IN (" + marks + ") AND (b.last_error IS NOT NULL OR b.fetched_at IS NULL OR "
           "b.fetched_at < ?) ORDER BY b.connection_id",
           params)) {
    out.push_back(row.Int(0));
  }
  return out;
}

}  // namespace kairos::service
