// Where each value of a JSON text sits (line:col by JSON pointer), so that errors found on the parsed
// document can point into the file. nlohmann/json 3.11 keeps no positions, hence this second pass: a small
// tokenizer over text that nlohmann already accepted. It also finds duplicate keys (nlohmann keeps the last).
#pragma once

#include <cstddef>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace svcsim
{

struct TextPos {
  int line = 0; // 1-based
  int col = 0;  // 1-based, in code points (a UTF-8 character counts once, as editors show it)
  size_t offset = 0;
};

struct DuplicateKey {
  std::string pointer; // of the value the key names
  TextPos pos;         // of the second (or later) occurrence of the key
  TextPos first;       // of the first occurrence
};

struct NumberOverflow {
  std::string pointer;
  TextPos pos;
  std::string text; // as written, e.g. "1e400"
};

struct JsonPositions {
  std::map<std::string, TextPos> values; // pointer → first character of the value
  std::map<std::string, TextPos> keys;   // pointer → opening quote of the key naming the value
  std::vector<DuplicateKey> duplicates;
  std::vector<NumberOverflow> overflows; // numbers beyond double range (nlohmann throws out_of_range.406)

  const TextPos* value(const std::string& pointer) const;
  const TextPos* key(const std::string& pointer) const;
};

// Thrown when the text is not JSON (with comments); callers parse with nlohmann first, so this only guards
// against inputs the two disagree on.
struct JsonPositionsError : std::runtime_error {
  JsonPositionsError(const std::string& what, TextPos at, bool too_deep = false)
      : std::runtime_error(what), pos(at), nesting_too_deep(too_deep)
  {
  }
  TextPos pos;
  bool nesting_too_deep;
};

// Deeper documents are refused: pointers grow with depth (memory grows with its square), and nlohmann's
// copy and dump recurse. No scenario needs more than a handful of levels.
constexpr size_t MAX_JSON_DEPTH = 100;

// Indexes `text` (JSON with // and /* */ comments, optional UTF-8 BOM). Non-recursive: nesting depth is
// bounded only by memory, as in nlohmann's parser.
JsonPositions index_json_positions(const std::string& text);

// Line and column of a byte offset (clamped to the text).
TextPos position_at(const std::string& text, size_t offset);

// One JSON pointer reference token: "~" → "~0", "/" → "~1".
std::string escape_pointer_token(const std::string& token);

} // namespace svcsim
