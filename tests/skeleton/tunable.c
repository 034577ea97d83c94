/*
 * tunable.c — the C twin of tunable.wat: the same programs and settings,
 * declared with the SDK's W2B_CONFIG, so that loader.c (built against
 * this object's skeleton too) sees skel->rodata->threshold and ->scale
 * and the programs use what it sets before load.
 */
#include "wasm2bpf_sdk.h"

W2B_CONFIG(w2b_u32, threshold, 10);
W2B_CONFIG(w2b_u64, scale, 3);

W2B_SECTION(over, "syscall");
W2B_EXPORT("over") w2b_u32 over(w2b_u32 x)
{
	return x > threshold;
}

W2B_SECTION(scaled, "syscall");
W2B_EXPORT("scaled") w2b_u64 scaled(w2b_u64 x)
{
	return x * scale;
}
