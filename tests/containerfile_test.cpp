// packaging/Containerfile checked without a container runtime: its stages, what it copies
// exists (in the repository, or in what the build stage's make deb writes), and what it
// runs is accepted by the binary and serves.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <nlohmann/json.hpp>
#include <regex>
#include <set>
#include <sstream>
#include <string>
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

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

struct Instruction {
  std::string keyword;  // upper case
  std::string args;
};

// Instructions in order, continuation lines joined, comments dropped.
std::vector<Instruction> ParseContainerfile(const std::string& text) {
  std::vector<Instruction> out;
  std::istringstream in(text);
  std::string pending;
  for (std::string line; std::getline(in, line);) {
    auto first = line.find_first_not_of(" \t");
    if (first == std::string::npos || line[first] == '#') {
      if (!pending.empty() && first == std::string::npos) continue;
      continue;
    }
    bool more = !line.empty() && line.back() == '\\';
    if (more) line.pop_back();
    pending += line + (more ? " " : "");
    if (more) continue;
    std::istringstream words(pending);
    Instruction ins;
    words >> ins.keyword;
    std::getline(words, ins.args);
    ins.args.erase(0, ins.args.find_first_not_of(" \t"));
    out.push_back(ins);
    pending.clear();
  }
  return out;
}

std::vector<std::string> Words(const std::string& s) {
  std::istringstream in(s);
  std::vector<std::string> out;
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

TEST(OperationsContainerfile, ItsStagesCopyWhatExistsAndRunWhatTheBinaryAccepts) {
  if (PostgresBackend()) GTEST_SKIP() << "nothing here depends on the database; run once";
  auto file = ParseContainerfile(ReadText(kRepo + "/packaging/Containerfile"));
  ASSERT_FALSE(file.empty());
  const std::set<std::string> known = {"FROM", "ARG",        "ENV",     "RUN",  "COPY",       "WORKDIR",
                                       "USER", "VOLUME",     "EXPOSE",  "CMD",  "ENTRYPOINT", "HEALTHCHECK",
                                       "LABEL", "STOPSIGNAL", "SHELL"};
  // Stages: name -> instructions.
  std::vector<std::pair<std::string, std::vector<Instruction>>> stages;
  for (const auto& ins : file) {
    EXPECT_TRUE(known.count(ins.keyword)) << "unknown instruction " << ins.keyword;
    if (ins.keyword == "FROM") {
      auto w = Words(ins.args);
      ASSERT_FALSE(w.empty());
      EXPECT_TRUE(w[0].starts_with("debian:12") || w[0].starts_with("debian:bookworm")) << "Debian 12: " << w[0];
      stages.push_back({w.size() == 3 && (w[1] == "AS" || w[1] == "as") ? w[2] : "", {}});
      continue;
    }
    ASSERT_FALSE(stages.empty()) << ins.keyword << " before FROM";
    stages.back().second.push_back(ins);
  }
  ASSERT_EQ(stages.size(), 2u) << "multi-stage: build, then runtime";
  ASSERT_EQ(stages[0].first, "build");
  const auto& build = stages[0].second;
  const auto& runtime = stages[1].second;
  auto last = [](const std::vector<Instruction>& stage, const std::string& keyword) {
    std::string args;
    for (const auto& ins : stage) {
      if (ins.keyword == keyword) args = ins.args;
    }
    return args;
  };

  // The build stage copies the repository (paths relative to the context, the root) and
  // runs the project's make deb, which writes $(BUILD)/deb/.
  std::string workdir = last(build, "WORKDIR");
  ASSERT_FALSE(workdir.empty());
  std::string build_dir = "build";
  bool makes_deb = false;
  for (const auto& ins : build) {
    if (ins.keyword == "COPY") {
      auto w = Words(ins.args);
      ASSERT_GE(w.size(), 2u);
      for (std::size_t i = 0; i + 1 < w.size(); ++i) {
        EXPECT_FALSE(w[i].starts_with("--from")) << "the build stage copies from the context";
        EXPECT_TRUE(std::filesystem::exists(kRepo + "/" + w[i])) << "COPY source " << w[i] << " is not in the repository";
      }
    }
    if (ins.keyword == "RUN" && ins.args.find("make deb") != std::string::npos) {
      makes_deb = true;
      std::smatch m;
      if (std::regex_search(ins.args, m, std::regex("BUILD=(\\S+)"))) build_dir = m[1];
    }
  }
  EXPECT_TRUE(makes_deb) << "the build stage runs make deb";
  auto [mcode, mout] = Shell("make -n -C " + kRepo + " deb BUILD=" + build_dir);
  ASSERT_EQ(mcode, 0) << mout;
  EXPECT_NE(mout.find("build-deb.sh " + build_dir + "/kairos " + build_dir + "/deb"), std::string::npos) << mout;
  // The .dockerignore keeps a local build tree (and its CMakeCache.txt) out of the context.
  EXPECT_NE(ReadText(kRepo + "/.dockerignore").find("\nbuild\n"), std::string::npos);

  // The runtime stage takes the package from the build stage's make deb output.
  bool copies_deb = false;
  for (const auto& ins : runtime) {
    if (ins.keyword != "COPY") continue;
    auto w = Words(ins.args);
    ASSERT_GE(w.size(), 3u) << ins.args;
    EXPECT_EQ(w[0], "--from=build") << "the runtime stage copies only from the build stage";
    std::string source = w[1];
    EXPECT_EQ(source.rfind(workdir + "/" + build_dir + "/deb", 0), 0u) << source << " is not what make deb writes";
    copies_deb = true;
  }
  EXPECT_TRUE(copies_deb);
  std::string install;
  for (const auto& ins : runtime) {
    if (ins.keyword == "RUN" && ins.args.find("apt-get install") != std::string::npos) install = ins.args;
  }
  for (std::string what : {"kairos_*.deb", "tzdata", "curl", "--no-install-recommends"}) {
    EXPECT_NE(install.find(what), std::string::npos) << what << " in: " << install;
  }

  // A non-root user the package creates, its state directory as the volume.
  std::string user = last(runtime, "USER");
  EXPECT_FALSE(user.empty() || user == "root" || user == "0");
  EXPECT_NE(ReadText(kRepo + "/packaging/debian/postinst").find("adduser --quiet --system --group"), std::string::npos);
  EXPECT_NE(ReadText(kRepo + "/packaging/debian/postinst").find("install -d -o " + user + " -g " + user + " -m 0750 /var/lib/kairos"),
            std::string::npos);
  EXPECT_NE(last(runtime, "VOLUME").find("\"/var/lib/kairos\""), std::string::npos);
  EXPECT_NE(ReadText(kRepo + "/packaging/kairos.toml").find("db = \"/var/lib/kairos/kairos.db\""), std::string::npos)
      << "the volume holds the default database";

  // ENTRYPOINT and CMD: exec form; the binary the package installs; serve's flags.
  auto entrypoint = nlohmann::json::parse(last(runtime, "ENTRYPOINT"));
  auto cmd = nlohmann::json::parse(last(runtime, "CMD"));
  ASSERT_TRUE(entrypoint.is_array() && cmd.is_array());
  EXPECT_EQ(entrypoint, nlohmann::json::array({"/usr/bin/kairos"}));
  auto [dcode, contents] = Shell("grep -c 'usr/bin/kairos\"' " + kRepo + "/scripts/build-deb.sh");
  EXPECT_EQ(dcode, 0) << "build-deb.sh installs /usr/bin/kairos";
  std::vector<std::string> args = cmd.get<std::vector<std::string>>();
  ASSERT_FALSE(args.empty());
  ASSERT_EQ(args[0], "serve");
  auto [hcode, help] = RunKairos({"serve", "--help"});
  ASSERT_EQ(hcode, 0) << help;
  std::map<std::string, std::string> flags;
  for (std::size_t i = 1; i < args.size(); ++i) {
    ASSERT_TRUE(args[i].starts_with("--")) << args[i];
    EXPECT_NE(help.find(args[i] + " "), std::string::npos) << args[i] << " is not a flag of kairos serve";
    if (i + 1 < args.size() && !args[i + 1].starts_with("--")) {
      flags[args[i]] = args[i + 1];
      ++i;
    }
  }
  ASSERT_EQ(flags.count("--listen"), 1u);
  std::smatch m;
  ASSERT_TRUE(std::regex_match(flags["--listen"], m, std::regex("0\\.0\\.0\\.0:(\\d+)"))) << flags["--listen"];
  std::string port = m[1];
  EXPECT_EQ(last(runtime, "EXPOSE"), port);
  std::string health = last(runtime, "HEALTHCHECK");
  EXPECT_NE(health.find("http://127.0.0.1:" + port + "/healthz"), std::string::npos) << health;
  std::string config = flags.count("--config") ? flags["--config"] : "";
  EXPECT_EQ(config, "/etc/kairos/kairos.toml");
  EXPECT_NE(ReadText(kRepo + "/scripts/build-deb.sh").find("$root/etc/kairos/kairos.toml"), std::string::npos);

  // The CMD, with the packaged configuration from the repository and a free loopback
  // port in place of 0.0.0.0:8080, serves.
  std::vector<std::string> serve_args;
  for (std::size_t i = 1; i < args.size(); ++i) {
    if (args[i] == "--listen") {
      ++i;
      continue;
    }
    serve_args.push_back(args[i] == config ? kRepo + "/packaging/kairos.toml" : args[i]);
  }
  ServerProcess server({.args = serve_args});
  HttpClient c(server.port());
  EXPECT_EQ(c.Get("/healthz").status, 200);
  auto [kcode, kout] = RunKairos({"config", "check", kRepo + "/packaging/kairos.toml"});
  EXPECT_EQ(kcode, 0) << kout;
}

}  // namespace
}  // namespace kairos::testing
