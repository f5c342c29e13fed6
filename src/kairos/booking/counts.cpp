#include "kairos/booking/counts.hpp"

#include <array>
#include <atomic>

#include "kairos/booking/booking.hpp"

namespace kairos::booking {
namespace {

constexpr std::array<std::string_view, 7> kFaces = {"slot",       "coach", "meeting", "business",
                                                    "consultant", "v1",    "other"};
constexpr std::array<Reason, 11> kReasons = {Reason::kInvalid, Reason::kOutsideHours, Reason::kBlocked,
                                             Reason::kTaken,   Reason::kFull,         Reason::kTooSoon,
                                             Reason::kTooFar,  Reason::kLimitReached, Reason::kHeld,
                                             Reason::kBuffer,  Reason::kBusy};
constexpr std::size_t kOther = kFaces.size() - 1;

struct FaceCounts {
  std::atomic<std::uint64_t> created{0};
  std::atomic<std::uint64_t> cancelled{0};
  std::array<std::atomic<std::uint64_t>, kReasons.size()> refused{};
};

std::array<FaceCounts, kFaces.size()>& Table() {
  static std::array<FaceCounts, kFaces.size()> table;
  return table;
}

std::size_t FaceIndex(std::string_view face) {
  for (std::size_t i = 0; i < kOther; ++i) {
    if (kFaces[i] == face) return i;
  }
  return kOther;
}

std::size_t ReasonIndex(Reason reason) {
  for (std::size_t i = 0; i < kReasons.size(); ++i) {
    if (kReasons[i] == reason) return i;
  }
  return 0;
}

void AddAfterCommit(store::Tx& tx, std::atomic<std::uint64_t>& counter, std::uint64_t n) {
  if (n == 0) return;
  tx.AfterCommit([&counter, n] { counter.fetch_add(n, std::memory_order_relaxed); });
}

}  // namespace

std::string_view ReasonLabel(Reason reason) {
  switch (reason) {
    case Reason::kInvalid: return "invalid";
    case Reason::kOutsideHours: return "outside_hours";
    case Reason::kBlocked: return "blocked";
    case Reason::kTaken: return "taken";
    case Reason::kFull: return "full";
    case Reason::kTooSoon: return "too_soon";
    case Reason::kTooFar: return "too_far";
    case Reason::kLimitReached: return "limit_reached";
    case Reason::kHeld: return "held";
    case Reason::kBuffer: return "buffer";
    case Reason::kBusy: return "busy";
  }
  return "unknown";
}

std::vector<OutcomeCount> Counts() {
  std::vector<OutcomeCount> out;
  for (std::size_t f = 0; f < kFaces.size(); ++f) {
    const FaceCounts& c = Table()[f];
    std::vector<OutcomeCount> face;
    std::uint64_t any = 0;
    auto add = [&](std::string_view outcome, std::string_view reason, const std::atomic<std::uint64_t>& n) {
      face.push_back({kFaces[f], outcome, reason, n.load(std::memory_order_relaxed)});
      any += face.back().count;
    };
    add("created", "", c.created);
    for (std::size_t r = 0; r < kReasons.size(); ++r) add("refused", ReasonLabel(kReasons[r]), c.refused[r]);
    add("cancelled", "", c.cancelled);
    if (f == kOther && any == 0) continue;
    out.insert(out.end(), face.begin(), face.end());
  }
  return out;
}

void CountBooked(store::Tx& tx, std::span<const NewBooking> requests, const Booked& booked, bool checked) {
  if (booked.refusal) {
    std::string_view face = requests.empty() ? "other" : std::string_view(requests.front().face);
    for (const NewBooking& r : requests) {
      if (r.calendar_id == booked.refusal->calendar_id) face = r.face;
    }
    CountRefused(face, booked.refusal->reason);
    return;
  }
  if (!checked) return;
  for (const NewBooking& r : requests) {
    if (r.status != BookingStatus::kCancelled) AddAfterCommit(tx, Table()[FaceIndex(r.face)].created, 1);
  }
}

void CountRefused(std::string_view face, Reason reason) {
  Table()[FaceIndex(face)].refused[ReasonIndex(reason)].fetch_add(1, std::memory_order_relaxed);
}

void CountStatusChange(store::Tx& tx, std::int64_t booking_id, BookingStatus to) {
  if (to != BookingStatus::kCancelled) return;
  auto row = tx.QueryOne("SELECT face FROM bookings WHERE id = ?", {store::Int(booking_id)});
  CountCancelled(tx, row ? row->Text(0) : "other", 1);
}

void CountCancelled(store::Tx& tx, std::string_view face, std::int64_t bookings) {
  if (bookings > 0) AddAfterCommit(tx, Table()[FaceIndex(face)].cancelled, static_cast<std::uint64_t>(bookings));
}

}  // namespace kairos::booking
