// What the instances share besides the network: the system's SQLite database (one file, one writer at a
// time) and its write lock, modelled in simulated time. Reads do not wait for the lock (documented choice).
#pragma once

#include <cstdint>
#include <memory>
#include <string>

namespace svcsim
{

class SystemDb;

struct DbLockStats {
  uint64_t writes = 0;
  uint64_t waits = 0; // writes that found the lock taken
  double total_wait_s = 0;
  double max_wait_s = 0;
  uint64_t busy_failures = 0; // writes that would wait past the busy timeout: SQLITE_BUSY → 500
};

struct SharedServices {
  SystemDb* db = nullptr;
  // The write lock is held FIFO: a write that arrives at `now` starts when the lock frees. Returns the wait,
  // or a negative value when the wait would exceed the busy timeout (the write fails, lock not taken).
  double acquire_write(double now, double write_s, double busy_timeout_s)
  {
    stats.writes++;
    double start = lock_free_at > now ? lock_free_at : now;
    double wait = start - now;
    if (wait > busy_timeout_s) {
      stats.busy_failures++;
      return -1;
    }
    if (wait > 0) {
      stats.waits++;
      stats.total_wait_s += wait;
      if (wait > stats.max_wait_s)
        stats.max_wait_s = wait;
    }
    lock_free_at = start + write_s;
    return wait;
  }
  // A write no request makes (data-1 … data-10 at the first data instance's start) holds the lock like any
  // other, but stays out of `stats`, which count the requests' writes.
  void hold_write(double now, double write_s) { lock_free_at = (lock_free_at > now ? lock_free_at : now) + write_s; }
  double lock_free_at = 0;
  DbLockStats stats;
};

// The result of running an endpoint's real logic: status, body, and the simulated costs it implies.
struct LogicOutcome {
  int status = 200;
  std::shared_ptr<const std::string> body;
  double cpu_flops = 0; // on the instance's thread (password hashes, computation)
  double wait_s = 0;    // database time, lock waits
};

struct EndpointModel;
struct Model;
struct RequestData;

// Runs the handler named by the endpoint (signup, signin, verify, data_get, data_put, compute_direct).
LogicOutcome run_endpoint_logic(SharedServices& shared, const Model& model, const EndpointModel& endpoint,
                                const RequestData* data, const std::string& instance_name,
                                const std::string& jwt_secret, double now_s, const unsigned char salt[16]);

} // namespace svcsim
