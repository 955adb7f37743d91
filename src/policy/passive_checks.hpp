// NGINX's passive health checks (`server ... max_fails=N fail_timeout=S`, ngx_http_upstream_module): after
// max_fails unsuccessful attempts the server is unavailable for fail_timeout; then one request may try it
// again. The bookkeeping follows ngx_http_upstream_round_robin.c: per peer `fails`, `accessed` (the last
// failure) and `checked` (the last failure, or the start of a new fail_timeout window); a peer is skipped while
// fails >= max_fails and now - checked <= fail_timeout; a selection more than fail_timeout after `checked`
// moves `checked` to now; a success clears `fails` only if `checked` moved after the last failure. Every "now"
// is NGINX's ngx_time(): whole seconds (the simulation's second 0 taken as a whole second of the clock), so a
// fail_timeout of 10 s keeps a peer out until the 11th whole second after its failure's second: 10-11 s.
// No SimGrid: unit-tested on its own.
#pragma once

#include "parse/scenario_resilience.hpp"

#include <vector>

namespace svcsim
{

class PassiveChecks
{
public:
  explicit PassiveChecks(const PassiveCheckParams& params) : p_(params) {}

  // ngx_http_upstream_get_peer's test: may the balancer pick it now?
  bool available(int peer, double now) const;
  // It was picked: a pick past the fail_timeout window starts a new one (the trial request).
  // Returns true when this pick is such a trial after an unavailable period.
  bool selected(int peer, double now);
  // An attempt ended (ngx_http_upstream_free_round_robin_peer). Returns true when this failure made an
  // available peer unavailable (fails reached max_fails: NGINX logs "upstream server temporarily disabled").
  bool on_result(int peer, bool failed, double now);
  int fails(int peer) const { return peer < static_cast<int>(peers_.size()) ? peers_[peer].fails : 0; }
  void forget(int peer);

private:
  struct Peer {
    int fails = 0;
    // Whole seconds. NGINX's clock starts at the epoch, so a fresh peer's first pick is always past its window.
    double accessed = -1e300;
    double checked = -1e300;
  };
  static double ngx_time(double now);
  Peer& peer(int id);

  PassiveCheckParams p_;
  std::vector<Peer> peers_; // by component id
};

} // namespace svcsim
