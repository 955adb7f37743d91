#include "metrics/recorder.hpp"

#include <stdexcept>

namespace svcsim {

const char* outcome_name(Outcome o)
{
  switch (o) {
    case Outcome::PENDING: return "pending";
    case Outcome::SUCCESS: return "success";
    case Outcome::HTTP_ERROR: return "http_error";
    case Outcome::TIMEOUT: return "timeout";
    case Outcome::CONN_ERROR: return "conn_error";
  }
  return "?";
}

const char* attempt_outcome_name(AttemptOutcome o)
{
  switch (o) {
    case AttemptOutcome::ANSWERED: return "answered";
    case AttemptOutcome::REFUSED: return "refused";
    case AttemptOutcome::RESET: return "reset";
    case AttemptOutcome::TIMEOUT: return "timeout";
    case AttemptOutcome::ERROR_5XX: return "error_5xx";
  }
  return "?";
}

uint64_t Recorder::request_sent(double at, uint32_t phase, uint32_t endpoint, bool post)
{
  RequestRecord r;
  r.sent_s = at;
  r.phase = phase;
  r.endpoint = endpoint;
  r.post = post;
  requests_.push_back(r);
  open_++;
  return requests_.size() - 1;
}

void Recorder::request_ended(uint64_t id, double at, int status, Outcome outcome, int attempts, int instance)
{
  RequestRecord& r = requests_.at(id);
  if (r.outcome != Outcome::PENDING) // every request ends exactly once: a second end is a simulator bug
    throw std::logic_error("request " + std::to_string(id) + " ended twice");
  r.end_s = at;
  r.status = static_cast<uint16_t>(status);
  r.outcome = outcome;
  r.attempts = static_cast<uint8_t>(attempts);
  r.instance = instance;
  open_--;
}

void Recorder::event(double at, int component, std::string kind, int subject, std::string detail)
{
  events_.push_back(EventRecord{at, component, std::move(kind), subject, std::move(detail)});
}

} // namespace svcsim
