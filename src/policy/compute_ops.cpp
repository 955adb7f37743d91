// The compute service's direct operations, computed as Node does (doubles, left-to-right folds), with the
// validation a user of the real service would expect and a step count for the simulated CPU charge.
#include "policy/compute_ops.hpp"

#include <algorithm>
#include <cmath>

namespace svcsim
{

namespace
{

constexpr double MAX_SAFE_INTEGER = 9007199254740992.0; // 2^53
constexpr int MAX_FACTORIAL = 170;                      // 171! overflows a double
constexpr int MAX_FIBONACCI = 1476;                     // F(1477) overflows a double

ComputeOutcome bad(std::string why)
{
  ComputeOutcome o;
  o.status = 400;
  o.error = std::move(why);
  return o;
}

ComputeOutcome good(nlohmann::ordered_json value, uint64_t steps)
{
  ComputeOutcome o;
  o.result = std::move(value);
  o.steps = std::max<uint64_t>(steps, 1);
  return o;
}

ComputeOutcome number_result(double v, uint64_t steps)
{
  if (!std::isfinite(v))
    return bad("Result is not a finite number");
  return good(json_number(v), steps);
}

bool is_integer(double v)
{
  return std::isfinite(v) && std::floor(v) == v;
}

// GCC/Clang's 128-bit integer: the exact product of two 64-bit residues (__extension__ quiets -Wpedantic).
__extension__ typedef unsigned __int128 Uint128;

uint64_t mul_mod(uint64_t a, uint64_t b, uint64_t m)
{
  return static_cast<uint64_t>(static_cast<Uint128>(a) * b % m);
}

uint64_t pow_mod(uint64_t b, uint64_t e, uint64_t m)
{
  uint64_t r = 1;
  b %= m;
  for (; e; e >>= 1) {
    if (e & 1)
      r = mul_mod(r, b, m);
    b = mul_mod(b, b, m);
  }
  return r;
}

// Deterministic Miller-Rabin: these 12 bases decide every n < 2^64 exactly.
bool is_prime(uint64_t n)
{
  static const uint64_t BASES[] = {2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37};
  if (n < 2)
    return false;
  for (uint64_t p : BASES) {
    if (n % p == 0)
      return n == p;
  }
  uint64_t d = n - 1;
  int s = 0;
  while ((d & 1) == 0) {
    d >>= 1;
    ++s;
  }
  for (uint64_t a : BASES) {
    uint64_t x = pow_mod(a, d, n);
    if (x == 1 || x == n - 1)
      continue;
    bool composite = true;
    for (int r = 1; r < s && composite; ++r) {
      x = mul_mod(x, x, n);
      composite = x != n - 1;
    }
    if (composite)
      return false;
  }
  return true;
}

} // namespace

const std::vector<std::string>& compute_operations()
{
  static const std::vector<std::string> OPS = {"add", "subtract", "multiply", "divide",    "power",     "average",
                                               "min", "max",      "sqrt",     "factorial", "fibonacci", "prime"};
  return OPS;
}

nlohmann::ordered_json json_number(double v)
{
  // Integral and exactly representable as int64: print as an integer, as JavaScript does (|v| < 2^63).
  if (is_integer(v) && std::fabs(v) < 9223372036854775808.0)
    return static_cast<int64_t>(v);
  return v;
}

ComputeOutcome compute_direct(const std::string& operation, const nlohmann::ordered_json& operands)
{
  const auto& ops = compute_operations();
  if (std::find(ops.begin(), ops.end(), operation) == ops.end())
    return bad("Invalid operation");
  if (!operands.is_array() || operands.empty())
    return bad("Operands must be a non-empty array of numbers");
  std::vector<double> x;
  x.reserve(operands.size());
  for (const auto& v : operands) {
    // Booleans are not numbers here (JSON true is not 1). The JSON parser already refuses 1e999; the
    // finiteness check guards callers that build operands another way.
    if (!v.is_number() || !std::isfinite(v.get<double>()))
      return bad("Operands must be a non-empty array of numbers");
    x.push_back(v.get<double>());
  }
  const uint64_t n = x.size();
  const auto exactly = [&](size_t k) { return x.size() == k; };

  if (operation == "add") {
    double r = 0;
    for (double v : x)
      r += v;
    return number_result(r, n);
  }
  if (operation == "multiply") {
    double r = 1;
    for (double v : x)
      r *= v;
    return number_result(r, n);
  }
  if (operation == "subtract" || operation == "divide") {
    const bool sub = operation == "subtract";
    if (x.size() < 2)
      return bad(operation + " requires at least 2 operands");
    double r = x[0];
    for (size_t i = 1; i < x.size(); ++i) {
      if (!sub && x[i] == 0)
        return bad("Division by zero");
      r = sub ? r - x[i] : r / x[i];
    }
    return number_result(r, n);
  }
  if (operation == "average") {
    double r = 0;
    for (double v : x)
      r += v;
    return number_result(r / static_cast<double>(n), n);
  }
  if (operation == "min")
    return number_result(*std::min_element(x.begin(), x.end()), n);
  if (operation == "max")
    return number_result(*std::max_element(x.begin(), x.end()), n);
  if (operation == "power") {
    if (!exactly(2))
      return bad("Power operation requires exactly 2 operands: base and exponent");
    return number_result(std::pow(x[0], x[1]), 1); // NaN (negative base, fractional exponent) → 400 too
  }

  // The one-operand operations.
  if (!exactly(1))
    return bad(operation + " operation requires exactly 1 operand");
  const double a = x[0];
  if (operation == "sqrt") {
    if (a < 0)
      return bad("Cannot compute the square root of a negative number");
    return number_result(std::sqrt(a), 1);
  }
  if (operation == "factorial") {
    if (!is_integer(a) || a < 0 || a > MAX_FACTORIAL)
      return bad("Factorial requires an integer between 0 and " + std::to_string(MAX_FACTORIAL));
    const int k = static_cast<int>(a);
    double r = 1;
    for (int i = 2; i <= k; ++i)
      r *= i;
    return number_result(r, static_cast<uint64_t>(k));
  }
  if (operation == "fibonacci") {
    if (!is_integer(a) || a < 0 || a > MAX_FIBONACCI)
      return bad("Fibonacci requires an integer between 0 and " + std::to_string(MAX_FIBONACCI));
    const int k = static_cast<int>(a);
    double prev = 0, cur = k == 0 ? 0 : 1;
    for (int i = 2; i <= k; ++i) {
      const double next = prev + cur;
      prev = cur;
      cur = next;
    }
    return number_result(cur, static_cast<uint64_t>(k));
  }
  // prime
  if (!is_integer(a) || std::fabs(a) > MAX_SAFE_INTEGER)
    return bad("Prime check requires an integer with absolute value at most 2^53");
  if (a < 2)
    return good(false, 1);
  const auto v = static_cast<uint64_t>(a);
  return good(is_prime(v), static_cast<uint64_t>(std::sqrt(a)));
}

} // namespace svcsim
