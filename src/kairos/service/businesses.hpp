// Face 003's use cases: businesses ("exchanges") publish weekly opening hours in their
// time zone; anyone signed in sees the day's slots and books one, which creates its time
// slot; owners pre-generate slots with their own capacity. An exchange is a business
// calendar: the engine lays a day's slots, and a booking is accepted exactly when that
// same day's listing offers it.
// Knows nothing of HTTP or JSON; authorization is decided here, through auth/policy.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

inline constexpr int kMinSlotMinutes = 5;
inline constexpr int kMaxSlotMinutes = 480;
inline constexpr int kDefaultSlotMinutes = 60;
inline constexpr int kMaxSlotCapacity = 1000;
inline constexpr int kMaxGenerateDays = 92;
inline constexpr std::size_t kMaxBusinessNameLength = 200;
inline constexpr std::int64_t kDefaultExchangePageSize = 20;
inline constexpr std::int64_t kMaxExchangePageSize = 100;

// One day's opening hours, local to the exchange. Closed days have no times.
struct OpeningHours {
  std::string uuid;
  int day_of_week = 1;  // 1 = Monday ... 7 = Sunday
  bool is_closed = false;
  std::optional<TimeOfDay> open_time;
  std::optional<TimeOfDay> close_time;
};

struct Exchange {
  std::int64_t id = 0;
  std::string uuid;
  std::int64_t owner_account_id = 0;
  std::string business_name;
  std::string description;
  std::string timezone = "UTC";
  int default_capacity = 1;
  std::vector<OpeningHours> operating_hours;  // by day_of_week; days not listed are closed
  Instant created_at{};
  Instant updated_at{};
};

// Fields to create or change. Absent fields keep their value (create: their default);
// operating_hours, when present, replaces all of the exchange's hours.
struct ExchangeInput {
  std::optional<std::string> business_name;
  std::optional<std::string> description;
  std::optional<std::string> timezone;
  std::optional<std::int64_t> default_capacity;
  std::optional<std::vector<OpeningHours>> operating_hours;  // uuids ignored
};

struct PageQuery {
  std::int64_t page = 1;
  std::int64_t page_size = kDefaultExchangePageSize;
};

// One slot of a day's listing, in the exchange's local time.
struct DaySlot {
  TimeOfDay start_time{};
  TimeOfDay end_time{};
  bool is_available = false;
  int available_capacity = 0;
};

struct DayAvailability {
  std::string exchange_uuid;
  std::string business_name;
  Date date{};
  int day_of_week = 1;
  int slot_minutes = kDefaultSlotMinutes;
  std::optional<std::string> closed_message;  // "Exchange is closed on Saturday." on a closed day
  std::vector<DaySlot> slots;
};

struct NewExchangeBooking {
  std::string exchange_uuid;
  Date date{};
  TimeOfDay start_time{};
  TimeOfDay end_time{};
  std::string customer_name;
  std::string customer_email;
  std::optional<std::string> customer_phone;
  std::optional<std::string> notes;
};

struct TimeSlotDetails {
  std::string uuid;
  Date date{};
  TimeOfDay start_time{};
  TimeOfDay end_time{};
  int available_capacity = 0;  // what the slot has left now (0 once it has started)
};

struct ExchangeBooking {
  std::string uuid;
  std::optional<std::string> user_uuid;  // absent once the booker's account is deleted
  std::string user_name;
  std::string exchange_uuid;
  std::string exchange_name;
  std::optional<TimeSlotDetails> time_slot;
  std::string status;  // pending, confirmed, completed or cancelled
  std::string customer_name;
  std::string customer_email;
  std::optional<std::string> customer_phone;
  std::optional<std::string> notes;
  Instant created_at{};
  Instant updated_at{};
};

struct BookingFilter {
  PageQuery page;
  std::optional<std::string> exchange_uuid;
  std::optional<std::string> status;
};

