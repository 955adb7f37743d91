#include "parse/json_positions.hpp"

#include <cmath>
#include <cstdlib>

namespace svcsim
{

namespace
{

// A byte cursor that keeps line and column up to date, so recording a position costs nothing (a
// minified multi-megabyte line stays linear).
class Cursor
{
public:
  explicit Cursor(const std::string& text) : text_(text)
  {
    if (text_.compare(0, 3, "\xEF\xBB\xBF") == 0)
      i_ = 3; // nlohmann skips a UTF-8 BOM; editors do not show it as a column
  }

  bool at_end() const { return i_ >= text_.size(); }
  char peek(size_t ahead = 0) const { return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0'; }
  TextPos pos() const { return TextPos{line_, col_, i_}; }

  void advance()
  {
    auto c = static_cast<unsigned char>(text_[i_++]);
    if (c == '\n') {
      ++line_;
      col_ = 1;
    } else if ((c & 0xC0) != 0x80) { // UTF-8 continuation bytes do not start a column
      ++col_;
    }
  }

  [[noreturn]] void fail(const std::string& what, bool too_deep = false) const
  {
    throw JsonPositionsError(what + " at line " + std::to_string(line_) + ", column " + std::to_string(col_), pos(),
                             too_deep);
  }

  void expect(char c)
  {
    if (peek() != c || at_end())
      fail(std::string("expected '") + c + "'");
    advance();
  }

  // Whitespace and comments, as nlohmann accepts them with ignore_comments.
  void skip_space()
  {
    for (;;) {
      char c = peek();
      if (!at_end() && (c == ' ' || c == '\t' || c == '\n' || c == '\r')) {
        advance();
      } else if (c == '/' && peek(1) == '/') {
        while (!at_end() && peek() != '\n' && peek() != '\r')
          advance();
      } else if (c == '/' && peek(1) == '*') {
        advance();
        advance();
        while (!(peek() == '*' && peek(1) == '/')) {
          if (at_end())
            fail("unterminated comment");
          advance();
        }
        advance();
        advance();
      } else {
        return;
      }
    }
  }

  // A string token, decoded (keys must give the same pointer tokens as nlohmann's).
  std::string read_string()
  {
    expect('"');
    std::string out;
    for (;;) {
      if (at_end())
        fail("unterminated string");
      char c = peek();
      advance();
      if (c == '"')
        return out;
      if (c != '\\') {
        out += c;
        continue;
      }
      char e = peek();
      if (at_end())
        fail("unterminated string");
      advance();
      switch (e) {
      case '"':
        out += '"';
        break;
      case '\\':
        out += '\\';
        break;
      case '/':
        out += '/';
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u':
        append_utf8(out, read_code_point());
        break;
      default:
        fail("invalid escape");
      }
    }
  }

  // A number or a literal (true, false, null): the text was accepted by nlohmann, so stop at a delimiter.
  std::string read_scalar()
  {
    size_t start = i_;
    while (!at_end()) {
      char c = peek();
      bool token_char = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '+' ||
                        c == '-' || c == '.';
      if (!token_char)
        break;
      advance();
    }
    if (i_ == start)
      fail("expected a value");
    return text_.substr(start, i_ - start);
  }

private:
  unsigned read_hex4()
  {
    unsigned v = 0;
    for (int k = 0; k < 4; ++k) {
      char c = peek();
      unsigned d;
      if (c >= '0' && c <= '9')
        d = c - '0';
      else if (c >= 'a' && c <= 'f')
        d = c - 'a' + 10;
      else if (c >= 'A' && c <= 'F')
        d = c - 'A' + 10;
      else
        fail("invalid \\u escape");
      advance();
      v = v * 16 + d;
    }
    return v;
  }

  unsigned read_code_point()
  {
    unsigned u = read_hex4();
    if (u >= 0xD800 && u <= 0xDBFF && peek() == '\\' && peek(1) == 'u') {
      advance();
      advance();
      unsigned low = read_hex4();
      if (low >= 0xDC00 && low <= 0xDFFF)
        return 0x10000 + ((u - 0xD800) << 10) + (low - 0xDC00);
      fail("invalid surrogate pair");
    }
    return u;
  }

  static void append_utf8(std::string& out, unsigned cp)
  {
    if (cp < 0x80) {
      out += static_cast<char>(cp);
    } else if (cp < 0x800) {
      out += static_cast<char>(0xC0 | (cp >> 6));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      out += static_cast<char>(0xE0 | (cp >> 12));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    } else {
      out += static_cast<char>(0xF0 | (cp >> 18));
      out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
      out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
      out += static_cast<char>(0x80 | (cp & 0x3F));
    }
  }

  const std::string& text_;
  size_t i_ = 0;
  int line_ = 1;
  int col_ = 1;
};

// Drops the entries below `pointer` (a duplicate key replaced that subtree: nlohmann keeps the last one).
// Every pointer below starts with pointer + "/", and '/' + 1 == '0', so they form one range of the map.
void erase_below(std::map<std::string, TextPos>& m, const std::string& pointer)
{
  m.erase(m.lower_bound(pointer + "/"), m.lower_bound(pointer + "0"));
}

} // namespace

const TextPos* JsonPositions::value(const std::string& pointer) const
{
  auto it = values.find(pointer);
  return it == values.end() ? nullptr : &it->second;
}

const TextPos* JsonPositions::key(const std::string& pointer) const
{
  auto it = keys.find(pointer);
  return it == keys.end() ? nullptr : &it->second;
}

std::string escape_pointer_token(const std::string& token)
{
  std::string out;
  for (char c : token) {
    if (c == '~')
      out += "~0";
    else if (c == '/')
      out += "~1";
    else
      out += c;
  }
  return out;
}

TextPos position_at(const std::string& text, size_t offset)
{
  Cursor cursor(text);
  while (!cursor.at_end() && cursor.pos().offset < offset)
    cursor.advance();
  return cursor.pos();
}

JsonPositions index_json_positions(const std::string& text)
{
  struct Frame {
    bool object;
    std::string pointer;
    size_t index = 0;
    std::map<std::string, TextPos> seen_keys;
  };
  enum class Next { VALUE, KEY, AFTER_VALUE };

  JsonPositions out;
  Cursor in(text);
  std::vector<Frame> stack; // explicit stack: deeply nested hostile input must not overflow the C++ stack
  std::string pointer;      // of the value read next
  Next next = Next::VALUE;
  for (;;) {
    in.skip_space();
    switch (next) {
    case Next::VALUE: {
      out.values[pointer] = in.pos();
      char c = in.peek();
      if (c == '{' || c == '[') {
        if (stack.size() >= MAX_JSON_DEPTH)
          in.fail("expected at most " + std::to_string(MAX_JSON_DEPTH) + " nested objects and arrays, got more", true);
        in.advance();
        stack.push_back(Frame{c == '{', pointer, 0, {}});
        in.skip_space();
        if (in.peek() == (c == '{' ? '}' : ']')) {
          in.advance();
          stack.pop_back();
          next = Next::AFTER_VALUE;
        } else if (c == '{') {
          next = Next::KEY;
        } else {
          pointer += "/0";
        }
      } else if (c == '"') {
        in.read_string();
        next = Next::AFTER_VALUE;
      } else {
        TextPos at = in.pos();
        std::string scalar = in.read_scalar();
        if (c == '-' || (c >= '0' && c <= '9')) {
          double v = std::strtod(scalar.c_str(), nullptr);
          if (std::isinf(v))
            out.overflows.push_back(NumberOverflow{pointer, at, scalar});
        }
        next = Next::AFTER_VALUE;
      }
      break;
    }
    case Next::KEY: {
      TextPos key_pos = in.pos();
      std::string key = in.read_string();
      Frame& frame = stack.back();
      pointer = frame.pointer + "/" + escape_pointer_token(key);
      auto [it, inserted] = frame.seen_keys.emplace(key, key_pos);
      if (!inserted) {
        out.duplicates.push_back(DuplicateKey{pointer, key_pos, it->second});
        erase_below(out.values, pointer);
        erase_below(out.keys, pointer);
      }
      out.keys[pointer] = key_pos;
      in.skip_space();
      in.expect(':');
      next = Next::VALUE;
      break;
    }
    case Next::AFTER_VALUE: {
      if (stack.empty()) {
        if (!in.at_end())
          in.fail("expected end of input");
        return out;
      }
      Frame& frame = stack.back();
      char c = in.peek();
      if (c == ',') {
        in.advance();
        if (frame.object) {
          next = Next::KEY;
        } else {
          pointer = frame.pointer + "/" + std::to_string(++frame.index);
          next = Next::VALUE;
        }
      } else if (c == (frame.object ? '}' : ']') && !in.at_end()) {
        in.advance();
        stack.pop_back();
      } else {
        in.fail(frame.object ? "expected ',' or '}'" : "expected ',' or ']'");
      }
      break;
    }
    }
  }
}

} // namespace svcsim
