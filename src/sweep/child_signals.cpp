#include "sweep/child_signals.hpp"

#include <initializer_list>

namespace svcsim
{

namespace
{
void on_sigchld(int) {}
} // namespace

ChildSignals::ChildSignals()
{
  struct sigaction sa {
  };
  sa.sa_handler = on_sigchld;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGCHLD, &sa, &old_chld_);
  sigemptyset(&waited_);
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP})
    sigaddset(&waited_, s);
  sigprocmask(SIG_BLOCK, &waited_, &old_mask_);
}

void ChildSignals::restore()
{
  sigprocmask(SIG_SETMASK, &old_mask_, nullptr);
  sigaction(SIGCHLD, &old_chld_, nullptr);
}

void ChildSignals::reset_in_child(const sigset_t& mask)
{
  for (int s : {SIGCHLD, SIGINT, SIGTERM, SIGHUP, SIGPIPE})
    std::signal(s, SIG_DFL);
  sigprocmask(SIG_SETMASK, &mask, nullptr);
}

} // namespace svcsim
