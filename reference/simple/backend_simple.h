/* backend_simple.h - the simple reference as a driver backend. */
#ifndef REF_BACKEND_SIMPLE_H
#define REF_BACKEND_SIMPLE_H

#include "backend.h"

extern const osib_backend osib_backend_simple;

#endif
