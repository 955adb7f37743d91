// The latency an instance adds to each request off its thread (the framework's own delays, scheduling noise):
// an exponential, a lognormal, or an inverse-CDF table fitted to measured latencies (tools/fit-latency).
// Pure: every family turns one uniform draw, which the caller takes from its seeded stream, into milliseconds.
#pragma once

#include <vector>

namespace svcsim
{

enum class JitterFamily { NONE, EXPONENTIAL, LOGNORMAL, QUANTILES };

struct JitterModel {
  JitterFamily family = JitterFamily::NONE;
  double mean_ms = 0;     // EXPONENTIAL
  double median_ms = 0;   // LOGNORMAL: exp(mu)
  double sigma = 0;       // LOGNORMAL: the standard deviation of the logarithm
  std::vector<double> ms; // QUANTILES: ms[k] is the k / (n - 1) quantile; nondecreasing, >= 0, n >= 2

  // Whether a request draws from the stream at all. A jitter that is always 0 draws nothing, as the
  // exponential with mean 0 never did, so models without jitter keep their streams (and bytes) as they were.
  bool active() const;
  // The inverse CDF at u in [0, 1): one uniform in, one jitter out.
  double sample_ms(double u) const;
};

// The standard normal's inverse CDF, Φ⁻¹(p) for p in (0, 1); -inf at 0, +inf at 1. Acklam's rational
// approximation (relative error below 1.2e-9) refined by one Halley step on erfc, so |error| < 1e-14 in p.
double normal_quantile(double p);

} // namespace svcsim
