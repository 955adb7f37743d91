// libFuzzer target on the scenario parser and validator (load_scenario_text): any input must either load or
// throw InputError (exit 2 in the CLI). A crash, a sanitizer report, a hang or any other exception is a bug.
// Built by tools/fuzz with clang++-14 -fsanitize=fuzzer,address,undefined; CMake leaves src/fuzz/ out.
#include "parse/scenario_parser.hpp"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <string>

#ifndef SVCSIM_SOURCE_DIR
#error "build with -DSVCSIM_SOURCE_DIR=\"/path/to/repo\" (tools/fuzz does)"
#endif

namespace
{

// Relative platform and model paths resolve against the scenario's directory: name the input as a file
// in scenarios/ so that "../platforms/localhost.xml" and "model": "seed" resolve as in the shipped examples.
const std::string FILE_NAME = std::string(SVCSIM_SOURCE_DIR) + "/scenarios/fuzz-input.json";

svcsim::LoadOptions options()
{
  svcsim::LoadOptions o;
  o.models_dir = std::string(SVCSIM_SOURCE_DIR) + "/models";
  return o;
}

} // namespace

// Leading lines "//set POINTER=VALUE" become --set overrides (the parser accepts // comments, so the rest
// stays a valid scenario): the fuzzer mutates overrides and documents together.
svcsim::LoadOptions with_sets(const svcsim::LoadOptions& base, const std::string& text)
{
  svcsim::LoadOptions o = base;
  size_t pos = 0;
  while (text.compare(pos, 6, "//set ") == 0 && o.sets.size() < 8) {
    size_t end = text.find('\n', pos);
    o.sets.push_back(text.substr(pos + 6, end == std::string::npos ? std::string::npos : end - pos - 6));
    if (end == std::string::npos)
      break;
    pos = end + 1;
  }
  return o;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size)
{
  static const svcsim::LoadOptions OPTIONS = options();
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    svcsim::LoadResult r = svcsim::load_scenario_text(text, FILE_NAME, with_sets(OPTIONS, text));
    (void)r;
  } catch (const svcsim::InputError& e) {
    // Expected for bad input. Every diagnostic must format to one line (the CLI prints one line per error).
    for (const auto& d : e.diagnostics()) {
      std::string line = d.format();
      if (line.find('\n') != std::string::npos) {
        std::fprintf(stderr, "fuzz_scenario: a diagnostic spans several lines:\n%s\n", line.c_str());
        std::abort();
      }
    }
  } catch (const std::exception& e) {
    // The CLI would report this as "internal error" (exit 3) on a user's file: not allowed for input.
    std::fprintf(stderr, "fuzz_scenario: load_scenario_text threw a non-InputError exception: %s\n", e.what());
    std::abort();
  }
  return 0;
}
