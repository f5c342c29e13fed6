// /v1/webhooks (docs/notifications.md): an account's webhooks for its calendars' booking
// events, their deliveries, and redelivery. Owner only: another account's webhook is 404.
#pragma once

#include <nlohmann/json.hpp>

#include "kairos/http/router.hpp"
#include "kairos/service/notifications.hpp"

namespace kairos::api::v1 {

nlohmann::json WebhookSchema(bool with_secret);
nlohmann::json WebhookJson(const service::Webhook& webhook);
nlohmann::json DeliverySchema();
nlohmann::json DeliveryJson(const service::Delivery& delivery);

void RegisterWebhookRoutes(http::Router& router, service::Webhooks& webhooks);

}  // namespace kairos::api::v1
