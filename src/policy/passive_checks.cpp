#include "policy/passive_checks.hpp"

#include <cmath>
#include <cstddef>

using std::size_t;

namespace svcsim
{

PassiveChecks::Peer& PassiveChecks::peer(int id)
{
  if (static_cast<int>(peers_.size()) <= id)
    peers_.resize(static_cast<size_t>(id) + 1);
  return peers_[static_cast<size_t>(id)];
}

double PassiveChecks::ngx_time(double now)
{
  return std::floor(now + 1e-9); // a timestamp a rounding error below a whole second is that second
}

bool PassiveChecks::available(int id, double now) const
{
  if (id >= static_cast<int>(peers_.size()))
    return true;
  const Peer& p = peers_[static_cast<size_t>(id)];
  // max_fails=0 disables the accounting (NGINX), so the test only runs with max_fails >= 1.
  return !(p_.max_fails > 0 && p.fails >= p_.max_fails && ngx_time(now) - p.checked <= p_.fail_timeout_s + 1e-9);
}

bool PassiveChecks::selected(int id, double now)
{
  Peer& p = peer(id);
  if (ngx_time(now) - p.checked > p_.fail_timeout_s + 1e-9) {
    bool trial = p.fails >= p_.max_fails && p_.max_fails > 0;
    p.checked = ngx_time(now);
    return trial;
  }
  return false;
}

bool PassiveChecks::on_result(int id, bool failed, double now)
{
  bool was_available = available(id, now);
  Peer& p = peer(id);
  if (!failed) {
    if (p.accessed < p.checked) // "mark peer live if check passed"
      p.fails = 0;
    return false;
  }
  p.fails++;
  p.accessed = ngx_time(now);
  p.checked = ngx_time(now);
  return was_available && !available(id, now); // a late failure while already unavailable is no news
}

void PassiveChecks::forget(int id)
{
  if (id < static_cast<int>(peers_.size()))
    peers_[static_cast<size_t>(id)] = Peer{};
}

} // namespace svcsim
