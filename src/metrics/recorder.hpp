// The recorder every actor reports to: one compact row per request and per balancer attempt, the event log,
// counters, and the per-second series (built as requests end). Results are written once after the run
// (store/results_writer), never by actors.
//
// Memory: rows are kept in memory up to a limit (default 2^20 requests, about 75 MB with their attempts).
// Past it, the recorder streams: finished request rows (in id order) and attempt rows go to spill files and
// only the requests still in flight stay in memory, so a long run's memory does not grow with its length.
// Readers after the run use for_each_request / for_each_attempt, which read whichever holds the rows.
#pragma once

#include <cstdint>
#include <cstdio>
#include <deque>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace svcsim
{

enum class Outcome : uint8_t { PENDING, SUCCESS, HTTP_ERROR, TIMEOUT, CONN_ERROR };
enum class AttemptOutcome : uint8_t { ANSWERED, REFUSED, RESET, TIMEOUT, ERROR_5XX };
const char* outcome_name(Outcome o);
const char* attempt_outcome_name(AttemptOutcome o);

struct RequestRecord {
  double sent_s = 0;
  double end_s = -1;
  uint32_t phase = 0;
  uint32_t endpoint = 0; // World::endpoints index
  int32_t instance = -1; // component that answered
  uint16_t status = 0;
  Outcome outcome = Outcome::PENDING;
  uint8_t attempts = 0;
  bool post = false;
};

struct AttemptRecord {
  uint64_t request = 0;
  double start_s = 0;
  double end_s = 0;
  int32_t instance = -1;
  uint16_t status = 0;
  uint8_t attempt = 0; // 1-based
  AttemptOutcome outcome = AttemptOutcome::ANSWERED;
};

struct EventRecord {
  double at_s = 0;
  int component = -1; // who saw it
  std::string kind;   // docs/outputs.md lists them
  int subject = -1;   // whom it is about (component id), -1 = none
  std::string detail;
};

struct TypeCounters {
  uint64_t attempts = 0, retries = 0, no_healthy = 0;
  // The balancer's alternative mechanisms (issue 14), reported only when the model turns them on.
  uint64_t outlier_ejections = 0, passive_unavailable = 0, breaker_opens = 0;
  uint64_t retries_not_covered = 0, retries_denied_by_budget = 0, backoff_waits = 0, deadline_exceeded = 0;
  uint64_t panic_picks = 0; // choices made in Envoy's panic
  double backoff_wait_total_s = 0;
};

// One second of the run (results.sqlite `series`): requests sent that second, requests that ended that
// second and their latency statistics (NaN when none ended).
struct SecondStats {
  long second = 0;
  uint64_t sent = 0, completed = 0, success = 0, failed = 0;
  double mean_ms = 0, p50_ms = 0, p95_ms = 0, p99_ms = 0;
};

// One process's thread and sockets (SPEC §1b), for summary.json's "processes" and the per-second table.
struct ProcessStats {
  double cpu_s = 0;  // CPU time its thread consumed (flops / its host's core speed)
  double busy_s = 0; // time its thread had work: running, or waiting for a core of its host
  uint64_t events = 0, wakeups = 0;
  uint64_t max_ready = 0;        // events ready and waiting for the thread (Node's pending I/O and timers)
  uint64_t max_ready_bytes = 0;  // bytes of the messages among them (memory held by queued work)
  uint64_t max_accept_queue = 0; // connections waiting in its listening socket's accept queue
  uint64_t connections_opened = 0, handshakes_dropped = 0, syn_retransmits = 0;
  // Per simulated second: busy time, CPU time, most events waiting.
  std::vector<float> busy_by_second, cpu_by_second;
  std::vector<uint32_t> ready_by_second;
};

class Recorder
{
public:
  Recorder() = default;
  ~Recorder();
  Recorder(Recorder&& other) noexcept;
  Recorder& operator=(Recorder&&) = delete;
  Recorder(const Recorder&) = delete;

  // Where spill files go (created there and unlinked at once) and how many request rows stay in memory
  // before streaming starts. Call before the run.
  void set_spill(std::string dir, uint64_t max_rows_in_memory);

  uint64_t request_sent(double at, uint32_t phase, uint32_t endpoint, bool post);
  void request_ended(uint64_t id, double at, int status, Outcome outcome, int attempts, int instance);
  // Sent and not ended yet.
  bool request_open(uint64_t id) const;
  // The row of a request that is still open (any request while rows are in memory).
  const RequestRecord& request(uint64_t id) const;
  void attempt(const AttemptRecord& a);
  void event(double at, int component, std::string kind, int subject = -1, std::string detail = {});
  // The end of the run: requests still open stay PENDING; everything is flushed.
  void finish();

  TypeCounters lb[3];
  // Per component id (sized by the World).
  std::vector<ProcessStats> processes;
  ProcessStats& process(int id) { return processes[static_cast<size_t>(id)]; }
  // The thread of `id` ran (or waited for a core) from start to end and consumed cpu_s of CPU.
  void busy_interval(int id, double start, double end, double cpu_s);
  void ready_length(int id, double at, uint64_t length, uint64_t bytes);
  uint64_t registrations = 0, heartbeats = 0, unknown_heartbeats = 0;

  uint64_t request_count() const { return next_id_; }
  uint64_t attempt_count() const { return attempt_count_; }
  uint64_t open_requests() const { return open_; }
  // How many attempt rows name this request (saturating at 255).
  uint8_t attempts_of(uint64_t id) const { return id < attempt_counts_.size() ? attempt_counts_[id] : 0; }
  // The per-second series, in second order (complete after finish()).
  const std::vector<SecondStats>& series() const { return series_rows_; }

  // After the run: every request row in id order (f(id, row)), every attempt row in record order (f(row)).
  template <class F> void for_each_request(F&& f) const;
  template <class F> void for_each_attempt(F&& f) const;

  // The rows themselves, while they are all in memory (rows_in_memory()); empty once streaming started.
  bool rows_in_memory() const { return !spilling_; }
  const std::vector<RequestRecord>& requests() const { return requests_; }
  const std::vector<AttemptRecord>& attempts() const { return attempts_; }
  const std::vector<EventRecord>& events() const { return events_; }

private:
  void start_spilling();
  void retire_front();
  void series_sent(double at);
  void series_ended(double sent_s, double end_s, Outcome outcome);
  void close_series_second();
  SecondStats& series_row(long second);
  static void read_spill(std::FILE* f, size_t row_size, const std::function<void(const void*)>& each);

  std::vector<RequestRecord> requests_; // all rows (memory mode)
  std::vector<AttemptRecord> attempts_;
  std::vector<EventRecord> events_;
  std::vector<uint8_t> attempt_counts_;
  uint64_t next_id_ = 0;
  uint64_t attempt_count_ = 0;
  uint64_t open_ = 0;

  // Streaming mode: rows [window_base_, next_id_) in memory, earlier ones in the request spill.
  bool spilling_ = false;
  std::string spill_dir_;
  uint64_t max_rows_in_memory_ = 1ULL << 20;
  std::deque<RequestRecord> window_;
  uint64_t window_base_ = 0;
  std::FILE* request_spill_ = nullptr;
  std::FILE* attempt_spill_ = nullptr;
  std::vector<char> request_buf_, attempt_buf_;

  // Series: rows by second (few: one per simulated second); the latencies of the second requests are
  // ending in (requests end in time order: one client, simulated time never goes back).
  std::map<long, SecondStats> series_;
  std::vector<SecondStats> series_rows_;
  long series_open_second_ = 0;
  bool series_has_open_ = false;
  std::vector<double> series_latencies_;
};

template <class F> void Recorder::for_each_request(F&& f) const
{
  if (!spilling_) {
    for (size_t i = 0; i < requests_.size(); i++)
      f(static_cast<uint64_t>(i), requests_[i]);
    return;
  }
  uint64_t id = 0;
  read_spill(request_spill_, sizeof(RequestRecord),
             [&](const void* row) { f(id++, *static_cast<const RequestRecord*>(row)); });
  for (const auto& r : window_)
    f(id++, r);
}

template <class F> void Recorder::for_each_attempt(F&& f) const
{
  if (!spilling_) {
    for (const auto& a : attempts_)
      f(a);
    return;
  }
  read_spill(attempt_spill_, sizeof(AttemptRecord),
             [&](const void* row) { f(*static_cast<const AttemptRecord*>(row)); });
}

} // namespace svcsim
