/* Signed division and remainder, 32 and 64 bit: C truncation semantics,
 * traps on a zero divisor and on INT_MIN / -1.
// ARGS: div32 i32:7 i32:2
// ARGS: div32 i32:-7 i32:2
// ARGS: div32 i32:7 i32:-2
// ARGS: div32 i32:-7 i32:-2
// ARGS: div32 i32:1 i32:0
// ARGS: div32 i32:-2147483648 i32:-1
// ARGS: rem32 i32:-7 i32:2
// ARGS: rem32 i32:7 i32:-3
// ARGS: rem32 i32:5 i32:0
// ARGS: rem32 i32:-2147483648 i32:-1
// ARGS: div64 i64:-9223372036854775807 i64:3
// ARGS: div64 i64:-9223372036854775808 i64:-1
// ARGS: div64 i64:10 i64:0
// ARGS: rem64 i64:-9223372036854775808 i64:-1
// ARGS: rem64 i64:-100 i64:7
// ARGS: rem64 i64:100 i64:0
*/
#include "diff.h"

EXPORT("div32") int div32(int a, int b) { return a / b; }
EXPORT("rem32") int rem32(int a, int b) { return a % b; }
EXPORT("div64") i64 div64(i64 a, i64 b) { return a / b; }
EXPORT("rem64") i64 rem64(i64 a, i64 b) { return a % b; }
