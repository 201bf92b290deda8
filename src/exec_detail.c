/* Exec anatomy (work in progress: filled in with the procfs/ELF readers). */
#include "pt/exec_detail.h"

void pt_exec_detail_on_entry(struct pt_tracer *T, struct pt_task *t, uint64_t envp, unsigned ptr_size)
{
	(void)T;
	(void)t;
	(void)envp;
	(void)ptr_size;
}

const struct pt_exec_detail *pt_exec_detail_on_event(struct pt_tracer *T, struct pt_task *t)
{
	(void)T;
	(void)t;
	return NULL;
}
