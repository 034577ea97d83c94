// CFLAGS: -O0
// map-value-passed-to-call.c at -O0, where clang keeps the pointer in the
// function's frame and reads it back from its slot before the call: the
// value read back from that slot is refused as an argument like the
// pointer itself (ir/lower_memory.c, PROV_L), not passed on as a number
// the callee's accesses would trap on.
#include "map-value-passed-to-call.c"
