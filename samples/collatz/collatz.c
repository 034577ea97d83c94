/*
 * collatz.c — the first sample: plain C, compiled to Wasm, run in the kernel.
 *
 * Integer work with loops whose trip counts nobody knows in advance (the
 * Collatz sequence), a 64-bit loop, and a division that can trap. Built by
 * the project's CMake into build/samples/collatz/collatz.wasm and
 * collatz.bpf.o; `wasm2bpf run` calls the functions in the kernel.
 */
#define EXPORT(name) __attribute__((export_name(name)))

/* Steps until the Collatz sequence from n reaches 1. */
EXPORT("collatz_steps")
unsigned collatz_steps(unsigned long long n)
{
	unsigned steps = 0;

	while (n > 1) {
		n = (n & 1) ? 3 * n + 1 : n / 2;
		steps++;
	}
	return steps;
}

/* The start below `limit` with the longest sequence (nested loops). */
EXPORT("longest_below")
unsigned longest_below(unsigned limit)
{
	unsigned best = 1, best_steps = 0;

	for (unsigned n = 1; n < limit; n++) {
		unsigned s = collatz_steps(n);

		if (s > best_steps) {
			best_steps = s;
			best = n;
		}
	}
	return best;
}

/* Greatest common divisor; gcd(x, 0) traps on the division by zero the
 * first step does — Wasm semantics, kept in the kernel. */
EXPORT("gcd_strict")
unsigned gcd_strict(unsigned a, unsigned b)
{
	unsigned r = a % b;

	while (r) {
		a = b;
		b = r;
		r = a % b;
	}
	return b;
}
