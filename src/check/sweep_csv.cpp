// Reads a collected sweep table for `svcsim check`. Every malformed line is reported (not just the first), so
// a broken collect shows all its damage in one CI log.
#include "check/sweep_csv.hpp"

#include "check/metric_path.hpp"

#include <fmt/format.h>

#include <fstream>
#include <sstream>

namespace svcsim::gate
{

namespace
{

struct CsvRecord {
  int line = 0; // where the record starts (1-based)
  std::vector<std::string> fields;
};

// RFC 4180: "..." quotes a field, "" inside quotes is one quote, quoted fields may span lines; CRLF accepted.
std::vector<CsvRecord> parse_csv(const std::string& text, const std::string& file, std::vector<std::string>& errors)
{
  std::vector<CsvRecord> records;
  CsvRecord record;
  std::string field;
  bool quoted = false;
  bool field_started = false; // distinguishes an empty line from a record of one empty field
  int line = 1;
  record.line = 1;
  auto end_field = [&] {
    record.fields.push_back(field);
    field.clear();
  };
  auto end_record = [&] {
    if (field_started || !record.fields.empty()) {
      end_field();
      records.push_back(std::move(record));
    }
    record = CsvRecord{};
    record.line = line;
    field_started = false;
  };
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"') {
        if (i + 1 < text.size() && text[i + 1] == '"') {
          field += '"';
          ++i;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n')
          ++line;
        field += c;
      }
      continue;
    }
    if (c == '"' && field.empty()) {
      quoted = true;
      field_started = true;
    } else if (c == ',') {
      end_field();
      field_started = true;
    } else if (c == '\n') {
      ++line;
      end_record();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      continue;
    } else {
      field += c;
      field_started = true;
    }
  }
  if (quoted)
    errors.push_back(fmt::format("{}:{}: error: unterminated quoted field", file, record.line));
  else
    end_record();
  return records;
}

} // namespace

std::optional<SweepTable> read_sweep_csv(const std::string& file, std::vector<std::string>& errors)
{
  std::ifstream in(file, std::ios::binary);
  if (!in) {
    errors.push_back(fmt::format("{}: error: cannot open", file));
    return std::nullopt;
  }
  std::stringstream buffer;
  buffer << in.rdbuf();
  size_t errors_before = errors.size();
  std::vector<CsvRecord> records = parse_csv(buffer.str(), file, errors);
  if (records.empty()) {
    errors.push_back(fmt::format("{}: error: empty file, expected a header row", file));
    return std::nullopt;
  }

  SweepTable table;
  table.file = file;
  table.columns = records[0].fields;
  std::optional<size_t> run_id_column;
  for (size_t c = 0; c < table.columns.size(); ++c) {
    if (table.columns[c] == "run_id" && !run_id_column)
      run_id_column = c;
    std::vector<std::string> keys;
    try {
      keys = parse_metric_path(table.columns[c]);
    } catch (const MetricPathError&) {
      // Not a metric path (an axis with an odd name): it can still be matched by its exact name.
    }
    table.column_keys.push_back(std::move(keys));
  }
  if (!run_id_column) {
    errors.push_back(fmt::format("{}:1: error: no run_id column in the header", file));
    return std::nullopt;
  }

  std::map<std::string, int> first_line;
  for (size_t r = 1; r < records.size(); ++r) {
    const CsvRecord& record = records[r];
    if (record.fields.size() != table.columns.size()) {
      errors.push_back(fmt::format("{}:{}: error: {} fields, the header has {}", file, record.line,
                                   record.fields.size(), table.columns.size()));
      continue;
    }
    const std::string& run_id = record.fields[*run_id_column];
    auto [it, inserted] = first_line.emplace(run_id, record.line);
    if (!inserted) {
      errors.push_back(fmt::format("{}:{}: error: duplicate run_id \"{}\" (first on line {})", file, record.line,
                                   run_id, it->second));
      continue;
    }
    table.run_ids.push_back(run_id);
    table.cells[run_id] = record.fields;
  }
  if (errors.size() != errors_before)
    return std::nullopt;
  return table;
}

std::optional<size_t> find_column(const SweepTable& table, const std::string& metric,
                                  const std::vector<std::string>& keys)
{
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (table.columns[c] == metric)
      return c;
  for (size_t c = 0; c < table.columns.size(); ++c)
    if (!table.column_keys[c].empty() && table.column_keys[c] == keys)
      return c;
  return std::nullopt;
}

nlohmann::json cell_value(const std::string& cell)
{
  if (cell.empty() || cell == "null")
    return nullptr;
  // json::parse keeps integers as integers, so a count reads back exactly as summary.json wrote it.
  nlohmann::json number = nlohmann::json::parse(cell, nullptr, /*allow_exceptions=*/false);
  if (number.is_number() || number.is_boolean())
    return number;
  return cell;
}

} // namespace svcsim::gate
