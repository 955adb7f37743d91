// doctest's main for the unit tests (tests/unit/test_*.cpp): pure logic, no SimGrid engine.
#define DOCTEST_CONFIG_IMPLEMENT_WITH_MAIN
#include <doctest/doctest.h>
