// Where each value sits in a JSON text, by JSON pointer, so --update-baseline can rewrite just the numbers and
// leave layout, key order, tolerances and notes untouched: the reviewed diff shows only the changed values.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

namespace svcsim::gate
{

struct JsonSpan {
  size_t begin = 0; // first byte of the value
  size_t end = 0;   // one past its last byte (past the closing bracket for objects and arrays)
};

// Every value of a well-formed JSON text (parse it with nlohmann first), keyed by JSON pointer ("" = root).
// Throws std::runtime_error on text it cannot follow.
std::map<std::string, JsonSpan> json_value_spans(const std::string& text);

struct TextEdit {
  size_t begin = 0;
  size_t end = 0; // begin == end inserts
  std::string replacement;
};

// Applies non-overlapping edits (any order given).
std::string apply_edits(std::string text, std::vector<TextEdit> edits);

// An edit adding `"name": value_text` as the last member of the object at `object` (`name` must need no
// JSON escaping).
TextEdit append_member(const std::string& text, const JsonSpan& object, const std::string& name,
                       const std::string& value_text);

} // namespace svcsim::gate
