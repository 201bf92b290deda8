/* Prints a line and exits 0 (also built statically as hello_static). */
#include <stdio.h>

int main(void)
{
	puts("hello");
	return 0;
}
