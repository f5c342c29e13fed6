// Notifications (docs/notifications.md): webhooks an account registers for its calendars'
// booking events, and the dispatcher that delivers the outbox the booking module writes
// (booking/events.hpp). Delivery is at least once: a receiver dedupes on the event id.
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

#include "kairos/core/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/page.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr std::size_t kMaxWebhookUrl = 2048;
inline constexpr std::size_t kMaxWebhooksPerAccount = 50;

struct Webhook {
  std::int64_t id = 0;
  std::string uuid;
  std::string url;
  std::vector<std::string> events;
  bool active = true;
  Instant created_at{};
  Instant updated_at{};
  std::optional<std::string> secret;  // only in what Create returns
};

// A create (url and events required; active defaults to true) or an update (each given
// field replaces the stored one).
struct WebhookFields {
  std::optional<std::string> url;
  std::optional<std::vector<std::string>> events;
  std::optional<bool> active;
};

struct Delivery {
  std::int64_t id = 0;
  std::string uuid;
  std::string event_id;  // the event's uuid
  std::string event_type;
  std::string state;  // pending, sent, failed
  std::int64_t attempts = 0;
  std::optional<std::int64_t> next_attempt_ms;
  std::optional<std::int64_t> last_attempt_ms;
  std::optional<std::int64_t> last_status;
  std::optional<std::string> last_error;
  Instant created_at{};
};

// Whether an address (numeric, v4 or v6) is loopback, private, link-local, unspecified,
// carrier-grade NAT, multicast or otherwise not the public internet.
bool IsPrivateAddress(std::string_view address);
// The rules for a target: http or https, at most 2048 characters, a host; with
// allow_private false, every address the host resolves to must be public. Errors name "url".
Status CheckWebhookUrl(std::string_view url, bool allow_private);

// "t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" keyed with the secret>".
std::string SignatureHeader(std::string_view secret, std::int64_t unix_seconds, std::string_view body);

class SecretBox;

class Webhooks {
 public:
  // With `box`, secrets are stored sealed under it (the dispatcher opens them to sign);
  // null: in clear.
  Webhooks(store::Database& db, bool allow_private, const SecretBox* box = nullptr)
      : db_(db), allow_private_(allow_private), box_(box) {}

  // Seals every secret still stored in clear (written before secrets were sealed), in
  // place; returns how many. Safe to run on several servers starting together.
  int SealStoredSecrets();

  Result<Webhook> Create(const auth::Principal& caller, const WebhookFields& fields, Instant now);
  Result<Page<Webhook>> List(const auth::Principal& caller, const PageRequest& page);
  Result<Webhook> Get(const auth::Principal& caller, std::string_view uuid);
  Result<Webhook> Update(const auth::Principal& caller, std::string_view uuid, const WebhookFields& fields,
                         Instant now);
  Status Delete(const auth::Principal& caller, std::string_view uuid);
  // The webhook's deliveries, newest first.
  Result<Page<Delivery>> Deliveries(const auth::Principal& caller, std::string_view uuid, const PageRequest& page);
  // Sends the delivery again (whatever its state), as soon as the dispatcher looks.
  Result<Delivery> Redeliver(const auth::Principal& caller, std::string_view uuid, std::string_view delivery_uuid,
                             Instant now);

 private:
  store::Database& db_;
  bool allow_private_;
  const SecretBox* box_;
};

struct DispatcherOptions {
  std::chrono::milliseconds poll{1000};
  std::chrono::milliseconds retry_base{30'000};  // first retry; doubles each time
  std::chrono::milliseconds retry_cap{3'600'000};
  std::chrono::seconds give_up{24 * 3600};  // after this long failing: failed
  std::chrono::milliseconds timeout{10'000};
  std::chrono::milliseconds claim{60'000};  // how long a claim keeps others off
  // Events whose deliveries are all sent or failed, and were last touched longer ago than
  // this, are deleted with their deliveries and attempts. Default: 30 days.
  std::chrono::hours retention{30 * 24};
  std::chrono::seconds prune_every{60};  // how often the dispatcher prunes
  int prune_batch = 500;                 // events deleted per transaction
  bool allow_private = false;
  int batch = 20;
  // Email through SMTP (libcurl): smtp:// or smtps:// URL; empty: email off.
  std::string smtp_url;
  std::string smtp_user;
  std::string smtp_password;
  std::string smtp_from;
  // "https://book.example.com": emails to an attendee link <public_url>/manage/<booking
  // id>?token=<manage token>; empty: no link.
  std::string public_url;
  // Tests only: the reminder scan reads the clock this far ahead of the real one.
  std::chrono::seconds reminder_clock_offset{0};
};

// The message an email delivery sends to `recipient` (attendee, guest, host, or organizer:
// a face-002 meeting's organiser): RFC 5322 headers (From, To, Subject, Date, Message-ID,
// Kairos-Event-Id, Kairos-Event-Type, Kairos-Booking-Id) and multipart/alternative of
// text/plain, text/html and (but for reminders) text/calendar with METHOD REQUEST, or
// CANCEL on a cancellation or decline; times in the recipient's zone (`time_zone` when
// given, else the one the payload implies); `manage_url` (empty: none) as the manage link.
std::string EmailMessage(const std::string& from, const std::string& to, const std::string& payload_json,
                         const std::string& recipient = "attendee", const std::string& manage_url = "",
                         const std::string& time_zone = "");

// The background sender: claims due deliveries (PostgreSQL: FOR UPDATE SKIP LOCKED, so
// instances sharing a database never claim the same row; SQLite: its one writer), posts
// them, records each attempt, and schedules retries with exponential backoff.
struct Outcome;

class Dispatcher {
 public:
  // `box` opens sealed webhook secrets and the manage tokens /v1 bookings keep sealed
  // (V1Bookings), for the link in their attendee's and guests' emails; null: secrets in
  // clear only, and only the manage tokens the change itself knew.
  Dispatcher(store::Database& db, DispatcherOptions options, const SecretBox* box = nullptr);
  ~Dispatcher();
  void Start();
  // Wakes the thread, aborts an attempt in flight (not counted: the delivery stays
  // pending for the next start) and joins.
  void Stop();
  // One round: claims and sends what is due; returns how many were attempted.
  int RunOnce();
  // Turns the reminders due by now (plus the test offset) into booking.reminder events,
  // each in one transaction with its row's state, so once across instances and restarts.
  int RunReminders();
  // Deletes, in transactions of at most `prune_batch` events, the events older than the
  // retention at `now` none of whose deliveries is pending or was touched within it, with
  // their deliveries and attempts; returns how many events went.
  int Prune(Instant now);
  const std::string& instance() const { return instance_; }

 private:
  void Loop();
  void Send(std::int64_t delivery_id);
  Outcome Mail(const std::string& to, const std::string& message);
  bool OpenSecret(std::string& secret) const;

  store::Database& db_;
  DispatcherOptions options_;
  const SecretBox* box_;
  std::string instance_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::atomic<bool> stopping_{false};
  std::chrono::steady_clock::time_point next_prune_{};
};

}  // namespace kairos::service
