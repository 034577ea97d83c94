/* Selection sort of structs by key (stable tie-break on id), struct
 * assignment, returning fields of the result.
// ARGS: order i32:1
// ARGS: order i32:77
// ARGS: best_id i32:1
// ARGS: best_id i32:2024
// ARGS: weight_sum i32:9
*/
#include "diff.h"

struct item {
	u16 id;
	u8 flags;
	int key;
	i64 weight;
};

#define N 12

static void make(struct item *it, u32 seed)
{
	for (int i = 0; i < N; i++) {
		seed = seed * 747796405u + 2891336453u;
		it[i].id = (u16)i;
		it[i].flags = (u8)(seed >> 28);
		it[i].key = (int)(seed >> 24) % 7 - 3;
		it[i].weight = (i64)(int)seed * (i + 1);
	}
}

static void ssort(struct item *it)
{
	for (int i = 0; i < N; i++) {
		int m = i;
		for (int j = i + 1; j < N; j++)
			if (it[j].key < it[m].key || (it[j].key == it[m].key && it[j].id < it[m].id))
				m = j;
		struct item t = it[i];
		it[i] = it[m];
		it[m] = t;
	}
}

EXPORT("order")
u64 order(u32 seed)
{
	struct item it[N];
	u64 h = 0;

	make(it, seed);
	ssort(it);
	for (int i = 0; i < N; i++)
		h = h * 13 + it[i].id + ((u64)it[i].flags << 40);
	return h;
}

EXPORT("best_id")
u32 best_id(u32 seed)
{
	struct item it[N];

	make(it, seed);
	ssort(it);
	return it[N - 1].id | (u32)it[N - 1].key << 16;
}

EXPORT("weight_sum")
i64 weight_sum(u32 seed)
{
	struct item it[N];
	i64 s = 0;

	make(it, seed);
	for (int i = 0; i < N; i++)
		s += it[i].flags & 1 ? it[i].weight : -it[i].weight;
	return s;
}
