#include "kairos/http/compression.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

namespace kairos::http {
namespace {

std::string Gunzip(const std::string& in) {
  z_stream zs{};
  EXPECT_EQ(inflateInit2(&zs, 15 + 16), Z_OK);
  std::string out;
  char buf[4096];
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(in.data()));
  zs.avail_in = static_cast<uInt>(in.size());
  int rc = Z_OK;
  while (rc == Z_OK) {
    zs.next_out = reinterpret_cast<Bytef*>(buf);
    zs.avail_out = sizeof buf;
    rc = inflate(&zs, Z_NO_FLUSH);
    out.append(buf, sizeof buf - zs.avail_out);
  }
  EXPECT_EQ(rc, Z_STREAM_END);
  inflateEnd(&zs);
  return out;
}

std::string Big() {
  std::string s = "[";
  for (int i = 0; i < 200; ++i) s += R"({"id":)" + std::to_string(i) + R"(,"name":"slot"},)";
  s.back() = ']';
  return s;
}

TEST(AcceptEncoding, Gzip) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("GZIP"));
  EXPECT_TRUE(AcceptsGzip("x-gzip"));
  EXPECT_TRUE(AcceptsGzip("gzip, deflate, br"));
  EXPECT_TRUE(AcceptsGzip("br;q=1.0, gzip;q=0.8, *;q=0.1"));
  EXPECT_TRUE(AcceptsGzip(" deflate ,gzip ; q=0.001"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=1.000"));
  EXPECT_TRUE(AcceptsGzip("*"));
  EXPECT_TRUE(AcceptsGzip("br, *;q=0.5"));
}

TEST(AcceptEncoding, NotGzip) {
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("identity"));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("gzip;Q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0, *")) << "gzip named with q=0 wins over *";
  EXPECT_FALSE(AcceptsGzip("*;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzipped"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=2")) << "an unreadable weight drops the element";
  EXPECT_FALSE(AcceptsGzip("gzip;q=0.5x"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=1.5"));
  EXPECT_FALSE(AcceptsGzip("gzip;q="));
}

TEST(Gzip, RoundTrips) {
  std::string text = Big();
  auto z = Gzip(text);
  ASSERT_TRUE(z.has_value());
  EXPECT_LT(z->size(), text.size());
  ASSERT_GE(z->size(), 2u);
  EXPECT_EQ(static_cast<unsigned char>((*z)[0]), 0x1f);
  EXPECT_EQ(static_cast<unsigned char>((*z)[1]), 0x8b);
  EXPECT_EQ(Gunzip(*z), text);
  auto empty = Gzip("");
  ASSERT_TRUE(empty.has_value());
  EXPECT_EQ(Gunzip(*empty), "");
}

Request Asking(std::string accept_encoding, Method method = Method::kGet) {
  Request r;
  r.method = method;
  if (!accept_encoding.empty()) r.headers.emplace_back("accept-encoding", std::move(accept_encoding));
  return r;
}

Response Ok(std::string body, int status = 200) {
  Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

TEST(CompressResponse, LargeBodiesAreCompressedWhenAsked) {
  Response r = Ok(Big());
  CompressResponse(Asking("gzip, deflate"), r);
  EXPECT_EQ(r.Header("Content-Encoding"), "gzip");
  EXPECT_EQ(r.Header("Vary"), "Accept-Encoding");
  EXPECT_EQ(Gunzip(r.body), Big());
  EXPECT_EQ(r.content_type, "application/json");
}

TEST(CompressResponse, RepeatedAcceptEncodingFieldsAreOneList) {
  Request req = Asking("br");
  req.headers.emplace_back("Accept-Encoding", "gzip");
  Response r = Ok(Big());
  CompressResponse(req, r);
  EXPECT_EQ(r.Header("Content-Encoding"), "gzip");
}

TEST(CompressResponse, IdentityWhenNotAsked) {
  for (std::string ae : {"", "gzip;q=0", "identity", "br"}) {
    Response r = Ok(Big());
    CompressResponse(Asking(ae), r);
    EXPECT_TRUE(r.Header("Content-Encoding").empty()) << ae;
    EXPECT_EQ(r.body, Big()) << ae;
    EXPECT_EQ(r.Header("Vary"), "Accept-Encoding") << "a cache must know the body could differ: " << ae;
  }
}

TEST(CompressResponse, LeavesAloneWhatMustNotOrNeedNotBeCompressed) {
  Response small = Ok(std::string(kCompressAbove, 'a'));
  CompressResponse(Asking("gzip"), small);
  EXPECT_TRUE(small.Header("Content-Encoding").empty());
  EXPECT_TRUE(small.Header("Vary").empty());

  Response head = Ok(Big());
  CompressResponse(Asking("gzip", Method::kHead), head);
  EXPECT_TRUE(head.Header("Content-Encoding").empty());
  EXPECT_EQ(head.body, Big());

  for (int status : {204, 304, 101}) {
    Response r = Ok(Big(), status);
    CompressResponse(Asking("gzip"), r);
    EXPECT_TRUE(r.Header("Content-Encoding").empty()) << status;
  }

  Response encoded = Ok(Big());
  encoded.SetHeader("Content-Encoding", "br");
  CompressResponse(Asking("gzip"), encoded);
  EXPECT_EQ(encoded.Header("Content-Encoding"), "br");
  EXPECT_EQ(encoded.body, Big());

  Response errors = Ok(Big(), 404);
  CompressResponse(Asking("gzip"), errors);
  EXPECT_EQ(errors.Header("Content-Encoding"), "gzip") << "any status with a body may be compressed";
}

}  // namespace
}  // namespace kairos::http
