/* Accepted, but the kernel refuses to load it (wasm2bpf run exits 2):
 *   invalid access to map value, value_size=9272 off=9274 size=1
 *   R3 max value is outside of the allowed memory range
 * The emitted IR checks each access correctly (the load8_u offset=82 is
 * guarded by `icmp ugt %x, 9133`), but the BPF code does all the checks
 * first and the loads afterwards, each check's copy of the address spilled
 * *before* its compare; the load reloads that spill, whose range is still
 * the previous check's (<= 9136), and 9136 + 82 + 1 > 9216. Needs the
 * two-step build (no wasm-opt).
// VARIANTS: O2+nowasmopt
// ARGS: weight_sum i32:9
*/
struct item { unsigned short id; unsigned char flags; int key; long long weight; };

static void make(struct item *it, unsigned seed)
{
	for (int i = 0; i < 12; i++) {
		seed = seed * 747796405u + 2891336453u;
		it[i].id = (unsigned short)i;
		it[i].flags = (unsigned char)(seed >> 28);
		it[i].key = (int)(seed >> 24) % 7 - 3;
		it[i].weight = (long long)(int)seed * (i + 1);
	}
}

__attribute__((export_name("weight_sum"))) long long weight_sum(unsigned seed)
{
	struct item it[12];
	long long s = 0;

	make(it, seed);
	for (int i = 0; i < 12; i++)
		s += it[i].flags & 1 ? it[i].weight : -it[i].weight;
	return s;
}
