// The Debian package installed for real with dpkg, its binary serving on its installed
// configuration as the package's user, then purged. Root only; it waits for dpkg's lock
// and skips when another package manager keeps it, or when kairos is installed already.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "support/database.hpp"
#include "support/http_client.hpp"
#include "support/server_process.hpp"

namespace kairos::testing {
namespace {

const std::string kRepo = KAIROS_TESTS_DIR "/..";

// Runs a shell command; returns {exit status, stdout+stderr}.
std::pair<int, std::string> Shell(const std::string& command) {
  std::string dir = MakeTempDir();
  int status = std::system(("( " + command + " ) > " + dir + "/out 2>&1").c_str());
  std::ifstream in(dir + "/out");
  std::string out((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::filesystem::remove_all(dir);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : 128, out};
}

bool Have(const std::string& tool) { return Shell("command -v " + tool).first == 0; }

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

// True when nobody holds dpkg's locks (apt, dpkg or unattended-upgrades at work). The
// locks are fcntl locks, so taking one for a moment and dropping it tells.
bool DpkgIdle() {
  for (const char* path : {"/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock"}) {
    int fd = open(path, O_RDWR);
    if (fd < 0) return false;
    struct flock lock{};
    lock.l_type = F_WRLCK;
    lock.l_whence = SEEK_SET;
    bool free = fcntl(fd, F_SETLK, &lock) == 0;
    close(fd);  // drops the lock
    if (!free) return false;
  }
  return true;
}

bool WaitForDpkg(std::chrono::seconds patience) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  while (!DpkgIdle()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  return true;
}

// The installed binary as the package's user, on the installed configuration, with a
// temporary database and a free port; stopped with SIGTERM.
class InstalledServer {
 public:
  InstalledServer(const std::string& dir, const passwd& user) : dir_(dir) {
    std::string port_file = dir + "/port";
    pid_ = fork();
    if (pid_ == 0) {
      int log = open((dir + "/log").c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(log, 1);
      dup2(log, 2);
      if (setgroups(0, nullptr) != 0 || setgid(user.pw_gid) != 0 || setuid(user.pw_uid) != 0) _exit(126);
      std::string db = dir + "/k.db";
      execl("/usr/bin/kairos", "/usr/bin/kairos", "serve", "--config", "/etc/kairos/kairos.toml", "--listen",
            "127.0.0.1:0", "--port-file", port_file.c_str(), "--db", db.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 200 && port_ == 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      std::string text = ReadText(port_file);
      if (!text.empty() && text.back() == '\n') port_ = static_cast<std::uint16_t>(std::stoi(text));
      int status;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        break;
      }
    }
  }
  ~InstalledServer() { Stop(); }
  int Stop() {
    if (pid_ <= 0) return -1;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  std::uint16_t port() const { return port_; }
  std::string Log() const { return ReadText(dir_ + "/log"); }

 private:
  std::string dir_;
  pid_t pid_ = -1;
  std::uint16_t port_ = 0;
};

TEST(OperationsDebInstall, InstallsServesOnItsConfigurationAndPurges) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  if (geteuid() != 0) GTEST_SKIP() << "installing a package needs root (run the suite as root to include this test)";
  for (const char* tool : {"dpkg", "dpkg-deb", "dpkg-shlibdeps", "strip", "adduser", "deluser"}) {
    if (!Have(tool)) GTEST_SKIP() << "no " << tool;
  }
  // One run at a time on the machine (several checkouts may run their suites at once).
  int guard = open("/tmp/kairos-deb-install-test.lock", O_RDWR | O_CREAT, 0644);
  ASSERT_GE(guard, 0);
  bool locked = false;
  for (int i = 0; i < 600 && !locked; ++i) {
    locked = flock(guard, LOCK_EX | LOCK_NB) == 0;
    if (!locked) std::this_thread::sleep_for(std::chrono::milliseconds(500));
  }
  if (!locked) {
    close(guard);
    GTEST_SKIP() << "another run of this test held /tmp/kairos-deb-install-test.lock for 5 minutes";
  }
  struct Unlock {
    int fd;
    ~Unlock() { close(fd); }
  } unlock{guard};
  if (Shell("dpkg-query -W -f='${Status}' kairos 2>/dev/null | grep -q 'ok installed'").first == 0) {
    GTEST_SKIP() << "a kairos package is installed on this machine already; this test leaves it alone";
  }
  if (!WaitForDpkg(std::chrono::seconds(120))) GTEST_SKIP() << "dpkg is busy (its lock is held by apt or dpkg)";

  const bool had_user = getpwnam("kairos") != nullptr;
  const bool had_group = getgrnam("kairos") != nullptr;
  const bool had_state = std::filesystem::exists("/var/lib/kairos");
  std::string dir = MakeTempDir();
  auto [bcode, bout] = Shell("bash " + kRepo + "/scripts/build-deb.sh " KAIROS_BINARY " " + dir);
  ASSERT_EQ(bcode, 0) << bout;
  std::string deb = bout.substr(0, bout.find('\n'));

  // Whatever happens below, the package goes again, and what its install made.
  struct Purge {
    bool had_user, had_group, had_state;
    ~Purge() {
      if (Shell("dpkg-query -W -f='${Status}' kairos 2>/dev/null | grep -q 'ok installed'").first == 0) {
        WaitForDpkg(std::chrono::seconds(120));
        Shell("dpkg --purge kairos");
      }
      if (!had_state) std::filesystem::remove_all("/var/lib/kairos");
      if (!had_user) Shell("deluser --system --quiet kairos");
      if (!had_group) Shell("delgroup --system --quiet --only-if-empty kairos");
    }
  } purge{had_user, had_group, had_state};

  // --force-confold: never a configuration prompt; dpkg -i fails if a dependency is
  // missing (all of them are installed where the binary was built).
  auto [icode, iout] = Shell("DEBIAN_FRONTEND=noninteractive dpkg -i --force-confold " + deb);
  if (icode != 0 && iout.find("lock") != std::string::npos) GTEST_SKIP() << "dpkg became busy: " << iout;
  ASSERT_EQ(icode, 0) << iout;
  EXPECT_EQ(Shell("dpkg-query -W -f='${Status}' kairos").second, "install ok installed");

  // postinst: the system user and group, and the state directory the unit names.
  passwd* user = getpwnam("kairos");
  ASSERT_NE(user, nullptr) << "postinst creates the kairos user";
  EXPECT_NE(getgrnam("kairos"), nullptr);
  EXPECT_LT(user->pw_uid, 1000u) << "a system user";
  EXPECT_EQ(std::string(user->pw_dir), "/var/lib/kairos");
  struct stat st{};
  ASSERT_EQ(stat("/var/lib/kairos", &st), 0) << "postinst creates /var/lib/kairos";
  EXPECT_EQ(st.st_uid, user->pw_uid);
  if (!had_state) {
    EXPECT_EQ(st.st_mode & 07777, 0750u);
  }
  const passwd kairos_user = *user;

  auto [ccode, cout] = Shell("/usr/bin/kairos config check /etc/kairos/kairos.toml");
  EXPECT_EQ(ccode, 0) << cout;

  // The installed binary on the installed configuration, as the package's user.
  ASSERT_EQ(chown(dir.c_str(), kairos_user.pw_uid, kairos_user.pw_gid), 0);
  {
    InstalledServer server(dir, kairos_user);
    ASSERT_NE(server.port(), 0) << server.Log();
    HttpClient c(server.port());
    auto r = c.Get("/healthz");
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Json()["status"], "ok");
    EXPECT_EQ(c.Get("/readyz").status, 200);
    EXPECT_EQ(server.Stop(), 0) << server.Log();
    EXPECT_NE(server.Log().find(dir + "/k.db"), std::string::npos) << "the --db flag beat the file: " << server.Log();
  }
  EXPECT_TRUE(std::filesystem::exists(dir + "/k.db"));

  // Purge: the files and the conffile go; /var/lib/kairos and the user stay (the data).
  ASSERT_TRUE(WaitForDpkg(std::chrono::seconds(120)));
  auto [pcode, pout] = Shell("dpkg --purge kairos");
  ASSERT_EQ(pcode, 0) << pout;
  EXPECT_NE(Shell("dpkg-query -W -f='${Status}' kairos 2>/dev/null | grep -q 'ok installed'").first, 0);
  for (std::string path : {"/usr/bin/kairos", "/etc/kairos/kairos.toml", "/etc/kairos", "/lib/systemd/system/kairos.service",
                           "/etc/systemd/system/multi-user.target.wants/kairos.service", "/usr/share/doc/kairos"}) {
    EXPECT_FALSE(std::filesystem::exists(path)) << path << " outlived the purge";
  }
  EXPECT_TRUE(std::filesystem::exists("/var/lib/kairos")) << "purging keeps the data";
  EXPECT_NE(getpwnam("kairos"), nullptr) << "purging keeps the user that owns the data";

  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace kairos::testing
