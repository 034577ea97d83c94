// An import from "ctx" that names no context field lists the fields.
#include "wasm2bpf_sdk.h"
__attribute__((import_module("ctx"), import_name("cookie"))) w2b_u32 ctx_cookie(void);
W2B_PROGRAM("tc", f)
{
	return ctx_cookie() ? TC_ACT_SHOT : TC_ACT_OK;
}
