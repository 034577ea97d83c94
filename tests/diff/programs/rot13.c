/* Caesar ciphers over a literal into a global buffer: rot13 twice is the
 * identity, rot-k with a count of changed letters, Vigenere with a key.
// ARGS: rot_hash i32:13
// ARGS: rot_hash i32:0
// ARGS: rot_hash i32:27
// ARGS: rot13_twice i32:0
// ARGS: vigenere i32:0
// ARGS: vigenere i32:1
*/
#include "diff.h"

static const char plain[] = "Hello, World! The Quick Brown Fox, 2024 edition.";
static char out[sizeof plain];

static char rot(char c, u32 k)
{
	if (c >= 'a' && c <= 'z')
		return (char)('a' + (c - 'a' + k) % 26);
	if (c >= 'A' && c <= 'Z')
		return (char)('A' + (c - 'A' + k) % 26);
	return c;
}

EXPORT("rot_hash")
u32 rot_hash(u32 k)
{
	u32 h = 0, changed = 0;
	for (u32 i = 0; plain[i]; i++) {
		out[i] = rot(plain[i], k);
		changed += out[i] != plain[i];
		h = h * 33 ^ (u8)out[i];
	}
	return h + (changed << 24);
}

EXPORT("rot13_twice")
int rot13_twice(int unused)
{
	for (u32 i = 0; i < sizeof plain; i++)
		out[i] = rot(rot(plain[i], 13), 13);
	for (u32 i = 0; i < sizeof plain; i++)
		if (out[i] != plain[i])
			return (int)i;
	return -1;
}

static const char *const keys[2] = { "LEMON", "bpf" };

EXPORT("vigenere")
u32 vigenere(u32 which)
{
	const char *key = keys[which & 1];
	u32 klen = 0, h = 5381, j = 0;
	while (key[klen])
		klen++;
	for (u32 i = 0; plain[i]; i++) {
		char c = plain[i];
		if ((c | 32) >= 'a' && (c | 32) <= 'z')
			c = rot(c, (u32)((key[j++ % klen] | 32) - 'a'));
		h = h * 33 + (u8)c;
	}
	return h;
}
