// Reading one JSON input file (scenario or model): nlohmann parses it (comments allowed), the position
// index finds line:col per pointer and duplicate keys. Syntax errors come back as diagnostics with line:col.
#pragma once

#include "parse/json_positions.hpp"
#include "util/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace svcsim
{

struct JsonDocument {
  std::string file;
  std::string text;
  nlohmann::json root;
  JsonPositions positions;
};

// Reads a whole file; nullopt (and `error` set to "no such file", "a directory", ...) when it cannot.
std::optional<std::string> read_text_file(const std::string& path, std::string& error);

// Parses `text`; on a syntax error, a number beyond double range or a duplicate key, appends diagnostics
// to `errors`. Returns nullopt when the text is not JSON at all (the diagnostics then say why).
std::optional<JsonDocument> parse_json_document(const std::string& text, const std::string& file,
                                                std::vector<Diagnostic>& errors);

// A value as quoted in messages ("got ..."): compact JSON, cut at about 40 characters.
std::string quote_value(const nlohmann::json& value);

} // namespace svcsim
