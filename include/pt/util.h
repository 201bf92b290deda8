/* Small helpers every layer uses: the element count of an array and the
 * record an embedded member belongs to. */
#ifndef PT_UTIL_H
#define PT_UTIL_H

#include <stddef.h>

/* 0 when a is an array; a compile error (a negative bit-field width) when
 * it is a pointer, whose sizeof would silently give a wrong count. */
#define PT_MUST_BE_ARRAY(a) \
	(sizeof(struct { int pt_not_an_array : __builtin_types_compatible_p(__typeof__(a), __typeof__(&(a)[0])) ? -1 : 1; }) * 0)

/* The number of elements of the array a (never a pointer: see above). */
#define PT_N_ELEMENTS(a) (sizeof(a) / sizeof((a)[0]) + PT_MUST_BE_ARRAY(a))

/* The struct of type `type` whose member `member` is at ptr. */
#define pt_container_of(ptr, type, member) ((type *)(void *)((char *)(ptr) - offsetof(type, member)))

#endif
