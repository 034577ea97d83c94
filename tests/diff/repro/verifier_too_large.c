/* Accepted, but the kernel's verifier gives up (exit 2): "BPF program is
 * too large. Processed 1000001 insn". Three 64-iteration loops and a
 * memmove with an unknown length: the loop counters are precise scalars,
 * so the iterator loops' states never converge and the paths multiply.
// VARIANTS: O2
// ARGS: shift_left i32:3
*/
typedef __SIZE_TYPE__ size_t;

void *memmove(void *dst, const void *src, size_t n);    /* ../memfns.c */

static unsigned digest(const unsigned char *p, unsigned n)
{
	unsigned h = 0;
	for (unsigned i = 0; i < n; i++)
		h = h * 131 + p[i] + i;
	return h;
}

__attribute__((export_name("shift_left"))) unsigned shift_left(unsigned k)
{
	unsigned char a[64];
	for (unsigned i = 0; i < 64; i++)
		a[i] = (unsigned char)(i * 3 + 1);
	k %= 64;
	memmove(a, a + k, 64 - k);
	return digest(a, 64);
}
