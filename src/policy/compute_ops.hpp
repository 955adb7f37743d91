// The compute service's POST /api/compute/direct operations: the real arithmetic (in IEEE doubles, as
// Node computes it), the 400 checks, and a count of basic steps the simulator turns into CPU time.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace svcsim
{

struct ComputeOutcome {
  int status = 200;              // 200, or 400 for a bad operation or bad operands
  nlohmann::ordered_json result; // the value (number, or boolean for prime) when status == 200
  std::string error;             // why, when status == 400
  uint64_t steps = 0;            // basic steps of the seed's algorithm (loop iterations), >= 1 when 200
};

// add, subtract, multiply, divide, power, average, min, max, sqrt, factorial, fibonacci, prime.
const std::vector<std::string>& compute_operations();

// operands must be a non-empty array of finite JSON numbers. Arity: sqrt, factorial, fibonacci, prime take
// exactly 1; power exactly 2; subtract and divide at least 2; the rest at least 1. Domain: no division by
// zero, no sqrt of a negative, factorial n in 0..170 and fibonacci n in 0..1476 (beyond, a double
// overflows), integers only for factorial, fibonacci and prime (|n| <= 2^53), and a non-finite result
// (e.g. power overflow) is a 400 too: JSON cannot carry it.
// Steps: n for the list operations, factorial and fibonacci; floor(sqrt(n)) for prime (the seed's trial
// division; the answer itself comes from a deterministic Miller-Rabin test, so a huge prime does not cost
// the simulator real seconds); 1 for power and sqrt.
ComputeOutcome compute_direct(const std::string& operation, const nlohmann::ordered_json& operands);

// A double as JavaScript's JSON.stringify writes it: integral values without ".0" (15, not 15.0).
nlohmann::ordered_json json_number(double v);

} // namespace svcsim
