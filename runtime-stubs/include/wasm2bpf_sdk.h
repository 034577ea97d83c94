/*
 * wasm2bpf_sdk.h — what a C module compiled to wasm32 for wasm2bpf uses.
 *
 *     clang-19 --target=wasm32 -O2 -nostdlib -matomics \
 *         -I runtime-stubs/include -Wl,--no-entry -o filter.wasm filter.c
 *     wasm2bpf filter.wasm -o filter.bpf.o
 *
 * docs/sdk.md documents every macro and import with an example.
 *
 * How the metadata travels: W2B_PROGRAM/W2B_SECTION, W2B_MAP and
 * W2B_CONFIG write records into Wasm custom sections through file-scope
 * assembly ("wasm2bpf.entries": export name and program section;
 * "wasm2bpf.maps" and "wasm2bpf.config": the name and the linear-memory
 * address of the definition, a relocation wasm-ld resolves). clang-19 has no attribute that makes a
 * custom section from C data; its assembler does. A map definition is an
 * ordinary constant in linear memory (struct w2b_map_def), so its address
 * is the handle the code passes to the map helpers and the compiler reads
 * its sizes from the data segment. docs/abi.md has the record layouts.
 *
 * The header needs no libc: it uses only the compiler's own types.
 */
#ifndef WASM2BPF_SDK_H
#define WASM2BPF_SDK_H

typedef __UINT8_TYPE__ w2b_u8;
typedef __UINT16_TYPE__ w2b_u16;
typedef __UINT32_TYPE__ w2b_u32;
typedef __UINT64_TYPE__ w2b_u64;
typedef __INT32_TYPE__ w2b_s32;
typedef __INT64_TYPE__ w2b_s64;

#define W2B_STR_(x) #x
#define W2B_STR(x) W2B_STR_(x)

/* --- layout ------------------------------------------------------------ */

/* The end of the static data and the stack (wasm-ld's __heap_base): what
 * the module's static layout uses of its memory, which wasm2bpf names in
 * its footprint warning as the --memory-size that keeps it (the instance
 * memory is the declared size). Link with a small stack
 * (-Wl,-z,stack-size=8192) to keep the memory at one page per CPU.
 * Recorded because clang's automatic wasm-opt strips the name section the
 * compiler would otherwise read it from. */
__asm__(".section .custom_section.wasm2bpf.layout,\"\",@\n"
	".int32 __heap_base\n");

/* --- entries ---------------------------------------------------------- */

/* An exported function, under the name wasm2bpf's --entry uses. */
#define W2B_EXPORT(name) __attribute__((export_name(name)))

/* Record that export `fn` is a program in libbpf section `sec` ("xdp",
 * "tc", "tcx/ingress", "socket", "cgroup_skb/ingress", "syscall", ...):
 * wasm2bpf then needs no --entry for it. At file scope. */
#define W2B_SECTION(fn, sec)                                                   \
	__asm__(".section .custom_section.wasm2bpf.entries,\"\",@\n"           \
		".asciz \"" #fn "\"\n"                                          \
		".asciz \"" sec "\"\n")

/* A packet entry: `int fn(w2b_u8 *pkt, w2b_u32 len)`, exported as "fn".
 * Reads and writes through pkt go to the packet itself. */
#define W2B_PACKET_ENTRY(fn) W2B_EXPORT(#fn) int fn(w2b_u8 *pkt, w2b_u32 len)

/* A packet program in section `sec`, e.g. W2B_PROGRAM("tc", auth) { ... } */
#define W2B_PROGRAM(sec, fn) W2B_SECTION(fn, sec); W2B_PACKET_ENTRY(fn)

/* Verdicts (linux/bpf.h, linux/pkt_cls.h). A socket filter returns the
 * number of bytes to keep: 0 drops, W2B_SOCKET_KEEP_ALL keeps all. */
enum { XDP_ABORTED = 0, XDP_DROP = 1, XDP_PASS = 2, XDP_TX = 3, XDP_REDIRECT = 4 };
enum { TC_ACT_OK = 0, TC_ACT_SHOT = 2 };
enum { CGROUP_SKB_DROP = 0, CGROUP_SKB_ALLOW = 1 };
#define W2B_SOCKET_KEEP_ALL 0x7fffffff

