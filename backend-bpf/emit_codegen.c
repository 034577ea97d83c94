/*
 * emit_codegen.c — LLVM's code generation, in a child process.
 *
 * Some inputs make LLVM's BPF backend give up with a fatal error instead
 * of a diagnostic: "LLVM ERROR: Branch target out of insn range" when a
 * function's jump spans more than BPF v3's 16-bit offset, and LLVM then
 * aborts the process. A compiler must not crash on any input, so the
 * object is made in a fork of this process (single-threaded; nothing to
 * exec: the child has the module already): it writes the object, or the
 * error its context collected, to a pipe, and its stderr to a temporary
 * file. The parent reads the pipe to the end, waits, and turns a child
 * that died into a located-as-far-as-known error (the known fatal errors
 * get their explanation and what to do) instead of dying with it. The
 * child dies with the parent (PR_SET_PDEATHSIG): killing the compiler
 * stops its code generation too.
 */
#include "backend-bpf/emit.h"
#include "common/io.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

/* The child: 'O' and the object, or 'E' and an error message. */
static void child(struct be_ctx *cx, LLVMCodeGenFileType ft, int fd)
{
	LLVMMemoryBufferRef mb = NULL;
	char *err = NULL;
	bool ok;

	if (LLVMTargetMachineEmitToMemoryBuffer(cx->TM, cx->M, ft, &err, &mb)) {
		ok = !w2b_write_all(fd, "E", 1) &&
		     !w2b_write_all(fd, err ? err : "?", err ? strlen(err) : 1);
	} else if (cx->llvm_errors) {
		ok = !w2b_write_all(fd, "E", 1) &&
		     !w2b_write_all(fd, cx->llvm_errors, strlen(cx->llvm_errors));
	} else {
		ok = !w2b_write_all(fd, "O", 1) &&
		     !w2b_write_all(fd, LLVMGetBufferStart(mb), LLVMGetBufferSize(mb));
	}
	_exit(ok ? 0 : 1);	/* no atexit handlers: the parent owns the state */
}

static char *read_file(FILE *f)
{
	long n;
	char *s;

	if (fflush(f) || fseek(f, 0, SEEK_END) || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET))
		return NULL;
	s = malloc((size_t)n + 1);
	if (!s)
		return NULL;
	s[fread(s, 1, (size_t)n, f)] = '\0';
	return s;
}

/* The reachable function with the most IR instructions: where a branch
 * too long for BPF most likely is (LLVM's fatal error names none). */
static const struct ir_func *largest_func(const struct ir_module *m)
{
	const struct ir_func *best = NULL;
	uint64_t most = 0;

	for (uint32_t k = 0; k < m->nfuncs; k++) {
		uint64_t n;

		if (!m->funcs[k].reachable)
			continue;
		n = ir_count_insts((struct ir_region *)&m->funcs[k].body);
		if (n > most) {
			most = n;
			best = &m->funcs[k];
		}
	}
	return best;
}

int be_codegen(struct be_ctx *cx, LLVMCodeGenFileType ft, void **out, size_t *out_size)
{
	FILE *errs = tmpfile();
	char *buf = NULL, *msg;
	size_t n = 0, cap = 0;
	int fds[2], status, err = 0;
	pid_t pid, parent;

	if (!errs || pipe(fds)) {
		diag_ice(cx->d, "cannot start code generation: %s", strerror(errno));
		if (errs)
			fclose(errs);
		return -EINVAL;
	}
	fflush(stdout);
	fflush(stderr);
	parent = getpid();
	pid = fork();
	if (pid < 0) {
		diag_ice(cx->d, "cannot start code generation: %s", strerror(errno));
		close(fds[0]);
		close(fds[1]);
		fclose(errs);
		return -EINVAL;
	}
	if (pid == 0) {
		/* dies with the compiler: killed by `timeout` or ^C, the
		 * parent must not leave LLVM running on (it did, for minutes
		 * on a large function); and if it is gone already, so is the
		 * reason to go on */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
		close(fds[0]);
		dup2(fileno(errs), STDERR_FILENO);
		child(cx, ft, fds[1]);
	}
	close(fds[1]);
	for (;;) {
		ssize_t r;

		if (cap - n < 65536) {
			char *p = realloc(buf, cap = cap ? cap * 2 : 1 << 20);

			if (!p) {
				err = -ENOMEM;
				break;
			}
			buf = p;
		}
		r = read(fds[0], buf + n, cap - n - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fds[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	msg = read_file(errs);
	fclose(errs);

	if (!err && WIFEXITED(status) && WEXITSTATUS(status) == 0 && n > 0 && buf[0] == 'O') {
		if (msg && *msg)
			fputs(msg, stderr);	/* what LLVM said on the way */
		memmove(buf, buf + 1, n - 1);
		buf[n - 1] = '\0';	/* text output is a C string too */
		*out = buf;
		*out_size = n - 1;
		free(msg);
		return 0;
	}
	if (err == -ENOMEM) {
		diag_ice(cx->d, "out of memory for the output");
	} else if (n > 0 && buf[0] == 'E') {
		/* what the child's diagnostic handler collected, reported as
		 * the parent would have (the stack limit is a refusal) */
		buf[n] = '\0';
		free(cx->llvm_errors);
		cx->llvm_errors = strdup(buf + 1);
		cx->llvm_errors_len = cx->llvm_errors ? strlen(cx->llvm_errors) : 0;
		if (!cx->llvm_errors || !(err = be_llvm_errors(cx, "code generation failed")))
			diag_ice(cx->d, "LLVM code generation failed: %s", buf + 1);
		else if (err == -E2BIG) {
			free(buf);
			free(msg);
			return -E2BIG;	/* over the stack: the pipeline may retry */
		}
	} else if (msg && strstr(msg, "Branch target out of insn range")) {
		const struct ir_func *f = largest_func(cx->m);

		diag_report(cx->d, DIAG_ERROR,
			    f ? &(struct diag_loc){ f->offset, f->wasm_index, f->name, NULL } : NULL,
			    "a jump spans more than BPF's 16-bit offsets reach (LLVM: Branch target out of insn range), most likely in this function, the largest: split it, or compile with --mcpu=v4 (kernel 6.6+), whose long jumps reach any target");
		free(buf);
		free(msg);
		return -E2BIG;	/* a limit, like the stack's: the pipeline may retry */
	} else {
		char *nl = msg ? strchr(msg, '\n') : NULL;

		if (nl)
			*nl = '\0';
		diag_ice(cx->d, "LLVM code generation died (%s %d)%s%s",
			 WIFSIGNALED(status) ? "signal" : "exit status",
			 WIFSIGNALED(status) ? WTERMSIG(status) : WEXITSTATUS(status),
			 msg && *msg ? ": " : "", msg ? msg : "");
	}
	free(buf);
	free(msg);
	return -EINVAL;
}
