/* Nested loops with break, continue and goto out of two levels; loops
 * whose bounds depend on outer indices; a do-while with a complex exit.
// ARGS: triangles i32:20
// ARGS: triangles i32:1
// ARGS: find_pair i32:100
// ARGS: find_pair i32:7
// ARGS: find_pair i32:1
// ARGS: skip_sum i32:50
// ARGS: digits_loop i32:1234567
// ARGS: digits_loop i32:0
*/
#include "diff.h"

/* integer right triangles with hypotenuse <= n */
EXPORT("triangles")
u32 triangles(u32 n)
{
	u32 c = 0;
	for (u32 a = 1; a <= n; a++)
		for (u32 b = a; b <= n; b++)
			for (u32 h = b; h <= n; h++) {
				if (a * a + b * b < h * h)
					break;
				if (a * a + b * b == h * h)
					c++;
			}
	return c;
}

/* first (i, j) with i*j == n + i + j, by goto out of both loops */
EXPORT("find_pair")
int find_pair(int n)
{
	int i, j;
	for (i = 1; i < 200; i++)
		for (j = i; j < 200; j++)
			if (i * j == n + i + j)
				goto found;
	return -1;
found:
	return i * 1000 + j;
}

EXPORT("skip_sum")
int skip_sum(int n)
{
	int s = 0;
	for (int i = 0; i < n; i++) {
		if (i % 3 == 0)
			continue;
		for (int j = 0; j < i; j++) {
			if ((i + j) % 5 == 0)
				continue;
			if (j > 10)
				break;
			s += i ^ j;
		}
	}
	return s;
}

EXPORT("digits_loop")
u32 digits_loop(u32 x)
{
	u32 rev = 0, n = 0;
	do {
		rev = rev * 10 + x % 10;
		x /= 10;
		n++;
	} while (x != 0 && n < 20);
	return rev * 100 + n;
}
