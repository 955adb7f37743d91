#include "parse/checker.hpp"

#include "parse/model_files.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace svcsim
{

namespace
{

const std::string PARAMETERS = "/parameters";

bool is_below(const std::string& pointer, const std::string& ancestor)
{
  return pointer == ancestor || (pointer.size() > ancestor.size() &&
                                 pointer.compare(0, ancestor.size(), ancestor) == 0 && pointer[ancestor.size()] == '/');
}

std::string parent_of(const std::string& pointer)
{
  return pointer.substr(0, pointer.rfind('/'));
}

const TextPos* find(const JsonDocument* doc, const std::string& pointer, bool at_key)
{
  if (!doc)
    return nullptr;
  const TextPos* p = at_key ? doc->positions.key(pointer) : nullptr;
  return p ? p : doc->positions.value(pointer);
}

// Edit distance, for "did you mean" on unknown keys (typos must not pass silently, but should be easy to fix).
size_t distance(const std::string& a, const std::string& b)
{
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j)
    row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t up = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = up;
    }
  }
  return row[b.size()];
}

} // namespace

Diagnostic Locator::locate(const std::string& pointer, bool at_key) const
{
  for (auto it = sets_.rbegin(); it != sets_.rend(); ++it)
    if (is_below(pointer, *it))
      return Diagnostic{"--set", 0, 0, pointer, ""};

  // A value the scenario replaces whole (model_files.hpp) is the scenario's alone: the model's keys under it do
  // not locate anything.
  const std::string whole = PARAMETERS + "/" + REPLACED_WHOLE;
  bool replaced = is_below(pointer, whole) && find(scenario_, whole, false);
  // Walk up to the nearest ancestor that some file spells out: a missing key points at its object.
  bool exact = true;
  for (std::string p = pointer;; p = parent_of(p)) {
    bool key = at_key && exact;
    if (!models_.empty() && is_below(p, PARAMETERS)) {
      // The scenario's own parameters override the model, and a model overrides the one it extends, so
      // the first that has the value wins.
      if (const TextPos* pos = find(scenario_, p, key))
        return Diagnostic{scenario_->file, pos->line, pos->col, pointer, ""};
      for (const JsonDocument* model : models_)
        if (const TextPos* pos = replaced ? nullptr : find(model, p.substr(PARAMETERS.size()), key))
          return Diagnostic{model->file, pos->line, pos->col, pointer.substr(PARAMETERS.size()), ""};
    } else if (const TextPos* pos = find(scenario_, p, key)) {
      return Diagnostic{scenario_->file, pos->line, pos->col, pointer, ""};
    }
    if (p.empty())
      break;
    exact = false;
  }
  return Diagnostic{scenario_ ? scenario_->file : "", 0, 0, pointer, ""};
}

std::string format_number(double v)
{
  char buffer[32];
  if (std::isfinite(v) && v == std::floor(v) && std::fabs(v) < 1e6)
    std::snprintf(buffer, sizeof buffer, "%.0f", v);
  else
    std::snprintf(buffer, sizeof buffer, "%g", v);
  return buffer;
}

std::string join_quoted(const std::vector<std::string>& words)
{
  std::string out;
  for (const auto& w : words)
    out += (out.empty() ? "\"" : ", \"") + w + "\"";
  return out;
}

std::string pointer_append(const std::string& pointer, const std::string& token)
{
  return pointer + "/" + escape_pointer_token(token);
}

std::string pointer_append(const std::string& pointer, size_t index)
{
  return pointer + "/" + std::to_string(index);
}

std::string describe(const NumberRule& rule)
{
  return std::string(rule.integer ? "integer" : "number") + (rule.min_exclusive ? " > " : " >= ") +
         format_number(rule.min);
}

void Checker::error(const std::string& pointer, const std::string& message)
{
  Diagnostic d = locator_.locate(pointer);
  d.message = message;
  diagnostics_.push_back(std::move(d));
}

void Checker::error_at_key(const std::string& pointer, const std::string& message)
{
  Diagnostic d = locator_.locate(pointer, true);
  d.message = message;
  diagnostics_.push_back(std::move(d));
}

void Checker::warning(const std::string& pointer, const std::string& message)
{
  Diagnostic d = locator_.locate(pointer);
  d.message = message;
  d.warning = true;
  diagnostics_.push_back(std::move(d));
}

