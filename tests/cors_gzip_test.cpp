// gzip-compressed responses, over real sockets against the real binary.
#include <gtest/gtest.h>
#include <zlib.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

bool VaryHas(const HttpResponse& r, const std::string& field) {
  for (const auto& v : r.AllHeaders("vary")) {
    if (v.find(field) != std::string::npos) return true;
  }
  return false;
}

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 16) != Z_OK) return "(inflateInit2 failed)";
  std::string out;
  char buf[16384];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  inflateEnd(&zs);
  return rc == Z_STREAM_END ? out : "(not a gzip stream)";
}

class Gzip : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server_ = new ServerProcess(); }
  static void TearDownTestSuite() {
    delete server_;
    server_ = nullptr;
  }
  static inline ServerProcess* server_ = nullptr;
};

TEST_F(Gzip, OpenApiIsServedCompressedWhenAsked) {
  HttpClient c(server_->port());
  auto plain = c.Get("/openapi.json");
  ASSERT_EQ(plain.status, 200);
  ASSERT_GT(plain.body.size(), 1024u);
  EXPECT_TRUE(plain.Header("content-encoding").empty());

  auto zipped = c.Get("/openapi.json", {{"Accept-Encoding", "gzip, deflate, br"}});
  ASSERT_EQ(zipped.status, 200);
  EXPECT_EQ(zipped.Header("content-encoding"), "gzip");
  EXPECT_TRUE(VaryHas(zipped, "Accept-Encoding"));
  EXPECT_EQ(zipped.Header("content-type"), plain.Header("content-type"));
  EXPECT_EQ(zipped.Header("content-length"), std::to_string(zipped.body.size()));
  EXPECT_LT(zipped.body.size(), plain.body.size() / 2);
  std::string unzipped = Gunzip(zipped.body);
  EXPECT_EQ(unzipped, plain.body);
  EXPECT_EQ(nlohmann::json::parse(unzipped), plain.Json());

  auto weighted = c.Get("/openapi.json", {{"Accept-Encoding", "br;q=1.0, gzip;q=0.5"}});
  EXPECT_EQ(weighted.Header("content-encoding"), "gzip");
}

TEST_F(Gzip, IdentityWhenGzipIsRefusedOrNotAsked) {
  HttpClient c(server_->port());
  for (std::string ae : {"gzip;q=0", "identity", "br, gzip;q=0, *;q=1", ""}) {
    Headers h;
    if (!ae.empty()) h.emplace_back("Accept-Encoding", ae);
    auto r = c.Get("/openapi.json", h);
    EXPECT_EQ(r.status, 200) << ae;
    EXPECT_TRUE(r.Header("content-encoding").empty()) << ae;
    EXPECT_TRUE(VaryHas(r, "Accept-Encoding")) << ae;
    EXPECT_NO_THROW(r.Json()) << ae;
  }
}

TEST_F(Gzip, SmallResponsesAndHeadAreNotCompressed) {
  HttpClient c(server_->port());
  auto small = c.Get("/healthz", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(small.status, 200);
  EXPECT_TRUE(small.Header("content-encoding").empty());
  EXPECT_EQ(small.Json()["status"], "ok");

  auto plain = c.Get("/openapi.json");
  auto head = c.Request("HEAD", "/openapi.json", "", {{"Accept-Encoding", "gzip"}});
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.Header("content-encoding").empty());
  EXPECT_EQ(head.Header("content-length"), std::to_string(plain.body.size()));
  EXPECT_TRUE(head.body.empty());
  auto after = c.Get("/healthz");
  EXPECT_EQ(after.status, 200) << "the connection is still in step after HEAD";
}

}  // namespace
}  // namespace kairos::testing
