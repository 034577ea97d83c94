/*
 * io.c — writing whole buffers to file descriptors (io.h).
 */
#include "common/io.h"

#include <errno.h>
#include <unistd.h>

int w2b_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -errno;
		if (w == 0)
			return -EIO;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
