// CFLAGS: -O0
// packet-cursor-struct.c built without optimisation: every local, the
// cursor and the header pointers included, in the frame in linear memory,
// each read back before use.
// PACKET: parse 0000000000000000000000000800450000140000000040110000000000000000000000 => i32:1
// PACKET: parse 0000000000000000000000000800450000140000000040060000000000000000000000 => i32:66
// PACKET: parse 000000000000000000000000080045000014000000004006 => i32:0
// PACKET: parse 000000000000000000000000dd86 => i32:2
#include "packet-cursor-struct.c"
