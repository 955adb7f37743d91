// Node timing in the event loop (issue 13; the model's "timing", policy/loop_timing.hpp): a process's
// setTimeout / setInterval timers fire late by draws from the measured lateness, all the timers due by one
// late wake-up together, and each turn of the loop runs its due timers before the I/O that is ready.
// With exact timing none of this runs: timers fire when due and events run in arrival order.
#include "sim/event_loop.hpp"

namespace svcsim
{

// Timers computed as `when - now` can wake a few ulps early (NOTES-simgrid): anything due within this is due.
constexpr double LATE_EPSILON_S = 1e-9;
// timer_late_ms holds differences of two Date.now() readings (policy/loop_timing.hpp): centred on the reading.
constexpr double TIMER_READING_SHIFT_MS = -0.5;

void EventLoop::init_timing()
{
  const TimingModel& timing = world_.scenario().model.timing;
  node_timing_ = timing.mode == TimingMode::NODE;
  // The operator (no thread) is not a Node process: its timers are the scenario's own times.
  if (!node_timing_ || !costs_ || timing.timer_late_ms.empty())
    return;
  timer_late_ = MsSampler(timing.timer_late_ms, TIMER_READING_SHIFT_MS);
  late_stream_ = std::make_unique<RandomStream>(world_.scenario().seed, "timing/timer-late/" + name());
}

// A timer reached its due time. A Node timer waits for the loop's wake-up: the first one due opens a batch
// and draws how late the loop wakes; the ones that come due before then join it.
void EventLoop::timer_due(const Timer& t)
{
  if (t.cls == TimerClass::NODE && late_stream_) {
    double late_s = 0;
    if (late_.empty()) {
      double u_bin = late_stream_->uniform(); // two statements: the draws' order is fixed
      double u_within = late_stream_->uniform();
      late_s = timer_late_.sample_ms(u_bin, u_within) / 1000.0;
    }
    late_.add(t, t.when, late_s);
    return;
  }
  dispatch_timer(t.kind, t.arg, node_timing_ && t.cls != TimerClass::EXACT);
}

void EventLoop::fire_late_timers()
{
  if (late_.empty() || late_.wake_at() > now_ + LATE_EPSILON_S)
    return;
  late_.take(late_firing_);
  for (const Timer& t : late_firing_)
    dispatch_timer(t.kind, t.arg, true); // a timer cleared meanwhile (its answer came) costs nothing
}

// A turn of the loop begins: Node's timers phase runs the due timers, then the poll phase the ready I/O.
void EventLoop::begin_turn()
{
  if (node_timing_ && ready_timers_ > 0 && ready_timers_ < ready_.size())
    timers_first(ready_, turn_scratch_, [](const Ready& r) { return r.timer_phase; });
}

} // namespace svcsim
