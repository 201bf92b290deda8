/* The ownership rules of src/tracer/task.h: a proc removed from the table
 * while tasks still point to it stays valid for them, and is freed with
 * its last task (ASan, in the CI's sanitizer build, checks both). */
#include <criterion/criterion.h>

#include "task.h"

Test(task, removed_proc_lives_until_its_last_task)
{
	struct pt_tasks ts;
	cr_assert_eq(pt_tasks_init(&ts), 0);
	struct pt_proc *parent = pt_proc_add(&ts, 100, 1);
	struct pt_proc *p = pt_proc_add(&ts, 200, 100);
	struct pt_task *a = pt_task_add(&ts, 200), *b = pt_task_add(&ts, 201);
	cr_assert(parent && p && a && b);
	pt_task_attach(a, p);
	pt_task_attach(b, p);
	cr_assert_eq(p->ntasks, 2);
	cr_assert_eq(parent->first_child, p);

	pt_proc_remove(&ts, p);
	cr_assert_null(pt_proc_find(&ts, 200), "a removed proc is not found by tgid");
	cr_assert_null(parent->first_child, "a removed proc leaves the process tree");
	/* still readable through its tasks (a use after free under ASan if not) */
	cr_assert(a->proc == p && p->removed && p->tgid == 200);

	/* a new life of the same tgid is a different record */
	struct pt_proc *again = pt_proc_add(&ts, 200, 100);
	cr_assert(again && again != p && pt_proc_find(&ts, 200) == again);

	pt_task_remove(&ts, a);
	cr_assert_eq(b->proc->ntasks, 1);
	pt_task_attach(b, again);   /* drops the last reference: p is freed */
	cr_assert_eq(again->ntasks, 1);
	pt_task_remove(&ts, b);
	cr_assert_eq(again->ntasks, 0);
	cr_assert_eq(pt_proc_find(&ts, 200), again, "the table still owns a proc with no task");
	pt_tasks_free(&ts);
}

Test(task, free_with_removed_procs_still_referenced)
{
	struct pt_tasks ts;
	cr_assert_eq(pt_tasks_init(&ts), 0);
	struct pt_proc *p = pt_proc_add(&ts, 300, 1);
	struct pt_task *t = pt_task_add(&ts, 300);
	cr_assert(p && t);
	pt_task_attach(t, p);
	pt_proc_remove(&ts, p);
	/* pt_tasks_free frees p through its task: no leak, no double free */
	pt_tasks_free(&ts);
}
