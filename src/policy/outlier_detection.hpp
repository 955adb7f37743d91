// Envoy's outlier detection, consecutive-error kind (source/common/upstream/outlier_detection_impl.cc):
// passive health from the results of proxied requests. A host is ejected at once when its count of
// consecutive 5xx reaches consecutive_5xx; it comes back at the first interval sweep after its ejection
// time, min(base × multiplier, max), where the multiplier grows by one per ejection and shrinks by one per
// sweep that finds the host back in service for at least an interval. No SimGrid: unit-tested on its own.
#pragma once

#include "parse/scenario_resilience.hpp"

#include <vector>

namespace svcsim
{

// What one attempt's end tells the detector. Envoy, with split_external_local_origin_errors false (its
// default), maps a local-origin result to an HTTP code and counts it as that code (putResultNoLocalExternalSplit):
// a connect failure is a 503, a timeout a 504, so both count in consecutive_5xx; a reset of a connection
// ends the stream as Envoy's router reports it, a 503. With the split on, they count only in
// consecutive_local_origin_failure, and consecutive_5xx sees the servers' own 5xx answers only.
enum class AttemptResult { SUCCESS, HTTP_5XX, CONNECT_FAILED, RESET, TIMEOUT };

class OutlierDetector
{
public:
  explicit OutlierDetector(const OutlierDetectionParams& params) : p_(params) {}

  // An attempt to `host` ended. `hosts`: how many hosts the cluster has now (the pool's size);
  // `enforce_draw` in [0, 100): compared with enforcing_consecutive_5xx (Envoy's runtime featureEnabled).
  // Returns true when this result ejected the host.
  bool on_result(int host, AttemptResult r, double now, int hosts, double enforce_draw = 0);
  // The interval sweep (Envoy's onIntervalTimer): hosts whose ejection time is over come back. Returns them.
  std::vector<int> sweep(double now);
  // An active health check passed: Envoy's successful_active_health_check_uneject_host (default true).
  bool active_check_passed(int host, double now);
  // The host left the cluster (discovery dropped it): Envoy forgets its monitor.
  void forget(int host);
  bool ejected(int host) const { return host < static_cast<int>(hosts_.size()) && hosts_[host].ejected; }
  int ejections(int host) const { return host < static_cast<int>(hosts_.size()) ? hosts_[host].ejections : 0; }
  int multiplier(int host) const { return host < static_cast<int>(hosts_.size()) ? hosts_[host].backoff : 0; }
  int ejected_count() const { return active_; }
  // How long an ejection that starts now lasts (the host's multiplier already counts it).
  double ejection_time(int host) const;
  double max_ejection_time() const;

private:
  struct Host {
    int consecutive_5xx = 0;
    int consecutive_local = 0;
    bool ejected = false;
    int ejections = 0; // num_ejections: never decreases
    int backoff = 0;   // eject_time_backoff: the multiplier
    double ejected_at = 0;
    double unejected_at = -1; // < 0: never
  };
  Host& host(int id);
  bool try_eject(int id, double now, int hosts, double enforce_draw);
  void uneject(Host& h, double now);

  OutlierDetectionParams p_;
  std::vector<Host> hosts_; // by component id
  int active_ = 0;          // hosts ejected now
};

} // namespace svcsim
