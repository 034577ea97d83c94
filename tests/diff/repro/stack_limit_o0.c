/* wasm2bpf internal compiler error (exit 4): "LLVM code generation failed:
 * ... Looks like the BPF stack limit is exceeded" on a 14-line -O0 loop
 * nest. Expected: the program runs (or a located refusal, exit 1).
// VARIANTS: O0
// ARGS: f i32:8
*/
__attribute__((export_name("f"))) int f(int n)
{
	int a[4] = { 5, 3, 8, 1 }, s = 0;

	for (int i = 0; i < n; i++)
		for (int j = 0; j < i; j++)
			if (a[j & 3] > a[(j + 1) & 3]) {
				int t = a[j & 3];
				a[j & 3] = a[(j + 1) & 3];
				a[(j + 1) & 3] = t;
				s++;
			}
	return s;
}
