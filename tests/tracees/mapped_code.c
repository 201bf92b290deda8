/* mapped_code MODE FILE: ends with exit_group(7) executed from code that it
 * wrote to FILE and mapped executable, so that the stack at its exit has
 * frame 0 in a file mapping that is no sound ELF image.  For -k
 * (docs/stacks.md: "Module files"): the tracer must neither crash nor
 * believe the file.
 *   blob       FILE holds only the code: not an ELF file.
 *   truncated  FILE holds the first 4 KiB of our own executable (ELF
 *              header and program headers intact; sections and
 *              .eh_frame_hdr now past the end) with the code at 0xf00,
 *              mapped 8 KiB long: the mapping runs past end of file.
 *   replaced   as blob, then FILE is unlinked and a copy of our own
 *              executable is written under its name: the path now names
 *              a sound ELF file that is not the one mapped.
 * Any other use: status 2. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* mov $231, %eax (exit_group); mov $7, %edi; syscall */
static const unsigned char code[] = {0xb8, 0xe7, 0, 0, 0, 0xbf, 7, 0, 0, 0, 0x0f, 0x05};
#define PAGE 4096
#define CODE_OFF 0xf00

static int write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;
	while (n) {
		ssize_t w = write(fd, p, n);
		if (w <= 0)
			return -1;
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Our whole executable, *len bytes. */
static char *read_self(size_t *len)
{
	int fd = open("/proc/self/exe", O_RDONLY);
	size_t cap = 1 << 16, n = 0;
	char *buf = malloc(cap);
	if (fd < 0 || !buf)
		exit(2);
	for (;;) {
		if (n == cap && !(buf = realloc(buf, cap *= 2)))
			exit(2);
		ssize_t r = read(fd, buf + n, cap - n);
		if (r < 0)
			exit(2);
		if (r == 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	*len = n;
	return buf;
}

int main(int argc, char **argv)
{
	static unsigned char page[PAGE];
	size_t map_len = PAGE, code_off = 0, self_len;
	if (argc != 3)
		return 2;
	const char *mode = argv[1], *path = argv[2];
	char *self = read_self(&self_len);
	if (!strcmp(mode, "blob") || !strcmp(mode, "replaced")) {
		memcpy(page, code, sizeof(code));
	} else if (!strcmp(mode, "truncated")) {
		if (self_len < PAGE)
			return 2;
		memcpy(page, self, PAGE);
		memcpy(page + CODE_OFF, code, sizeof(code));
		code_off = CODE_OFF;
		map_len = 2 * PAGE;
	} else {
		return 2;
	}
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd < 0 || write_all(fd, page, PAGE) < 0)
		return 2;
	void *m = mmap(NULL, map_len, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
	if (m == MAP_FAILED)
		return 2;
	close(fd);
	if (!strcmp(mode, "replaced")) {
		if (unlink(path) < 0 || (fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0700)) < 0 ||
		    write_all(fd, self, self_len) < 0 || close(fd) < 0)
			return 2;
	}
	void (*fn)(void) = (void (*)(void))((char *)m + code_off);
	fn();
	return 2;
}
