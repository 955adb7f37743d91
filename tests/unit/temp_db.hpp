// A temporary SQLite database file for the unit tests: a path under /tmp, unique per process, test file and
// name, removed (with its journal) when made and at the end of the test.
#pragma once

#include <cstdio>
#include <string>

#include <unistd.h>

namespace svcsim::test
{

struct TempDbPath {
  std::string path;
  // /tmp/svcsim_<tag>_<pid>_<name>.sqlite: the tag keeps each test file's names apart.
  TempDbPath(const std::string& tag, const std::string& name)
      : path("/tmp/svcsim_" + tag + "_" + std::to_string(getpid()) + "_" + name + ".sqlite")
  {
    remove_all();
  }
  ~TempDbPath() { remove_all(); }
  TempDbPath(const TempDbPath&) = delete;
  TempDbPath& operator=(const TempDbPath&) = delete;
  void remove_all() const
  {
    std::remove(path.c_str());
    std::remove((path + "-journal").c_str());
  }
};

} // namespace svcsim::test