/* --- maps --------------------------------------------------------------- */

/* Map types and flags, with linux/bpf.h's names and values. */
enum {
	BPF_MAP_TYPE_HASH = 1,
	BPF_MAP_TYPE_ARRAY = 2,
	BPF_MAP_TYPE_PROG_ARRAY = 3,
	BPF_MAP_TYPE_PERF_EVENT_ARRAY = 4,
	BPF_MAP_TYPE_PERCPU_HASH = 5,
	BPF_MAP_TYPE_PERCPU_ARRAY = 6,
	BPF_MAP_TYPE_STACK_TRACE = 7,
	BPF_MAP_TYPE_LRU_HASH = 9,
	BPF_MAP_TYPE_LRU_PERCPU_HASH = 10,
	BPF_MAP_TYPE_LPM_TRIE = 11,
	BPF_MAP_TYPE_DEVMAP = 14,
	BPF_MAP_TYPE_CPUMAP = 16,
	BPF_MAP_TYPE_XSKMAP = 17,
	BPF_MAP_TYPE_DEVMAP_HASH = 25,
	BPF_MAP_TYPE_RINGBUF = 27,
};
enum { BPF_ANY = 0, BPF_NOEXIST = 1, BPF_EXIST = 2 };	/* map_update_elem */
#define BPF_F_NO_PREALLOC 1u
enum { LIBBPF_PIN_NONE = 0, LIBBPF_PIN_BY_NAME = 1 };

/* A map's definition, in linear memory; its address is the map's handle.
 * The layout is ABI (docs/abi.md): six little-endian u32. */
struct w2b_map_def {
	w2b_u32 type, key_size, value_size, max_entries, map_flags, pinning;
};

/* The general form: W2B_MAP_DEF(name, type, key bytes, value bytes, max
 * entries, map flags, pinning). The map is `name` in the object (.maps),
 * in bpftool, and pinned at /sys/fs/bpf/name with LIBBPF_PIN_BY_NAME. */
