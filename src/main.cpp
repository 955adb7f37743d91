// svcsim's entry point: everything is in the CLI (src/cli/).
#include "cli/cli.hpp"

int main(int argc, char** argv)
{
  return svcsim::cli_main(argc, argv);
}
