/*
 * io.h — writing whole buffers to file descriptors.
 */
#ifndef W2B_COMMON_IO_H
#define W2B_COMMON_IO_H

#include <stddef.h>

/* Writes all n bytes of buf to fd, across short writes and EINTR.
 * 0, or -errno (-EIO if the descriptor takes nothing). */
int w2b_write_all(int fd, const void *buf, size_t n);

#endif
