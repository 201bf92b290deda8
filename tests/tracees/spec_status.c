/* Prints what a process can learn about its Speculative Store Bypass
 * mitigation: the Speculation_Store_Bypass line of /proc/self/status and
 * prctl(PR_GET_SPECULATION_CTRL).  A seccomp filter loaded without
 * SECCOMP_FILTER_FLAG_SPEC_ALLOW changes both on kernels booted with
 * spec_store_bypass_disable=seccomp; traced and untraced output must match. */
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>

int main(void)
{
	char line[256];
	FILE *f = fopen("/proc/self/status", "r");
	if (!f)
		return 1;
	while (fgets(line, sizeof line, f))
		if (!strncmp(line, "Speculation_Store_Bypass:", 25))
			fputs(line, stdout);
	fclose(f);
	printf("prctl %d\n", prctl(PR_GET_SPECULATION_CTRL, PR_SPEC_STORE_BYPASS, 0, 0, 0));
	return 0;
}
