/*
 * isolate.c — spawn, feed, capture, wait; see isolate.h.
 */
#include "frontend/isolate.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "frontend/binaryen_tool.h"

#ifndef W2B_LIBEXECDIR
#define W2B_LIBEXECDIR "/usr/local/libexec/wasm2bpf"
#endif

struct growbuf {
	uint8_t *p;
	size_t n, cap;
};

/* Reads what is available; returns bytes read, 0 at EOF, -errno. */
static ssize_t growbuf_read(struct growbuf *g, int fd)
{
	ssize_t r;

	if (g->cap - g->n < 4096) {
		size_t nc = g->cap ? g->cap * 2 : 8192;
		uint8_t *p = realloc(g->p, nc);

		if (!p)
			return -ENOMEM;
		g->p = p;
		g->cap = nc;
	}
	do
		r = read(fd, g->p + g->n, g->cap - g->n - 1);
	while (r < 0 && errno == EINTR);
	if (r < 0)
		return -errno;
	g->n += (size_t)r;
	return r;
}

char *isolate_binaryen_path(void)
{
	static const char *const beside[] = {
		"",			/* the build tree: next to wasm2bpf */
		"../libexec/wasm2bpf/",	/* an install under any prefix */
	};
	const char *env = getenv("W2B_BINARYEN_TOOL");
	char self[PATH_MAX], *slash, *p;
	ssize_t n;

	if (env && env[0])
		return strdup(env);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0) {
		self[n] = '\0';
		slash = strrchr(self, '/');
		for (size_t k = 0; slash && k < sizeof(beside) / sizeof(beside[0]); k++) {
			slash[1] = '\0';
			if (asprintf(&p, "%s%s%s", self, beside[k], W2B_BINARYEN_TOOL) >= 0) {
				char *real = access(p, X_OK) == 0 ? realpath(p, NULL) : NULL;

				if (real) {
					free(p);
					return real;
				}
				free(p);
			}
		}
	}
	if (asprintf(&p, "%s/%s", W2B_LIBEXECDIR, W2B_BINARYEN_TOOL) < 0)
		return NULL;
	return p;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int isolate_binaryen(const char *mode, const void *in, size_t in_size,
		     struct isolated_result *res)
{
	char *path = isolate_binaryen_path();
	const char *argv[] = { path, mode, NULL };
	int err;

	if (!path)
		return -ENOMEM;
	err = isolate_exec(argv, in, in_size, res);
	free(path);
	return err;
}

int isolate_exec(const char *const *argv, const void *in, size_t in_size,
		 struct isolated_result *res)
{
	int pin[2] = { -1, -1 }, pout[2] = { -1, -1 }, perr[2] = { -1, -1 }, st, err = 0;
	struct growbuf go = { 0 }, ge = { 0 };
	const uint8_t *inp = in;
	size_t left = in_size;
	struct sigaction old_pipe;
	pid_t pid;

	memset(res, 0, sizeof(*res));
	if (pipe2(pin, O_CLOEXEC) < 0 || pipe2(pout, O_CLOEXEC) < 0 || pipe2(perr, O_CLOEXEC) < 0) {
		err = -errno;
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		dup2(pin[0], STDIN_FILENO);
		dup2(pout[1], STDOUT_FILENO);
		dup2(perr[1], STDERR_FILENO);
		execvp(argv[0], (char *const *)argv);
		dprintf(STDERR_FILENO, "cannot run %s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	close_fd(&pin[0]);
	close_fd(&pout[1]);
	close_fd(&perr[1]);
	/* Feed stdin and drain stdout/stderr together: either side may block
	 * on a full pipe otherwise. A child that exits early gives EPIPE. */
	sigaction(SIGPIPE, &(struct sigaction){ .sa_handler = SIG_IGN }, &old_pipe);
	if (!left)
		close_fd(&pin[1]);
	while (pin[1] >= 0 || pout[0] >= 0 || perr[0] >= 0) {
		struct pollfd pf[3] = {
			{ .fd = pin[1], .events = POLLOUT },
			{ .fd = pout[0], .events = POLLIN },
			{ .fd = perr[0], .events = POLLIN },
		};

		if (poll(pf, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			err = -errno;
			break;
		}
		if (pin[1] >= 0 && (pf[0].revents & (POLLOUT | POLLERR | POLLHUP))) {
			ssize_t w = write(pin[1], inp, left > 65536 ? 65536 : left);

			if (w < 0 && errno != EINTR && errno != EAGAIN) {
				close_fd(&pin[1]);
			} else if (w > 0) {
				inp += w;
				left -= (size_t)w;
				if (!left)
					close_fd(&pin[1]);
			}
		}
		if (pout[0] >= 0 && (pf[1].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    growbuf_read(&go, pout[0]) <= 0)
			close_fd(&pout[0]);
		if (perr[0] >= 0 && (pf[2].revents & (POLLIN | POLLHUP | POLLERR)) &&
		    growbuf_read(&ge, perr[0]) <= 0)
			close_fd(&perr[0]);
	}
	sigaction(SIGPIPE, &old_pipe, NULL);
	while (waitpid(pid, &st, 0) < 0 && errno == EINTR)
		;
	if (WIFEXITED(st)) {
		res->status = WEXITSTATUS(st);
	} else {
		res->status = -1;
		res->signal = WIFSIGNALED(st) ? WTERMSIG(st) : 0;
	}
	if (!ge.p)
		ge.p = calloc(1, 1);
	else
		ge.p[ge.n] = '\0';
	if (!go.p)
		go.p = calloc(1, 1);
	else
		go.p[go.n] = '\0';
	res->messages = (char *)ge.p;
	res->output = go.p;
	res->output_size = go.n;
	ge.p = go.p = NULL;
out:
	close_fd(&pin[0]); close_fd(&pin[1]);
	close_fd(&pout[0]); close_fd(&pout[1]);
	close_fd(&perr[0]); close_fd(&perr[1]);
	free(ge.p);
	free(go.p);
	return err;
}

void isolate_result_free(struct isolated_result *res)
{
	free(res->messages);
	free(res->output);
	memset(res, 0, sizeof(*res));
}
