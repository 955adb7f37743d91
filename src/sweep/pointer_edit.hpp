// Putting a value into a scenario document by JSON pointer, as sweep axes and "set" do. The rules match
// `svcsim run --set`: the parent must exist; an object gets the key added or replaced, an array has an
// existing element replaced. One exception: under /parameters (merged onto the model), missing objects on
// the way are created, so /parameters/registry/heartbeat_timeout_s works on a base with "parameters": {}.
#pragma once

#include <nlohmann/json.hpp>

#include <string>

namespace svcsim
{

// Why `pointer` cannot be set on `doc` ("" when it can): "expected ..., got ..." for a Diagnostic.
std::string pointer_problem(const nlohmann::json& doc, const std::string& pointer);

// Sets the value; call only when pointer_problem() returned "".
void set_at_pointer(nlohmann::json& doc, const std::string& pointer, const nlohmann::json& value);

// True when one pointer is the other or lies inside it ("/a" and "/a/b"): such axes would fight.
bool pointers_overlap(const std::string& a, const std::string& b);

} // namespace svcsim
