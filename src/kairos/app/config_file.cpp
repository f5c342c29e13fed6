#include "kairos/app/config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace kairos::app {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : s_(text) {}

  Result<std::vector<ConfigEntry>> Run() {
    std::vector<ConfigEntry> out;
    std::map<std::string, int> seen;
    for (;;) {
      SkipBlank(true);
      if (AtEnd()) break;
      int line = line_;
      if (Peek() == '[') return Fail("tables ([section]) are not supported: every key is at the top level");
      std::string key;
      while (!AtEnd() && IsKeyChar(Peek())) key.push_back(Next());
      if (key.empty()) {
        if (Peek() == '"' || Peek() == '\'') return Fail("quoted keys are not supported");
        return Fail("expected a key (letters, digits, - and _) followed by =");
      }
      SkipBlank(false);
      if (!AtEnd() && Peek() == '.') return Fail("dotted keys are not supported: every key is at the top level");
      if (AtEnd() || Peek() != '=') return Fail("expected = after the key \"" + key + "\"");
      Next();
      SkipBlank(false);
      ConfigValue value;
      if (auto r = ParseValue(value); !r.ok()) return r.error();
      SkipBlank(false);
      if (!AtEnd() && Peek() == '#') SkipComment();
      if (!AtEnd() && Peek() != '\n' && Peek() != '\r') return Fail("unexpected text after the value of \"" + key + "\"");
      if (auto [it, fresh] = seen.emplace(key, line); !fresh) {
        line_ = line;
        return Fail("\"" + key + "\" is set twice (first on line " + std::to_string(it->second) + ")");
      }
      out.push_back({std::move(key), std::move(value), line});
    }
    return out;
  }

 private:
  static bool IsKeyChar(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_';
  }
  bool AtEnd() const { return i_ >= s_.size(); }
  char Peek() const { return s_[i_]; }
  char Next() {
    char c = s_[i_++];
    if (c == '\n') ++line_;
    return c;
  }
  Error Fail(const std::string& message) const {
    return Error{ErrorCode::kInvalidArgument, "line " + std::to_string(line_) + ": " + message, {}};
  }
  void SkipComment() {
    while (!AtEnd() && Peek() != '\n') Next();
  }
  // Spaces and tabs; with newlines, also line ends and comments.
  void SkipBlank(bool newlines) {
    while (!AtEnd()) {
      char c = Peek();
      if (c == ' ' || c == '\t') {
        Next();
      } else if (newlines && (c == '\n' || c == '\r')) {
        Next();
      } else if (newlines && c == '#') {
        SkipComment();
      } else {
        break;
      }
    }
  }

  Result<bool> ParseValue(ConfigValue& v) {
    if (AtEnd() || Peek() == '\n' || Peek() == '\r' || Peek() == '#') return Fail("expected a value after =");
    char c = Peek();
    if (c == '"' || c == '\'') {
      v.kind = ConfigValue::Kind::kString;
      return ParseString(v.string);
    }
    if (c == '[') {
      v.kind = ConfigValue::Kind::kStringArray;
      return ParseArray(v.strings);
    }
    if (c == '+' || c == '-' || (c >= '0' && c <= '9')) {
      v.kind = ConfigValue::Kind::kInteger;
      return ParseInteger(v.integer);
    }
    std::string word;
    while (!AtEnd() && IsKeyChar(Peek())) word.push_back(Next());
    if (word == "true" || word == "false") {
      v.kind = ConfigValue::Kind::kBoolean;
      v.boolean = word == "true";
      return true;
    }
    if (word == "inf" || word == "nan") return Fail("floats are not supported");
    return Fail("expected a value: a \"string\", an integer, true, false or an array of strings");
  }

  Result<bool> ParseString(std::string& out) {
    char quote = Next();
    if (i_ + 1 < s_.size() && s_[i_] == quote && s_[i_ + 1] == quote) return Fail("multi-line strings are not supported");
    for (;;) {
      if (AtEnd() || Peek() == '\n' || Peek() == '\r') return Fail("unterminated string");
      char c = Next();
      if (c == quote) return true;
      if (static_cast<unsigned char>(c) < 0x20 && c != '\t') return Fail("control character in a string");
      if (c == 0x7f) return Fail("control character in a string");
      if (c != '\\' || quote == '\'') {
        out.push_back(c);
        continue;
      }
      if (AtEnd()) return Fail("unterminated string");
      char e = Next();
      switch (e) {
        case 'b': out.push_back('\b'); break;
        case 't': out.push_back('\t'); break;
        case 'n': out.push_back('\n'); break;
        case 'f': out.push_back('\f'); break;
        case 'r': out.push_back('\r'); break;
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case 'u':
        case 'U': {
          int digits = e == 'u' ? 4 : 8;
          std::uint32_t cp = 0;
          for (int k = 0; k < digits; ++k) {
            if (AtEnd()) return Fail("unterminated string");
            char h = Next();
            int d = (h >= '0' && h <= '9') ? h - '0' : (h >= 'a' && h <= 'f') ? h - 'a' + 10 : (h >= 'A' && h <= 'F') ? h - 'A' + 10 : -1;
            if (d < 0) return Fail("invalid \\u escape");
            cp = cp * 16 + static_cast<std::uint32_t>(d);
          }
          if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return Fail("invalid \\u escape");
          AppendUtf8(out, cp);
          break;
        }
        default:
          return Fail(std::string("invalid escape \\") + e + " in a string");
      }
    }
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Result<bool> ParseInteger(std::int64_t& out) {
    bool negative = false;
    if (Peek() == '+' || Peek() == '-') negative = Next() == '-';
    std::string digits;
    bool last_underscore = false;
    while (!AtEnd() && ((Peek() >= '0' && Peek() <= '9') || Peek() == '_')) {
      char c = Next();
      if (c == '_') {
        if (digits.empty() || last_underscore) return Fail("misplaced _ in an integer");
        last_underscore = true;
        continue;
      }
      last_underscore = false;
      digits.push_back(c);
    }
    if (!AtEnd() && (Peek() == '.' || Peek() == 'e' || Peek() == 'E')) return Fail("floats are not supported");
    if (!AtEnd() && (Peek() == ':' || Peek() == 'x' || Peek() == 'o' || Peek() == 'b' || Peek() == 'T')) {
      return Fail("only decimal integers are supported (no dates, times, hex, octal or binary)");
    }
    if (digits.empty() || last_underscore) return Fail("expected an integer");
    if (!AtEnd() && IsKeyChar(Peek())) return Fail("expected an integer");
    if (digits.size() > 1 && digits[0] == '0') return Fail("leading zeros are not allowed in an integer");
    std::uint64_t value = 0;
    for (char d : digits) {
      if (value > (UINT64_MAX - static_cast<std::uint64_t>(d - '0')) / 10) return Fail("integer too large");
      value = value * 10 + static_cast<std::uint64_t>(d - '0');
    }
    std::uint64_t limit = negative ? static_cast<std::uint64_t>(INT64_MAX) + 1 : static_cast<std::uint64_t>(INT64_MAX);
    if (value > limit) return Fail("integer too large");
    out = negative ? static_cast<std::int64_t>(0 - value) : static_cast<std::int64_t>(value);
    return true;
  }

  Result<bool> ParseArray(std::vector<std::string>& out) {
    Next();  // [
    for (;;) {
      SkipBlank(true);
      if (AtEnd()) return Fail("unterminated array");
      if (Peek() == ']') {
        Next();
        return true;
      }
      if (Peek() != '"' && Peek() != '\'') return Fail("arrays may hold only strings");
      std::string item;
      if (auto r = ParseString(item); !r.ok()) return r.error();
      out.push_back(std::move(item));
      SkipBlank(true);
      if (AtEnd()) return Fail("unterminated array");
      if (Peek() == ',') {
        Next();
        continue;
      }
      if (Peek() != ']') return Fail("expected , or ] in an array");
    }
  }

  std::string_view s_;
  std::size_t i_ = 0;
  int line_ = 1;
};

}  // namespace

std::string_view KindName(ConfigValue::Kind kind) {
  switch (kind) {
    case ConfigValue::Kind::kString: return "a string";
    case ConfigValue::Kind::kInteger: return "an integer";
    case ConfigValue::Kind::kBoolean: return "a boolean";
    case ConfigValue::Kind::kStringArray: return "an array of strings";
  }
  return "a value";
}

Result<std::vector<ConfigEntry>> ParseConfigText(std::string_view text) {
  if (text.size() >= 3 && text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);  // a UTF-8 byte order mark
  return Parser(text).Run();
}

Result<std::vector<ConfigEntry>> ReadConfigFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return InvalidArgument("cannot read configuration file " + path + ": " + std::strerror(errno), "config");
  std::stringstream ss;
  ss << in.rdbuf();
  auto parsed = ParseConfigText(ss.str());
  if (!parsed.ok()) return InvalidArgument(path + ": " + parsed.error().message, "config");
  return parsed;
}

}  // namespace kairos::app
