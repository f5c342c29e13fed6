// Migration 12: notifications through a transactional outbox. The booking module writes
// an event (and one delivery per subscribed webhook) in the same transaction as the
// booking change; a dispatcher claims due deliveries, sends them and records each attempt.
#pragma once

#include "kairos/store/migrations.hpp"

namespace kairos::store {

Migration NotificationsMigration();
// Migration 13: bookings.revision (the iCalendar SEQUENCE, kept by a trigger), email
// recipients and manage tokens on deliveries, event types' reminders, booking_reminders.
Migration InvitationsMigration();
// Migration 14: what notifications keep at rest for later: a /v1 booking's manage token,
// sealed with the server's key (service/calendar_sync_secrets.hpp), so every email to its
// attendee and guests can link to it.
Migration NotificationsAtRestMigration();

}  // namespace kairos::store
