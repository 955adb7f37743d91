// Where a sweep's runs live and how their state is read: DIR/manifest.jsonl, DIR/runs/<run_id>/ (complete
// when it holds summary.json and no INCOMPLETE), DIR/runs/<run_id>/FAILED (why it failed), and the staging
// directories DIR/runs/.tmp-<run_id>-<host>-<pid> that a run fills before renaming it into place.
#pragma once

#include <string>

namespace svcsim
{

enum class RunState { complete, failed, incomplete, missing };

std::string runs_dir(const std::string& sweep_dir);
std::string run_dir(const std::string& sweep_dir, const std::string& run_id);

// This process's staging directory for a run (a sibling of the run directory, so rename() is atomic).
std::string staging_dir(const std::string& sweep_dir, const std::string& run_id);
std::string host_name();

RunState run_state(const std::string& dir);
const char* run_state_name(RunState s); // "ok", "failed", "missing" (incomplete counts as missing)

// Writes dir/FAILED atomically (creating dir). Never throws: a run that cannot record its failure still fails.
void write_failed(const std::string& dir, const std::string& text);

// "exit code 3: <the last line of its stderr>" from dir/FAILED ("" when there is none). FAILED starts
// with how the run ended ("exit code N", "killed by signal N (...)"), then the details.
std::string failed_reason(const std::string& dir);

// Removes staging directories of runs whose process is gone (a sweep or run killed with kill -9).
void remove_stale_staging(const std::string& sweep_dir);

} // namespace svcsim
