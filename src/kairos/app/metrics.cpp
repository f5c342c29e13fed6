#include "kairos/app/metrics.hpp"

#include <string>

#include "kairos/booking/counts.hpp"
#include "kairos/service/calendar_busy.hpp"

namespace kairos::app {
namespace {

void CollectBuildInfo(http::Exposition& out) {
  out.Family("kairos_build_info", "gauge", "Always 1; the labels name the version and, when known, the git commit.");
  http::Labels labels = {{"version", KAIROS_VERSION}};
  if (std::string commit = BuildCommit(); !commit.empty()) labels.emplace_back("commit", commit);
  out.Sample("kairos_build_info", labels, 1);
}

void CollectBookings(http::Exposition& out) {
  out.Family("kairos_bookings_total", "counter",
             "Bookings by face and outcome: created (committed), refused (by reason), cancelled (committed).");
  for (const auto& c : booking::Counts()) {
    http::Labels labels = {{"face", std::string(c.face)}, {"outcome", std::string(c.outcome)}};
    if (!c.reason.empty()) labels.emplace_back("reason", std::string(c.reason));
    out.Sample("kairos_bookings_total", labels, static_cast<double>(c.count));
  }
}

void CollectBusyRefreshes(http::Exposition& out) {
  auto counts = service::BusyRefreshCounters();
  out.Family("kairos_busy_refreshes_total", "counter",
             "Reads of connected calendars' busy time by result: ok, or failed (the last known busy time kept).");
  out.Sample("kairos_busy_refreshes_total", {{"result", "ok"}}, static_cast<double>(counts.ok));
  out.Sample("kairos_busy_refreshes_total", {{"result", "failed"}}, static_cast<double>(counts.failed));
}

void CollectPools(http::Exposition& out, const store::Database& db) {
  auto pools = db.Pools();
  if (pools.empty()) return;
  out.Family("kairos_db_pool_waits_total", "counter",
             "Times a transaction waited for a database connection because none of the pool's was free.");
  for (const auto& p : pools) out.Sample("kairos_db_pool_waits_total", {{"pool", p.pool}}, static_cast<double>(p.waits));
  out.Family("kairos_db_pool_wait_seconds_total", "counter", "Time spent waiting for a database connection, in seconds.");
  for (const auto& p : pools) out.Sample("kairos_db_pool_wait_seconds_total", {{"pool", p.pool}}, p.wait_seconds);
  out.Family("kairos_db_pool_size", "gauge", "Connections the pool holds at most.");
  for (const auto& p : pools) out.Sample("kairos_db_pool_size", {{"pool", p.pool}}, p.size);
}

}  // namespace

void InstallMetrics(http::Metrics& metrics, const store::Database& db) {
  metrics.AddCollector(http::CollectProcessMetrics);
  metrics.AddCollector(CollectBuildInfo);
  metrics.AddCollector(CollectBookings);
  metrics.AddCollector(CollectBusyRefreshes);
  metrics.AddCollector([&db](http::Exposition& out) { CollectPools(out, db); });
}

}  // namespace kairos::app