size_t Checker::error_count() const
{
  return std::count_if(diagnostics_.begin(), diagnostics_.end(), [](const Diagnostic& d) { return !d.warning; });
}

void Checker::missing(const std::string& pointer, const std::string& expected)
{
  error(pointer, "expected " + expected + " (required), got nothing");
}

bool Checker::object(const json& value, const std::string& pointer, const std::vector<std::string>& allowed)
{
  if (!value.is_object()) {
    error(pointer, "expected object, got " + quote_value(value));
    return false;
  }
  unknown_keys(value, pointer, allowed);
  return true;
}

void Checker::unknown_keys(const json& obj, const std::string& pointer, const std::vector<std::string>& allowed)
{
  for (const auto& item : obj.items()) {
    if (std::find(allowed.begin(), allowed.end(), item.key()) != allowed.end())
      continue;
    std::string message = "unknown key: expected one of " + join_quoted(allowed) + ", got \"" + item.key() + "\"";
    std::string best;
    size_t best_distance = 3; // a typo is at most two edits away
    for (const auto& a : allowed) {
      size_t d = distance(item.key(), a);
      if (d < best_distance) {
        best_distance = d;
        best = a;
      }
    }
    if (!best.empty())
      message += " (did you mean \"" + best + "\"?)";
    error_at_key(pointer_append(pointer, item.key()), message);
  }
}

std::optional<double> Checker::number_value(const json& value, const std::string& pointer, const NumberRule& rule)
{
  if (!value.is_number()) {
    error(pointer, "expected " + describe(rule) + ", got " + quote_value(value));
    return std::nullopt;
  }
  double v = value.get<double>();
  if (!std::isfinite(v)) {
    error(pointer, "expected finite " + describe(rule) + ", got " + quote_value(value));
    return std::nullopt;
  }
  if (rule.integer && v != std::floor(v)) {
    error(pointer, "expected " + describe(rule) + ", got " + quote_value(value));
    return std::nullopt;
  }
  if (v < rule.min || (rule.min_exclusive && v == rule.min)) {
    error(pointer, "expected " + describe(rule) + ", got " + quote_value(value));
    return std::nullopt;
  }
  if (v > rule.max) {
    error(pointer, std::string("expected ") + (rule.integer ? "integer" : "number") + " <= " + format_number(rule.max) +
                       ", got " + quote_value(value));
    return std::nullopt;
  }
  return v;
}

std::optional<std::string> Checker::string_value(const json& value, const std::string& pointer)
{
  if (!value.is_string()) {
    error(pointer, "expected string, got " + quote_value(value));
    return std::nullopt;
  }
  return value.get<std::string>();
}

std::optional<double> Checker::number(const json& obj, const std::string& pointer, const std::string& key,
                                      const NumberRule& rule, bool required)
{
  std::string p = pointer_append(pointer, key);
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required)
      missing(p, describe(rule));
    return std::nullopt;
  }
  return number_value(*it, p, rule);
}

std::optional<std::string> Checker::string(const json& obj, const std::string& pointer, const std::string& key,
                                           bool required)
{
  std::string p = pointer_append(pointer, key);
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required)
      missing(p, "string");
    return std::nullopt;
  }
  return string_value(*it, p);
}

std::optional<bool> Checker::boolean(const json& obj, const std::string& pointer, const std::string& key, bool required)
{
  std::string p = pointer_append(pointer, key);
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required)
      missing(p, "true or false");
    return std::nullopt;
  }
  if (!it->is_boolean()) {
    error(p, "expected true or false, got " + quote_value(*it));
    return std::nullopt;
  }
  return it->get<bool>();
}

std::optional<std::string> Checker::choice(const json& obj, const std::string& pointer, const std::string& key,
                                           const std::vector<std::string>& choices, bool required)
{
  std::string p = pointer_append(pointer, key);
  auto it = obj.find(key);
  if (it == obj.end()) {
    if (required)
      missing(p, "one of " + join_quoted(choices));
    return std::nullopt;
  }
  if (!it->is_string() || std::find(choices.begin(), choices.end(), it->get<std::string>()) == choices.end()) {
    error(p, "expected one of " + join_quoted(choices) + ", got " + quote_value(*it));
    return std::nullopt;
  }
  return it->get<std::string>();
}

} // namespace svcsim
