// A minimal JSON walker that records byte spans instead of building values. It trusts its input to be valid
// JSON (the caller has parsed it already) and only decodes object keys, through nlohmann, to name the pointers.
#include "check/json_spans.hpp"

#include "parse/json_positions.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <stdexcept>

namespace svcsim::gate
{

namespace
{

class SpanWalker
{
public:
  SpanWalker(const std::string& text, std::map<std::string, JsonSpan>& spans) : s_(text), spans_(spans) {}

  void walk()
  {
    if (s_.compare(0, 3, "\xEF\xBB\xBF") == 0) // nlohmann skips a UTF-8 byte order mark; so must we
      pos_ = 3;
    value("");
    space();
    if (pos_ != s_.size())
      fail("trailing text");
  }

private:
  [[noreturn]] void fail(const std::string& what) const
  {
    throw std::runtime_error("json_value_spans: " + what + " at byte " + std::to_string(pos_));
  }

  void space()
  {
    while (pos_ < s_.size() && (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r'))
      ++pos_;
  }

  void expect(char c)
  {
    space();
    if (pos_ >= s_.size() || s_[pos_] != c)
      fail(std::string("expected '") + c + "'");
    ++pos_;
  }

  void string_token()
  {
    if (pos_ >= s_.size() || s_[pos_] != '"')
      fail("expected a string");
    for (++pos_; pos_ < s_.size(); ++pos_) {
      if (s_[pos_] == '\\')
        ++pos_;
      else if (s_[pos_] == '"') {
        ++pos_;
        return;
      }
    }
    fail("unterminated string");
  }

  void value(const std::string& pointer)
  {
    space();
    if (pos_ >= s_.size())
      fail("expected a value");
    size_t begin = pos_;
    char c = s_[pos_];
    if (c == '{') {
      ++pos_;
      space();
      if (pos_ < s_.size() && s_[pos_] == '}') {
        ++pos_;
      } else {
        for (;;) {
          space();
          size_t key_begin = pos_;
          string_token();
          std::string key = nlohmann::json::parse(s_.substr(key_begin, pos_ - key_begin)).get<std::string>();
          expect(':');
          value(pointer + "/" + escape_pointer_token(key));
          space();
          if (pos_ < s_.size() && s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          expect('}');
          break;
        }
      }
    } else if (c == '[') {
      ++pos_;
      space();
      if (pos_ < s_.size() && s_[pos_] == ']') {
        ++pos_;
      } else {
        for (size_t index = 0;; ++index) {
          value(pointer + "/" + std::to_string(index));
          space();
          if (pos_ < s_.size() && s_[pos_] == ',') {
            ++pos_;
            continue;
          }
          expect(']');
          break;
        }
      }
    } else if (c == '"') {
      string_token();
    } else {
      // number, true, false, null: runs up to the next delimiter
      while (pos_ < s_.size() && std::string(" \t\r\n,]}").find(s_[pos_]) == std::string::npos)
        ++pos_;
      if (pos_ == begin)
        fail("expected a value");
    }
    spans_[pointer] = JsonSpan{begin, pos_};
  }

  const std::string& s_;
  std::map<std::string, JsonSpan>& spans_;
  size_t pos_ = 0;
};

} // namespace

std::map<std::string, JsonSpan> json_value_spans(const std::string& text)
{
  std::map<std::string, JsonSpan> spans;
  SpanWalker(text, spans).walk();
  return spans;
}

std::string apply_edits(std::string text, std::vector<TextEdit> edits)
{
  // From the back, so earlier offsets stay valid.
  std::sort(edits.begin(), edits.end(), [](const TextEdit& a, const TextEdit& b) { return a.begin > b.begin; });
  for (const auto& e : edits)
    text.replace(e.begin, e.end - e.begin, e.replacement);
  return text;
}

TextEdit append_member(const std::string& text, const JsonSpan& object, const std::string& name,
                       const std::string& value_text)
{
  // Insert right after the last member's value (before any whitespace preceding '}'), matching "k": v style.
  size_t at = object.end - 1; // the closing '}'
  while (at > object.begin && std::string(" \t\r\n").find(text[at - 1]) != std::string::npos)
    --at;
  std::string member = "\"" + name + "\": " + value_text; // `name` is a plain key ("value"): no escaping needed
  bool empty = at == object.begin + 1;
  return TextEdit{at, at, empty ? member : ", " + member};
}

} // namespace svcsim::gate
