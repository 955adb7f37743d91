// The rules of a Node-style process under load (SPEC §1b), as pure functions: what waking an idle thread
// costs, how much dearer a fresh process's code runs, and when the kernel lets a handshake into a listening
// socket's accept queue or sends a dropped SYN again. sim/event_loop applies them; tests check them alone.
#pragma once

#include "parse/scenario.hpp"

#include <cstdint>
#include <optional>

namespace svcsim
{

// The wake-up paid by the first event of a busy period, after the thread slept `idle_gap_s`: the whole
// wake_flops after a long sleep, less after a short one (caches, the CPU's idle state and the kernel's
// timers are still warm). cooling_s = 0: every wake-up costs wake_flops.
double wake_flops(const ThreadCosts& costs, double cooling_s, double idle_gap_s);

// The factor on a process's event costs after it handled `events_handled` events: cold_factor for the first
// one, decaying to 1 as V8 compiles the hot handlers (an e-folding of warmup_events events). The process
// kind's own numbers (ThreadCosts) win over the model's.
double warmup_factor(const ProcessModel& model, uint64_t events_handled);
double warmup_factor(const ProcessModel& model, const ThreadCosts& costs, uint64_t events_handled);

// Linux's accept queue: a handshake is admitted while no more than `backlog` connections wait
// (sk_acceptq_is_full is queued > backlog), so backlog + 1 can wait and the next SYN is dropped.
inline bool accept_queue_admits(uint64_t queued, int backlog)
{
  return queued <= static_cast<uint64_t>(backlog);
}

// When the opener's kernel sends SYN number `retry` + 1 again (retry 0 = the first retransmission), as a
// delay after the first SYN; nullopt when it has no retransmission left (connect fails at syn_give_up_s).
std::optional<double> syn_retry_after(const ConnectionModel& model, size_t retry);

} // namespace svcsim
