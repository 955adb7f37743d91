// The local process pool of `svcsim sweep` (see the header). One SimGrid engine per process is both what
// SimGrid allows and what isolates a crashing run. Children are forked (or spawned, with --exec) and reaped
// in one loop that waits for SIGCHLD, SIGINT and SIGTERM with a timeout, so that the progress line keeps
// moving during long runs and Ctrl-C stops the sweep cleanly.
#include "sweep/local_runner.hpp"
#include "metrics/perf_clock.hpp"

#include "cli/cli.hpp"
#include "sim/interrupt.hpp"
#include "sweep/child_signals.hpp"
#include "sweep/run_dirs.hpp"
#include "sweep/sweep_commands.hpp"
#include "sweep/sweep_progress.hpp"

#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstring>
#include <deque>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sched.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

extern char** environ;

namespace svcsim
{

namespace fs = std::filesystem;

namespace
{

constexpr size_t STDERR_TAIL_LINES = 20;

struct Child {
  size_t index;
  double start_s;
  std::string log; // its stderr
};

double now_s()
{
  return perf_epoch_seconds(); // joblog timestamps only
}

std::string tail_lines(const std::string& file, size_t n)
{
  std::ifstream in(file, std::ios::binary);
  std::deque<std::string> lines;
  std::string line;
  while (std::getline(in, line)) {
    lines.push_back(line);
    if (lines.size() > n)
      lines.pop_front();
  }
  std::string out;
  for (const auto& l : lines)
    out += l + "\n";
  return out;
}

// The forked child: `svcsim run --manifest M --index I --quiet` without the exec, errors printed as the
// CLI prints them. _exit: the parent's buffers and atexit handlers are not the child's to flush or run.
[[noreturn]] void forked_run(const std::string& manifest, size_t index, const sigset_t& mask, const std::string& log)
{
  ChildSignals::reset_in_child(mask);
  int in = ::open("/dev/null", O_RDWR);
  int err = ::open(log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
  if (in < 0 || err < 0 || dup2(in, 0) < 0 || dup2(in, 1) < 0 || dup2(err, 2) < 0)
    _exit(EXIT_INTERNAL);
  ::close(in);
  ::close(err);
  int rc = EXIT_INTERNAL;
  try {
    RunCommandOptions run;
    run.quiet = true;
    rc = run_manifest_command(manifest, static_cast<long>(index), run);
  } catch (const InputError& e) {
    for (const auto& d : e.diagnostics())
      std::cerr << d.format() << "\n";
    rc = EXIT_BAD_INPUT;
  } catch (const Interrupted& e) {
    rc = 128 + e.signal; // the sweep was stopped: the run stays missing (see reap)
  } catch (const std::exception& e) {
    std::cerr << "svcsim: internal error: " << e.what() << "\n";
  }
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  _exit(rc);
}

class Pool
{
public:
  Pool(const std::vector<ManifestEntry>& runs, const LocalRunOptions& options)
      : runs_(runs), options_(options), manifest_(fs::absolute(fs::path(options.sweep_dir) / "manifest.jsonl")),
        logs_(fs::path(options.sweep_dir) / "logs")
  {
    std::error_code ec;
    exe_name_ = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec)
      exe_name_ = "svcsim";
    fs::create_directories(logs_);
    bool fresh = !fs::exists(fs::path(options.sweep_dir) / "joblog.tsv");
    joblog_.open(fs::path(options.sweep_dir) / "joblog.tsv", std::ios::app);
    if (fresh)
      joblog_ << "index\trun_id\tstart_unix_s\telapsed_s\texit\tsignal\n";
  }

  LocalRunResult run();

private:
  void spawn(size_t index);
  void reaped(pid_t pid, int status);

  const std::vector<ManifestEntry>& runs_;
  const LocalRunOptions& options_;
  fs::path manifest_, logs_;
  std::string exe_name_;
  std::ofstream joblog_;
  std::map<pid_t, Child> running_;
  LocalRunResult result_;
  posix_spawnattr_t attr_;
  sigset_t child_mask_;
};

void Pool::spawn(size_t index)
{
  const ManifestEntry& run = runs_[index];
  std::string log = (logs_ / (run.run_id + ".stderr")).string();
  pid_t pid = 0;
  int rc = 0;
  if (options_.exec) {
    std::vector<std::string> args = {
        exe_name_, "run", "--manifest", manifest_.string(), "--index", std::to_string(index), "--quiet"};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    argv.push_back(nullptr);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, log.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
    // /proc/self/exe names this very binary even if the file was replaced (rebuilt) since the sweep began.
    rc = posix_spawn(&pid, "/proc/self/exe", &actions, &attr_, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
  } else {
    std::fflush(nullptr); // or the child would write the parent's pending output a second time
    pid = ::fork();
    if (pid == 0)
      forked_run(manifest_.string(), index, child_mask_, log);
    rc = pid < 0 ? errno : 0;
  }
  if (rc != 0) {
    ++result_.failed;
    write_failed(run_dir(options_.sweep_dir, run.run_id), std::string("could not start: ") + std::strerror(rc) +
                                                              "\nrun " + std::to_string(index) + " (" +
                                                              describe_run(run) + ")\n");
    return;
  }
  running_[pid] = Child{index, now_s(), log};
}

void Pool::reaped(pid_t pid, int status)
{
  auto it = running_.find(pid);
  if (it == running_.end())
    return;
  Child child = it->second;
  running_.erase(it);
  const ManifestEntry& run = runs_[child.index];
  std::string dir = run_dir(options_.sweep_dir, run.run_id);
  int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  int sig = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  joblog_ << child.index << '\t' << run.run_id << '\t' << std::fixed << child.start_s << '\t'
          << (now_s() - child.start_s) << '\t' << code << '\t' << sig << '\n'
          << std::flush;
  std::error_code ec;
  if (code == 0 && run_state(dir) == RunState::complete) {
    ++result_.ok;
    fs::remove(child.log, ec);
    return;
  }
  // Stopped with the sweep (Ctrl-C reaches the children too): killed by the signal, or exited 128 + it after
  // abandoning the run (sim/interrupt.hpp). Not the run's fault: it stays missing and the next sweep reruns it.
  bool stopped_too = sig != 0 || code == 128 + SIGINT || code == 128 + SIGTERM;
  if (result_.stop_signal != 0 && stopped_too) {
    fs::remove(child.log, ec);
    return;
  }
  ++result_.failed;
  std::string how = sig != 0    ? "killed by signal " + std::to_string(sig) + " (" + strsignal(sig) + ")"
                    : code != 0 ? "exit code " + std::to_string(code)
                                : "exit code 0 but no complete run directory";
  write_failed(dir, how + "\nrun " + std::to_string(child.index) + " (" + describe_run(run) + "), run_id " +
                        run.run_id + "\nagain with: svcsim run --manifest " + manifest_.string() + " --index " +
                        std::to_string(child.index) + "\n--- last lines of its stderr ---\n" +
                        tail_lines(child.log, STDERR_TAIL_LINES));
  fs::remove(child.log, ec);
}

LocalRunResult Pool::run()
{
  std::vector<size_t> todo;
  for (size_t i = 0; i < runs_.size(); ++i) {
    if (run_state(run_dir(options_.sweep_dir, runs_[i].run_id)) == RunState::complete)
      ++result_.skipped;
    else
      todo.push_back(i);
  }
  SweepProgress progress("sweep " + options_.name, runs_.size(), result_.skipped, options_.quiet);

  ChildSignals signals;
  const sigset_t& waited = signals.waited();
  const sigset_t& old_mask = signals.old_mask();
  child_mask_ = old_mask;
  // Children start with the mask and dispositions a shell would give them.
  posix_spawnattr_init(&attr_);
  posix_spawnattr_setsigmask(&attr_, &old_mask);
  sigset_t defaults;
  sigemptyset(&defaults);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    sigaddset(&defaults, s);
  posix_spawnattr_setsigdefault(&attr_, &defaults);
  posix_spawnattr_setflags(&attr_, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  size_t next = 0;
  progress.update(0, 0, true);
  while (true) {
    while (result_.stop_signal == 0 && next < todo.size() && running_.size() < options_.jobs)
      spawn(todo[next++]);
    if (running_.empty())
      break;
    timespec timeout{1, 0};
    // Drain every pending signal before reaping: a Ctrl-C reaches the children too, and their deaths by
    // SIGINT must be seen as the sweep stopping, not as failed runs.
    for (int sig = sigtimedwait(&waited, nullptr, &timeout); sig > 0; sig = sigtimedwait(&waited, nullptr, &timeout)) {
      timeout = timespec{0, 0};
      if (sig != SIGCHLD && result_.stop_signal == 0) {
        result_.stop_signal = sig;
        for (const auto& [pid, child] : running_)
          ::kill(pid, SIGTERM);
      }
    }
    int status = 0;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0)
      reaped(pid, status);
    progress.update(result_.ok + result_.failed, result_.failed);
  }
  progress.finish(result_.ok + result_.failed, result_.failed);

  posix_spawnattr_destroy(&attr_);
  signals.restore();
  std::error_code ec;
  fs::remove(logs_, ec); // only if empty
  return result_;
}

} // namespace

LocalRunResult run_local(const std::vector<ManifestEntry>& runs, const LocalRunOptions& options)
{
  fs::create_directories(runs_dir(options.sweep_dir));
  remove_stale_staging(options.sweep_dir);
  Pool pool(runs, options);
  LocalRunResult result = pool.run();
  remove_stale_staging(options.sweep_dir); // what runs stopped by Ctrl-C or killed left behind
  return result;
}

unsigned available_cpus()
{
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) == 0 && CPU_COUNT(&set) > 0)
    return static_cast<unsigned>(CPU_COUNT(&set));
  long n = sysconf(_SC_NPROCESSORS_ONLN);
  return n > 0 ? static_cast<unsigned>(n) : 1;
}

} // namespace svcsim
