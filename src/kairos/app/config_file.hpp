// The configuration file (`--config FILE`, `KAIROS_CONFIG`): a strict subset of TOML.
//
//   # comment
//   listen = "127.0.0.1:8080"          # basic string, with \" \\ \n \t \uXXXX escapes
//   db = '/var/lib/kairos/kairos.db'   # literal string, no escapes
//   login-max-failures = 10            # integer (optional sign, _ between digits)
//   secure-cookies = true              # boolean
//   trusted-proxies = ["10.0.0.0/8", "192.168.1.10"]   # array of strings, may span lines
//
// Keys are the flags' names without the dashes in front, all at the top level: tables
// ([section]), dotted or quoted keys, floats and dates are refused, as is a key set twice.
// Which keys exist and what type each takes is decided by the command line (main.cpp).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "kairos/core/result.hpp"

namespace kairos::app {

struct ConfigValue {
  enum class Kind { kString, kInteger, kBoolean, kStringArray };
  Kind kind = Kind::kString;
  std::string string;
  std::int64_t integer = 0;
  bool boolean = false;
  std::vector<std::string> strings;
};

// "a string", "an integer", "a boolean", "an array of strings".
std::string_view KindName(ConfigValue::Kind kind);

struct ConfigEntry {
  std::string key;
  ConfigValue value;
  int line = 0;  // where the key is, from 1
};

// Parses a whole file's text; an error's message starts with "line N: ".
Result<std::vector<ConfigEntry>> ParseConfigText(std::string_view text);

// Reads and parses a file; an error's message starts with "<path>: ".
Result<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path);

}  // namespace kairos::app
