// The load balancer's side of issue 14's mechanisms (actors/lb_mechanisms.hpp): what a failed attempt leads
// to under the retry policy, and the overall deadline. Only runs when the model turns a mechanism on.
#include "actors/load_balancer.hpp"

#include "metrics/recorder.hpp"

namespace svcsim
{

void LoadBalancer::mechanism_attempt_failed(uint32_t slot, int outcome, int status)
{
  Proxy& p = proxies_[slot];
  AttemptResult r = AttemptResult::HTTP_5XX;
  if (outcome == static_cast<int>(AttemptOutcome::REFUSED))
    r = AttemptResult::CONNECT_FAILED;
  else if (outcome == static_cast<int>(AttemptOutcome::RESET))
    r = AttemptResult::RESET;
  else if (outcome == static_cast<int>(AttemptOutcome::TIMEOUT))
    r = AttemptResult::TIMEOUT;
  p.in_flight = false;
  mech_->attempt_ended(p.type, p.instance, r, status, now() - p.attempt_start, now(), pools_[p.type].size());
  if (!mech_->retry_policy_on()) {
    try_attempt(slot); // SPEC §1: retry every failure at once
    return;
  }
  // Envoy answers a failure it does not retry with the upstream's 5xx, or with its own 503 (connect failure,
  // reset: "upstream connect error or disconnect/reset before headers") or 504 (timeout).
  p.last_5xx = r == AttemptResult::HTTP_5XX ? status : r == AttemptResult::TIMEOUT ? 504 : 503;
  double wait = mech_->retry_decision(p.type, r, status, p.attempts, params_.max_attempts, p.holds_retry);
  if (wait < 0)
    respond(slot, p.last_5xx, -1, nullptr);
  else if (wait > 0)
    set_timeout(wait, BACKOFF, attempt_conn(slot)); // the back-off waits in simulated time, not on the thread
  else
    try_attempt(slot);
}

void LoadBalancer::deadline_fired(uint64_t key)
{
  uint32_t slot = static_cast<uint32_t>(key & 0xFFFFFFFF);
  Proxy& p = proxies_[slot];
  if (p.in_flight) { // Envoy's route timeout resets the upstream request and reports a timeout for its host
    close_connection(attempt_conn(slot));
    world_.recorder().attempt(AttemptRecord{p.request_id, p.attempt_start, now(), p.instance, 0,
                                            static_cast<uint8_t>(p.attempts), AttemptOutcome::TIMEOUT});
    p.in_flight = false;
    mech_->attempt_ended(p.type, p.instance, AttemptResult::TIMEOUT, 0, now() - p.attempt_start, now(),
                         pools_[p.type].size());
  }
  p.generation++; // a pending back-off, forward or attempt timeout is stale
  mech_->deadline_exceeded(p.type);
  respond(slot, 504, -1, nullptr);
}

} // namespace svcsim
