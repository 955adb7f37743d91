// Shared by the unit tests of `svcsim check`: temporary run directories, a fixture summary, and run_check
// called in process with its output captured.
#pragma once

#include "check/check.hpp"

#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

namespace svcsim::check_test
{

namespace fs = std::filesystem;
using namespace svcsim::gate;

struct TempDir {
  fs::path path;
  TempDir()
  {
    std::string templ = (fs::temp_directory_path() / "svcsim-check-XXXXXX").string();
    REQUIRE(::mkdtemp(templ.data()) != nullptr);
    path = templ;
  }
  ~TempDir() { fs::remove_all(path); }
  std::string operator/(const std::string& name) const { return (path / name).string(); }
};

inline void write_file(const std::string& file, const std::string& text)
{
  fs::create_directories(fs::path(file).parent_path());
  std::ofstream(file, std::ios::binary) << text;
}

inline std::string read_file(const std::string& file)
{
  std::ifstream in(file, std::ios::binary);
  std::stringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

struct Outcome {
  int code;
  std::string out;
  std::string err;
};

inline Outcome check(const std::string& run_dir, const std::string& baseline, CheckOptions options = {})
{
  options.run_dir = run_dir;
  options.baseline_file = baseline;
  std::ostringstream out;
  std::ostringstream err;
  int code = run_check(options, out, err);
  return {code, out.str(), err.str()};
}

inline std::string last_line(const std::string& text)
{
  std::string trimmed = text.substr(0, text.find_last_not_of('\n') + 1);
  return trimmed.substr(trimmed.find_last_of('\n') + 1);
}

inline const char* SUMMARY = R"({
  "scenario": "check-fixture", "seed": 1, "sim_time_s": 110.0,
  "requests": {"total": 300, "success": 290, "failed": 10, "by_status": {"200": 290, "502": 10},
               "latency_ms": {"min": 1.5, "mean": 20.25, "p50": 12.0, "p95": 80.5, "p99": 321.2, "max": 500.0},
               "achieved_rps": 2.75},
  "by_endpoint": {"/api/auth/auth-work": {"total": 100, "latency_ms": {"p50": 11.0}}},
  "by_instance": {"auth-service-1": {"served": 100, "failed": 0}},
  "faults": [{"kind": "crash", "target": "auth-service-1", "at_s": 60.0, "lb_excluded_at_s": 75.0,
              "detector_alert_at_s": null}]
})";

// A run directory holding SUMMARY, and a baseline file beside it.
struct Fixture {
  TempDir tmp;
  std::string run = tmp / "run";
  std::string baseline = tmp / "baseline.json";
  Fixture() { write_file(run + "/summary.json", SUMMARY); }
  Outcome check_with(const std::string& baseline_text, CheckOptions options = {})
  {
    write_file(baseline, baseline_text);
    return check(run, baseline, options);
  }
};

} // namespace svcsim::check_test
