// The layout of a sweep directory and the state of its runs (see the header).
#include "sweep/run_dirs.hpp"

#include "util/atomic_file.hpp"

#include <cerrno>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <unistd.h>

namespace svcsim
{

namespace fs = std::filesystem;

namespace
{

// A zombie is not running: a killed run whose parent died too may stay one for long where nobody reaps
// orphans (a container without an init).
bool process_running(pid_t pid)
{
  if (::kill(pid, 0) != 0 && errno == ESRCH)
    return false;
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text;
  std::getline(stat, text);
  size_t paren = text.rfind(')');
  return !(paren != std::string::npos && paren + 2 < text.size() && text[paren + 2] == 'Z');
}

} // namespace

std::string host_name()
{
  char buf[256] = {0};
  if (::gethostname(buf, sizeof buf - 1) != 0 || buf[0] == 0)
    return "localhost";
  return buf;
}

std::string staging_dir(const std::string& sweep_dir, const std::string& run_id)
{
  return (fs::path(sweep_dir) / "runs" / (".tmp-" + run_id + "-" + host_name() + "-" + std::to_string(::getpid())))
      .string();
}

std::string runs_dir(const std::string& sweep_dir)
{
  return (fs::path(sweep_dir) / "runs").string();
}

std::string run_dir(const std::string& sweep_dir, const std::string& run_id)
{
  return (fs::path(sweep_dir) / "runs" / run_id).string();
}

RunState run_state(const std::string& dir)
{
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return RunState::missing;
  if (fs::exists(fs::path(dir) / "summary.json", ec) && !fs::exists(fs::path(dir) / "INCOMPLETE", ec))
    return RunState::complete;
  if (fs::exists(fs::path(dir) / "FAILED", ec))
    return RunState::failed;
  return RunState::incomplete;
}

const char* run_state_name(RunState s)
{
  switch (s) {
  case RunState::complete:
    return "ok";
  case RunState::failed:
    return "failed";
  case RunState::incomplete:
  case RunState::missing:
    return "missing";
  }
  return "missing";
}

void write_failed(const std::string& dir, const std::string& text)
{
  try {
    fs::create_directories(dir);
    save_file_atomic((fs::path(dir) / "FAILED").string(), text);
  } catch (const std::exception&) {
    // The exit status still tells the engine; collect will list the run as missing.
  }
}

std::string failed_reason(const std::string& dir)
{
  std::ifstream in(fs::path(dir) / "FAILED");
  std::string first, line, last;
  std::getline(in, first);
  while (std::getline(in, line))
    if (!line.empty())
      last = line;
  constexpr size_t MAX_CHARS = 300;
  if (last.size() > MAX_CHARS)
    last = last.substr(0, MAX_CHARS) + "...";
  return last.empty() ? first : first + ": " + last;
}

void remove_stale_staging(const std::string& sweep_dir)
{
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(runs_dir(sweep_dir), ec)) {
    std::string name = entry.path().filename().string();
    if (name.compare(0, 5, ".tmp-") != 0)
      continue;
    // .tmp-<run_id>-<host>-<pid>: only this host's processes can be asked whether they still run.
    size_t dash = name.rfind('-'), host_at = name.find('-', 5) + 1;
    if (dash == std::string::npos || host_at == 0 || host_at > dash ||
        name.substr(host_at, dash - host_at) != host_name())
      continue;
    long pid = 0;
    try {
      pid = std::stol(name.substr(dash + 1));
    } catch (const std::exception&) {
      continue;
    }
    // A run still going (an orphan of a killed sweep) keeps its directory; it will rename it itself.
    if (pid > 0 && !process_running(static_cast<pid_t>(pid)))
      fs::remove_all(entry.path(), ec);
  }
}

} // namespace svcsim
