// DEVIATION (replaces nlohmann/json.hpp, which is not installed here): just enough JSON for the
// ring hostfile, a list of lists of strings. It parses arrays and strings (with the standard
// escapes) and rejects everything else with a message. The interface is the part of nlohmann's
// that load_nodes() uses: json::parse(istream), range-for over an array, get<std::string>().
#pragma once

#include <istream>
#include <iterator>
#include <sstream>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace mlx::core::distributed::ring {

class json {
 public:
  static json parse(std::istream& in) {
    if (!in) {
      throw std::runtime_error("[json] cannot read the hostfile");
    }
    std::string text(
        (std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    size_t pos = 0;
    json result = parse_value(text, pos);
    skip_ws(text, pos);
    if (pos != text.size()) {
      fail(text, pos, "trailing characters");
    }
    return result;
  }

  std::vector<json>::const_iterator begin() const {
    require_array();
    return items_.begin();
  }
  std::vector<json>::const_iterator end() const {
    require_array();
    return items_.end();
  }

  template <typename T>
  T get() const {
    static_assert(std::is_same_v<T, std::string>, "only strings are supported");
    if (is_array_) {
      throw std::runtime_error("[json] expected a string but found an array");
    }
    return str_;
  }

 private:
  bool is_array_ = false;
  std::vector<json> items_;
  std::string str_;

  void require_array() const {
    if (!is_array_) {
      throw std::runtime_error(
          "[json] expected an array but found the string \"" + str_ + "\"");
    }
  }

  [[noreturn]] static void fail(const std::string& t, size_t pos, const char* what) {
    std::ostringstream msg;
    msg << "[json] " << what << " at offset " << pos
        << " (the hostfile must be a list of lists of \"host:port\" strings)";
    throw std::runtime_error(msg.str());
  }

  static void skip_ws(const std::string& t, size_t& pos) {
    while (pos < t.size() &&
           (t[pos] == ' ' || t[pos] == '\t' || t[pos] == '\n' || t[pos] == '\r')) {
      pos++;
    }
  }

  static json parse_value(const std::string& t, size_t& pos) {
    skip_ws(t, pos);
    if (pos >= t.size()) {
      fail(t, pos, "unexpected end");
    }
    json v;
    if (t[pos] == '[') {
      v.is_array_ = true;
      pos++;
      skip_ws(t, pos);
      if (pos < t.size() && t[pos] == ']') {
        pos++;
        return v;
      }
      while (true) {
        v.items_.push_back(parse_value(t, pos));
        skip_ws(t, pos);
        if (pos < t.size() && t[pos] == ',') {
          pos++;
        } else if (pos < t.size() && t[pos] == ']') {
          pos++;
          return v;
        } else {
          fail(t, pos, "expected ',' or ']'");
        }
      }
    }
    if (t[pos] == '"') {
      pos++;
      while (true) {
        if (pos >= t.size()) {
          fail(t, pos, "unterminated string");
        }
        char c = t[pos++];
        if (c == '"') {
          return v;
        }
        if (c != '\\') {
          v.str_.push_back(c);
          continue;
        }
        if (pos >= t.size()) {
          fail(t, pos, "unterminated escape");
        }
        char e = t[pos++];
        switch (e) {
          case '"': v.str_.push_back('"'); break;
          case '\\': v.str_.push_back('\\'); break;
          case '/': v.str_.push_back('/'); break;
          case 'b': v.str_.push_back('\b'); break;
          case 'f': v.str_.push_back('\f'); break;
          case 'n': v.str_.push_back('\n'); break;
          case 'r': v.str_.push_back('\r'); break;
          case 't': v.str_.push_back('\t'); break;
          default: fail(t, pos - 1, "unsupported escape (\\u is not needed for host:port)");
        }
      }
    }
    fail(t, pos, "expected '[' or '\"'");
  }
};

} // namespace mlx::core::distributed::ring
