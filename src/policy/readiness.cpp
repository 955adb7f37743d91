#include "policy/readiness.hpp"

#include <algorithm>

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

double RestartBackoff::delay(double exit_s) const
{
  if (!has_entry_ || exit_s - last_update_ > 2 * max_) // hasExpired: stable for twice the max
    return 0;
  return backoff_;
}

void RestartBackoff::restarted(double exit_s, double now_s)
{
  if (!has_entry_ || exit_s - last_update_ > 2 * max_) { // Next(key, eventTime = the exit)
    has_entry_ = true;
    backoff_ = initial_;
  } else {
    backoff_ = std::min(backoff_ * 2, max_);
  }
  last_update_ = now_s;
}

} // namespace svcsim
