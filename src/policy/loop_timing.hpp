// Node 20's event loop as the timing model sees it (issue 13): which ready events a turn of a thread's loop
// runs first, how the timers that came due together fire late together, and draws from a measured
// millisecond histogram. Pure logic (no SimGrid engine), used by sim/event_loop and unit-tested.
#pragma once

#include "parse/scenario.hpp"

#include <cstddef>
#include <deque>
#include <vector>

namespace svcsim
{

// Draws from a histogram of millisecond readings: a bin is chosen in proportion to its count, then a point
// uniformly in [ms + shift, ms + shift + 1), at least 0. How a reading k relates to the time it measured
// depends on how it was read: a client's lag, Date.now() against a schedule of whole milliseconds, is the
// floor of the lag (shift 0: [k, k + 1)); a timer's lateness, Date.now() at the callback minus Date.now() when
// it was set, is the difference of two truncated readings of one clock, which is k - 1 < L < k + 1 and on
// average L itself (shift -0.5: [k - 0.5, k + 0.5), centred on the reading).
// A negative bin gives 0: libuv runs a timer only once its loop clock has reached the due time, so a timer
// never fires early; a negative reading is the measurement's doing (its start was read with Date.now()
// after the loop clock the timer counts from), and the model's timers already count from the loop clock.
class MsSampler
{
public:
  MsSampler() = default;
  explicit MsSampler(const MsHistogram& histogram, double shift_ms = 0);
  bool empty() const { return cumulative_.empty(); }
  // u_bin and u_within are uniform in [0, 1); the result is in milliseconds, >= 0.
  double sample_ms(double u_bin, double u_within) const;
  // The probability of each bin, in the histogram's order (negative bins included).
  std::vector<double> probabilities() const;

private:
  std::vector<int> ms_;
  double shift_ms_ = 0;
  std::vector<double> cumulative_;
};

// The start of a turn in Node's loop: the timers phase runs every due timer (in due order) before the poll
// phase runs the I/O that is ready (in arrival order). `ready` holds the turn's events in arrival order;
// they are reordered in place, timers first, each group keeping its order. `scratch` is reused storage.
template <class Event, class IsTimer>
void timers_first(std::deque<Event>& ready, std::vector<Event>& scratch, IsTimer is_timer)
{
  scratch.clear();
  size_t kept = 0;
  for (size_t i = 0; i < ready.size(); i++) {
    if (is_timer(ready[i]))
      ready[kept++] = ready[i];
    else
      scratch.push_back(ready[i]);
  }
  for (size_t i = 0; i < scratch.size(); i++)
    ready[kept + i] = scratch[i];
}

// The timers that came due while the loop waited for its next wake-up. libuv's loop sleeps in epoll until
// the first timer is due and wakes a little late (the measured lateness); every timer due by then fires in
// that wake-up, in due order: timers due together fire late together, and their order never changes.
// A batch starts with the first timer that comes due; the caller draws the batch's lateness then.
template <class Timer> class LateBatch
{
public:
  bool empty() const { return timers_.empty(); }
  // When the batch fires (valid when not empty).
  double wake_at() const { return wake_at_; }
  // A timer reached its due time `due` (timers arrive in due order); `late_s` is used when it opens a batch.
  void add(const Timer& t, double due, double late_s)
  {
    if (timers_.empty())
      wake_at_ = due + late_s;
    timers_.push_back(t);
  }
  // Moves the batch's timers, in due order, into `out` (whose storage the batch keeps): the batch is empty.
  void take(std::vector<Timer>& out)
  {
    out.clear();
    out.swap(timers_);
  }
  void clear() { timers_.clear(); }

private:
  std::vector<Timer> timers_;
  double wake_at_ = 0;
};

} // namespace svcsim
