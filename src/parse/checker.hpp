// Typed reading of a JSON document with diagnostics: every check that fails records file, line:col, JSON
// pointer, what was expected and what was found, and reading goes on, so that one pass reports all errors.
// The Locator maps a pointer of the resolved scenario back to the file it came from (scenario, model, --set).
#pragma once

#include "parse/json_document.hpp"
#include "util/diagnostics.hpp"

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace svcsim
{

using nlohmann::json;

// Where the values of the resolved scenario came from. The resolved document is the scenario file with
// "/parameters" replaced by the model file merged with the scenario's parameters, and --set applied.
class Locator
{
public:
  void set_scenario(const JsonDocument* scenario) { scenario_ = scenario; }
  // The model files, the one the scenario names first, then the one it extends, and so on.
  void add_model(const JsonDocument* model) { models_.push_back(model); }
  void add_set(const std::string& pointer) { sets_.push_back(pointer); }
  // A diagnostic with file, line, col and the pointer as the source file spells it (a model value's
  // pointer has no "/parameters" prefix). A pointer that does not exist (a missing key) gets the position
  // of its nearest existing ancestor. `at_key`: point at the key naming the value rather than the value.
  Diagnostic locate(const std::string& pointer, bool at_key = false) const;

private:
  const JsonDocument* scenario_ = nullptr;
  std::vector<const JsonDocument*> models_;
  std::vector<std::string> sets_;
};

struct NumberRule {
  double min = 0;
  bool min_exclusive = false;
  double max = 1e9;
  bool integer = false;
};

// The usual rules: times, delays and sizes are >= 0; intervals, timeouts and rates are > 0.
constexpr NumberRule NON_NEGATIVE{0, false, 1e9, false};
constexpr NumberRule POSITIVE{0, true, 1e9, false};
constexpr NumberRule COUNT{1, false, 1e6, true};

std::string format_number(double v);
std::string join_quoted(const std::vector<std::string>& words); // "a", "b", "c"
std::string pointer_append(const std::string& pointer, const std::string& token);
std::string pointer_append(const std::string& pointer, size_t index);

class Checker
{
public:
  explicit Checker(const Locator& locator) : locator_(locator) {}

  void error(const std::string& pointer, const std::string& message);
  void error_at_key(const std::string& pointer, const std::string& message);
  void warning(const std::string& pointer, const std::string& message);
  void add(Diagnostic d) { diagnostics_.push_back(std::move(d)); }
  size_t error_count() const;
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

  // Checks that `value` is an object whose keys are all in `allowed` (each unknown key is an error at the
  // key). Returns false when it is not an object.
  bool object(const json& value, const std::string& pointer, const std::vector<std::string>& allowed);
  void unknown_keys(const json& obj, const std::string& pointer, const std::vector<std::string>& allowed);
  void missing(const std::string& pointer, const std::string& expected);

  // Readers of obj[key] (obj an object): nullopt when absent (an error if `required`) or invalid.
  std::optional<double> number(const json& obj, const std::string& pointer, const std::string& key,
                               const NumberRule& rule, bool required = false);
  std::optional<std::string> string(const json& obj, const std::string& pointer, const std::string& key,
                                    bool required = false);
  std::optional<bool> boolean(const json& obj, const std::string& pointer, const std::string& key,
                              bool required = false);
  std::optional<std::string> choice(const json& obj, const std::string& pointer, const std::string& key,
                                    const std::vector<std::string>& choices, bool required = false);

  // The same on a value in hand (`pointer` is the value's).
  std::optional<double> number_value(const json& value, const std::string& pointer, const NumberRule& rule);
  std::optional<std::string> string_value(const json& value, const std::string& pointer);

private:
  const Locator& locator_;
  std::vector<Diagnostic> diagnostics_;
};

std::string describe(const NumberRule& rule);

} // namespace svcsim
