/* The exit events' rusage, from the tracer's own wait4 of each death
 * report (no extra stop): what the kernel's figure covers, checked on a
 * tracee with known CPU and memory (tests/tracees/rusage.c): a process's
 * figure includes the children it waited for and not the one it left
 * behind; a thread's is its process's so far; a child's peak RSS shows in
 * its parent's. */
#include "support.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

TestSuite(rusage, .fini = pt_t_cleanup);

#define MS 1000000LL

static int64_t cpu(json_object *e)
{
	return pt_t_int(e, "rusage.utime_ns", -1) + pt_t_int(e, "rusage.stime_ns", -1);
}

Test(rusage, every_death_carries_the_kernels_figure)
{
	struct pt_t_run r;
	pt_t_run(&r, NULL, "rusage", NULL);
	pt_t_check_log(&r);
	pt_t_assert(&r, r.code == 0, "tool exit %d", r.code);
	json_object *root = NULL, *g = NULL, *h = NULL, *thr = NULL;
	pid_t rootpid = 0, gpid = 0, hpid = 0;
	for (size_t i = 0; i < r.nev; i++) {
		json_object *e = r.ev[i];
		if (pt_t_is(e, "start"))
			rootpid = pt_t_pid(e);
		if (pt_t_is(e, "spawn") && pt_t_pid(e) == rootpid && strcmp(pt_t_str(e, "kind"), "thread"))
			(gpid ? &hpid : &gpid)[0] = (pid_t)pt_t_int(e, "child", 0);
		if (!pt_t_is(e, "exit"))
			continue;
		pt_t_assert(&r, pt_t_has(e, "rusage.utime_ns") && pt_t_has(e, "rusage.maxrss_kb") &&
					pt_t_has(e, "rusage.minflt") && pt_t_has(e, "rusage.nivcsw"),
			    "an exit without rusage: %s", pt_t_json(e));
		if (pt_t_pid(e) != pt_t_tgid(e))
			thr = e;
		else if (pt_t_pid(e) == rootpid)
			root = e;
		else if (pt_t_pid(e) == gpid)
			g = e;
		else if (pt_t_pid(e) == hpid)
			h = e;
	}
	pt_t_assert(&r, root && g && h && thr, "root %p G %p H %p thread %p", (void *)root, (void *)g, (void *)h,
		    (void *)thr);
	/* G: its own 60 ms and its 32 MiB */
	pt_t_assert(&r, cpu(g) >= 60 * MS, "G: %s", pt_t_json(g));
	pt_t_assert(&r, pt_t_int(g, "rusage.maxrss_kb", 0) >= 32 * 1024, "G: %s", pt_t_json(g));
	pt_t_assert(&r, cpu(h) >= 100 * MS, "H: %s", pt_t_json(h));
	/* the thread's figure is its process's so far: its own 20, the
	 * leader's 30 and the reaped G's 60 */
	pt_t_assert(&r, cpu(thr) >= cpu(g) + 50 * MS, "thread %s, G %s", pt_t_json(thr), pt_t_json(g));
	/* the root's: its 30 + 20 plus G's, not H's (not waited for) */
	int64_t own = cpu(root) - cpu(g);
	pt_t_assert(&r, own >= 50 * MS && own < 100 * MS, "root own %lld ns: root %s G %s H %s", (long long)own,
		    pt_t_json(root), pt_t_json(g), pt_t_json(h));
	pt_t_assert(&r, pt_t_int(root, "rusage.maxrss_kb", 0) >= pt_t_int(g, "rusage.maxrss_kb", 0),
		    "a reaped child's peak is in its parent's: %s", pt_t_json(root));
	pt_t_free(&r);
}
