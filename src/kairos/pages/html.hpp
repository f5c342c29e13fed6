// Server-rendered HTML for the pages: escaping, data for the modules, the page shell.
#pragma once

#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "kairos/http/request.hpp"

namespace kairos::pages {

// Text and attribute values: & < > " ' escaped.
std::string Escape(std::string_view text);

// JSON that is safe inside <script type="application/json">: '<', '>' and '&' are
// written as \u escapes, so no "</script>" can end the element early.
std::string ScriptJson(const nlohmann::json& value);

struct Shell {
  std::string title;   // the <title>, before " · Kairos"
  std::string body;    // HTML inside <main>
  std::string module;  // the module under /assets/ that runs the page, or empty
  nlohmann::json data;  // handed to the module in #kairos-data (null: none)
  bool embed = false;   // inside another site's iframe: no header and footer
};

// The URL of an asset under the current version.
std::string AssetUrl(std::string_view name);

// A whole page: doctype, language, viewport, the one style sheet, a header, <main>.
std::string RenderShell(const Shell& shell);

// 200 text/html, not stored by shared caches, no framing except for the embeddable pages.
http::Response HtmlResponse(int status, std::string body, bool embeddable = false);

}  // namespace kairos::pages
