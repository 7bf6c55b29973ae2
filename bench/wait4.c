/* The bench's launcher: runs a command N times the way Pacemaker's executor does (fork, exec of
 * the agent's own path, stdin /dev/null, stdout and stderr pipes that the parent drains) and
 * prints, per run, "wall_us cpu_us maxrss_kb exit_status": wall time from fork to reaping, CPU
 * time (user+system) of the command and of every child it waited for, from wait4(2) at
 * microsecond resolution, and a peak RSS not inflated by the launcher (this program is tiny,
 * unlike a forked Python or Node).
 *
 * Usage: wait4 [--ns PID] [--stdin FILE] [--null] N cmd [args...]   (environment passed through)
 *   --ns PID     first join the namespaces of process PID (a sandbox's init: network, UTS,
 *                mount, PID), so that the measured process is the agent itself and not a
 *                wrapper such as nsenter
 *   --stdin FILE what the command reads (default /dev/null, as under Pacemaker)
 *   --null       stdout and stderr to /dev/null instead of pipes */
#define _GNU_SOURCE
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

/* Joins the network, UTS, mount and PID namespaces of process `pid` (those it shares with us
 * are joined as well, which changes nothing). All are opened before the first setns: /proc is
 * looked up in the namespace we start in. The PID namespace applies to the children forked
 * afterwards. */
static int join(const char *pid) {
	static const struct { const char *name; int type; } ns[] = {
		{ "net", CLONE_NEWNET }, { "uts", CLONE_NEWUTS }, { "mnt", CLONE_NEWNS }, { "pid", CLONE_NEWPID },
	};
	int fds[4];
	char path[64];
	for (int i = 0; i < 4; i++) {
		snprintf(path, sizeof path, "/proc/%s/ns/%s", pid, ns[i].name);
		if ((fds[i] = open(path, O_RDONLY | O_CLOEXEC)) < 0) { perror(path); return -1; }
	}
	for (int i = 0; i < 4; i++) {
		if (setns(fds[i], ns[i].type) < 0) { perror(ns[i].name); return -1; }
		close(fds[i]);
	}
	return chdir("/");
}

/* Reads both pipes until the command exits (what the executor does with an agent's output); a
 * daemon the command started may keep them open, so the end is the command's exit (a pidfd),
 * not end-of-file. Returns the command's wait4 status and rusage. */
static int reap(pid_t pid, int out, int err, int *status, struct rusage *ru) {
	char buf[4096];
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (out >= 0 && pidfd >= 0) {
		fcntl(out, F_SETFL, O_NONBLOCK);
		fcntl(err, F_SETFL, O_NONBLOCK);
		struct pollfd p[3] = { { out, POLLIN, 0 }, { err, POLLIN, 0 }, { pidfd, POLLIN, 0 } };
		for (;;) {
			if (poll(p, 3, -1) < 0) break;
			for (int i = 0; i < 2; i++) {
				if (p[i].fd >= 0 && p[i].revents != 0 && read(p[i].fd, buf, sizeof buf) == 0) p[i].fd = -1;
			}
			if (p[2].revents != 0) break;
		}
	}
	int r = wait4(pid, status, 0, ru);
	if (out >= 0) {
		while (read(out, buf, sizeof buf) > 0) {}
		while (read(err, buf, sizeof buf) > 0) {}
		close(out);
		close(err);
	}
	if (pidfd >= 0) close(pidfd);
	return r;
}

int main(int argc, char **argv) {
	const char *ns = NULL, *in = "/dev/null";
	int pipes = 1, a = 1;
	for (; a < argc && strncmp(argv[a], "--", 2) == 0; a++) {
		if (strcmp(argv[a], "--ns") == 0 && a + 1 < argc) ns = argv[++a];
		else if (strcmp(argv[a], "--stdin") == 0 && a + 1 < argc) in = argv[++a];
		else if (strcmp(argv[a], "--null") == 0) pipes = 0;
		else { fprintf(stderr, "wait4: unknown option %s\n", argv[a]); return 2; }
	}
	if (argc - a < 2) { fprintf(stderr, "usage: wait4 [--ns PID] [--stdin FILE] [--null] N cmd [args...]\n"); return 2; }
	int n = atoi(argv[a]);
	char **cmd = argv + a + 1;
	if (ns != NULL && join(ns) < 0) return 2;
	int devnull = open("/dev/null", O_RDWR);
	int input = open(in, O_RDONLY);
	if (devnull < 0 || input < 0) { perror(in); return 2; }
	for (int i = 0; i < n; i++) {
		int out[2] = { devnull, -1 }, err[2] = { devnull, -1 };
		if (pipes && (pipe2(out, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0)) { perror("pipe"); return 2; }
		struct timespec t0, t1;
		clock_gettime(CLOCK_MONOTONIC, &t0);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(input, 0);
			dup2(pipes ? out[1] : devnull, 1);
			dup2(pipes ? err[1] : devnull, 2);
			execv(cmd[0], cmd);
			_exit(127);
		}
		if (pid < 0) { perror("fork"); return 2; }
		if (pipes) { close(out[1]); close(err[1]); }
		int status = 0;
		struct rusage ru;
		if (reap(pid, pipes ? out[0] : -1, pipes ? err[0] : -1, &status, &ru) < 0) { perror("wait4"); return 2; }
		clock_gettime(CLOCK_MONOTONIC, &t1);
		long wall = (t1.tv_sec - t0.tv_sec) * 1000000L + (t1.tv_nsec - t0.tv_nsec) / 1000;
		long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
		int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		printf("%ld %ld %ld %d\n", wall, cpu, ru.ru_maxrss, rc);
		fflush(stdout);
	}
	return 0;
}
