#include "kairos/api/v1/webhook_routes.hpp"

#include "kairos/api/kit.hpp"
#include "kairos/api/v1/kit.hpp"
#include "kairos/booking/events.hpp"

namespace kairos::api::v1 {
namespace {

using http::Access;
using http::Method;
using http::Request;
using http::Response;

constexpr const char* kTag = "v1 webhooks";

json EventTypeSchema() {
  json values = json::array();
  for (std::string_view t : booking::kEventTypes) values.push_back(std::string(t));
  return {{"type", "string"}, {"enum", values}};
}

json EventsSchema() {
  json s = schema::ArrayOf(EventTypeSchema(), booking::kEventTypes.size() * 4);
  s["minItems"] = 1;
  return s;
}

Result<service::WebhookFields> ReadFields(const Request& req) {
  auto body = ReadBody(req);
  if (!body) return body.error();
  service::WebhookFields f;
  if (body->Has("url")) {
    auto url = body->RequiredString("url", service::kMaxWebhookUrl);
    if (!url) return url.error();
    f.url = std::move(*url);
  }
  if (const json* events = body->Raw("events")) {
    if (!events->is_array()) return InvalidArgument("events must be a list of event types.", "events");
    if (events->size() > booking::kEventTypes.size() * 4) return InvalidArgument("events lists too many.", "events");
    std::vector<std::string> list;
    for (const json& e : *events) {
      if (!e.is_string()) return InvalidArgument("events must be a list of event types.", "events");
      list.push_back(e.get<std::string>());
    }
    f.events = std::move(list);
  }
  if (body->Has("active")) {
    auto active = body->RequiredBool("active");
    if (!active) return active.error();
    f.active = *active;
  }
  if (auto s = body->RejectUnknownFields(); !s) return s.error();
  return f;
}

json WriteSchema(bool create) {
  return schema::Object({{"url", schema::String(service::kMaxWebhookUrl, 1)},
                         {"events", EventsSchema()},
                         {"active", schema::Boolean()}},
                        create ? std::vector<std::string>{"url", "events"} : std::vector<std::string>{});
}

json MsTimestamp(const std::optional<std::int64_t>& ms) {
  if (!ms) return nullptr;
  return FormatTimestamp(Instant{std::chrono::seconds{*ms / 1000}});
}

}  // namespace

json WebhookSchema(bool with_secret) {
  json p = {{"id", schema::Uuid()},
            {"url", schema::String(service::kMaxWebhookUrl, 1)},
            {"events", EventsSchema()},
            {"active", schema::Boolean()},
            {"created_at", schema::Timestamp()},
            {"updated_at", schema::Timestamp()}};
  std::vector<std::string> required = {"id", "url", "events", "active", "created_at", "updated_at"};
  if (with_secret) {
    p["secret"] = schema::String(64, 64);
    required.push_back("secret");
  }
  return schema::Object(p, required);
}

json WebhookJson(const service::Webhook& w) {
  json out = {{"id", w.uuid},
              {"url", w.url},
              {"events", w.events},
              {"active", w.active},
              {"created_at", FormatTimestamp(w.created_at)},
              {"updated_at", FormatTimestamp(w.updated_at)}};
  if (w.secret) out["secret"] = *w.secret;
  return out;
}

json DeliverySchema() {
  return schema::Object({{"id", schema::Uuid()},
                         {"event_id", schema::Uuid()},
                         {"event_type", EventTypeSchema()},
                         {"state", schema::Enum({"pending", "sent", "failed"})},
                         {"attempts", schema::Integer(0)},
                         {"next_attempt_at", schema::Nullable(schema::Timestamp())},
                         {"last_attempt_at", schema::Nullable(schema::Timestamp())},
                         {"last_status", schema::Nullable(schema::Integer())},
                         {"last_error", schema::Nullable(schema::String())},
                         {"created_at", schema::Timestamp()}},
                        {"id", "event_id", "event_type", "state", "attempts", "next_attempt_at", "last_attempt_at",
                         "last_status", "last_error", "created_at"});
}

json DeliveryJson(const service::Delivery& d) {
  return {{"id", d.uuid},
          {"event_id", d.event_id},
          {"event_type", d.event_type},
          {"state", d.state},
          {"attempts", d.attempts},
          {"next_attempt_at", MsTimestamp(d.next_attempt_ms)},
          {"last_attempt_at", MsTimestamp(d.last_attempt_ms)},
          {"last_status", d.last_status ? json(*d.last_status) : json(nullptr)},
          {"last_error", d.last_error ? json(*d.last_error) : json(nullptr)},
          {"created_at", FormatTimestamp(d.created_at)}};
}

void RegisterWebhookRoutes(http::Router& router, service::Webhooks& webhooks) {
  FaceRoutes routes(router);
  const std::map<std::string, std::string> id_param = {{"id", "The webhook's id."}};

  http::Route create{Method::kPost, "/v1/webhooks", Access::kAuthenticated, kStyle, kTag,
                     "Register a webhook for booking events on the caller's calendars.", {},
                     [&webhooks](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       auto w = webhooks.Create(Caller(req), *fields, Now());
                       if (!w) return Fail(w.error());
                       return Created(WebhookJson(*w));
                     }};
  create.doc.operation_id = "createWebhook";
  create.doc.description =
      "The answer carries the signing secret, shown only this once. url must be http or https and reach a public "
      "address; events lists at least one event type.";
  create.doc.request_body = WriteSchema(true);
  create.doc.request_body_name = "WebhookCreate";
  create.doc.responses =
      WithProblems({Success(201, "The webhook, with its secret.", WebhookSchema(true), "WebhookCreated")}, {400, 401});
  routes.Add(std::move(create));

  http::Route list{Method::kGet, "/v1/webhooks", Access::kAuthenticated, kStyle, kTag,
                   "The caller's webhooks, oldest first.", PageParams(),
                     PageHandler([&webhooks](Request& req, const service::PageRequest& page) {
                       return webhooks.List(Caller(req), page);
                     }, WebhookJson)};
  list.doc.operation_id = "listWebhooks";
  DocumentPageParams(list.doc);
  list.doc.responses =
      WithProblems({Success(200, "A page of webhooks.", schema::PageOf(WebhookSchema(false), "webhooks"), "WebhookPage")},
                   {400, 401});
  routes.Add(std::move(list));

  http::Route get{Method::kGet, "/v1/webhooks/{id:uuid}", Access::kAuthenticated, kStyle, kTag, "One webhook.", {},
                  [&webhooks](Request& req) -> Response {
                    auto w = webhooks.Get(Caller(req), NormalizedUuid(req.Param("id")));
                    if (!w) return Fail(w.error());
                    return Ok(WebhookJson(*w));
                  }};
  get.doc.operation_id = "getWebhook";
  get.doc.path_params = id_param;
  get.doc.responses = WithProblems({Success(200, "The webhook.", WebhookSchema(false), "Webhook")}, {401, 404});
  routes.Add(std::move(get));

  http::Route update{Method::kPatch, "/v1/webhooks/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Change a webhook's url, events or active flag.", {},
                     [&webhooks](Request& req) -> Response {
                       auto fields = ReadFields(req);
                       if (!fields) return Fail(fields.error());
                       auto w = webhooks.Update(Caller(req), NormalizedUuid(req.Param("id")), *fields, Now());
                       if (!w) return Fail(w.error());
                       return Ok(WebhookJson(*w));
                     }};
  update.doc.operation_id = "updateWebhook";
  update.doc.path_params = id_param;
  update.doc.request_body = WriteSchema(false);
  update.doc.request_body_name = "WebhookUpdate";
  update.doc.responses = WithProblems({Success(200, "The webhook.", WebhookSchema(false), "Webhook")}, {400, 401, 404});
  routes.Add(std::move(update));

  http::Route remove{Method::kDelete, "/v1/webhooks/{id:uuid}", Access::kAuthenticated, kStyle, kTag,
                     "Delete a webhook and its deliveries.", {}, [&webhooks](Request& req) -> Response {
                       auto s = webhooks.Delete(Caller(req), NormalizedUuid(req.Param("id")));
                       if (!s) return Fail(s.error());
                       return NoContent();
                     }};
  remove.doc.operation_id = "deleteWebhook";
  remove.doc.path_params = id_param;
  remove.doc.responses = WithProblems({Success(204, "Deleted.")}, {401, 404});
  routes.Add(std::move(remove));

  http::Route deliveries{Method::kGet, "/v1/webhooks/{id:uuid}/deliveries", Access::kAuthenticated, kStyle, kTag,
                         "The webhook's deliveries, newest first.", PageParams(),
                         PageHandler([&webhooks](Request& req, const service::PageRequest& page) {
                           return webhooks.Deliveries(Caller(req), NormalizedUuid(req.Param("id")), page);
                         }, DeliveryJson)};
  deliveries.doc.operation_id = "listWebhookDeliveries";
  deliveries.doc.path_params = id_param;
  DocumentPageParams(deliveries.doc);
  deliveries.doc.responses = WithProblems(
      {Success(200, "A page of deliveries.", schema::PageOf(DeliverySchema(), "deliveries"), "DeliveryPage")},
      {400, 401, 404});
  routes.Add(std::move(deliveries));

  http::Route redeliver{Method::kPost, "/v1/webhooks/{id:uuid}/deliveries/{delivery_id:uuid}/redeliver",
                        Access::kAuthenticated, kStyle, kTag,
                        "Send a delivery again (same event id), as soon as the dispatcher looks.", {},
                        [&webhooks](Request& req) -> Response {
                          auto d = webhooks.Redeliver(Caller(req), NormalizedUuid(req.Param("id")),
                                                      NormalizedUuid(req.Param("delivery_id")), Now());
                          if (!d) return Fail(d.error());
                          http::Response r = Ok(DeliveryJson(*d));
                          r.status = 202;
                          return r;
                        }};
  redeliver.doc.operation_id = "redeliverWebhookDelivery";
  redeliver.doc.path_params = {{"id", "The webhook's id."}, {"delivery_id", "The delivery's id."}};
  redeliver.doc.description = "The body, if any, is an empty object.";
  redeliver.doc.request_body = schema::Object(json::object(), {});
  redeliver.doc.request_body_name = "RedeliverRequest";
  redeliver.doc.responses =
      WithProblems({Success(202, "The delivery, pending again.", DeliverySchema(), "Delivery")}, {401, 404});
  routes.Add(std::move(redeliver));
}

}  // namespace kairos::api::v1
