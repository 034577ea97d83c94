/* The same internal compiler error at -O3 on straight-line code: the loops
 * are fully unrolled and the ~77 loaded values are all live at once (the
 * module loads them all before combining them), more than eBPF's 512-byte
 * stack holds. -O1/-O2/-Os build the same source fine.
// VARIANTS: O3
// ARGS: set i32:3 i32:77
// ARGS: digest
*/
struct state { unsigned words[40]; unsigned char bytes[37]; long long total; };
static struct state cur;

__attribute__((export_name("set"))) void set(unsigned i, unsigned v) { cur.words[i % 40] = v; cur.bytes[i % 37] = (unsigned char)v; }

__attribute__((export_name("digest"))) unsigned long long digest(void)
{
	unsigned long long h = (unsigned long long)cur.total;

	for (unsigned i = 0; i < 40; i++)
		h = h * 1099511628211ull ^ cur.words[i];
	for (unsigned i = 0; i < 37; i++)
		h = h * 31 + cur.bytes[i];
	return h;
}
