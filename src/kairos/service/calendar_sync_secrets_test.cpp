#include "kairos/service/calendar_sync_secrets.hpp"

#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

namespace kairos::service {
namespace {

const std::string kKey(64, 'a');

TEST(SecretBox, SealsWithFreshNoncesAndOpensOnlyUnderItsKey) {
  auto box = SecretBox::FromHexKey(kKey);
  ASSERT_TRUE(box.ok());
  std::string a = box->Seal("ya29.token"), b = box->Seal("ya29.token");
  EXPECT_NE(a, b);
  EXPECT_EQ(a.find("ya29"), std::string::npos);
  EXPECT_EQ(*box->Open(a), "ya29.token");
  auto other = SecretBox::FromHexKey(std::string(64, 'b'));
  EXPECT_FALSE(other->Open(a).ok());
  a[10] = a[10] == 'A' ? 'B' : 'A';
  EXPECT_FALSE(box->Open(a).ok());
  EXPECT_FALSE(SecretBox::FromHexKey("abc").ok());
}

TEST(SecretBox, KeyFileIsCreatedPrivateAndReused) {
  auto dir = std::filesystem::temp_directory_path() / ("kairos-key-" + std::to_string(::getpid()));
  std::filesystem::create_directories(dir);
  std::string path = (dir / "calendar.key").string();
  auto first = SecretBox::FromKeyFile(path);
  ASSERT_TRUE(first.ok());
  struct stat st {};
  ASSERT_EQ(::stat(path.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  auto second = SecretBox::FromKeyFile(path);
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(*second->Open(first->Seal("x")), "x");
  ::chmod(path.c_str(), 0644);
  EXPECT_FALSE(SecretBox::FromKeyFile(path).ok());
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::service