#define W2B_MAP_DEF(name, type, ksize, vsize, max, flags, pin)                  \
	__asm__(".section .custom_section.wasm2bpf.maps,\"\",@\n"              \
		".asciz \"" #name "\"\n"                                        \
		".int32 " #name "\n");                                          \
	__attribute__((used)) const struct w2b_map_def name = {                 \
		(type), (ksize), (vsize), (max), (flags), (pin)                 \
	}

/* The key's and value's C types, for the object's BTF (bpftool and
 * skeletons show a struct value by field): two unused pointers of those
 * types, which a module built with -g describes in its DWARF and the
 * compiler finds by name (NAME__w2b_key, NAME__w2b_value). */
#define W2B_MAP_TYPES_(name, key_t, value_t)                                   \
	__attribute__((used)) static key_t *const name##__w2b_key = 0;         \
	__attribute__((used)) static value_t *const name##__w2b_value = 0

/* W2B_MAP(counts, BPF_MAP_TYPE_HASH, w2b_u32, struct stats, 1024); */
#define W2B_MAP(name, type, key_t, value_t, max)                                \
	W2B_MAP_TYPES_(name, key_t, value_t);                                  \
	W2B_MAP_DEF(name, type, sizeof(key_t), sizeof(value_t), max,           \
		    (type) == BPF_MAP_TYPE_LPM_TRIE ? BPF_F_NO_PREALLOC : 0u,  \
		    LIBBPF_PIN_NONE)
/* The same, pinned by name (shared with userspace and other programs). */
#define W2B_MAP_PINNED(name, type, key_t, value_t, max)                         \
	W2B_MAP_TYPES_(name, key_t, value_t);                                  \
	W2B_MAP_DEF(name, type, sizeof(key_t), sizeof(value_t), max,           \
		    (type) == BPF_MAP_TYPE_LPM_TRIE ? BPF_F_NO_PREALLOC : 0u,  \
		    LIBBPF_PIN_BY_NAME)
/* A ring buffer of `bytes` (a power of two, a multiple of the page size). */
#define W2B_RINGBUF(name, bytes)                                               \
	W2B_MAP_DEF(name, BPF_MAP_TYPE_RINGBUF, 0, 0, bytes, 0u, LIBBPF_PIN_NONE)
/* The same, whose records are `event_t`s: with -g, the object's BTF has
 * the variable w2b_event__NAME of that type, so that a generic consumer
 * can decode the records (docs/abi.md, Ring buffer events). */
#define W2B_RINGBUF_OF(name, bytes, event_t)                                   \
	__attribute__((used)) static event_t *const name##__w2b_value = 0;     \
	W2B_RINGBUF(name, bytes)
/* Maps user space fills with file descriptors or indexes (the program
 * only names them): bpf_redirect_map's targets — interfaces by ifindex
 * (devmap, devmap_hash), CPUs (cpumap: the value is the queue size),
 * AF_XDP sockets (xskmap) — `max` entries each; a perf buffer per CPU
 * for bpf_perf_event_output (libbpf sizes it to the CPUs); and stacks
 * for bpf_get_stackid, `depth` return addresses each. */
#define W2B_DEVMAP(name, max) W2B_MAP_DEF(name, BPF_MAP_TYPE_DEVMAP, 4, 4, max, 0u, LIBBPF_PIN_NONE)
#define W2B_DEVMAP_HASH(name, max)                                             \
	W2B_MAP_DEF(name, BPF_MAP_TYPE_DEVMAP_HASH, 4, 4, max, 0u, LIBBPF_PIN_NONE)
#define W2B_CPUMAP(name, max) W2B_MAP_DEF(name, BPF_MAP_TYPE_CPUMAP, 4, 4, max, 0u, LIBBPF_PIN_NONE)
#define W2B_XSKMAP(name, max) W2B_MAP_DEF(name, BPF_MAP_TYPE_XSKMAP, 4, 4, max, 0u, LIBBPF_PIN_NONE)
#define W2B_PERF_EVENT_ARRAY(name)                                             \
	W2B_MAP_DEF(name, BPF_MAP_TYPE_PERF_EVENT_ARRAY, 4, 4, 0, 0u, LIBBPF_PIN_NONE)
#define W2B_STACK_TRACE(name, depth, max)                                      \
	W2B_MAP_DEF(name, BPF_MAP_TYPE_STACK_TRACE, 4, 8 * (depth), max, 0u, LIBBPF_PIN_NONE)

/* The key of an LPM trie: prefix length in bits, then the address bytes in
 * network order (struct bpf_lpm_trie_key_u8's layout). */
struct w2b_lpm_v4_key {
	w2b_u32 prefixlen;
	w2b_u8 addr[4];
};

/* --- load-time settings ------------------------------------------------ */

/* A setting a loader may change before load, read as a plain variable:
 *
 *     W2B_CONFIG(w2b_u32, threshold, 10);
 *     ... if (n > threshold) ...
 *
 * In the object it is `threshold` in .rodata (a libbpf skeleton's
 * skel->rodata->threshold; set it between open and load). The type is a
 * 32- or 64-bit integer. Reads of the variable itself are the loader's
 * value; through a pointer to it, the compiled-in one. */
#define W2B_CONFIG(type, name, value)                                          \
	__asm__(".section .custom_section.wasm2bpf.config,\"\",@\n"          \
		".asciz \"" #name "\"\n"                                       \
		".int32 " #name "\n");                                         \
	__attribute__((used)) const volatile type name = (value)

/* --- helpers -------------------------------------------------------------- */

/* Kernel helpers: imports from module "bpf" under libbpf's names without
 * "bpf_" (common/helpers.def lists them with the program types that may
 * call each). Pointers are into the module's memory; a map is the address
 * of its W2B_MAP definition; sizes must be compile-time constants. */
#define W2B_HELPER(name) __attribute__((import_module("bpf"), import_name(#name)))

W2B_HELPER(ktime_get_ns) w2b_u64 bpf_ktime_get_ns(void);
W2B_HELPER(ktime_get_boot_ns) w2b_u64 bpf_ktime_get_boot_ns(void);
W2B_HELPER(ktime_get_coarse_ns) w2b_u64 bpf_ktime_get_coarse_ns(void);
W2B_HELPER(ktime_get_tai_ns) w2b_u64 bpf_ktime_get_tai_ns(void);
W2B_HELPER(jiffies64) w2b_u64 bpf_jiffies64(void);
W2B_HELPER(get_prandom_u32) w2b_u32 bpf_get_prandom_u32(void);
W2B_HELPER(get_smp_processor_id) w2b_u32 bpf_get_smp_processor_id(void);
W2B_HELPER(get_numa_node_id) w2b_u32 bpf_get_numa_node_id(void);

/* --- tracing ------------------------------------------------------------------ */

/* A kernel pointer: a number in the module (it never points into linear
 * memory), read through bpf_probe_read_kernel (docs/abi.md, Tracing). */
typedef w2b_u64 w2b_kptr;

/* A tracing program in section `sec` ("tp_btf/sched_process_exec",
 * "raw_tp/sys_enter", "fentry/do_unlinkat", "kprobe/do_nanosleep", ...):
 * its parameters are the traced function's or tracepoint's arguments in
 * order, each a w2b_u64 or w2b_kptr (an int argument: w2b_u32, its low
 * half), at most 12 (kprobes: 5).
 *     W2B_TRACING("tp_btf/sched_process_exec", on_exec,
 *                 w2b_kptr task, w2b_u32 old_pid, w2b_kptr bprm) { ... } */
#define W2B_TRACING(sec, fn, ...) W2B_SECTION(fn, sec); W2B_EXPORT(#fn) void fn(__VA_ARGS__)

/* Kernel fields by name, through CO-RE: the compiler finds TYPE and PATH
 * in the kernel's BTF (wasm2bpf --btf, default the running kernel's) and
 * emits relocations libbpf patches for the kernel that loads the object,
 * so a program reads the right offsets on any kernel version.
 *     w2b_u32 ppid = w2b_core_u32(task, task_struct, real_parent->tgid);
 *     w2b_kptr name = w2b_core_kptr(file, file, f_path.dentry->d_name.name);
 * PATH joins member names with '.' (inside the struct) and '->' (through
 * a pointer); ptr is a w2b_kptr to a struct TYPE. A read of a NULL or bad
 * pointer gives 0. w2b_core_exists / w2b_core_size ask the loading kernel
 * whether it has the field and how big it is (1 / bytes, 0 if it has
 * none); w2b_core_enum(TYPE, NAME) the value of an enumerator there. Reads
 * use bpf_probe_read_kernel: GPL-only, kernel 5.5. */
#define W2B_CORE_CALL_(n, ret, spec, params, ...)                              \
	({                                                                     \
		extern ret w2b_core_##n params                                 \
			__attribute__((import_module("core"), import_name(spec))); \
		w2b_core_##n(__VA_ARGS__);                                     \
	})
#define W2B_CORE_CALL2_(n, ...) W2B_CORE_CALL_(n, __VA_ARGS__)
#define W2B_CORE_CALL(...) W2B_CORE_CALL2_(__COUNTER__, __VA_ARGS__)
#define w2b_core_u32(ptr, type, path) \
	W2B_CORE_CALL(w2b_u32, "read " #type " " #path, (w2b_kptr), (ptr))
#define w2b_core_u64(ptr, type, path) \
	W2B_CORE_CALL(w2b_u64, "read " #type " " #path, (w2b_kptr), (ptr))
#define w2b_core_kptr(ptr, type, path) w2b_core_u64(ptr, type, path)
#define w2b_core_exists(type, path) W2B_CORE_CALL(w2b_u32, "exists " #type " " #path, (void))
#define w2b_core_size(type, path) W2B_CORE_CALL(w2b_u32, "size " #type " " #path, (void))
/* The value of enumerator NAME of enum TYPE in the loading kernel. */
#define w2b_core_enum(type, name) W2B_CORE_CALL(w2b_u64, "enum " #type " " #name, (void))

/* The current task's tgid << 32 | pid, and gid << 32 | uid (tracing
 * programs and syscall; on 6.10+ any). */
W2B_HELPER(get_current_pid_tgid) w2b_u64 bpf_get_current_pid_tgid(void);
W2B_HELPER(get_current_uid_gid) w2b_u64 bpf_get_current_uid_gid(void);
/* Its comm (the executable's name, NUL-padded) into buf: size 16. */
W2B_HELPER(get_current_comm) long bpf_get_current_comm(void *buf, w2b_u32 size);
/* Its task_struct (GPL-only). */
W2B_HELPER(get_current_task) w2b_kptr bpf_get_current_task(void);
/* size bytes at a kernel or user address into dst; 0 or a negative errno
 * (dst zeroed). The _str forms stop after a NUL and return the length
 * with it. All GPL-only. */
W2B_HELPER(probe_read_kernel) long bpf_probe_read_kernel(void *dst, w2b_u32 size, w2b_kptr src);
W2B_HELPER(probe_read_kernel_str) long bpf_probe_read_kernel_str(void *dst, w2b_u32 size,
								 w2b_kptr src);
W2B_HELPER(probe_read_user) long bpf_probe_read_user(void *dst, w2b_u32 size, w2b_u64 src);
W2B_HELPER(probe_read_user_str) long bpf_probe_read_user_str(void *dst, w2b_u32 size, w2b_u64 src);

/* Send the packet out of (or, flags BPF_F_INGRESS, into) interface
 * ifindex: returns XDP_REDIRECT / TC_ACT_REDIRECT, which the program
 * returns as its verdict (xdp, tc, tcx). */
W2B_HELPER(redirect) long bpf_redirect(w2b_u32 ifindex, w2b_u64 flags);

/* --- packet helpers ---------------------------------------------------------
 *
 * These act on the program's own packet: the compiler passes the context
 * (the Wasm call has no argument for it). Offsets are from the packet's
 * first byte (`pkt`). Those that may move or resize the packet
 * (skb_store_bytes, the csum_replace pair, skb_change_*, skb_vlan_*,
 * skb_adjust_room, xdp_adjust_*) keep `pkt` pointing at the packet's
 * first byte as it is after the call, but the length the entry was
 * given is the old one: recompute it from what the call did. */

/* Send the packet via entry `key` of a devmap, cpumap or xskmap (xdp);
 * the low bits of flags are the action if the entry is missing
 * (XDP_PASS, XDP_DROP...). Returns XDP_REDIRECT or that action. */
W2B_HELPER(redirect_map) long bpf_redirect_map(const void *map, w2b_u64 key, w2b_u64 flags);
/* Move the packet's start by delta bytes (negative: grow at the front),
 * or its end (xdp_adjust_tail); 0 or a negative errno. */
W2B_HELPER(xdp_adjust_head) long bpf_xdp_adjust_head(int delta);
W2B_HELPER(xdp_adjust_tail) long bpf_xdp_adjust_tail(int delta);
/* len bytes from the module's memory into the packet at offset (tc);
 * flags BPF_F_RECOMPUTE_CSUM, BPF_F_INVALIDATE_HASH. */
W2B_HELPER(skb_store_bytes) long bpf_skb_store_bytes(w2b_u32 offset, const void *from,
						     w2b_u32 len, w2b_u64 flags);
/* len bytes of the packet at offset into the module's memory (tc,
 * cgroup_skb, socket): reads past the linear part too. */
W2B_HELPER(skb_load_bytes) long bpf_skb_load_bytes(w2b_u32 offset, void *to, w2b_u32 len);
/* Fix the checksum at offset after a field changed from `from` to `to`
 * (tc): flags' low 4 bits the field's size (2 or 4; 0 with from = 0 and
 * `to` a csum_diff result), BPF_F_PSEUDO_HDR for a field the L4
 * pseudo-header covers (addresses), BPF_F_MARK_MANGLED_0 for UDP. */
W2B_HELPER(l3_csum_replace) long bpf_l3_csum_replace(w2b_u32 offset, w2b_u64 from, w2b_u64 to,
						     w2b_u64 flags);
W2B_HELPER(l4_csum_replace) long bpf_l4_csum_replace(w2b_u32 offset, w2b_u64 from, w2b_u64 to,
						     w2b_u64 flags);
/* The ones' complement sum of `to` minus that of `from` (sizes multiples
 * of 4), plus seed: for l3/l4_csum_replace (xdp, tc). */
W2B_HELPER(csum_diff) w2b_u64 bpf_csum_diff(const void *from, w2b_u32 from_size, const void *to,
					    w2b_u32 to_size, w2b_u32 seed);
/* Push or pop an 802.1Q tag (tc): proto in network order (0x0081 for
 * 802.1Q on a little-endian host's htons), tci the VLAN id and priority. */
W2B_HELPER(skb_vlan_push) long bpf_skb_vlan_push(w2b_u32 proto, w2b_u32 tci);
W2B_HELPER(skb_vlan_pop) long bpf_skb_vlan_pop(void);
/* Change the skb's protocol (IPv4 <-> IPv6, proto in network order), its
 * pkt_type, its length (tail) or headroom (head), or grow/shrink the room
 * between headers (tc). */
W2B_HELPER(skb_change_proto) long bpf_skb_change_proto(w2b_u32 proto, w2b_u64 flags);
W2B_HELPER(skb_change_type) long bpf_skb_change_type(w2b_u32 type);
W2B_HELPER(skb_change_tail) long bpf_skb_change_tail(w2b_u32 len, w2b_u64 flags);
W2B_HELPER(skb_change_head) long bpf_skb_change_head(w2b_u32 len, w2b_u64 flags);
W2B_HELPER(skb_adjust_room) long bpf_skb_adjust_room(int len_diff, w2b_u32 mode, w2b_u64 flags);
/* The skb's flow hash, recomputed (tc). */
W2B_HELPER(get_hash_recalc) w2b_u32 bpf_get_hash_recalc(void);
/* The cookie and owner uid of the packet's socket (tc, cgroup_skb,
 * socket; 0 / the overflow uid without one). */
W2B_HELPER(get_socket_cookie) w2b_u64 bpf_get_socket_cookie(void);
W2B_HELPER(get_socket_uid) w2b_u32 bpf_get_socket_uid(void);
/* A route lookup in the kernel's FIB (xdp, tc): params is a struct
 * w2b_fib_lookup in the module's memory, filled in; plen its size (64).
 * Returns BPF_FIB_LKUP_RET_SUCCESS (0) with the next hop's MACs and
 * ifindex written back, or why not. */
W2B_HELPER(fib_lookup) long bpf_fib_lookup(void *params, int plen, w2b_u32 flags);

/* uapi linux/bpf.h's struct bpf_fib_lookup, IPv4 form (64 bytes). */
struct w2b_fib_lookup {
	w2b_u8 family;		/* AF_INET 2 */
	w2b_u8 l4_protocol;
	w2b_u16 sport, dport;	/* network order */
	w2b_u16 tot_len;	/* in: total length; out: the MTU */
	w2b_u32 ifindex;	/* in: the input interface; out: the output */
	w2b_u32 tos;		/* tos (IPv4) */
	w2b_u32 ipv4_src;	/* in the first of four words */
	w2b_u32 ipv4_src_pad[3];
	w2b_u32 ipv4_dst;
	w2b_u32 ipv4_dst_pad[3];
	w2b_u16 h_vlan_proto, h_vlan_TCI;
	w2b_u8 smac[6], dmac[6];
};
enum { BPF_F_RECOMPUTE_CSUM = 1, BPF_F_INVALIDATE_HASH = 2 };
enum { BPF_F_PSEUDO_HDR = 0x10, BPF_F_MARK_MANGLED_0 = 0x20, BPF_F_MARK_ENFORCE = 0x40 };
enum { BPF_F_INGRESS = 1 };
enum { BPF_FIB_LOOKUP_DIRECT = 1, BPF_FIB_LOOKUP_OUTPUT = 2 };
enum { BPF_FIB_LKUP_RET_SUCCESS = 0, BPF_FIB_LKUP_RET_NOT_FWDED = 4,
       BPF_FIB_LKUP_RET_NO_NEIGH = 7 };

/* Programs by index for bpf_tail_call, filled by user space with program
 * file descriptors (of the same program type). */
#define W2B_PROG_ARRAY(name, max) W2B_MAP_DEF(name, BPF_MAP_TYPE_PROG_ARRAY, 4, 4, max, 0u, LIBBPF_PIN_NONE)
/* Go on in program `index` of a W2B_PROG_ARRAY, with this program's
 * context: when there is one the run ends there (the shadow stack is put
 * back as the run found it, as if every function had returned) and this
 * call never returns; when there is none it returns (the result means
 * nothing) and the code goes on. At most 33 in a row (the kernel's
 * limit). */
W2B_HELPER(tail_call) long bpf_tail_call(const void *prog_array, w2b_u32 index);

/* --- events and stacks ------------------------------------------------------- */

/* size bytes at data as one event on this CPU's perf buffer of a
 * W2B_PERF_EVENT_ARRAY (flags BPF_F_CURRENT_CPU); any program type. */
W2B_HELPER(perf_event_output) long bpf_perf_event_output(const void *map, w2b_u64 flags,
							 const void *data, w2b_u64 size);
#define BPF_F_CURRENT_CPU 0xffffffffull
/* The current stack's id in a W2B_STACK_TRACE map (flags
 * BPF_F_USER_STACK for the user-space one), or a negative errno; or the
 * stack itself into buf (size bytes, a multiple of 8): bytes written
 * (tracing programs). */
W2B_HELPER(get_stackid) long bpf_get_stackid(const void *map, w2b_u64 flags);
W2B_HELPER(get_stack) long bpf_get_stack(void *buf, w2b_u32 size, w2b_u64 flags);
enum { BPF_F_USER_STACK = 0x100 };
/* A signal to the current process (or thread) (tracing programs). */
W2B_HELPER(send_signal) long bpf_send_signal(w2b_u32 sig);
W2B_HELPER(send_signal_thread) long bpf_send_signal_thread(w2b_u32 sig);
/* Make the probed function return rc without running (kprobe on a
 * function ALLOW_ERROR_INJECTION marks; kernels built with
 * CONFIG_BPF_KPROBE_OVERRIDE; GPL-only). */
W2B_HELPER(override_return) long bpf_override_return(w2b_u64 rc);

/* The value stored under *key, read and written in place, or 0. */
W2B_HELPER(map_lookup_elem) void *bpf_map_lookup_elem(const void *map, const void *key);
/* 0, or a negative errno; flags BPF_ANY, BPF_NOEXIST, BPF_EXIST. */
W2B_HELPER(map_update_elem) long bpf_map_update_elem(const void *map, const void *key,
						     const void *value, w2b_u64 flags);
W2B_HELPER(map_delete_elem) long bpf_map_delete_elem(const void *map, const void *key);
/* Copy size bytes at data into the ring buffer map as one record. */
W2B_HELPER(ringbuf_output) long bpf_ringbuf_output(const void *map, const void *data,
						   w2b_u64 size, w2b_u64 flags);
/* printf-style line to the kernel's trace pipe (GPL-only): at most three
 * numeric conversions (%d %u %x %ld %lu %llu %lld %llx ...). */
W2B_HELPER(trace_printk) long bpf_trace_printk(const char *fmt, w2b_u32 fmt_size,
					       w2b_u64 a, w2b_u64 b, w2b_u64 c);

/* w2b_printk("verdict %d for %x", v, addr): one line in
 * /sys/kernel/tracing/trace_pipe (or `bpftool prog tracelog`). */
#define w2b_printk(fmt, ...) W2B_PRINTK_(fmt, ##__VA_ARGS__, 0, 0, 0, 0)
#define W2B_PRINTK_(fmt, a, b, c, ...)                                         \
	bpf_trace_printk(fmt, sizeof(fmt), (w2b_u64)(a), (w2b_u64)(b), (w2b_u64)(c))

/* --- context fields --------------------------------------------------------- */

/* The program's context (struct __sk_buff for tc, tcx, cgroup_skb and
 * socket; struct xdp_md for xdp), field by field, read and written in
 * place: imports from module "ctx" (common/ctx_fields.def, which also says
 * who may write what). ingress_ifindex exists for both; rx_queue_index is
 * XDP's, the others the skb's. */
#define W2B_CTX(name) __attribute__((import_module("ctx"), import_name(#name)))
W2B_CTX(len) w2b_u32 w2b_ctx_len(void);
W2B_CTX(pkt_type) w2b_u32 w2b_ctx_pkt_type(void);
W2B_CTX(mark) w2b_u32 w2b_ctx_mark(void);
W2B_CTX(queue_mapping) w2b_u32 w2b_ctx_queue_mapping(void);
W2B_CTX(protocol) w2b_u32 w2b_ctx_protocol(void);
W2B_CTX(vlan_present) w2b_u32 w2b_ctx_vlan_present(void);
W2B_CTX(vlan_tci) w2b_u32 w2b_ctx_vlan_tci(void);
W2B_CTX(vlan_proto) w2b_u32 w2b_ctx_vlan_proto(void);
W2B_CTX(priority) w2b_u32 w2b_ctx_priority(void);
W2B_CTX(ingress_ifindex) w2b_u32 w2b_ctx_ingress_ifindex(void);
W2B_CTX(ifindex) w2b_u32 w2b_ctx_ifindex(void);
W2B_CTX(tc_index) w2b_u32 w2b_ctx_tc_index(void);
W2B_CTX(hash) w2b_u32 w2b_ctx_hash(void);
W2B_CTX(tc_classid) w2b_u32 w2b_ctx_tc_classid(void);
W2B_CTX(rx_queue_index) w2b_u32 w2b_ctx_rx_queue_index(void);
W2B_CTX(set_mark) void w2b_ctx_set_mark(w2b_u32 value);
W2B_CTX(set_queue_mapping) void w2b_ctx_set_queue_mapping(w2b_u32 value);
W2B_CTX(set_priority) void w2b_ctx_set_priority(w2b_u32 value);
W2B_CTX(set_tc_index) void w2b_ctx_set_tc_index(w2b_u32 value);
W2B_CTX(set_tc_classid) void w2b_ctx_set_tc_classid(w2b_u32 value);

/* --- atomics ----------------------------------------------------------------- */

/* Atomic read-modify-write of a 4- or 8-byte field of a map value (hash and
 * array values are shared by all CPUs). Needs clang's -matomics; returns
 * the old value. */
#ifdef __wasm_atomics__
#define w2b_atomic_add(p, v) __atomic_fetch_add((p), (v), __ATOMIC_RELAXED)
#define w2b_atomic_or(p, v) __atomic_fetch_or((p), (v), __ATOMIC_RELAXED)
#define w2b_atomic_and(p, v) __atomic_fetch_and((p), (v), __ATOMIC_RELAXED)
#define w2b_atomic_xchg(p, v) __atomic_exchange_n((p), (v), __ATOMIC_RELAXED)
#else
#define w2b_atomic_add(p, v) w2b_needs_matomics()
#define w2b_atomic_or(p, v) w2b_needs_matomics()
#define w2b_atomic_and(p, v) w2b_needs_matomics()
#define w2b_atomic_xchg(p, v) w2b_needs_matomics()
__attribute__((error("w2b_atomic_* needs clang -matomics"))) int w2b_needs_matomics(void);
#endif

/* --- byte order --------------------------------------------------------------- */

/* Network byte order (Wasm is little endian). */
static inline w2b_u16 w2b_ntohs(w2b_u16 x) { return __builtin_bswap16(x); }
static inline w2b_u32 w2b_ntohl(w2b_u32 x) { return __builtin_bswap32(x); }
#define w2b_htons w2b_ntohs
#define w2b_htonl w2b_ntohl

/* Unaligned loads from a packet (headers are not aligned in general). */
static inline w2b_u16 w2b_load_be16(const w2b_u8 *p) { return (w2b_u16)(p[0] << 8 | p[1]); }
static inline w2b_u32 w2b_load_be32(const w2b_u8 *p)
{
	return (w2b_u32)p[0] << 24 | (w2b_u32)p[1] << 16 | (w2b_u32)p[2] << 8 | p[3];
}

#endif
