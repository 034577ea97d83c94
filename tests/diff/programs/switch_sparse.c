/* Sparse switches (compare trees), on 32- and 64-bit values, and a
 * keyword lookup by hash.
// ARGS: port_name i32:22
// ARGS: port_name i32:443
// ARGS: port_name i32:8080
// ARGS: port_name i32:65535
// ARGS: port_name i32:12
// ARGS: big i64:1000000000000
// ARGS: big i64:-1
// ARGS: big i64:4294967296
// ARGS: big i64:7
// ARGS: keyword i32:0
// ARGS: keyword i32:1
// ARGS: keyword i32:2
// ARGS: keyword i32:3
*/
#include "diff.h"

EXPORT("port_name")
int port_name(u32 port)
{
	switch (port) {
	case 21: return 1;
	case 22: return 2;
	case 25: return 3;
	case 53: return 4;
	case 80: return 5;
	case 443: return 6;
	case 3306: return 7;
	case 5432: return 8;
	case 8080: return 9;
	case 65535: return 10;
	default: return port < 1024 ? -1 : -2;
	}
}

EXPORT("big")
int big(i64 v)
{
	switch (v) {
	case -1: return 1;
	case 7: return 2;
	case 1000000000000LL: return 3;
	case 4294967296LL: return 4;
	case 0x7fffffffffffffffLL: return 5;
	default: return 0;
	}
}

static u32 hash(const char *s)
{
	u32 h = 5381;
	while (*s)
		h = h * 33 + (u8)*s++;
	return h;
}

static const char *const kw[4] = { "if", "while", "return", "banana" };

EXPORT("keyword")
int keyword(u32 i)
{
	switch (hash(kw[i & 3])) {
	case 5863476: return 1;       /* "if" */
	case 279132286: return 2;     /* "while" */
	case 422601765: return 3;     /* "return" */
	default: return (int)(hash(kw[i & 3]) & 0xffff);
	}
}
