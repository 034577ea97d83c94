/* Accepted, but the kernel's verifier gives up (exit 2): "The sequence of
 * 8193 jumps is too complex." A 16x17 dynamic-programming table (longest
 * common subsequence) filled by two nested loops.
// VARIANTS: O2
// ARGS: lcs i32:15 i32:16
*/
__attribute__((export_name("lcs"))) unsigned lcs(unsigned n, unsigned m)
{
	static const char a[] = "kernel verifier", b[] = "wasm interpreter";
	unsigned char t[20][20];

	n %= 16;
	m %= 17;
	for (unsigned i = 0; i <= n; i++)
		for (unsigned j = 0; j <= m; j++)
			t[i][j] = !i || !j ? 0 : a[i - 1] == b[j - 1] ? t[i - 1][j - 1] + 1
				: t[i - 1][j] > t[i][j - 1] ? t[i - 1][j] : t[i][j - 1];
	return t[n][m];
}
