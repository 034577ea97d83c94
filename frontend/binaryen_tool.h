/*
 * binaryen_tool.h — the contract between the frontend and wasm2bpf-binaryen.
 */
#ifndef W2B_FRONTEND_BINARYEN_TOOL_H
#define W2B_FRONTEND_BINARYEN_TOOL_H

#define W2B_BINARYEN_TOOL "wasm2bpf-binaryen"

enum {
	W2B_BINARYEN_OK = 0,
	W2B_BINARYEN_FATAL = 1,		/* binaryen's Fatal(): input it cannot read */
	W2B_BINARYEN_USAGE = 2,
	W2B_BINARYEN_INVALID = 3,	/* validate: the module is invalid */
};

#endif
