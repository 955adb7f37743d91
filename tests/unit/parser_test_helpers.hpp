// Shared by the scenario parser's unit tests: the repository's paths, an in-memory scenario to edit, its
// errors, and a temporary directory for files that reference each other.
#pragma once

#include "parse/scenario_parser.hpp"

#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <unistd.h>
#include <vector>

namespace svcsim::parser_test
{

namespace fs = std::filesystem;

// The repository, from this file's path (absolute under CMake, relative when compiled from the repo root).
inline std::string repo(const std::string& relative)
{
  fs::path root = fs::absolute(fs::path(__FILE__)).parent_path().parent_path().parent_path();
  return (root / relative).string();
}

inline LoadOptions options(std::vector<std::string> sets = {})
{
  LoadOptions o;
  o.models_dir = repo("models");
  o.sets = std::move(sets);
  return o;
}

// An in-memory scenario "in" scenarios/, so that its relative paths reach platforms/.
inline const std::string INLINE = repo("scenarios/inline.json");

inline LoadResult load_inline(const std::string& text, std::vector<std::string> sets = {})
{
  return load_scenario_text(text, INLINE, options(std::move(sets)));
}

inline std::vector<Diagnostic> errors_of(const std::string& text, std::vector<std::string> sets = {})
{
  try {
    load_inline(text, std::move(sets));
  } catch (const InputError& e) {
    std::vector<Diagnostic> out;
    for (const auto& d : e.diagnostics())
      if (!d.warning)
        out.push_back(d);
    return out;
  }
  return {};
}

// A valid scenario, one member per line (line 1 is "{"), to be edited by the tests.
inline const std::string VALID = R"({
  "name": "inline",
  "platform": "../platforms/localhost.xml",
  "deployment": {"instances": 3, "placement": {"default": "localhost"}},
  "workloads": [{"endpoint": "/api/auth/auth-work", "rps": 10, "start_s": 20, "duration_s": 30}]
})";

inline std::string replace(std::string text, const std::string& from, const std::string& to)
{
  size_t at = text.find(from);
  REQUIRE(at != std::string::npos);
  return text.replace(at, from.size(), to);
}

inline int temp_dir_counter = 0; // one sequence for every test file

struct TempDir {
  fs::path path;
  TempDir()
  {
    path = fs::temp_directory_path() /
           ("svcsim-parser-test-" + std::to_string(::getpid()) + "-" + std::to_string(temp_dir_counter++));
    fs::create_directories(path);
  }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const
  {
    fs::path p = path / name;
    fs::create_directories(p.parent_path());
    std::ofstream(p) << text;
    return p.string();
  }
};

} // namespace svcsim::parser_test