template <class T>
struct PageOf {
  std::vector<T> items;
  std::int64_t count = 0;  // all matching items
};

struct SlotGeneration {
  std::string exchange_uuid;
  Date start_date{};
  Date end_date{};  // inclusive
  std::int64_t slot_minutes = kDefaultSlotMinutes;
  std::optional<std::int64_t> max_capacity;  // default: the exchange's default capacity
};

struct GeneratedSlots {
  int created = 0;
  int updated = 0;  // existing slots at the same times, now at max_capacity
  int max_capacity = 1;
};

// Errors are InvalidArgument naming the document's field, NotFound("Not found.") for an
// exchange or booking the caller may not see, Forbidden for a caller who may see but not act.
class Businesses {
 public:
  explicit Businesses(store::Database& db) : db_(db) {}

  // Creates an exchange owned by the caller. business_name is required and not blank;
  // default_capacity 1–1000 (default 1); timezone an IANA name (default UTC); hours one
  // entry per day 1–7, open days with close after open.
  Result<Exchange> CreateExchange(const auth::Principal& caller, const ExchangeInput& in, Instant now);

  // The caller's exchanges (an admin's: all), oldest first.
  Result<PageOf<Exchange>> ListExchanges(const auth::Principal& caller, const PageQuery& page);

  // The exchange, for its owner or an admin; NotFound for anyone else.
  Result<Exchange> GetExchange(const auth::Principal& caller, std::string_view uuid);

  // Changes the fields present (owner or admin). Existing bookings keep their instants.
  Result<Exchange> UpdateExchange(const auth::Principal& caller, std::string_view uuid, const ExchangeInput& in,
                                  Instant now);

  // Deletes the exchange with its hours, slots and bookings (owner or admin).
  Status DeleteExchange(const auth::Principal& caller, std::string_view uuid);

  // Every slot of `slot_minutes` real minutes that the local date's opening hours lay
  // (default date: today in the exchange's zone), from opening time while one fits before
  // closing time, in real time; with what each has left; past slots are unavailable. A slot
  // is listed under the day whose hours laid it (even past midnight, when the day closes
  // inside a gap at its end), named by times of that day, and only when it has such names.
  Result<DayAvailability> AvailableSlots(std::string_view exchange_uuid, std::optional<Date> date,
                                         std::int64_t slot_minutes, Instant now);

  // Books one unit of the time (the date's local times, read by RFC 5545), if
  // AvailableSlots for that date with slot_minutes = its real length offers it, in one
  // write transaction; uses the time slot of exactly that time or creates it. Errors carry
  // the document's messages.
  Result<ExchangeBooking> Book(const auth::Principal& caller, const NewExchangeBooking& in, Instant now);

  // Bookings the caller made or that were made at the caller's exchanges (an admin: all),
  // latest appointment first.
  Result<PageOf<ExchangeBooking>> ListBookings(const auth::Principal& caller, const BookingFilter& filter,
                                               Instant now);

  // The booking, for its booker, the exchange's owner or an admin; NotFound otherwise.
  Result<ExchangeBooking> GetBooking(const auth::Principal& caller, std::string_view uuid, Instant now);

  // Cancels a pending or confirmed booking (booker, owner or admin), giving its unit back.
  Result<ExchangeBooking> CancelBooking(const auth::Principal& caller, std::string_view uuid, Instant now);

  // Creates time slots of slot_minutes (5–480) with max_capacity (1–1000) from each open
  // day's opening time, on the dates from start_date to end_date (at most 92 days), skipping
  // slots that have started: the slots AvailableSlots lists at that length. A slot already
  // at the same time keeps its uuid and bookings and takes the new capacity. Owner or admin
  // only.
  Result<GeneratedSlots> GenerateSlots(const auth::Principal& caller, const SlotGeneration& in, Instant now);

 private:
  store::Database& db_;
};

}  // namespace kairos::service
