#include "kairos/service/calendar_sync_secrets.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <vector>

#include "kairos/auth/crypto.hpp"

namespace kairos::service {
namespace {

constexpr std::string_view kPrefix = "v1:";

Result<std::array<unsigned char, SecretBox::kKeyBytes>> DecodeKey(std::string_view hex, const std::string& what) {
  std::array<unsigned char, SecretBox::kKeyBytes> key{};
  std::size_t len = 0;
  if (hex.size() != key.size() * 2 ||
      sodium_hex2bin(key.data(), key.size(), hex.data(), hex.size(), nullptr, &len, nullptr) != 0 ||
      len != key.size()) {
    return InvalidArgument(what + " must hold 64 hex characters (32 bytes)");
  }
  return key;
}

std::string Trimmed(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

}  // namespace

Result<SecretBox> SecretBox::FromHexKey(std::string_view hex) {
  auth::InitSodium();
  auto key = DecodeKey(hex, "the calendar encryption key");
  if (!key) return key.error();
  return SecretBox(*key);
}

Result<SecretBox> SecretBox::FromKeyFile(const std::string& path) {
  auth::InitSodium();
  // O_EXCL: two servers starting at once on the same folder agree on one key.
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  if (fd >= 0) {
    std::array<unsigned char, kKeyBytes> key;
    randombytes_buf(key.data(), key.size());
    std::string hex(key.size() * 2 + 1, '\0');
    sodium_bin2hex(hex.data(), hex.size(), key.data(), key.size());
    hex.back() = '\n';
    bool written = ::write(fd, hex.data(), hex.size()) == static_cast<ssize_t>(hex.size()) && ::fsync(fd) == 0;
    ::close(fd);
    if (!written) throw std::runtime_error("cannot write the calendar key file " + path);
    return SecretBox(key);
  }
  if (errno != EEXIST) throw std::runtime_error("cannot create the calendar key file " + path + ": " + std::strerror(errno));
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) throw std::runtime_error("cannot read the calendar key file " + path);
  if ((st.st_mode & 077) != 0) {
    return InvalidArgument("the calendar key file " + path + " is readable by others; chmod 600 it");
  }
  fd = ::open(path.c_str(), O_RDONLY);
  if (fd < 0) throw std::runtime_error("cannot read the calendar key file " + path);
  std::string text(256, '\0');
  ssize_t n = ::read(fd, text.data(), text.size());
  ::close(fd);
  if (n < 0) throw std::runtime_error("cannot read the calendar key file " + path);
  text.resize(static_cast<std::size_t>(n));
  auto key = DecodeKey(Trimmed(text), "the calendar key file " + path);
  if (!key) return key.error();
  return SecretBox(*key);
}

std::string SecretBox::Seal(std::string_view plaintext) const {
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES + plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), buf.data(),
                        key_.data());
  std::string out(sodium_base64_ENCODED_LEN(buf.size(), sodium_base64_VARIANT_ORIGINAL), '\0');
  sodium_bin2base64(out.data(), out.size(), buf.data(), buf.size(), sodium_base64_VARIANT_ORIGINAL);
  out.pop_back();  // the encoder's terminating NUL
  return std::string(kPrefix) + out;
}

Result<std::string> SecretBox::Open(std::string_view sealed) const {
  Error broken{ErrorCode::kInternal, "A stored calendar credential cannot be decrypted; reconnect the calendar", {}};
  if (sealed.substr(0, kPrefix.size()) != kPrefix) return broken;
  sealed.remove_prefix(kPrefix.size());
  std::vector<unsigned char> buf(sealed.size());
  std::size_t len = 0;
  if (sodium_base642bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len, nullptr,
                        sodium_base64_VARIANT_ORIGINAL) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return broken;
  }
  std::string plain(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(plain.data()), buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data()) != 0) {
    return broken;
  }
  return plain;
}

}  // namespace kairos::service
