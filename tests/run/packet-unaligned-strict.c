// packet-unaligned.c with --strict-align: its unaligned reads byte by byte.
// ARGS: --strict-align
// PACKET: f 00112233445566778899aabbccddeeff => i32:16711680
#include "packet-unaligned.c"
