#!/bin/sh
# W3: generate a small C project in DIR: N source files (default 10) + main.c
# and a Makefile, so that `make -j2` runs gcc -> cc1, as, collect2, ld.
# usage: w3_gen.sh DIR [N]
set -eu
dir=$1
n=${2:-10}
mkdir -p "$dir"
i=1
objs=""
decls=""
calls=""
while [ "$i" -le "$n" ]; do
	cat >"$dir/unit$i.c" <<SRC
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct item$i { int key; double weight; char name[32]; };

static int cmp$i(const void *a, const void *b)
{
	const struct item$i *x = a, *y = b;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	return strcmp(x->name, y->name);
}

static unsigned long mix$i(unsigned long h, unsigned long v)
{
	h ^= v + 0x9e3779b97f4a7c15UL + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdUL;
}

long unit$i(int n)
{
	struct item$i *v = calloc((size_t)n, sizeof(*v));
	unsigned long h = $i;
	long sum = 0;
	if (!v)
		return -1;
	for (int k = 0; k < n; k++) {
		h = mix$i(h, (unsigned long)k);
		v[k].key = (int)(h & 0xffff);
		v[k].weight = (double)(h % 1000) / 7.0;
		snprintf(v[k].name, sizeof(v[k].name), "item-%d-%lu", k, h % 97);
	}
	qsort(v, (size_t)n, sizeof(*v), cmp$i);
	for (int k = 0; k < n; k++)
		sum += v[k].key * (k + 1);
	free(v);
	return sum;
}
SRC
	objs="$objs unit$i.o"
	decls="${decls}long unit$i(int n);
"
	calls="${calls}	total += unit$i(100);
"
	i=$((i + 1))
done
cat >"$dir/main.c" <<SRC
#include <stdio.h>
$decls
int main(void)
{
	long total = 0;
$calls	printf("%ld\n", total);
	return 0;
}
SRC
cat >"$dir/Makefile" <<MK
CC = cc
CFLAGS = -O2 -Wall
OBJS = main.o$objs

prog: \$(OBJS)
	\$(CC) -o \$@ \$(OBJS)

%.o: %.c
	\$(CC) \$(CFLAGS) -c -o \$@ \$<

clean:
	rm -f prog \$(OBJS)

.PHONY: clean
MK
