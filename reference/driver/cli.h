/*
 * cli.h - the command line shared by OSIB's own implementations (osib-ref,
 * osib-cpu): `run` one operator, compute an `oracle`, `replay` an oracle's
 * inputs. Each program is this driver plus one backend.
 */
#ifndef OSIB_DRIVER_CLI_H
#define OSIB_DRIVER_CLI_H

#include "backend.h"

int osib_driver_main(int argc, char **argv, const osib_backend *b);

#endif
