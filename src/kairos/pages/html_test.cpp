#include "kairos/pages/html.hpp"

#include <gtest/gtest.h>

#include "kairos/pages/assets.hpp"

namespace kairos::pages {
namespace {

TEST(PagesHtml, EscapesTextAndAttributes) {
  EXPECT_EQ(Escape(R"(<a href="x">Tom & 'Jerry'</a>)"), "&lt;a href=&quot;x&quot;&gt;Tom &amp; &#39;Jerry&#39;&lt;/a&gt;");
  EXPECT_EQ(Escape("plain"), "plain");
}

TEST(PagesHtml, ScriptJsonCannotCloseTheScriptElement) {
  nlohmann::json value = {{"title", "</script><script>alert(1)</script> & more"}};
  std::string text = ScriptJson(value);
  EXPECT_EQ(text.find('<'), std::string::npos);
  EXPECT_EQ(text.find('>'), std::string::npos);
  EXPECT_EQ(text.find('&'), std::string::npos);
  EXPECT_EQ(nlohmann::json::parse(text), value) << "still the same JSON";
}

TEST(PagesHtml, ShellEscapesTitleAndLinksTheVersionedStyleSheet) {
  Shell s;
  s.title = "A <b> title";
  s.body = "<p>body</p>";
  s.module = "book.js";
  s.data = {{"x", 1}};
  std::string html = RenderShell(s);
  EXPECT_NE(html.find("<title>A &lt;b&gt; title · Kairos</title>"), std::string::npos) << html;
  EXPECT_NE(html.find("/assets/" + std::string(AssetVersion()) + "/kairos.css"), std::string::npos);
  EXPECT_NE(html.find("<script type=\"module\" src=\"/assets/" + std::string(AssetVersion()) + "/book.js\">"),
            std::string::npos);
  EXPECT_NE(html.find("id=\"kairos-data\">{\"x\":1}</script>"), std::string::npos);
}

TEST(PagesAssets, EveryFileHasATypeAndAHash) {
  ASSERT_FALSE(Assets().empty());
  for (const Asset& a : Assets()) {
    EXPECT_FALSE(a.body.empty()) << a.name;
    EXPECT_EQ(a.etag.size(), 18u) << a.name;  // 16 hex digits, quoted
  }
  ASSERT_NE(FindAsset("kairos.css"), nullptr);
  EXPECT_EQ(FindAsset("kairos.css")->content_type, "text/css; charset=utf-8");
  ASSERT_NE(FindAsset("book.js"), nullptr);
  EXPECT_EQ(FindAsset("book.js")->content_type, "text/javascript; charset=utf-8");
  EXPECT_EQ(FindAsset("../CMakeLists.txt"), nullptr);
}

}  // namespace
}  // namespace kairos::pages
