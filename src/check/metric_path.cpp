// Metric path syntax (see metric_path.hpp): a hand-written scanner, because keys such as
// "/api/auth/auth-work" rule out reusing JSON pointers or a dotted-key splitter.
#include "check/metric_path.hpp"

#include <fmt/format.h>

namespace svcsim::gate
{

namespace
{

bool all_digits(const std::string& s)
{
  if (s.empty())
    return false;
  for (char c : s)
    if (c < '0' || c > '9')
      return false;
  return true;
}

class PathScanner
{
public:
  explicit PathScanner(const std::string& path) : path_(path) {}

  std::vector<std::string> scan()
  {
    if (path_.empty())
      throw MetricPathError("empty metric path");
    bool need_key = true; // at the start and after '.'
    while (pos_ < path_.size()) {
      char c = path_[pos_];
      if (c == '[') {
        if (need_key && !keys_.empty())
          fail("'[' right after '.'", pos_);
        bracket();
        need_key = false;
      } else if (c == '.') {
        if (need_key)
          fail("empty key", pos_);
        need_key = true;
        ++pos_;
      } else {
        if (!need_key)
          fail("expected '.' or '['", pos_);
        plain_key();
        need_key = false;
      }
    }
    if (need_key)
      fail("empty key", pos_);
    return keys_;
  }

private:
  [[noreturn]] void fail(const std::string& what, size_t at) const
  {
    throw MetricPathError(fmt::format("bad metric path \"{}\": {} at character {}", path_, what, at + 1));
  }

  void plain_key()
  {
    size_t start = pos_;
    while (pos_ < path_.size() && path_[pos_] != '.' && path_[pos_] != '[') {
      if (path_[pos_] == ']' || path_[pos_] == '"')
        fail(fmt::format("unexpected '{}' (quote the key: [\"...\"])", path_[pos_]), pos_);
      ++pos_;
    }
    keys_.push_back(path_.substr(start, pos_ - start));
  }

  // [123] or ["key"] / ['key'], with \" \' \\ escapes inside quotes.
  void bracket()
  {
    size_t open = pos_++;
    if (pos_ < path_.size() && (path_[pos_] == '"' || path_[pos_] == '\'')) {
      char quote = path_[pos_++];
      std::string key;
      for (;;) {
        if (pos_ >= path_.size())
          fail("unterminated quoted key", open);
        char c = path_[pos_++];
        if (c == quote)
          break;
        if (c == '\\' && pos_ < path_.size())
          c = path_[pos_++];
        key += c;
      }
      if (pos_ >= path_.size() || path_[pos_] != ']')
        fail("expected ']' after the quoted key", pos_);
      ++pos_;
      keys_.push_back(key);
      return;
    }
    size_t start = pos_;
    while (pos_ < path_.size() && path_[pos_] != ']')
      ++pos_;
    std::string index = path_.substr(start, pos_ - start);
    if (pos_ >= path_.size())
      fail("unterminated '['", open);
    if (!all_digits(index))
      fail("expected an index or a quoted key inside [...]", start);
    ++pos_;
    keys_.push_back(index);
  }

  const std::string& path_;
  size_t pos_ = 0;
  std::vector<std::string> keys_;
};

} // namespace

std::vector<std::string> parse_metric_path(const std::string& path)
{
  return PathScanner(path).scan();
}

const nlohmann::json* find_metric(const nlohmann::json& doc, const std::vector<std::string>& keys)
{
  const nlohmann::json* node = &doc;
  for (const auto& key : keys) {
    if (node->is_object()) {
      auto it = node->find(key);
      if (it == node->end())
        return nullptr;
      node = &*it;
    } else if (node->is_array()) {
      // More than 9 digits cannot be an index of any real summary; this also keeps stoul from overflowing.
      if (!all_digits(key) || key.size() > 9)
        return nullptr;
      size_t index = std::stoul(key);
      if (index >= node->size())
        return nullptr;
      node = &(*node)[index];
    } else {
      return nullptr;
    }
  }
  return node;
}

} // namespace svcsim::gate
