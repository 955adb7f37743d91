// A progress line on stderr for long runs: redrawn with \r on a terminal, a plain line every few
// seconds otherwise (NOTES-ecosystem conventions). Reads the wall clock only to pace itself.
#pragma once

#include <string>

namespace svcsim
{

class Progress
{
public:
  Progress(std::string name, double end_s);
  void update(double sim_s);
  void finish(double sim_s);

private:
  std::string name_;
  double end_s_;
  bool tty_;
  double last_wall_ = 0;
};

} // namespace svcsim
