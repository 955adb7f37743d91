// Typed, path-bearing input errors: every bad input names the file, the place in it, the JSON pointer,
// what was expected and what was found. Thrown by parsers, caught by the CLI (exit code 2).
#pragma once

#include <stdexcept>
#include <string>
#include <vector>

namespace svcsim
{

struct Diagnostic {
  std::string file;
  int line = 0; // 1-based; 0 = unknown (then the line is printed as "file: ...")
  int col = 0;
  std::string pointer; // JSON pointer ("" for the document root)
  std::string message; // "expected integer >= 1, got \"two\""
  bool warning = false;

  // "file:line:col: error: /pointer: message"
  std::string format() const;
};

class InputError : public std::runtime_error
{
public:
  explicit InputError(std::vector<Diagnostic> diagnostics);
  explicit InputError(Diagnostic d) : InputError(std::vector<Diagnostic>{std::move(d)}) {}
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }

private:
  std::vector<Diagnostic> diagnostics_;
};

} // namespace svcsim
