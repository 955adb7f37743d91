#include "policy/readiness.hpp"

namespace svcsim
{

bool Readiness::record(bool success)
{
  if (run_ > 0 && success == last_success_) {
    run_++;
  } else {
    last_success_ = success;
    run_ = 1;
  }
  // A run shorter than its threshold keeps the previous verdict (worker.doProbe returns before Set).
  if (run_ < (success ? success_threshold_ : failure_threshold_))
    return false;
  bool changed = ready_ != success;
  ready_ = success;
  return changed;
}

void Readiness::container_started()
{
  ready_ = false;
  run_ = 0;
}

bool Readiness::container_exited()
{
  bool was = ready_;
  ready_ = false;
  run_ = 0;
  return was;
}

} // namespace svcsim
