#include "kairos/service/calendar_sync.hpp"

#include <sodium.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>

#include "kairos/auth/crypto.hpp"
#include "kairos/booking/booking.hpp"

namespace kairos::service {

using namespace kairos::booking;  // calendars, snapshots and the booking path
namespace {

using store::Int;
using store::Null;
using store::Text;

struct EventLink {
  std::int64_t id = 0;
  std::string external_id;
  std::int64_t sequence = 0;
  bool cancelled = false;
  std::optional<std::string> content_digest;  // of the content last written
  std::string timezone = "UTC";               // the zone it was shown in
};

// One written revision of an external event.
struct Revision {
  std::string external_id;
  std::int64_t sequence = 0;
  bool cancelled = false;
  std::string content_digest;
  std::string timezone;
};

std::optional<EventLink> LoadLink(store::Tx& tx, std::int64_t booking_id, std::int64_t account_id,
                                  CalendarProvider provider) {
  auto row = tx.QueryOne(
      "SELECT id, external_id, sequence, status, content_digest, timezone FROM calendar_event_links WHERE "
      "booking_id = ? AND account_id = ? AND provider = ?",
      {Int(booking_id), Int(account_id), Text(std::string(CalendarProviderName(provider)))});
  if (!row) return std::nullopt;
  return EventLink{row->Int(0), row->Text(1), row->Int(2), row->Text(3) == "cancelled", row->OptionalText(4),
                   row->OptionalText(5).value_or("UTC")};
}

void SaveLink(store::Tx& tx, std::int64_t booking_id, std::int64_t account_id, CalendarProvider provider,
              const Revision& r, Instant now) {
  tx.Exec(
      "INSERT INTO calendar_event_links (booking_id, account_id, provider, external_id, sequence, status, "
      "content_digest, timezone, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT "
      "(booking_id, account_id, provider) DO UPDATE SET external_id = excluded.external_id, sequence = "
      "excluded.sequence, status = excluded.status, content_digest = excluded.content_digest, timezone = "
      "excluded.timezone, updated_at = excluded.updated_at",
      {Int(booking_id), Int(account_id), Text(std::string(CalendarProviderName(provider))), Text(r.external_id),
       Int(r.sequence), Text(r.cancelled ? "cancelled" : "confirmed"), Text(r.content_digest), Text(r.timezone),
       Int(ToStored(now)), Int(ToStored(now))});
}

// The booking as its CalDAV resource shows it: under `uid`, on the wall clock of
// `timezone` (an unknown name, say one dropped from the zone database since, falls back
// to UTC).
IcalEvent ZonedEvent(const BookingView& booking, std::string uid, const std::string& timezone, Instant now) {
  IcalEvent e = BookingEvent(booking, now, 0);
  e.uid = std::move(uid);
  if (auto zone = FindZone(timezone)) {
    e.tzid = timezone;
    e.zone = *zone;
  }
  return e;
}

// A digest of everything the event says but DTSTAMP and SEQUENCE: equal digests, same
// revision.
std::string ContentDigest(IcalEvent e) {
  e.stamp = Instant{};
  e.sequence = 0;
  std::string text = IcalResource(e);
  std::array<unsigned char, crypto_hash_sha256_BYTES> digest;
  crypto_hash_sha256(digest.data(), reinterpret_cast<const unsigned char*>(text.data()), text.size());
  std::string hex(digest.size() * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  hex.pop_back();
  return hex;
}

// SEQUENCE for content with `digest`: 0 the first time, the same while nothing changes,
// one more after each change (RFC 5545 §3.8.7.4).
std::int64_t NextSequence(const std::optional<EventLink>& link, const std::string& digest) {
  if (!link) return 0;
  return link->content_digest == digest ? link->sequence : link->sequence + 1;
}

bool Allowed(const std::vector<std::string>& allow_list, std::string_view uri) {
  return std::find(allow_list.begin(), allow_list.end(), uri) != allow_list.end();
}

bool IsHttpUrl(std::string_view url) {
  bool scheme = url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
  return scheme && std::none_of(url.begin(), url.end(), [](char c) { return c <= ' ' || c == 0x7f; });
}

}  // namespace

struct CalendarSync::Connection {
  std::int64_t id = 0;
  std::int64_t account_id = 0;
  CalendarProvider provider = CalendarProvider::kGoogle;
  std::optional<std::string> access_sealed;
  std::optional<std::string> refresh_sealed;
  std::optional<Instant> access_expires_at;
  std::string caldav_url;
  std::string caldav_username;
  std::optional<std::string> caldav_password_sealed;
};

const OAuthEndpoints& CalendarSync::Endpoints(CalendarProvider p) const {
  return p == CalendarProvider::kOutlook ? options_.outlook : options_.google;
}

Result<AuthorizationStart> CalendarSync::StartAuthorization(const auth::Principal& caller, CalendarProvider provider,
                                                            std::string_view redirect_uri, Instant now) {
  const OAuthEndpoints& e = Endpoints(provider);
  if (e.client_id.empty()) {
    return InvalidArgument(ProviderPeer(provider) + " is not configured on this server", "calendar_type");
  }
  if (redirect_uri.empty()) return InvalidArgument("redirect_uri is required", "redirect_uri");
  if (!Allowed(options_.redirect_uris, redirect_uri)) {
    return InvalidArgument("redirect_uri is not on this server's allow-list", "redirect_uri");
  }
  AuthorizationStart out;
  out.state = auth::RandomSecret();
  std::string verifier = NewPkceVerifier();
  out.auth_url = AuthorizationUrl(provider, e, redirect_uri, out.state, PkceChallengeS256(verifier));
  db_.Write([&](store::Tx& tx) {
    // Expired states are kept a day so a late exchange hears "expired" rather than "invalid".
    tx.Exec("DELETE FROM oauth_states WHERE expires_at < ?", {Int(ToStored(now - std::chrono::hours{24}))});
    tx.Exec(
        "INSERT INTO oauth_states (state_digest, account_id, provider, redirect_uri, code_verifier_sealed, "
        "created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
        {Text(auth::SecretDigest(out.state)), Int(caller.account_id),
         Text(std::string(CalendarProviderName(provider))), Text(std::string(redirect_uri)), Text(box_.Seal(verifier)),
         Int(ToStored(now)), Int(ToStored(now + options_.state_ttl))});
  });
  return out;
}

Result<ProviderTokens> CalendarSync::ExchangeCode(const auth::Principal& caller, CalendarProvider provider,
                                                  std::string_view code, std::string_view state,
                                                  std::string_view redirect_uri, Instant now) {
  if (code.empty()) return InvalidArgument("code is required", "code");
  if (redirect_uri.empty()) return InvalidArgument("redirect_uri is required", "redirect_uri");
  if (!Allowed(options_.redirect_uris, redirect_uri)) {
    return InvalidArgument("redirect_uri is not on this server's allow-list", "redirect_uri");
  }
  Error invalid = InvalidArgument("Invalid state", "state");
  if (!auth::LooksLikeSecret(state)) return invalid;
  // Claim the state before calling out, so two exchanges cannot both redeem it.
  struct Claimed {
    std::int64_t id;
    std::string verifier_sealed;
  };
  auto claimed = db_.Write([&](store::Tx& tx) -> Result<Claimed> {
    auto row = tx.QueryOne(
        "SELECT id, account_id, provider, redirect_uri, code_verifier_sealed, expires_at, used_at FROM oauth_states "
        "WHERE state_digest = ?",
        {Text(auth::SecretDigest(state))});
    // Someone else's state reads as unknown: states are not for probing.
    if (!row || row->Int(1) != caller.account_id || row->Text(2) != CalendarProviderName(provider)) return invalid;
    if (!row->IsNull(6)) return InvalidArgument("State has already been used", "state");
    if (FromStored(row->Int(5)) <= now) return InvalidArgument("State has expired; start the authorization again", "state");
    if (row->Text(3) != redirect_uri) {
      return InvalidArgument("redirect_uri does not match the one used for authorization", "redirect_uri");
    }
    tx.Exec("UPDATE oauth_states SET used_at = ? WHERE id = ?", {Int(ToStored(now)), Int(row->Int(0))});
    return Claimed{row->Int(0), row->Text(4)};
  });
  if (!claimed) return claimed.error();
  auto release = [&] {
    db_.Write([&](store::Tx& tx) { tx.Exec("UPDATE oauth_states SET used_at = NULL WHERE id = ?", {Int(claimed->id)}); });
  };
  auto verifier = box_.Open(claimed->verifier_sealed);
  if (!verifier) return verifier.error();

  auto response =
      http_.Fetch(CodeExchangeRequest(provider, Endpoints(provider), code, redirect_uri, *verifier), ProviderPeer(provider));
  if (!response) {
    release();  // nothing was redeemed: the same code may be tried again
    return response.error();
  }
  auto tokens = ParseTokenResponse(provider, *response);
  if (!tokens) {
    if (tokens.error().code == ErrorCode::kBadGateway) release();
    return tokens.error();
  }
  store::Value expires = tokens->expires_in > 0 ? Int(ToStored(now + std::chrono::seconds{tokens->expires_in})) : Null();
  db_.Write([&](store::Tx& tx) {
    // Google sends a refresh token only on consent; keep the one we have otherwise.
    tx.Exec(
        "INSERT INTO calendar_connections (account_id, provider, access_token_sealed, refresh_token_sealed, "
        "access_expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (account_id, provider) "
        "DO UPDATE SET access_token_sealed = excluded.access_token_sealed, refresh_token_sealed = "
        "COALESCE(excluded.refresh_token_sealed, calendar_connections.refresh_token_sealed), access_expires_at = "
        "excluded.access_expires_at, updated_at = excluded.updated_at",
        {Int(caller.account_id), Text(std::string(CalendarProviderName(provider))), Text(box_.Seal(tokens->access_token)),
         tokens->refresh_token ? Text(box_.Seal(*tokens->refresh_token)) : Null(), expires, Int(ToStored(now)),
         Int(ToStored(now))});
  });
  return tokens;
}

Status CalendarSync::ConnectCaldav(const auth::Principal& caller, const CaldavCredentials& c, Instant now) {
  if (!IsHttpUrl(c.url)) return InvalidArgument("url must be an http or https URL", "url");
  auto response = http_.Fetch(CaldavProbeRequest(c.url, c.username, c.password), ProviderPeer(CalendarProvider::kCaldav));
  if (!response) return response.error();
  if (response->status == 404) return InvalidArgument("No calendar collection at url", "url");
  if (response->status != 207 && response->status != 200) return PeerError(CalendarProvider::kCaldav, response->status);
  db_.Write([&](store::Tx& tx) {
    tx.Exec(
        "INSERT INTO calendar_connections (account_id, provider, caldav_url, caldav_username, caldav_password_sealed, "
        "created_at, updated_at) VALUES (?, 'caldav', ?, ?, ?, ?, ?) ON CONFLICT (account_id, provider) DO UPDATE SET "
        "caldav_url = excluded.caldav_url, caldav_username = excluded.caldav_username, caldav_password_sealed = "
        "excluded.caldav_password_sealed, updated_at = excluded.updated_at",
        {Int(caller.account_id), Text(c.url), Text(c.username), Text(box_.Seal(c.password)), Int(ToStored(now)),
         Int(ToStored(now))});
  });
  return {};
}

std::vector<ConnectionInfo> CalendarSync::Connections(const auth::Principal& caller) {
  return db_.Read([&](store::Tx& tx) {
    std::vector<ConnectionInfo> out;
    for (const auto& row : tx.Query("SELECT provider, caldav_url, caldav_username, updated_at FROM "
                                    "calendar_connections WHERE account_id = ? ORDER BY provider",
                                    {Int(caller.account_id)})) {
      out.push_back({*ParseCalendarProvider(row.Text(0)), row.OptionalText(1), row.OptionalText(2),
                     FromStored(row.Int(3))});
    }
    return out;
  });
}

Status CalendarSync::Disconnect(const auth::Principal& caller, CalendarProvider provider) {
  return db_.Write([&](store::Tx& tx) -> Status {
    if (tx.Exec("DELETE FROM calendar_connections WHERE account_id = ? AND provider = ?",
                {Int(caller.account_id), Text(std::string(CalendarProviderName(provider)))}) == 0) {
      return NotFound("No " + std::string(CalendarProviderName(provider)) + " calendar connected");
    }
    return {};
  });
}

std::optional<CalendarSync::Connection> CalendarSync::LoadConnection(std::int64_t account_id,
                                                                     CalendarProvider provider) {
  return db_.Read([&](store::Tx& tx) -> std::optional<Connection> {
    auto row = tx.QueryOne(
        "SELECT id, access_token_sealed, refresh_token_sealed, access_expires_at, caldav_url, caldav_username, "
        "caldav_password_sealed FROM calendar_connections WHERE account_id = ? AND provider = ?",
        {Int(account_id), Text(std::string(CalendarProviderName(provider)))});
    if (!row) return std::nullopt;
    Connection c;
    c.id = row->Int(0);
    c.account_id = account_id;
    c.provider = provider;
    c.access_sealed = row->OptionalText(1);
    c.refresh_sealed = row->OptionalText(2);
    if (auto at = row->OptionalInt(3)) c.access_expires_at = FromStored(*at);
    c.caldav_url = row->OptionalText(4).value_or("");
    c.caldav_username = row->OptionalText(5).value_or("");
    c.caldav_password_sealed = row->OptionalText(6);
    return c;
  });
}

Result<std::string> CalendarSync::UsableAccessToken(Connection& c, Instant now, bool force_refresh) {
  bool fresh = !c.access_expires_at || *c.access_expires_at > now + options_.refresh_margin;
  if (!force_refresh && c.access_sealed && fresh) return box_.Open(*c.access_sealed);
  if (!c.refresh_sealed) {
    return InvalidArgument("The " + std::string(CalendarProviderName(c.provider)) +
                               " connection has expired; connect the calendar again",
                           "access_token");
  }
  auto refresh = box_.Open(*c.refresh_sealed);
  if (!refresh) return refresh.error();
  auto response = http_.Fetch(RefreshRequest(c.provider, Endpoints(c.provider), *refresh), ProviderPeer(c.provider));
  if (!response) return response.error();
  auto tokens = ParseTokenResponse(c.provider, *response);
  if (!tokens) {
    if (tokens.error().code != ErrorCode::kInvalidArgument) return tokens.error();
    return InvalidArgument(ProviderPeer(c.provider) + " refused the stored refresh token; connect the calendar again",
                           "access_token");
  }
  c.access_sealed = box_.Seal(tokens->access_token);
  // Microsoft rotates refresh tokens; Google keeps the old one valid.
  if (tokens->refresh_token) c.refresh_sealed = box_.Seal(*tokens->refresh_token);
  c.access_expires_at = tokens->expires_in > 0 ? std::optional(now + std::chrono::seconds{tokens->expires_in})
                                               : std::nullopt;
  db_.Write([&](store::Tx& tx) {
    tx.Exec(
        "UPDATE calendar_connections SET access_token_sealed = ?, refresh_token_sealed = ?, access_expires_at = ?, "
        "updated_at = ? WHERE id = ?",
        {Text(*c.access_sealed), Text(*c.refresh_sealed),
         c.access_expires_at ? Int(ToStored(*c.access_expires_at)) : Null(), Int(ToStored(now)), Int(c.id)});
  });
  return tokens->access_token;
}

Result<std::string> CalendarSync::AccessToken(std::int64_t account_id, CalendarProvider provider, Instant now,
                                              bool force_refresh) {
  auto connection = LoadConnection(account_id, provider);
  if (!connection) return NotFound("No " + std::string(CalendarProviderName(provider)) + " calendar connected");
  return UsableAccessToken(*connection, now, force_refresh);
}

Result<WrittenEvent> CalendarSync::WriteEvent(CalendarProvider provider, Connection* connection,
                                              std::string access_token, const EventDetails& details,
                                              std::optional<std::string> event_id, Instant now) {
  bool refreshed = false;
  while (true) {
    auto response = http_.Fetch(EventWriteRequest(provider, Endpoints(provider), access_token, details, event_id),
                                ProviderPeer(provider));
    if (!response) return response.error();
    // A token revoked or expired early: refresh once, if we hold the connection.
    if (response->status == 401 && connection != nullptr && !refreshed) {
      auto token = UsableAccessToken(*connection, now, true);
      if (!token) return token.error();
      access_token = *token;
      refreshed = true;
      continue;
    }
    // The user deleted the event in their calendar: write it again.
    if (event_id && (response->status == 404 || response->status == 410)) {
      event_id.reset();
      continue;
    }
    return ParseEventResponse(provider, *response);
  }
}

Status CalendarSync::DeleteEvent(CalendarProvider provider, Connection* connection, std::string access_token,
                                 const std::string& event_id, const IcalEvent& cancelled, Instant now) {
  if (provider == CalendarProvider::kCaldav) {
    auto password = box_.Open(connection->caldav_password_sealed.value_or(""));
    if (!password) return password.error();
    // The resource stays, cancelled, so clients that cached it see the cancellation.
    auto response = http_.Fetch(CaldavPutRequest(CaldavResourceUrl(connection->caldav_url, event_id),
                                                  connection->caldav_username, *password, IcalResource(cancelled)),
                                ProviderPeer(provider));
    if (!response) return response.error();
    if (response->status / 100 != 2) return PeerError(provider, response->status);
    return {};
  }
  bool refreshed = false;
  while (true) {
    auto response =
        http_.Fetch(EventDeleteRequest(provider, Endpoints(provider), access_token, event_id), ProviderPeer(provider));
    if (!response) return response.error();
    if (response->status == 401 && connection != nullptr && !refreshed) {
      auto token = UsableAccessToken(*connection, now, true);
      if (!token) return token.error();
      access_token = *token;
      refreshed = true;
      continue;
    }
    // Already gone is as good as cancelled.
    if (response->status / 100 == 2 || response->status == 404 || response->status == 410) return {};
    return PeerError(provider, response->status);
  }
}

Result<SyncedEvent> CalendarSync::SyncBooking(const auth::Principal& caller, const SyncRequest& request, Instant now) {
  auto zone = FindZone(request.timezone);
  if (!zone) return zone.error();
  const CalendarProvider provider = request.provider;
  if (provider == CalendarProvider::kSubscription) {
    return InvalidArgument("A calendar subscription is read-only: bookings are written to google, outlook or caldav",
                           "calendar_type");
  }
  if (provider == CalendarProvider::kCaldav && request.access_token) {
    return InvalidArgument("access_token is for google and outlook; CalDAV uses the stored connection", "access_token");
  }
  struct Loaded {
    BookingView booking;
    std::optional<EventLink> link;
  };
  auto loaded = db_.Read([&](store::Tx& tx) -> Result<Loaded> {
    auto booking = LoadBookingView(tx, request.booking_uuid);
    if (!booking) return NotFound("Booking not found");
    if (!booking->IsParty(caller.account_id)) return Forbidden("Unauthorized to sync this booking");
    return Loaded{*booking, LoadLink(tx, booking->id, caller.account_id, provider)};
  });
  if (!loaded) return loaded.error();
  const BookingView& booking = loaded->booking;
  const std::optional<EventLink>& link = loaded->link;
  const bool cancelled = ParseBookingStatus(booking.status) == BookingStatus::kCancelled;
  if (cancelled && !link) return InvalidArgument("Cannot sync a cancelled booking", "booking_id");
  if (cancelled && link->cancelled) return SyncedEvent{link->external_id, booking.meeting_link, "cancelled"};

  auto connection = LoadConnection(caller.account_id, provider);
  std::string access_token;
  Connection* refreshable = nullptr;
  if (provider == CalendarProvider::kCaldav) {
    if (!connection) {
      return InvalidArgument("No CalDAV calendar connected: use POST /calendar/caldav/connect first", "calendar_type");
    }
  } else if (request.access_token) {
    access_token = *request.access_token;
  } else if (connection) {
    auto token = UsableAccessToken(*connection, now, false);
    if (!token) return token.error();
    access_token = *token;
    refreshable = &*connection;
  } else {
    return InvalidArgument("No " + std::string(CalendarProviderName(provider)) +
                               " calendar connected: exchange an authorization code first, or pass access_token",
                           "access_token");
  }

  if (cancelled) {
    // Cancelled in the zone it was last shown in; a cancellation is always a change.
    IcalEvent event = ZonedEvent(booking, link->external_id, link->timezone, now);
    Revision revision{link->external_id, link->sequence + 1, true, ContentDigest(event), link->timezone};
    event.sequence = revision.sequence;
    if (Status s = DeleteEvent(provider, connection ? &*connection : nullptr, access_token, link->external_id, event,
                               now);
        !s) {
      return s.error();
    }
    db_.Write([&](store::Tx& tx) { SaveLink(tx, booking.id, caller.account_id, provider, revision, now); });
    return SyncedEvent{link->external_id, booking.meeting_link, "cancelled"};
  }

  // A CalDAV resource keeps the UID (and so the name) it was first written under.
  std::string uid = provider == CalendarProvider::kCaldav && link ? link->external_id : BookingUid(booking);
  IcalEvent event = ZonedEvent(booking, uid, request.timezone, now);
  Revision revision;
  revision.content_digest = ContentDigest(event);
  revision.sequence = NextSequence(link, revision.content_digest);
  revision.timezone = request.timezone;
  event.sequence = revision.sequence;
  WrittenEvent written;
  if (provider == CalendarProvider::kCaldav) {
    auto password = box_.Open(connection->caldav_password_sealed.value_or(""));
    if (!password) return password.error();
    auto response = http_.Fetch(CaldavPutRequest(CaldavResourceUrl(connection->caldav_url, uid),
                                                 connection->caldav_username, *password, IcalResource(event)),
                                ProviderPeer(provider));
    if (!response) return response.error();
    if (response->status / 100 != 2) return PeerError(provider, response->status);
    written.id = uid;
    written.meeting_link = booking.meeting_link;
  } else {
    EventDetails details;
    details.booking_uuid = booking.uuid;
    details.summary = event.summary;
    details.description = booking.notes.value_or("");
    details.interval = booking.interval;
    details.timezone = request.timezone;
    details.zone = *zone;
    if (booking.client) details.attendees.push_back({booking.client->name, booking.client->email});
    details.attendees.push_back({booking.owner.name, booking.owner.email});
    auto result = WriteEvent(provider, refreshable, access_token, details,
                             link ? std::optional(link->external_id) : std::nullopt, now);
    if (!result) return result.error();
    written = *result;
    if (!written.meeting_link) written.meeting_link = booking.meeting_link;
  }
  revision.external_id = written.id;
  db_.Write([&](store::Tx& tx) {
    SaveLink(tx, booking.id, caller.account_id, provider, revision, now);
    if (written.meeting_link && written.meeting_link != booking.meeting_link) {
      kairos::booking::SetMeetingLink(tx, booking.id, *written.meeting_link, now);
    }
  });
  return SyncedEvent{written.id, written.meeting_link, written.status};
}

void CalendarSync::CancelExternalEvents(std::string_view booking_uuid, Instant now) {
  struct Pending {
    std::int64_t account_id;
    CalendarProvider provider;
    std::string external_id;
    std::int64_t sequence;
    std::string timezone;
  };
  std::optional<BookingView> booking;
  std::vector<Pending> pending;
  db_.Read([&](store::Tx& tx) {
    booking = LoadBookingView(tx, booking_uuid);
    if (!booking) return;
    for (const auto& row : tx.Query("SELECT account_id, provider, external_id, sequence, timezone FROM "
                                    "calendar_event_links WHERE booking_id = ? AND status = 'confirmed'",
                                    {Int(booking->id)})) {
      pending.push_back({row.Int(0), *ParseCalendarProvider(row.Text(1)), row.Text(2), row.Int(3),
                         row.OptionalText(4).value_or("UTC")});
    }
  });
  for (const Pending& p : pending) {
    std::string_view name = CalendarProviderName(p.provider);
    auto connection = LoadConnection(p.account_id, p.provider);
    if (!connection) {
      spdlog::warn("booking {}: {} event left in place: account {} has no stored connection", booking->uuid, name,
                   p.account_id);
      continue;
    }
    std::string access_token;
    if (p.provider != CalendarProvider::kCaldav) {
      auto token = UsableAccessToken(*connection, now, false);
      if (!token) {
        spdlog::warn("booking {}: {} event not cancelled: {}", booking->uuid, name, token.error().message);
        continue;
      }
      access_token = *token;
    }
    IcalEvent event = ZonedEvent(*booking, p.external_id, p.timezone, now);
    Revision revision{p.external_id, p.sequence + 1, true, ContentDigest(event), p.timezone};
    event.sequence = revision.sequence;
    if (Status s = DeleteEvent(p.provider, &*connection, access_token, p.external_id, event, now); !s) {
      spdlog::warn("booking {}: {} event not cancelled: {}", booking->uuid, name, s.error().message);
      continue;
    }
    db_.Write([&](store::Tx& tx) { SaveLink(tx, booking->id, p.account_id, p.provider, revision, now); });
  }
}

}  // namespace kairos::service
