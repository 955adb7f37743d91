#include "cli/platform_check.hpp"

#include <simgrid/s4u/Engine.hpp>

#include <cerrno>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace svcsim
{

// SimGrid allows one Engine per process and keeps what it loaded: the platform is loaded in a child process,
// which reports SimGrid's message (if any) through a pipe and exits.
std::optional<std::string> platform_load_error(const std::string& platform_file)
{
  std::cout.flush();
  std::cerr.flush();
  std::fflush(nullptr);
  int fds[2];
  if (::pipe(fds) != 0)
    return std::string("could not check it: pipe() failed");
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return std::string("could not check it: fork() failed");
  }
  if (pid == 0) {
    ::close(fds[0]);
    std::vector<std::string> args = {"svcsim-validate", "--log=root.thres:critical", "--log=xbt_cfg.thres:critical"};
    std::vector<char*> argv;
    for (auto& a : args)
      argv.push_back(a.data());
    int argc = static_cast<int>(argv.size());
    std::string what;
    try {
      simgrid::s4u::Engine engine(&argc, argv.data());
      engine.load_platform(platform_file);
    } catch (const std::exception& e) {
      what = e.what();
      if (what.empty())
        what = "an error without a message";
    }
    size_t off = 0;
    while (off < what.size()) {
      ssize_t n = ::write(fds[1], what.data() + off, what.size() - off);
      if (n <= 0)
        break;
      off += static_cast<size_t>(n);
    }
    ::close(fds[1]);
    ::_exit(what.empty() ? 0 : 2); // no destructors, no flushing of the parent's buffers
  }
  ::close(fds[1]);
  std::string message;
  char buf[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buf, sizeof buf)) > 0)
    message.append(buf, static_cast<size_t>(n));
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
    return std::nullopt;
  if (WIFSIGNALED(status))
    return "SimGrid stopped with signal " + std::to_string(WTERMSIG(status)) + " while loading it";
  if (message.empty())
    message = "SimGrid could not load it (exit " + std::to_string(WEXITSTATUS(status)) + ")";
  return message;
}

} // namespace svcsim
