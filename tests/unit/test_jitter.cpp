// The per-request jitter's families (policy/jitter): exact inverse-CDF values derived by hand, and samples
// from a fixed seed whose empirical quantiles match the distribution within a tolerance derived from the
// binomial spread of an empirical quantile.
#include "policy/jitter.hpp"
#include "sim/rng.hpp"

#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <vector>

using namespace svcsim;

namespace
{

constexpr size_t N = 40000;

std::vector<double> draws(const JitterModel& m, const char* stream)
{
  RandomStream rng(7, stream);
  std::vector<double> out(N);
  for (auto& x : out)
    x = m.sample_ms(rng.uniform());
  std::sort(out.begin(), out.end());
  return out;
}

// Nearest rank, as everywhere in svcsim: the ceil(p * n)-th smallest.
double nearest_rank(const std::vector<double>& sorted, double p)
{
  size_t rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
  return sorted[std::max<size_t>(rank, 1) - 1];
}

// The empirical p-quantile of N uniforms is within 4 standard deviations, 4 * sqrt(p (1 - p) / N), of p
// (binomial count of draws below p, normal approximation: outside with probability < 1e-4), plus 1 / N for
// the nearest rank's step. A distribution maps that probability error to at most slope * error in ms.
double tolerance_ms(double p, double slope)
{
  return (4 * std::sqrt(p * (1 - p) / static_cast<double>(N)) + 1.0 / static_cast<double>(N)) * slope;
}

} // namespace

TEST_CASE("the normal quantile gives the textbook values")
{
  CHECK(normal_quantile(0.5) == 0.0);
  CHECK(normal_quantile(0.975) == doctest::Approx(1.959963984540054).epsilon(1e-12));
  CHECK(normal_quantile(0.8413447460685429) == doctest::Approx(1.0).epsilon(1e-12)); // Φ(1)
  CHECK(normal_quantile(0.001) == doctest::Approx(-3.090232306167813).epsilon(1e-12));
  CHECK(normal_quantile(1 - 1e-6) == doctest::Approx(4.753424308822899).epsilon(1e-10));
  CHECK(std::isinf(normal_quantile(0)));
}

TEST_CASE("the exponential family draws exactly what RandomStream::exponential drew, bit for bit")
{
  // The shorthand overhead_jitter_ms must keep every old model's bytes: same stream, same expression.
  JitterModel m;
  m.family = JitterFamily::EXPONENTIAL;
  m.mean_ms = 1.5;
  RandomStream a(3, "jitter/auth-service-1");
  RandomStream b(3, "jitter/auth-service-1");
  for (int k = 0; k < 1000; ++k) {
    const double old_draw = a.exponential(1.5);
    CHECK(m.sample_ms(b.uniform()) == old_draw);
  }
  CHECK(m.sample_ms(0) == 0.0);
  CHECK(m.sample_ms(1 - std::exp(-1.0)) == doctest::Approx(1.5)); // -ln(e^-1) * mean
}

TEST_CASE("a jitter that is always zero draws nothing")
{
  JitterModel m;
  CHECK_FALSE(m.active());
  m.family = JitterFamily::EXPONENTIAL;
  CHECK_FALSE(m.active()); // mean 0, as the old "overhead_jitter_ms": 0
  m.mean_ms = 0.1;
  CHECK(m.active());
  JitterModel q;
  q.family = JitterFamily::QUANTILES;
  q.ms = {0, 0, 0};
  CHECK_FALSE(q.active());
  q.ms = {0, 0, 0.5};
  CHECK(q.active());
}

TEST_CASE("a quantile table is interpolated linearly between equally spaced probabilities")
{
  JitterModel m;
  m.family = JitterFamily::QUANTILES;
  m.ms = {0, 1, 1.5, 2, 4, 10}; // probabilities 0, 0.2, 0.4, 0.6, 0.8, 1
  CHECK(m.sample_ms(0) == 0.0);
  CHECK(m.sample_ms(0.2) == doctest::Approx(1.0));
  CHECK(m.sample_ms(0.3) == doctest::Approx(1.25)); // halfway from 1 to 1.5
  CHECK(m.sample_ms(0.9) == doctest::Approx(7.0));  // halfway from 4 to 10
  CHECK(m.sample_ms(std::nextafter(1.0, 0.0)) == doctest::Approx(10.0));
}

TEST_CASE("samples of a quantile table have the table's quantiles (fixed seed)")
{
  JitterModel m;
  m.family = JitterFamily::QUANTILES;
  m.ms = {0, 1, 1.5, 2, 4, 10};
  const std::vector<double> s = draws(m, "test/quantiles");
  // Segment k spans probabilities [k / 5, (k + 1) / 5]: its slope dQ/dp is (ms[k+1] - ms[k]) * 5; at p the
  // worst case is the steeper of the segments the probability error can reach.
  struct Case {
    double p, want_ms, slope;
  };
  const Case cases[] = {{0.1, 0.5, 5},  {0.25, 1.125, 5}, {0.5, 1.75, 2.5}, {0.7, 3.0, 10},
                        {0.9, 7.0, 30}, {0.95, 8.5, 30},  {0.99, 9.7, 30}};
  for (const Case& c : cases) {
    CAPTURE(c.p);
    CHECK(std::fabs(nearest_rank(s, c.p) - c.want_ms) <= tolerance_ms(c.p, c.slope));
  }
  CHECK(s.front() >= 0);
  CHECK(s.back() <= 10);
}

TEST_CASE("a lognormal's samples have its median, its 90th percentile and its mean (fixed seed)")
{
  JitterModel m;
  m.family = JitterFamily::LOGNORMAL;
  m.median_ms = 1.2;
  m.sigma = 0.5;
  CHECK(m.sample_ms(0.5) == 1.2); // Φ⁻¹(0.5) = 0 exactly
  CHECK(m.sample_ms(0) == 0.0);
  const std::vector<double> s = draws(m, "test/lognormal");
  // Q(p) = median * exp(sigma * z_p); dQ/dp = Q(p) * sigma / φ(z_p). At p = 0.5: 1.2 * 0.5 * √(2π) = 1.504.
  CHECK(std::fabs(nearest_rank(s, 0.5) - 1.2) <= tolerance_ms(0.5, 1.504));
  // z_0.9 = 1.2815516: Q = 1.2 * e^0.6407758 = 2.2776; φ(z) = 0.1754983, slope = 2.2776 * 0.5 / 0.1755 = 6.489.
  CHECK(std::fabs(nearest_rank(s, 0.9) - 2.2776) <= tolerance_ms(0.9, 6.489));
  // Mean median * e^(σ²/2) = 1.35978; sd = mean * sqrt(e^σ² - 1) = 0.72463; 4 standard errors = 0.01449.
  double sum = 0;
  for (double x : s)
    sum += x;
  CHECK(std::fabs(sum / static_cast<double>(N) - 1.35978) <= 0.01449);
}
