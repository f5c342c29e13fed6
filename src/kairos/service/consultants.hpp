// Face 004's use cases. A consultant is a coach account with its own personal calendar; a
// user is a client account. The face names both by numbers of its own, each counted from
// 1 (face004_consultants, face004_users, handed out by the database when an account
// becomes a coach or a client); every id below is such a number, never an account id.
// Those created through this face cannot log in. Consultants offer one-off windows and
// weekly recurring windows, both kept in the consultant's time zone; free time and
// reservations go through the booking path (booking::ListFree, booking::Book), so time
// booked through any face is busy here and the other way round.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "kairos/auth/principal.hpp"
#include "kairos/core/result.hpp"
#include "kairos/core/time.hpp"
#include "kairos/service/accounts.hpp"
#include "kairos/store/database.hpp"

namespace kairos::service {

// The longest span, in local days, a free-time view may cover.
inline constexpr int kMaxConsultantViewDays = 92;

// A consultant or a user: its number in this face and its account.
struct Person {
  std::int64_t no = 0;
  Account account;
};

struct NewPerson {
  std::string first_name;
  std::string last_name;
  std::string timezone = "UTC";
};

// A one-off window of availability, as the consultant entered it (local date and times).
struct OneOffAvailability {
  std::int64_t id = 0;
  std::int64_t consultant_id = 0;
  Date date{};
  TimeOfDay start{};
  TimeOfDay end{};
  bool is_booked = false;  // a booking that holds capacity overlaps it
};

// A weekly window; day_of_week 0 = Monday ... 6 = Sunday.
struct RecurringAvailability {
  std::int64_t id = 0;
  std::int64_t consultant_id = 0;
  int day_of_week = 0;
  TimeOfDay start{};
  TimeOfDay end{};
  bool is_active = true;
};

// Free time left in one window on one local date, in the consultant's time zone.
struct FreeSlot {
  std::int64_t consultant_id = 0;
  std::string timezone;
  Date date{};
  TimeOfDay start{};
  TimeOfDay end{};
  bool recurring = false;      // from a weekly window (else a one-off window)
  std::int64_t source_id = 0;  // the one-off or weekly window's id
};

// The consultant number of an active coach account, if it has one (every coach does once
// migration 8 ran); nullopt for any other account.
std::optional<std::int64_t> ConsultantNumberOf(store::Database& db, std::int64_t account_id);

// Who a reservation is between, as MayReserve found them.
struct ReservationParties {
  Person consultant;
  Person user;
};

struct ReservationRequest {
  Date date{};
  TimeOfDay start{};
  TimeOfDay end{};
};

struct Reservation {
  std::int64_t id = 0;
  std::int64_t consultant_id = 0;
  std::int64_t user_id = 0;
  Date date{};
  TimeOfDay start{};
  TimeOfDay end{};
  std::optional<std::int64_t> availability_id;  // set when booked in a one-off window
  std::optional<std::int64_t> recurring_id;     // set when booked in a weekly window
  std::string consultant_name;                  // "first last", as the reservation is confirmed
};

class Consultants {
 public:
  Consultants(store::Database& db, Accounts& accounts);

  // Creates a consultant (username "consultant-<no>") with its personal calendar in its
  // time zone, or a user (username "user-<no>"). Names must be non-empty, without
  // control characters; the time zone must be known.
  Result<Person> CreateConsultant(const NewPerson& in, Instant now);
  Result<Person> CreateUser(const NewPerson& in);

  // The consultant with that number (an active coach account), else
  // NotFound("Consultant not found"); the user with that number (an active client
  // account), else NotFound("User not found").
  Result<Person> FindConsultant(std::int64_t no);
  Result<Person> FindUser(std::int64_t no);

