// Nearest-rank percentiles, the one definition used everywhere (C++ summary and the Python plots, where
// it is numpy.percentile(x, q, method="inverted_cdf")): the smallest sample with at least q% of the
// samples at or below it, i.e. sorted[ceil(q/100 * n) - 1].
#pragma once

#include <cmath>
#include <cstddef>
#include <vector>

namespace svcsim
{

// `sorted` must be sorted ascending and non-empty.
inline double nearest_rank(const std::vector<double>& sorted, double q)
{
  size_t n = sorted.size();
  // q/100*n computed as q*n/100 keeps exact integers exact (e.g. 95*300/100 = 285).
  double rank = std::ceil(q * static_cast<double>(n) / 100.0);
  size_t idx = rank < 1 ? 0 : static_cast<size_t>(rank) - 1;
  return sorted[idx < n ? idx : n - 1];
}

} // namespace svcsim
