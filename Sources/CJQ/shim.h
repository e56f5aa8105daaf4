#ifndef FANOUT_CJQ_SHIM_H
#define FANOUT_CJQ_SHIM_H
/* Debian ships no libjq.pc, so the library is named directly in module.modulemap. */
#include <jq.h>
#include <jv.h>
#endif
