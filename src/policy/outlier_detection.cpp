#include "policy/outlier_detection.hpp"

#include <algorithm>

#include <cstddef>

using std::size_t;

namespace svcsim
{

OutlierDetector::Host& OutlierDetector::host(int id)
{
  if (static_cast<int>(hosts_.size()) <= id)
    hosts_.resize(static_cast<size_t>(id) + 1);
  return hosts_[static_cast<size_t>(id)];
}

double OutlierDetector::max_ejection_time() const
{
  // DetectorConfig: max_ejection_time, when not given, is max(300 s, base_ejection_time).
  return p_.max_ejection_time_s >= 0 ? p_.max_ejection_time_s : std::max(300.0, p_.base_ejection_time_s);
}

double OutlierDetector::ejection_time(int id) const
{
  int backoff = id < static_cast<int>(hosts_.size()) ? hosts_[static_cast<size_t>(id)].backoff : 0;
  return std::min(p_.base_ejection_time_s * backoff, max_ejection_time());
}

// DetectorImpl::ejectHost: the share of hosts ejected, this one included, must stay within
// max_ejection_percent (with always_eject_one_host, the first ejection always passes); then the ejection is
// enforced with probability enforcing_consecutive_5xx %. The multiplier grows while base × multiplier is
// below max + base.
bool OutlierDetector::try_eject(int id, double now, int hosts, double enforce_draw)
{
  double percent = 100.0 * (active_ + 1) / std::max(hosts, 1);
  bool should = percent <= p_.max_ejection_percent || (p_.always_eject_one_host && active_ == 0);
  if (!should || enforce_draw >= p_.enforcing_consecutive_5xx)
    return false;
  Host& h = host(id);
  h.ejected = true;
  h.ejections++;
  h.ejected_at = now;
  if (h.backoff * p_.base_ejection_time_s < max_ejection_time() + p_.base_ejection_time_s)
    h.backoff++;
  active_++;
  return true;
}

bool OutlierDetector::on_result(int id, AttemptResult r, double now, int hosts, double enforce_draw)
{
  Host& h = host(id);
  if (h.ejected)
    return false; // onConsecutiveErrorWorker ignores hosts already ejected
  bool local = r == AttemptResult::CONNECT_FAILED || r == AttemptResult::RESET || r == AttemptResult::TIMEOUT;
  if (r == AttemptResult::SUCCESS) {
    h.consecutive_5xx = 0;
    h.consecutive_local = 0;
    return false;
  }
  if (p_.split_local_origin && !local)
    h.consecutive_local = 0; // an answer, even a 5xx, means the connection worked (LocalOriginConnectSuccess)
  if (p_.split_local_origin && local) {
    // putResultWithLocalExternalSplit: connectivity errors have their own counter.
    if (++h.consecutive_local == p_.consecutive_local_origin_failure) {
      h.consecutive_local = 0;
      return try_eject(id, now, hosts, enforce_draw);
    }
    return false;
  }
  if (++h.consecutive_5xx == p_.consecutive_5xx) {
    h.consecutive_5xx = 0; // reset whether or not the ejection went through (onConsecutiveErrorWorker)
    return try_eject(id, now, hosts, enforce_draw);
  }
  return false;
}

void OutlierDetector::uneject(Host& h, double now)
{
  // unejectHost resets the counters, so a few new errors do not eject the host again at once.
  h.ejected = false;
  h.consecutive_5xx = 0;
  h.consecutive_local = 0;
  h.unejected_at = now;
  active_--;
}

std::vector<int> OutlierDetector::sweep(double now)
{
  std::vector<int> back;
  for (size_t i = 0; i < hosts_.size(); i++) {
    Host& h = hosts_[i];
    // checkHostForUneject: min(base × multiplier, max) <= now - last ejection (1 µs slack: float sums).
    if (h.ejected && ejection_time(static_cast<int>(i)) <= now - h.ejected_at + 1e-9) {
      uneject(h, now);
      back.push_back(static_cast<int>(i));
    }
  }
  // Then the multiplier of every host in service, unejected at least one interval ago, shrinks by one.
  for (auto& h : hosts_)
    if (!h.ejected && h.unejected_at >= 0 && now - h.unejected_at >= p_.interval_s - 1e-9 && h.backoff > 0)
      h.backoff--;
  return back;
}

bool OutlierDetector::active_check_passed(int id, double now)
{
  if (!p_.successful_active_health_check_uneject_host || !ejected(id))
    return false;
  uneject(host(id), now);
  return true;
}

void OutlierDetector::forget(int id)
{
  if (id >= static_cast<int>(hosts_.size()))
    return;
  if (hosts_[static_cast<size_t>(id)].ejected)
    active_--;
  hosts_[static_cast<size_t>(id)] = Host{};
}

} // namespace svcsim
