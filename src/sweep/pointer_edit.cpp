// JSON pointer edits for sweeps (see the header for the rules and why /parameters is special).
#include "sweep/pointer_edit.hpp"

#include "parse/json_positions.hpp"

#include <algorithm>
#include <cctype>

namespace svcsim
{

using json = nlohmann::json;

namespace
{

const std::string PARAMETERS = "/parameters";

bool under_parameters(const std::string& pointer)
{
  return pointer.compare(0, PARAMETERS.size() + 1, PARAMETERS + "/") == 0;
}

// RFC 6901 array index: "0" or digits without a leading zero.
bool array_index(const std::string& token, size_t& index)
{
  if (token.empty() || token.size() > 9 || !std::all_of(token.begin(), token.end(), ::isdigit) ||
      (token.size() > 1 && token[0] == '0'))
    return false;
  index = std::stoul(token);
  return true;
}

std::string short_json(const json& v)
{
  std::string s = v.dump();
  return s.size() > 40 ? s.substr(0, 37) + "..." : s;
}

} // namespace

std::string pointer_problem(const json& doc, const std::string& pointer)
{
  json::json_pointer ptr;
  try {
    ptr = json::json_pointer(pointer);
  } catch (const json::exception&) {
    return "expected a JSON pointer such as /workloads/0/rps, got \"" + pointer + "\"";
  }
  if (ptr.empty())
    return "expected a JSON pointer below the root, got \"\"";
  if (pointer == "/seed")
    return "expected a pointer other than /seed (replications go in \"seeds\"), got \"/seed\"";

  // Walk down from the root; under /parameters a missing object is fine (it will be created).
  const json* at = &doc;
  std::string walked;
  json::json_pointer parent = ptr.parent_pointer();
  std::vector<std::string> tokens;
  for (json::json_pointer p = parent; !p.empty(); p = p.parent_pointer())
    tokens.push_back(p.back());
  std::reverse(tokens.begin(), tokens.end());
  for (const auto& token : tokens) {
    walked += "/" + escape_pointer_token(token);
    if (at->is_object()) {
      auto it = at->find(token);
      if (it == at->end())
        return under_parameters(pointer) ? "" : "expected a pointer into the base scenario, got nothing at " + walked;
      at = &*it;
    } else if (at->is_array()) {
      size_t index = 0;
      if (!array_index(token, index) || index >= at->size())
        return "expected a pointer into the base scenario, got nothing at " + walked + " (an array of " +
               std::to_string(at->size()) + ")";
      at = &(*at)[index];
    } else {
      return "expected a pointer into the base scenario, got " + short_json(*at) + " above " + walked;
    }
  }
  if (at->is_object())
    return "";
  if (at->is_array()) {
    size_t index = 0;
    if (array_index(ptr.back(), index) && index < at->size())
      return "";
    return "expected an index 0.." + std::to_string(at->size() == 0 ? 0 : at->size() - 1) + " of the array at " +
           (parent.empty() ? std::string("the root") : parent.to_string()) + ", got \"" + ptr.back() + "\"";
  }
  return "expected an object or array at " + parent.to_string() + ", got " + short_json(*at);
}

void set_at_pointer(json& doc, const std::string& pointer, const json& value)
{
  json::json_pointer ptr(pointer);
  json::json_pointer parent = ptr.parent_pointer();
  if (!doc.contains(parent)) // only under /parameters (pointer_problem refused the rest): create the objects
    doc[parent] = json::object();
  json& container = doc[parent];
  if (container.is_array())
    container[std::stoul(ptr.back())] = value;
  else
    container[ptr.back()] = value;
}

bool pointers_overlap(const std::string& a, const std::string& b)
{
  const std::string& shorter = a.size() <= b.size() ? a : b;
  const std::string& longer = a.size() <= b.size() ? b : a;
  return longer.compare(0, shorter.size(), shorter) == 0 &&
         (longer.size() == shorter.size() || longer[shorter.size()] == '/');
}

} // namespace svcsim
