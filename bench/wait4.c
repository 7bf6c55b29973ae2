/* Runs a command N times and prints, per run, "wall_us cpu_us maxrss_kb exit_status" using
 * wait4(2): CPU time of the command and of the children it waited for, at microsecond
 * resolution, and a peak RSS not inflated by the launcher (this program is tiny, unlike a
 * forked Python or Node). Usage: wait4 N cmd [args...] (environment passed through). */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

int main(int argc, char **argv) {
	if (argc < 3) { fprintf(stderr, "usage: wait4 N cmd [args...]\n"); return 2; }
	int n = atoi(argv[1]);
	int devnull = open("/dev/null", O_RDWR);
	for (int i = 0; i < n; i++) {
		struct timespec a, b;
		clock_gettime(CLOCK_MONOTONIC, &a);
		pid_t pid = fork();
		if (pid == 0) {
			dup2(devnull, 0); dup2(devnull, 1); dup2(devnull, 2);
			execv(argv[2], argv + 2);
			_exit(127);
		}
		int status = 0;
		struct rusage ru;
		if (wait4(pid, &status, 0, &ru) < 0) { perror("wait4"); return 2; }
		clock_gettime(CLOCK_MONOTONIC, &b);
		long wall = (b.tv_sec - a.tv_sec) * 1000000L + (b.tv_nsec - a.tv_nsec) / 1000;
		long cpu = (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1000000L + ru.ru_utime.tv_usec + ru.ru_stime.tv_usec;
		int rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		printf("%ld %ld %ld %d\n", wall, cpu, ru.ru_maxrss, rc);
	}
	return 0;
}
