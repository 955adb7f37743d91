// One event-loop actor per component (NOTES-simgrid: the design that scales): a permanent-receiver
// mailbox with one pending receive, the component's own timer heap, and at most one CPU execution (the
// component's single thread, as in Node). The loop waits on the receive (and the execution) until the next
// timer is due; timers and messages are dispatched to the subclass.
#pragma once

#include "sim/messages.hpp"
#include "sim/world.hpp"

#include <simgrid/s4u.hpp>

#include <cstdint>
#include <queue>
#include <vector>

namespace svcsim {

class EventLoop {
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

  static double now() { return simgrid::s4u::Engine::get_clock(); }
  void at(double when, uint32_t kind, uint64_t arg);
  void after(double delay, uint32_t kind, uint64_t arg) { at(now() + delay, kind, arg); }
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
    bool operator>(const Timer& o) const { return when != o.when ? when > o.when : seq > o.seq; }
  };
  struct Deferred {
    int to;
    uint64_t conn;
    Body body;
    uint64_t bytes;
  };
  std::vector<Deferred> deferred_;
  std::vector<uint32_t> deferred_free_;
  std::priority_queue<Timer, std::vector<Timer>, std::greater<>> timers_;
  uint64_t timer_seq_ = 0;
  void wait_while_hung();
  simgrid::s4u::ExecPtr exec_;
  simgrid::s4u::SemaphorePtr resumed_;
  bool hung_ = false;
  bool blocked_ = false;
  std::vector<simgrid::s4u::ActivityPtr> waiting_; // reused each iteration
};

} // namespace svcsim
