/*
 * footprint.c — what an object's instance state costs the kernel.
 *
 * Every byte of a module's instance state is kernel memory on every CPU
 * (design.md: one instance per CPU): the env value (PREFIX_env, a per-CPU
 * array, which the kernel allocates once per possible CPU) and, when the
 * linear memory is too big to sit in it, the memory map (PREFIX_mem, a
 * per-CPU array of the memory's 16 KiB blocks but the hot one, which is in
 * the env value; allocated the same way).
 * Read from the object as libbpf will create the maps, so the numbers are
 * the ones a plain `bpftool prog load` pays.
 */
#include "verifier-check/vcheck.h"

#include <errno.h>
#include <string.h>

#include <bpf/libbpf.h>

#include "common/abi.h"

int vc_footprint(const void *obj, size_t size, const char *map_prefix, struct vc_footprint *fp)
{
	struct bpf_object *o = bpf_object__open_mem(obj, size, NULL);
	struct bpf_map *m;
	struct w2b_map_names names;
	long err = libbpf_get_error(o);

	memset(fp, 0, sizeof(*fp));
	w2b_map_names(&names, map_prefix);
	if (err)
		return (int)err;
	bpf_object__for_each_map(m, o) {
		const char *name = bpf_map__name(m);

		if (!strcmp(name, names.env)) {
			fp->env_value = bpf_map__value_size(m);
		} else if (!strcmp(name, names.memory)) {
			fp->memory_value = bpf_map__value_size(m);
			fp->memory_entries = bpf_map__max_entries(m);
		}
	}
	bpf_object__close(o);
	return 0;
}
