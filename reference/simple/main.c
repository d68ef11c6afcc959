/*
 * osib-ref - the simple OSIB reference: float64, single thread,
 * deterministic. Runs any operator on any case, and generates oracles.
 */
#include "backend_simple.h"
#include "cli.h"

int main(int argc, char **argv) { return osib_driver_main(argc, argv, &osib_backend_simple); }
