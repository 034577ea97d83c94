/* Accepted, but the kernel refuses to load it (wasm2bpf run exits 2):
 *   math between map_value pointer and register with unbounded min value
 *   is not allowed
 * An address walking by +24 in the inner loop and -4 in the middle one.
 * In the BPF code the bounds check and the access use different fills of
 * the same spill slot:
 *     r1 = *(u64 *)(r10 -64); if r1 > 0xfffc goto trap     <- checked copy
 *     ...
 *     r2 = *(u64 *)(r10 -64); r1 = r7 (memory); r1 += r2    <- unchecked copy
 * The slot holds an unknown scalar (the loop widened it) with no id, so
 * narrowing one fill does not narrow the slot or the other fill. Forming
 * the pointer (memory + checked index) right after the check and keeping
 * that would survive spilling: a spilled pointer keeps its range.
 * Reduced by creduce from csmith seed 32527369 (csmith_batch.py --seed 3),
 * 1179 lines -> these. Only -O1 shows it.
// VARIANTS: O1
// ARGS: checksum
*/
int g_96[1];
unsigned g_105;
volatile int g_146[1];
int *g_205;

void func_1(void)
{
	short l_76;
	for (unsigned l_350 = 0; l_350 <= 2; l_350++) {
		for (l_76 = 3; l_76 >= 0; l_76--) {
			if (l_76)
				*g_205 = g_96[l_350] != 0;
			for (g_105 = 0; g_105 <= 1; g_105++)
				(void)g_146[l_76 + g_105 * 5 + g_105];
		}
	}
}

__attribute__((export_name("checksum"))) long checksum(void)
{
	func_1();
	return 0;
}
