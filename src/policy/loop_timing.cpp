#include "policy/loop_timing.hpp"

#include <algorithm>

namespace svcsim
{

MsSampler::MsSampler(const MsHistogram& histogram, double shift_ms) : shift_ms_(shift_ms)
{
  double total = 0;
  for (const auto& bin : histogram) {
    if (bin.count <= 0)
      continue;
    total += bin.count;
    ms_.push_back(bin.ms);
    cumulative_.push_back(total);
  }
}

double MsSampler::sample_ms(double u_bin, double u_within) const
{
  if (cumulative_.empty())
    return 0;
  double target = u_bin * cumulative_.back();
  // The first bin whose cumulative count exceeds the target: bin i covers [cumulative[i-1], cumulative[i]).
  size_t i =
      static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), target) - cumulative_.begin());
  if (i >= ms_.size())
    i = ms_.size() - 1;
  if (ms_[i] < 0)
    return 0;
  return std::max(0.0, ms_[i] + shift_ms_ + u_within);
}

std::vector<double> MsSampler::probabilities() const
{
  std::vector<double> p;
  double before = 0;
  for (double c : cumulative_) {
    p.push_back((c - before) / cumulative_.back());
    before = c;
  }
  return p;
}

} // namespace svcsim