  // May `caller` (nullopt: an anonymous request) change this consultant's calendar? A
  // consultant whose account can sign in (it has a password: a coach of face 001, an
  // account of face 002) is changed only by that account or an admin: Unauthenticated
  // without credentials, Forbidden for another account. A consultant created through this
  // face has no password and stays open to anyone, as the face documents. NotFound when
  // there is no such consultant. The consultant when the caller may, for the change itself
  // (so a request looks the consultant up once).
  Result<Person> MayChange(std::int64_t consultant_id, const std::optional<auth::Principal>& caller);

  // May `caller` reserve the consultant's time in the name of `user_id`? Reserving is
  // public, but an account that can sign in is booked in its name only by itself or an
  // admin; a user created through this face is open to anyone. An unknown consultant or
  // user is NotFound, as the original answers them. Both when the caller may, for Reserve.
  Result<ReservationParties> MayReserve(std::int64_t consultant_id, std::int64_t user_id,
                                        const std::optional<auth::Principal>& caller);

  // Adds a one-off window on `date` from `start` to `end` (local). It must start in the
  // future, end after it starts and overlap none of the consultant's other one-off windows
  // or active weekly windows on that weekday (InvalidArgument otherwise).
  Result<OneOffAvailability> AddAvailability(const Person& consultant, Date date, TimeOfDay start, TimeOfDay end,
                                             Instant now);

  // Deletes the consultant's one-off window; NotFound("Time slot not found") if it has no
  // such window, and InvalidArgument if a booking (from any face) holds time in it.
  Status DeleteAvailability(const Person& consultant, std::int64_t availability_id);
  // The same for the window entered with exactly that date, start and end.
  Status DeleteAvailabilityAt(const Person& consultant, Date date, TimeOfDay start, TimeOfDay end);

  // Adds a weekly window. day_of_week is 0..6 and end must be after start. An active one
  // must overlap none of the consultant's other active weekly windows on that day, nor a
  // future one-off window on that weekday.
  Result<RecurringAvailability> AddRecurring(const Person& consultant, int day_of_week, TimeOfDay start,
                                             TimeOfDay end, bool is_active, Instant now);

  // Removes a weekly window. Reservations already made in its occurrences stay booked.
  // NotFound when the consultant has no such window.
  Status DeleteRecurring(const Person& consultant, std::int64_t recurring_id);

  // The consultant's weekly windows, active or not, by day and start.
  Result<std::vector<RecurringAvailability>> ListRecurring(std::int64_t consultant_id);

  // Free time on local dates [first, last] (each consultant's own zone) of one consultant,
  // or of every consultant when none is given: each window's remainder after bookings
  // from every face and blocked time, from `now` on, ordered by date, start, consultant.
  // A range over kMaxConsultantViewDays days or ending before it starts is InvalidArgument.
  Result<std::vector<FreeSlot>> FreeTime(std::optional<std::int64_t> consultant_id, Date first, Date last,
                                         Instant now);

  // Free time of one consultant from `now` on without an end: every future one-off
  // window, however far ahead, and the weekly windows' occurrences over the
  // `weekly_days` local days from today (weekly windows never end, so they need one).
  Result<std::vector<FreeSlot>> UpcomingFreeTime(std::int64_t consultant_id, int weekly_days, Instant now);

  // Books a time inside one window of the consultant for the user, if the engine offers
  // it, in one write transaction. A time outside every window: NotFound; already booked,
  // in the past or end not after start: InvalidArgument naming why.
  Result<Reservation> Reserve(const ReservationParties& parties, const ReservationRequest& in, Instant now);

  // Cancels a reservation made through this face on the consultant's calendar, giving its
  // time back. NotFound when the consultant has no such reservation; InvalidArgument when
  // it is already cancelled.
  Status CancelReservation(const Person& consultant, std::int64_t reservation_id, Instant now);

 private:
  // The account id behind a consultant or user number (active, with that role), if any.
  std::optional<std::int64_t> ConsultantAccount(std::int64_t no);
  std::optional<std::int64_t> UserAccount(std::int64_t no);

  store::Database& db_;
  Accounts& accounts_;
};

}  // namespace kairos::service
