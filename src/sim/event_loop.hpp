// One event-loop actor per component (NOTES-simgrid: the design that scales): a permanent-receiver
// mailbox with one pending receive, the component's own timers, and at most one CPU execution (the
// component's single thread, as in Node). The loop waits on the receive (and the execution) until the next
// timer is due; timers and messages are dispatched to the subclass.
#pragma once

#include "sim/messages.hpp"
#include "sim/world.hpp"

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <vector>

namespace svcsim
{

class EventLoop
{
public:
  EventLoop(World& world, int self);
  virtual ~EventLoop() = default;
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // The actor's body: runs until the simulation ends or the process is killed.
  void run();
  // Called by the process owner before a (re)start: forget everything (a new process starts empty).
  virtual void reset() {}

  // kill -STOP / kill -CONT: nothing inside runs while hung (no timers, no messages, the CPU work stops);
  // messages queue in the mailbox and overdue timers fire at once on resume.
  void hang();
  void resume();

  int id() const { return self_; }
  const std::string& name() const { return world_.proc(self_).component->name; }

protected:
  // Reserved timer kind: a connection this actor opened was refused (arg = conn).
  static constexpr uint32_t TIMER_REFUSED = 0xFFFFFFFF;
  static constexpr uint32_t TIMER_SEND = 0xFFFFFFFE; // handled by the loop: a deferred send is due

  virtual void on_start() = 0;
  virtual void on_message(Message& m) = 0;
  virtual void on_timer(uint32_t kind, uint64_t arg) = 0;
  virtual void on_exec_done() {}
  // Returns false when the loop should end (non-daemon actors that finished their work).
  virtual bool keep_running() const { return true; }

  // The simulated clock as of this actor's last wake-up. Time only moves while the actor blocks, so this is
  // Engine::get_clock() without a call into SimGrid per use.
  double now() const { return now_; }
  void at(double when, uint32_t kind, uint64_t arg);
  // A timer `delay` from now. Timers with the same delay are due in the order they were set, so they go to a
  // FIFO lane (O(1)) instead of the heap; the dispatch order is the same: by due time, then by creation.
  void after(double delay, uint32_t kind, uint64_t arg);
  // Sends through the World; a refusal comes back as TIMER_REFUSED after one round trip.
  SendResult send(int to, uint64_t conn, Body&& body, uint64_t bytes);
  // Sends after a local delay (processing overhead); the message is built now.
  void send_later(double delay, int to, uint64_t conn, Body&& body, uint64_t bytes);
  // Node's setInterval: the next tick is one interval after this one fired; a tick that fired late (the
  // process was stopped) moves the schedule to now + interval.
  double next_tick(double scheduled, double interval) const
  {
    double t = now();
    return (t - scheduled > 1e-6 ? t : scheduled) + interval;
  }
  // Starts a CPU execution on this component's host (only one at a time: the single thread).
  void start_exec(double flops);
  bool exec_running() const { return exec_ != nullptr; }

  World& world_;
  const int self_;

private:
  struct Timer {
    double when;
    uint64_t seq;
    uint32_t kind;
    uint64_t arg;
    bool before(const Timer& o) const { return when != o.when ? when < o.when : seq < o.seq; }
  };
  // A FIFO of timers that all have the same delay (due times never decrease along it): a vector read from
  // `head`, compacted now and then.
  struct Lane {
    double delay = 0;
    std::vector<Timer> timers;
    size_t head = 0;
    bool empty() const { return head == timers.size(); }
    const Timer& front() const { return timers[head]; }
    void pop()
    {
      if (++head == timers.size()) {
        timers.clear();
        head = 0;
      } else if (head >= 4096 && head * 2 >= timers.size()) {
        timers.erase(timers.begin(), timers.begin() + static_cast<long>(head));
        head = 0;
      }
    }
  };
  static constexpr size_t MAX_LANES = 2;
  struct Deferred {
    int to;
    uint64_t conn;
    Body body;
    uint64_t bytes;
  };
  // The earliest timer (heap top or a lane front), or null; `source` is -1 for the heap, else the lane.
  // Cached until a timer is added before it or one is removed.
  const Timer* next_timer(int& source);
  void pop_timer(int source);
  void note_new_timer(const Timer& t);
  void heap_push(const Timer& t);
  void clear_timers();

  std::vector<Deferred> deferred_;
  std::vector<uint32_t> deferred_free_;
  std::vector<Timer> heap_; // binary min-heap on (when, seq)
  std::vector<Lane> lanes_;
  uint64_t timer_seq_ = 0;
  static constexpr int NEXT_UNKNOWN = -2, NEXT_NONE = -3;
  int next_source_ = NEXT_UNKNOWN; // the cached answer of next_timer
  double now_ = 0;
  void wait_while_hung();
  simgrid::s4u::ExecPtr exec_;
  simgrid::s4u::SemaphorePtr resumed_;
  bool hung_ = false;
  bool blocked_ = false;
  std::vector<simgrid::s4u::ActivityPtr> waiting_; // [0] = the pending receive, [1] = the execution if any
};

} // namespace svcsim
