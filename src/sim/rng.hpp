// Seeded random streams, one per purpose, derived from the run seed and a stream name (SimGrid's
// XbtRandom is portable across standard libraries; std::*_distribution is not, STYLE.md).
#pragma once

#include <xbt/random.hpp>

#include <cmath>
#include <cstdint>
#include <string>

namespace svcsim
{

class RandomStream
{
public:
  RandomStream(uint64_t run_seed, const std::string& name) : gen_(derive(run_seed, name)) {}
  // Uniform in [0, 1).
  double uniform() { return gen_.uniform_real(0.0, 1.0); }
  // Exponential with the given mean; 1 - u is in (0, 1], so the draw is finite (NOTES-simgrid pitfall 12).
  double exponential(double mean) { return -std::log(1.0 - uniform()) * mean; }
  void fill(unsigned char* out, size_t n)
  {
    for (size_t i = 0; i < n; i++)
      out[i] = static_cast<unsigned char>(gen_.uniform_int(0, 255));
  }

private:
  static int derive(uint64_t seed, const std::string& name)
  {
    uint64_t h = 1469598103934665603ULL; // FNV-1a over the name, mixed with the seed (splitmix64 finaliser)
    for (unsigned char c : name)
      h = (h ^ c) * 1099511628211ULL;
    uint64_t z = h ^ (seed + 0x9E3779B97F4A7C15ULL);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<int>(z & 0x7FFFFFFF);
  }
  simgrid::xbt::random::XbtRandom gen_;
};

} // namespace svcsim
