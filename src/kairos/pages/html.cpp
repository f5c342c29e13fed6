#include "kairos/pages/html.hpp"

#include "kairos/core/text.hpp"
#include "kairos/pages/assets.hpp"

namespace kairos::pages {

std::string Escape(std::string_view text) { return HtmlEscape(text); }

std::string ScriptJson(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    // Outside strings JSON has none of these, so escaping them everywhere is safe.
    if (c == '<') out += "\\u003c";
    else if (c == '>') out += "\\u003e";
    else if (c == '&') out += "\\u0026";
    else out.push_back(c);
  }
  return out;
}

std::string AssetUrl(std::string_view name) {
  return "/assets/" + std::string(AssetVersion()) + "/" + std::string(name);
}

std::string RenderShell(const Shell& shell) {
  std::string html;
  html.reserve(2048 + shell.body.size());
  html += "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>" + Escape(shell.title) + (shell.title.empty() ? "Kairos" : " · Kairos") + "</title>\n";
  html += "<link rel=\"icon\" href=\"data:,\">\n";  // no favicon request
  html += "<link rel=\"stylesheet\" href=\"" + AssetUrl("kairos.css") + "\">\n";
  if (!shell.module.empty()) {
    html += "<link rel=\"modulepreload\" href=\"" + AssetUrl("common.js") + "\">\n";
    html += "<script type=\"module\" src=\"" + AssetUrl(shell.module) + "\"></script>\n";
  }
  html += "</head>\n<body" + std::string(shell.embed ? " class=\"embed\"" : "") + ">\n";
  if (!shell.embed) {
    html += "<header class=\"top\"><a class=\"brand\" href=\"/\">Kairos</a></header>\n";
  }
  html += "<main id=\"main\">\n" + shell.body + "\n</main>\n";
  if (!shell.data.is_null()) {
    html += "<script type=\"application/json\" id=\"kairos-data\">" + ScriptJson(shell.data) + "</script>\n";
  }
  html += "</body>\n</html>\n";
  return html;
}

http::Response HtmlResponse(int status, std::string body, bool embeddable) {
  http::Response r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.body = std::move(body);
  r.SetHeader("Cache-Control", "no-store");
  r.SetHeader("Referrer-Policy", "no-referrer");
  r.SetHeader("X-Content-Type-Options", "nosniff");
  // Everything comes from this server; nothing from any other host.
  std::string csp =
      "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
      "form-action 'self'; base-uri 'none'; object-src 'none'; frame-ancestors ";
  csp += embeddable ? "*" : "'none'";
  r.SetHeader("Content-Security-Policy", csp);
  if (!embeddable) r.SetHeader("X-Frame-Options", "DENY");
  return r;
}

}  // namespace kairos::pages
