#include "kairos/store/database.hpp"

#include <atomic>

namespace kairos::store {

bool Row::IsNull(std::size_t i) const { return std::holds_alternative<std::nullptr_t>(columns.at(i)); }

std::int64_t Row::Int(std::size_t i) const {
  const Value& v = columns.at(i);
  if (auto p = std::get_if<std::int64_t>(&v)) return *p;
  if (auto d = std::get_if<double>(&v)) return static_cast<std::int64_t>(*d);
  throw std::logic_error("column " + std::to_string(i) + " is not an integer");
}

double Row::Real(std::size_t i) const {
  const Value& v = columns.at(i);
  if (auto d = std::get_if<double>(&v)) return *d;
  if (auto p = std::get_if<std::int64_t>(&v)) return static_cast<double>(*p);
  throw std::logic_error("column " + std::to_string(i) + " is not a number");
}

const std::string& Row::Text(std::size_t i) const {
  const Value& v = columns.at(i);
  if (auto s = std::get_if<std::string>(&v)) return *s;
  throw std::logic_error("column " + std::to_string(i) + " is not text");
}

std::optional<std::string> Row::OptionalText(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Text(i);
}

std::optional<std::int64_t> Row::OptionalInt(std::size_t i) const {
  if (IsNull(i)) return std::nullopt;
  return Int(i);
}

std::optional<Row> Tx::QueryOne(std::string_view sql, const Params& params) {
  auto rows = Query(sql, params);
  if (rows.empty()) return std::nullopt;
  return std::move(rows.front());
}

namespace {
std::atomic<std::uint64_t> write_generation{0};
}  // namespace

std::uint64_t WriteGeneration() { return write_generation.load(std::memory_order_acquire); }

void NoteCommittedWrite() { write_generation.fetch_add(1, std::memory_order_acq_rel); }

}  // namespace kairos::store
