#include "policy/jitter.hpp"

#include <cmath>
#include <limits>

namespace svcsim
{

bool JitterModel::active() const
{
  switch (family) {
  case JitterFamily::EXPONENTIAL:
    return mean_ms > 0;
  case JitterFamily::LOGNORMAL:
    return median_ms > 0;
  case JitterFamily::QUANTILES:
    return !ms.empty() && ms.back() > 0;
  case JitterFamily::NONE:
    break;
  }
  return false;
}

double JitterModel::sample_ms(double u) const
{
  switch (family) {
  case JitterFamily::EXPONENTIAL:
    // The same expression as RandomStream::exponential, so the shorthand overhead_jitter_ms gives the bytes
    // it gave before distributions existed; 1 - u is in (0, 1], so the draw is finite.
    return -std::log(1.0 - u) * mean_ms;
  case JitterFamily::LOGNORMAL:
    // At u = 0 the quantile is -inf and the draw exp(-inf) = 0: the distribution's own lower end.
    return sigma == 0 ? median_ms : median_ms * std::exp(sigma * normal_quantile(u));
  case JitterFamily::QUANTILES: {
    if (ms.size() < 2)
      return ms.empty() ? 0.0 : ms[0];
    // The table's points sit at equally spaced probabilities; between two of them the CDF is linear.
    const double x = u * static_cast<double>(ms.size() - 1);
    size_t k = static_cast<size_t>(x);
    if (k >= ms.size() - 1)
      k = ms.size() - 2;
    const double frac = x - static_cast<double>(k);
    return ms[k] + frac * (ms[k + 1] - ms[k]);
  }
  case JitterFamily::NONE:
    break;
  }
  return 0;
}

double normal_quantile(double p)
{
  if (p <= 0)
    return -std::numeric_limits<double>::infinity();
  if (p >= 1)
    return std::numeric_limits<double>::infinity();
  // P. J. Acklam's coefficients: a rational function in the centre, another in each tail.
  static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,  -2.759285104469687e+02,
                             1.383577518672690e+02,  -3.066479806614716e+01, 2.506628277459239e+00};
  static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02, -1.556989798598866e+02,
                             6.680131188771972e+01, -1.328068155288572e+01};
  static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01, -2.400758277161838e+00,
                             -2.549732539343734e+00, 4.374664141464968e+00,  2.938163982698783e+00};
  static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01, 2.445134137142996e+00,
                             3.754408661907416e+00};
  constexpr double P_LOW = 0.02425;
  double x;
  if (p < P_LOW) {
    const double q = std::sqrt(-2 * std::log(p));
    x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  } else if (p <= 1 - P_LOW) {
    const double q = p - 0.5;
    const double r = q * q;
    x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
        (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
  } else {
    const double q = std::sqrt(-2 * std::log1p(-p));
    x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
        ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  }
  // One Halley step: Φ(x) = erfc(-x / √2) / 2, and Φ'(x) = exp(-x² / 2) / √(2π).
  const double e = 0.5 * std::erfc(-x / std::sqrt(2.0)) - p;
  const double u = e * std::sqrt(2 * M_PI) * std::exp(x * x / 2);
  return x - u / (1 + x * u / 2);
}

} // namespace svcsim
