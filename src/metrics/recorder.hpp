// The in-memory recorder every actor reports to: one compact row per request and per balancer attempt, the
// event log, and counters. Results are written once after the run (store/results_writer), never by actors.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace svcsim {

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
};

class Recorder {
public:
  uint64_t request_sent(double at, uint32_t phase, uint32_t endpoint, bool post);
  void request_ended(uint64_t id, double at, int status, Outcome outcome, int attempts, int instance);
  void attempt(const AttemptRecord& a) { attempts_.push_back(a); }
  void event(double at, int component, std::string kind, int subject = -1, std::string detail = {});

  TypeCounters lb[3];
  uint64_t registrations = 0, heartbeats = 0, unknown_heartbeats = 0;

  const std::vector<RequestRecord>& requests() const { return requests_; }
  std::vector<RequestRecord>& requests() { return requests_; }
  const std::vector<AttemptRecord>& attempts() const { return attempts_; }
  const std::vector<EventRecord>& events() const { return events_; }
  uint64_t open_requests() const { return open_; }

private:
  std::vector<RequestRecord> requests_;
  std::vector<AttemptRecord> attempts_;
  std::vector<EventRecord> events_;
  uint64_t open_ = 0;
};

} // namespace svcsim
