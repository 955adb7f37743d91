// JSON positions: line:col per JSON pointer over text with comments, escapes and UTF-8, duplicate keys,
// numbers beyond double range and the nesting limit (the scenario parser's error locations rest on it).
#include "parse/json_positions.hpp"

#include <doctest/doctest.h>

#include <string>

using namespace svcsim;

TEST_CASE("positions: values, keys, comments, escapes and columns in characters")
{
  std::string text =
      "\xEF\xBB\xBF{ // c\n  \"a/b~c\": [1, {\"k\": \"\\u00e9\"}],\n  /* x */ \"\xC3\xA9t\xC3\xA9\": true,\n"
      "  \"\\ud83d\\ude00\": null }";
  JsonPositions p = index_json_positions(text);
  REQUIRE(p.value("") != nullptr);
  CHECK(p.value("")->line == 1);
  CHECK(p.value("")->col == 1);
  REQUIRE(p.value("/a~1b~0c") != nullptr);
  CHECK(p.value("/a~1b~0c")->line == 2);
  CHECK(p.value("/a~1b~0c")->col == 12);
  CHECK(p.key("/a~1b~0c")->col == 3);
  CHECK(p.value("/a~1b~0c/0")->col == 13);
  CHECK(p.value("/a~1b~0c/1")->col == 16);
  CHECK(p.value("/a~1b~0c/1/k")->col == 22);
  REQUIRE(p.value("/\xC3\xA9t\xC3\xA9") != nullptr);
  CHECK(p.value("/\xC3\xA9t\xC3\xA9")->line == 3);
  CHECK(p.value("/\xC3\xA9t\xC3\xA9")->col == 18); // "été" is three columns, not five bytes
  CHECK(p.value("/\xF0\x9F\x98\x80") != nullptr);  // surrogate pair decoded like nlohmann does
  CHECK(p.duplicates.empty());
  CHECK(p.overflows.empty());
}

TEST_CASE("positions: duplicates, overflows and nesting limits")
{
  JsonPositions p = index_json_positions(R"({"a": {"x": 1}, "a": {"y": 2e999}})");
  REQUIRE(p.duplicates.size() == 1);
  CHECK(p.duplicates[0].pointer == "/a");
  CHECK(p.duplicates[0].pos.col == 17);
  CHECK(p.duplicates[0].first.col == 2);
  CHECK(p.value("/a/x") == nullptr); // the first "a" is gone, as in nlohmann's document
  REQUIRE(p.overflows.size() == 1);
  CHECK(p.overflows[0].pointer == "/a/y");
  CHECK(p.overflows[0].text == "2e999");

  std::string deep = std::string(MAX_JSON_DEPTH, '[') + std::string(MAX_JSON_DEPTH, ']');
  CHECK_NOTHROW(index_json_positions(deep));
  CHECK_THROWS_AS(index_json_positions("[" + deep + "]"), JsonPositionsError);
  CHECK_THROWS_AS(index_json_positions("{\"a\": 1"), JsonPositionsError);
  CHECK_THROWS_AS(index_json_positions(""), JsonPositionsError);
}
