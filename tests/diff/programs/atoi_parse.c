/* Parsing integers out of string literals: signs, bases (0x, 0b, 0),
 * overflow saturation, sum of all numbers in a text.
// ARGS: parse_nth i32:0
// ARGS: parse_nth i32:1
// ARGS: parse_nth i32:2
// ARGS: parse_nth i32:3
// ARGS: parse_nth i32:4
// ARGS: parse_nth i32:5
// ARGS: parse_nth i32:6
// ARGS: parse_nth i32:7
// ARGS: sum_text i32:0
*/
#include "diff.h"

static const char *const inputs[8] = {
	"0", "-42", "+17abc", "0x7fffFFFF", "0b101101", "0755", "99999999999999999999", "  -0x80000000",
};

static i64 parse(const char *s)
{
	int neg = 0;
	u32 base = 10;
	u64 v = 0;

	while (*s == ' ')
		s++;
	if (*s == '-' || *s == '+')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] | 32) == 'x') { base = 16; s += 2; }
	else if (s[0] == '0' && s[1] == 'b') { base = 2; s += 2; }
	else if (s[0] == '0' && s[1]) { base = 8; s++; }
	for (;; s++) {
		u32 d;
		char c = *s;
		if (c >= '0' && c <= '9') d = (u32)(c - '0');
		else if ((c | 32) >= 'a' && (c | 32) <= 'f') d = (u32)((c | 32) - 'a' + 10);
		else break;
		if (d >= base)
			break;
		if (v > (0x7fffffffffffffffull - d) / base) {
			v = 0x7fffffffffffffffull; /* saturate */
			break;
		}
		v = v * base + d;
	}
	return neg ? -(i64)v : (i64)v;
}

EXPORT("parse_nth") i64 parse_nth(u32 i) { return parse(inputs[i & 7]); }

static const char text[] = "3 apples, 12 pears and -7 plums cost 1999 cents (x2)";

EXPORT("sum_text")
i64 sum_text(int unused)
{
	i64 sum = 0;
	const char *p = text;

	while (*p) {
		if ((*p >= '0' && *p <= '9') || (*p == '-' && p[1] >= '0' && p[1] <= '9')) {
			const char *q = p + 1;
			sum += parse(p);
			while (*q >= '0' && *q <= '9')
				q++;
			p = q;
		} else {
			p++;
		}
	}
	return sum;
}
