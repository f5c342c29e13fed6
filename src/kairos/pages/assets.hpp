// The browser pages' static files (web/), compiled into the binary by
// cmake/embed_web.cmake: each file's bytes, content type and content hash. Pages refer to
// them under /assets/<AssetVersion()>/<name>, a URL that changes whenever any file
// changes, so those answers may be cached for a year; modules import each other by
// relative paths and stay under the same version.
#pragma once

#include <span>
#include <string_view>

namespace kairos::pages {

struct Asset {
  std::string_view name;          // "book.js"
  std::string_view content_type;  // "text/javascript; charset=utf-8"
  std::string_view body;
  std::string_view etag;          // a quoted content hash
};

// Defined in the generated source (build/generated/web_assets.cpp).
std::span<const Asset> Assets();
std::string_view AssetVersion();

// The asset of that name, or null.
const Asset* FindAsset(std::string_view name);

}  // namespace kairos::pages
