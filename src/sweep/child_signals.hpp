// What a parent that runs its children in parallel (sweep's local runner, run --seeds) does with signals
// while it waits for them: SIGCHLD, SIGINT, SIGTERM and SIGHUP are blocked and taken with sigtimedwait
// (waited()), and SIGCHLD gets an empty handler, not SIG_DFL, so that it is surely queued while blocked.
// restore() puts back the mask and the SIGCHLD disposition found; a child starts with old_mask() and default
// dispositions (reset_in_child), as a shell would start it.
#pragma once

#include <csignal>

namespace svcsim
{

class ChildSignals
{
public:
  ChildSignals();
  ChildSignals(const ChildSignals&) = delete;
  ChildSignals& operator=(const ChildSignals&) = delete;
  const sigset_t& waited() const { return waited_; }
  const sigset_t& old_mask() const { return old_mask_; }
  void restore();
  // In a forked child: default dispositions (SIGPIPE too) and the mask the parent had before.
  static void reset_in_child(const sigset_t& mask);

private:
  struct sigaction old_chld_ {
  };
  sigset_t waited_{};
  sigset_t old_mask_{};
};

} // namespace svcsim
