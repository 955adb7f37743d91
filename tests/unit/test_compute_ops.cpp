// Unit tests for policy/compute_ops: every direct operation, its 400s and its step count.
#include <doctest/doctest.h>

#include "policy/compute_ops.hpp"

using namespace svcsim;
using ojson = nlohmann::ordered_json;

namespace
{

ComputeOutcome run(const std::string& op, const char* operands_json)
{
  return compute_direct(op, ojson::parse(operands_json));
}

std::string result_text(const std::string& op, const char* operands_json)
{
  const ComputeOutcome o = run(op, operands_json);
  REQUIRE_MESSAGE(o.status == 200, o.error);
  return o.result.dump();
}

void check_400(const std::string& op, const std::string& operands_json, const std::string& why)
{
  CAPTURE(op);
  CAPTURE(operands_json);
  const ComputeOutcome o = run(op, operands_json.c_str());
  CHECK(o.status == 400);
  CHECK(o.error == why);
}

} // namespace

TEST_CASE("the list operations fold left to right in doubles, as Node does")
{
  CHECK(result_text("add", "[1,2,3,4,5]") == "15");
  CHECK(result_text("add", "[0.1,0.2]") == "0.30000000000000004");
  CHECK(result_text("subtract", "[10,3,2]") == "5");
  CHECK(result_text("multiply", "[2,3,4]") == "24");
  CHECK(result_text("divide", "[100,4,5]") == "5");
  CHECK(result_text("divide", "[1,3]") == "0.3333333333333333");
  CHECK(result_text("average", "[1,2,3,4]") == "2.5");
  CHECK(result_text("min", "[3,-1.5,2]") == "-1.5");
  CHECK(result_text("max", "[3,-1.5,2]") == "3");
  CHECK(result_text("add", "[7]") == "7");
  CHECK(run("add", "[1,2,3,4,5]").steps == 5);
}

TEST_CASE("power, sqrt, factorial, fibonacci and prime")
{
  CHECK(result_text("power", "[2,10]") == "1024");
  CHECK(result_text("power", "[4,0.5]") == "2");
  CHECK(result_text("sqrt", "[16]") == "4");
  CHECK(result_text("sqrt", "[2]") == "1.4142135623730951");
  CHECK(result_text("factorial", "[0]") == "1");
  CHECK(result_text("factorial", "[5]") == "120");
  CHECK(result_text("factorial", "[20]") == "2432902008176640000");
  CHECK(result_text("factorial", "[170]") == "7.257415615307994e+306");
  CHECK(result_text("fibonacci", "[0]") == "0");
  CHECK(result_text("fibonacci", "[1]") == "1");
  CHECK(result_text("fibonacci", "[10]") == "55");
  CHECK(result_text("fibonacci", "[90]") == "2880067194370816000"); // JS: 2880067194370816000 (double)
  CHECK(result_text("fibonacci", "[1476]") == "1.3069892237633987e+308");
  CHECK(result_text("prime", "[2]") == "true");
  CHECK(result_text("prime", "[97]") == "true");
  CHECK(result_text("prime", "[91]") == "false");
  CHECK(result_text("prime", "[1]") == "false");
  CHECK(result_text("prime", "[-7]") == "false");
  CHECK(result_text("prime", "[9007199254740881]") == "true"); // the largest prime below 2^53
  CHECK(result_text("prime", "[9007199254740991]") == "false");
}

TEST_CASE("the step count follows the seed's algorithms")
{
  CHECK(run("fibonacci", "[30]").steps == 30);
  CHECK(run("factorial", "[12]").steps == 12);
  CHECK(run("prime", "[1000003]").steps == 1000);
  CHECK(run("prime", "[9007199254740881]").steps == 94906265);
  CHECK(run("sqrt", "[9]").steps == 1);
  CHECK(run("factorial", "[0]").steps == 1); // never zero: every request costs something
  CHECK(run("power", "[2,3]").steps == 1);
  CHECK(run("nope", "[1]").steps == 0);
}

TEST_CASE("an unknown operation or bad operands is a 400")
{
  check_400("modulo", "[1,2]", "Invalid operation");
  check_400("ADD", "[1,2]", "Invalid operation");
  check_400("add", "[]", "Operands must be a non-empty array of numbers");
  check_400("add", "5", "Operands must be a non-empty array of numbers");
  check_400("add", "{\"a\":1}", "Operands must be a non-empty array of numbers");
  check_400("add", "[1,\"2\"]", "Operands must be a non-empty array of numbers");
  check_400("add", "[1,true]", "Operands must be a non-empty array of numbers");
  check_400("add", "[1,null]", "Operands must be a non-empty array of numbers");
  check_400("max", "[[1]]", "Operands must be a non-empty array of numbers");
}

TEST_CASE("a wrong operand count is a 400")
{
  check_400("subtract", "[1]", "subtract requires at least 2 operands");
  check_400("divide", "[1]", "divide requires at least 2 operands");
  check_400("power", "[2]", "Power operation requires exactly 2 operands: base and exponent");
  check_400("power", "[2,3,4]", "Power operation requires exactly 2 operands: base and exponent");
  check_400("sqrt", "[4,9]", "sqrt operation requires exactly 1 operand");
  check_400("factorial", "[3,4]", "factorial operation requires exactly 1 operand");
  check_400("fibonacci", "[3,4]", "fibonacci operation requires exactly 1 operand");
  check_400("prime", "[3,4]", "prime operation requires exactly 1 operand");
}

TEST_CASE("out-of-domain operands and non-finite results are a 400")
{
  check_400("divide", "[1,0]", "Division by zero");
  check_400("divide", "[1,2,0]", "Division by zero");
  check_400("sqrt", "[-1]", "Cannot compute the square root of a negative number");
  check_400("factorial", "[-1]", "Factorial requires an integer between 0 and 170");
  check_400("factorial", "[2.5]", "Factorial requires an integer between 0 and 170");
  check_400("factorial", "[171]", "Factorial requires an integer between 0 and 170");
  check_400("fibonacci", "[-1]", "Fibonacci requires an integer between 0 and 1476");
  check_400("fibonacci", "[1.5]", "Fibonacci requires an integer between 0 and 1476");
  check_400("fibonacci", "[1477]", "Fibonacci requires an integer between 0 and 1476");
  check_400("prime", "[7.5]", "Prime check requires an integer with absolute value at most 2^53");
  check_400("prime", "[1e17]", "Prime check requires an integer with absolute value at most 2^53");
  check_400("power", "[10,400]", "Result is not a finite number");
  check_400("power", "[-8,0.5]", "Result is not a finite number");
  check_400("multiply", "[1e200,1e200]", "Result is not a finite number");
}

TEST_CASE("numbers print as JavaScript prints them")
{
  CHECK(json_number(15.0).dump() == "15");
  CHECK(json_number(-0.0).dump() == "0");
  CHECK(json_number(2.5).dump() == "2.5");
  CHECK(json_number(1e300).dump() == "1e+300");
  CHECK(compute_operations().size() == 12);
}
