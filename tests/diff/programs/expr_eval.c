/* An arithmetic expression evaluator without recursion: shunting-yard
 * with explicit operator and value stacks, over string literals; division
 * by zero in an expression traps.
// ARGS: eval i32:0
// ARGS: eval i32:1
// ARGS: eval i32:2
// ARGS: eval i32:3
// ARGS: eval i32:4
// ARGS: eval i32:5
*/
#include "diff.h"

static const char *const exprs[6] = {
	"1+2*3", "(1+2)*3", "100/(7-2)%6", "2*(3+(4-1)*2)-5*5", "((((9))))-10", "7/(3-3)",
};

static int prec(char op) { return op == '+' || op == '-' ? 1 : op == '(' ? 0 : 2; }

static void apply(i64 *vals, int *nv, char op)
{
	i64 b = vals[--*nv], a = vals[--*nv], r;
	switch (op) {
	case '+': r = a + b; break;
	case '-': r = a - b; break;
	case '*': r = a * b; break;
	case '/': r = a / b; break;
	default: r = a % b; break;
	}
	vals[(*nv)++] = r;
}

EXPORT("eval")
i64 eval(u32 which)
{
	i64 vals[32];
	char ops[32];
	int nv = 0, no = 0;

	for (const char *p = exprs[which % 6]; *p; p++) {
		char c = *p;
		if (c >= '0' && c <= '9') {
			i64 v = 0;
			while (*p >= '0' && *p <= '9')
				v = v * 10 + (*p++ - '0');
			p--;
			vals[nv++] = v;
		} else if (c == '(') {
			ops[no++] = c;
		} else if (c == ')') {
			while (ops[no - 1] != '(')
				apply(vals, &nv, ops[--no]);
			no--;
		} else {
			while (no > 0 && prec(ops[no - 1]) >= prec(c))
				apply(vals, &nv, ops[--no]);
			ops[no++] = c;
		}
	}
	while (no > 0)
		apply(vals, &nv, ops[--no]);
	return vals[0];
}
