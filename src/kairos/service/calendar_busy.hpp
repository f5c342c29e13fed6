// Busy time read from the calendars an account has connected (CalDAV collections,
// iCalendar subscriptions, Google through freeBusy, Outlook through Graph's
// calendarView): each connection's `busy` switch, the subscription kind of
// connection, and the cache the engine reads (calendar_busy). Fetching happens only
// here, in the background refresher or on demand; reading availability never waits on a
// peer. A source that fails keeps its last known busy time.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/busy_time.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/calendar_sync.hpp"
#include "kairos/service/calendar_sync_http.hpp"
#include "kairos/service/calendar_sync_providers.hpp"
#include "kairos/service/calendar_sync_secrets.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

struct BusyOptions {
  // How often each source is fetched again. Default: 5 minutes.
  std::chrono::seconds refresh{300};
  // Subscriptions over http:// or at private addresses. Default: refused.
  bool allow_private = false;
  // The time read, from a day back to this far ahead. Default: 26 weeks.
  std::chrono::hours horizon{26 * 7 * 24};
  // How long one refresher holds a source it is fetching before another may try.
  // Default: 2 minutes (longer than any fetch's timeout).
  std::chrono::seconds lease{120};
};

// One connection's busy-time state, without secrets.
struct BusySourceState {
  std::int64_t connection_id = 0;
  CalendarProvider provider = CalendarProvider::kCaldav;
  bool busy = true;
  std::optional<Instant> fetched_at;   // the last successful read
  std::optional<Instant> attempted_at; // the last try
  std::optional<std::string> last_error;
  std::size_t intervals = 0;
};

// Counts since the process started, for /metrics.
struct BusyRefreshCounts {
  std::uint64_t ok = 0;
  std::uint64_t failed = 0;
};
BusyRefreshCounts BusyRefreshCounters();

class CalendarBusy {
 public:
  // Keeps references to all four; they must outlive this object. Without `sync`, Google
  // and Outlook connections are not read.
  CalendarBusy(store::Database& db, const SecretBox& box, HttpFetcher& http, BusyOptions options,
               CalendarSync* sync = nullptr);

  // Connects (or replaces) the caller's iCalendar subscription: the URL is checked
  // (ParseSubscriptionUrl), fetched once and read; a URL that cannot be read is refused
  // and nothing is stored. Stored sealed, with its busy time.
  Status ConnectSubscription(const auth::Principal& caller, std::string_view url, Instant now);

  // Turns a connection's busy switch on or off; NotFound when there is no such connection.
  Status SetBusy(const auth::Principal& caller, CalendarProvider provider, bool busy);

  // Fetches one of the caller's connections now and stores its busy time (or its failure,
  // keeping the last known busy time). The connection's state afterwards; NotFound when
  // there is none.
  Result<BusySourceState> Refresh(const auth::Principal& caller, CalendarProvider provider, Instant now);

  // The caller's connections' busy-time state, by provider name order.
  std::vector<BusySourceState> States(const auth::Principal& caller);

  // Fetches every source not tried within the refresh interval that no other refresher
  // holds (a lease in calendar_busy), and returns how many were fetched.
  int RefreshDue(Instant now);

  // Starts the background refresher: RefreshDue at least every refresh interval (sooner
  // for short intervals), until Stop.
  void Start();
  // Stops the refresher after the fetch in flight; idempotent.
  void Stop();
  ~CalendarBusy() { Stop(); }

  const BusyOptions& options() const { return options_; }

 private:
  struct Source;
  std::optional<Source> LoadSource(std::int64_t connection_id);
  BusySourceState FetchAndStore(const Source& source, Instant now);
  Result<BusyTime> ReadProvider(const Source& source, Interval range, Instant now);

  store::Database& db_;
  const SecretBox& box_;
  HttpFetcher& http_;
  BusyOptions options_;
  CalendarSync* sync_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
};

// The connection ids among `account_ids`' busy sources (switch on) whose last refresh
// failed, or that have not been read successfully for two refresh intervals (the
// interval of the CalendarBusy built last; 5 minutes before any is), in id order.
std::vector<std::int64_t> StaleBusySources(store::Tx& tx, const std::vector<std::int64_t>& account_ids, Instant now);

}  // namespace kairos::service
