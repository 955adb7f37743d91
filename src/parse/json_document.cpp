#include "parse/json_document.hpp"

#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

namespace svcsim
{

namespace
{
constexpr size_t QUOTE_MAX_CHARS = 40;
}

std::optional<std::string> read_text_file(const std::string& path, std::string& error)
{
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    error = "a directory";
    return std::nullopt;
  }
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    error = std::filesystem::exists(path, ec) ? "an unreadable file" : "no such file";
    return std::nullopt;
  }
  std::ostringstream buffer;
  buffer << in.rdbuf();
  if (in.bad()) {
    error = "a read error";
    return std::nullopt;
  }
  return buffer.str();
}

std::optional<JsonDocument> parse_json_document(const std::string& text, const std::string& file,
                                                std::vector<Diagnostic>& errors)
{
  JsonDocument doc;
  doc.file = file;
  doc.text = text;
  try {
    doc.root = nlohmann::json::parse(text, nullptr, /*allow_exceptions=*/true, /*ignore_comments=*/true);
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte is 1-based and points at the last character read: the one that made the text invalid.
    TextPos p = position_at(text, e.byte > 0 ? e.byte - 1 : 0);
    std::string message = e.what();
    size_t cut = message.find(": ", message.find("column"));
    if (message.compare(0, 16, "[json.exception.") == 0 && cut != std::string::npos)
      message = message.substr(cut + 2);
    // nlohmann quotes everything read since the token began (a whole file for an unterminated comment):
    // keep the end, where the trouble is.
    const std::string last_read = "last read: '";
    size_t from = message.find(last_read);
    if (from != std::string::npos) {
      from += last_read.size();
      size_t to = message.find("'", from);
      while (to != std::string::npos && to + 1 < message.size() && message.compare(to, 3, "'; ") != 0)
        to = message.find("'", to + 1);
      if (to == std::string::npos)
        to = message.size();
      if (to - from > QUOTE_MAX_CHARS) {
        size_t keep = to - QUOTE_MAX_CHARS;
        while (keep < to && (static_cast<unsigned char>(message[keep]) & 0xC0) == 0x80)
          ++keep;
        message = message.substr(0, from) + "..." + message.substr(keep);
      }
    }
    errors.push_back(Diagnostic{file, p.line, p.col, "", message});
    return std::nullopt;
  } catch (const nlohmann::json::exception& e) {
    // out_of_range.406: a number beyond double range. nlohmann says which text, not where: ask the index.
    try {
      JsonPositions positions = index_json_positions(text);
      for (const auto& o : positions.overflows)
        errors.push_back(Diagnostic{file, o.pos.line, o.pos.col, o.pointer, "expected a finite number, got " + o.text});
      if (!positions.overflows.empty())
        return std::nullopt;
    } catch (const JsonPositionsError&) {
    }
    errors.push_back(Diagnostic{file, 0, 0, "", e.what()});
    return std::nullopt;
  }
  try {
    doc.positions = index_json_positions(text);
  } catch (const JsonPositionsError& e) {
    if (e.nesting_too_deep) {
      errors.push_back(
          Diagnostic{file, e.pos.line, e.pos.col, "",
                     "expected at most " + std::to_string(MAX_JSON_DEPTH) + " nested objects and arrays, got more"});
      return std::nullopt;
    }
    // nlohmann accepted what the index rejects: keep going without positions rather than refuse the file.
    errors.push_back(Diagnostic{file, 0, 0, "", std::string("internal: position index failed: ") + e.what(), true});
  }
  for (const auto& d : doc.positions.duplicates) {
    std::string key = d.pointer.substr(d.pointer.rfind('/') + 1);
    errors.push_back(Diagnostic{file, d.pos.line, d.pos.col, d.pointer,
                                "expected each key once in an object, got \"" + key + "\" again (first at line " +
                                    std::to_string(d.first.line) + ", column " + std::to_string(d.first.col) + ")"});
  }
  return doc;
}

std::string quote_value(const nlohmann::json& value)
{
  if (value.is_number_float() && !std::isfinite(value.get<double>()))
    return value.get<double>() > 0 ? "infinity" : "-infinity";
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  if (text.size() <= QUOTE_MAX_CHARS)
    return text;
  size_t cut = QUOTE_MAX_CHARS - 3;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) // do not split a UTF-8 character
    --cut;
  return text.substr(0, cut) + "...";
}

} // namespace svcsim
