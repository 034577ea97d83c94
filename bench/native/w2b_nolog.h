/*
 * w2b_nolog.h — force-included (`clang -include`) into a sample compiled
 * for wasm2bpf to make its "nolog" variant: the SDK first, then
 * w2b_printk() turned into nothing, so the sample's own
 * `#include "wasm2bpf_sdk.h"` is a no-op and its log lines compile away.
 * The native counterpart is -DNO_LOG.
 */
#include "wasm2bpf_sdk.h"
#undef w2b_printk
#define w2b_printk(...) ((void)0)
