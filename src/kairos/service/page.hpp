// Keyset pagination as the use cases see it: how many rows to return and where the last
// page stopped (the last row's sort key and id). Faces turn a PageKey into an opaque
// cursor and back; services only compare keys in SQL.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace kairos::service {

// A row's place in a list's order: its sort key (as text, e.g. a stored instant in
// decimal, or empty when the list is ordered by id alone) and its id, the tie-breaker.
struct PageKey {
  std::string key;
  std::int64_t id = 0;
  friend bool operator==(const PageKey&, const PageKey&) = default;
};

struct PageRequest {
  std::size_t limit = 50;
  std::optional<PageKey> after;  // start after this row; none: from the first
};

// One page of a list: the rows, and the key to continue after (none on the last page).
template <class T>
struct Page {
  std::vector<T> items;
  std::optional<PageKey> next;
};

// Cuts `rows`, read with LIMIT query.limit + 1, down to a page: when there was one row
// more than the limit, the page continues after the last row kept.
template <class T, class KeyOf>
Page<T> TakePage(std::vector<T> rows, const PageRequest& query, KeyOf key_of) {
  Page<T> page;
  if (rows.size() > query.limit) {
    rows.resize(query.limit);
    if (!rows.empty()) page.next = key_of(rows.back());
  }
  page.items = std::move(rows);
  return page;
}

}  // namespace kairos::service
