/*
 * proc.c - the processes the runtime keeps running per instance: dnsmasq
 * (LAN dhcp) and busybox udhcpc (WAN dhcp), each inside the instance's
 * network namespace.  A process is ours when its pid file under the state
 * directory names it and its command line carries that pid file's path;
 * nothing else is ever signalled.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "lab_fault.h"
#include "ctx.h"

static const char *const rt_pidfile[] = { "dnsmasq.pid", "udhcpc.pid" };

int
rt_ipath(const struct rt_ctx *c, const char *id, const char *name, char *buf,
    size_t len)
{
	int n = snprintf(buf, len, "%s/instances/%s%s%s", c->state, id,
	    *name ? "/" : "", name);

	return n < 0 || (size_t)n >= len ? -1 : 0;
}

static void
sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) == -1 && errno == EINTR)
		;
}

/* Whether /proc/pid/cmdline has an argument containing needle. */
static int
cmdline_has(int pid, const char *needle)
{
	char path[64], buf[4096];
	ssize_t n, i;
	int fd;

	snprintf(path, sizeof(path), "/proc/%d/cmdline", pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) == -1)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;	/* gone, or a zombie */
	buf[n] = '\0';
	for (i = 0; i < n; i += (ssize_t)strlen(buf + i) + 1)
		if (strstr(buf + i, needle) != NULL)
			return 1;
	return 0;
}

int
rt_proc_running(struct rt_ctx *c, const char *id, enum rt_proc kind)
{
	char path[4096], *s;
	size_t n;
	long pid;

	if (rt_ipath(c, id, rt_pidfile[kind], path, sizeof(path)) == -1 ||
	    rt_file_read(path, 64, &s, &n) == -1)
		return 0;
	pid = strtol(s, NULL, 10);
	free(s);
	if (pid <= 1 || pid > 1 << 22 || !cmdline_has((int)pid, path))
		return 0;
	return (int)pid;
}

/* Signals every process whose command line names pidfile (ours, also
 * one still starting or one the pid file does not name yet); returns how
 * many there were. */
static int
signal_ours(const char *pidfile, int sig)
{
	struct dirent *de;
	DIR *d;
	int n = 0, pid;

	if ((d = opendir("/proc")) == NULL)
		return 0;
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		pid = atoi(de->d_name);
		if (pid != getpid() && cmdline_has(pid, pidfile)) {
			kill(pid, sig);
			n++;
		}
	}
	closedir(d);
	return n;
}

int
rt_proc_stop(struct rt_ctx *c, const char *id, enum rt_proc kind)
{
	char path[4096];
	int i, quiet = 0;

	if (rt_ipath(c, id, rt_pidfile[kind], path, sizeof(path)) == -1)
		return rt_errf(c->err, sizeof(c->err), "path too long");
	if (rt_proc_running(c, id, kind))
		c->stats.kills++;
	/* Until two scans in a row find none: a run killed while starting
	 * one may have left it between fork and exec. */
	for (i = 0; i < 300 && quiet < 2; i++) {
		if (signal_ours(path, i < 200 ? SIGTERM : SIGKILL) == 0)
			quiet++;
		else
			quiet = 0;
		sleep_ms(10);
	}
	unlink(path);
	return 0;
}

/* Runs argv (in namespace nsfd unless -1) with output to logfile.  With
 * detach, the program is a grandchild in its own session, and its pid is
 * returned once it has exec'ed; else the exit status (or -1). */
static int
spawn(struct rt_ctx *c, int nsfd, char *const argv[], const char *logfile,
    int detach)
{
	int pfd[2], st, grand = -1, e;
	pid_t pid, g;
	ssize_t n;

	/* Close-on-exec: EOF tells that the program was exec'ed. */
	if (detach && pipe2(pfd, O_CLOEXEC) == -1)
		return -1;
	c->stats.spawns++;
	if ((pid = fork()) == -1)
		return -1;
	if (pid == 0) {
		int fd = open(logfile, O_WRONLY | O_CREAT | O_TRUNC |
		    O_CLOEXEC, 0600);

		if (fd == -1 || (nsfd != -1 && setns(nsfd, CLONE_NEWNET) ==
		    -1))
			_exit(126);
		dup2(fd, 1);
		dup2(fd, 2);
		close(0);
		open("/dev/null", O_RDONLY);
		signal(SIGPIPE, SIG_DFL);
		if (detach) {
			setsid();
			if ((g = fork()) != 0) {
				if (write(pfd[1], &g, sizeof(g)) !=
				    (ssize_t)sizeof(g))
					_exit(1);
				_exit(g == -1);
			}
		}
		execvp(argv[0], argv);
		e = errno;
		if (detach && write(pfd[1], &e, sizeof(e)) != sizeof(e))
			_exit(127);
		_exit(127);
	}
	if (detach) {
		close(pfd[1]);
		if (read(pfd[0], &grand, sizeof(grand)) != (ssize_t)sizeof(grand))
			grand = -1;
		/* EOF once exec'ed; an int if exec failed. */
		while ((n = read(pfd[0], &e, sizeof(e))) == -1 && errno == EINTR)
			;
		if (n > 0)
			grand = -1;
		close(pfd[0]);
	}
	while (waitpid(pid, &st, 0) == -1)
		if (errno != EINTR)
			return -1;
	if (detach)
		return grand;
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* The first line of a log file, for error messages. */
static void
log_tail(const char *path, char *out, size_t len)
{
	char *s, *nl;
	size_t n;

	out[0] = '\0';
	if (rt_file_read(path, 1 << 16, &s, &n) == -1)
		return;
	while (n > 0 && (s[n - 1] == '\n' || s[n - 1] == ' '))
		s[--n] = '\0';
	if ((nl = strrchr(s, '\n')) != NULL)
		snprintf(out, len, "%s", nl + 1);
	else
		snprintf(out, len, "%s", s);
	free(s);
}

int
rt_dnsmasq_test(struct rt_ctx *c, const char *path)
{
	char conf[4200], log[4200], msg[256];
	char *argv[] = { "dnsmasq", "--test", conf, NULL };
	int r;

	snprintf(conf, sizeof(conf), "--conf-file=%s", path);
	snprintf(log, sizeof(log), "%s.test", path);
	r = spawn(c, -1, argv, log, 0);
	log_tail(log, msg, sizeof(msg));
	unlink(log);
	if (r != 0)
		return rt_errf(c->err, sizeof(c->err), "dnsmasq rejects the "
		    "configuration: %s", msg[0] ? msg : "(no message)");
	return 0;
}

static int
write_hook(struct rt_ctx *c, char *path, size_t len)
{
	char text[2200];
	int n;

	snprintf(path, len, "%s/udhcpc.hook", c->state);
	n = snprintf(text, sizeof(text), "#!/bin/sh\n# edgenet-apply: "
	    "busybox udhcpc hook\nexec '%s' --dhcp-hook \"$@\"\n", c->self);
	if (strchr(c->self, '\'') != NULL || n >= (int)sizeof(text))
		return rt_errf(c->err, sizeof(c->err), "cannot quote %s",
		    c->self);
	if (rt_file_write_atomic(path, text, (size_t)n, 0700) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	return 0;
}

int
rt_proc_start(struct rt_ctx *c, const char *id, enum rt_proc kind,
    const char *dev)
{
	char pidf[4096], log[4096], a1[4200], a2[4200], a3[4200], hook[4096];
	char msg[256], pidtext[32];
	struct rt_ns *ns;
	int r, i;

	if ((ns = rt_ctx_ns(c, id)) == NULL)
		return -1;
	if (ns->fd == -1)
		return rt_errf(c->err, sizeof(c->err), "network namespace %s "
		    "does not exist", id);
	if ((kind == RT_PROC_DNSMASQ && RT_FAULT(dnsmasq)) ||
	    (kind == RT_PROC_DHCPC && RT_FAULT(dhcpc)))
		return 0;
	if (rt_ipath(c, id, rt_pidfile[kind], pidf, sizeof(pidf)) == -1 ||
	    rt_ipath(c, id, kind == RT_PROC_DNSMASQ ? "dnsmasq.log" :
	    "udhcpc.log", log, sizeof(log)) == -1)
		return rt_errf(c->err, sizeof(c->err), "path too long");
	if (rt_ipath(c, id, "", hook, sizeof(hook)) == -1 ||
	    rt_mkdirs(hook, 0700) == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", hook,
		    strerror(errno));
	unlink(pidf);
	if (kind == RT_PROC_DNSMASQ) {
		char *argv[] = { "dnsmasq", a1, a2, a3, NULL };

		rt_ipath(c, id, "dnsmasq.conf", hook, sizeof(hook));
		snprintf(a1, sizeof(a1), "--conf-file=%s", hook);
		snprintf(a2, sizeof(a2), "--pid-file=%s", pidf);
		rt_ipath(c, id, "dnsmasq.leases", hook, sizeof(hook));
		snprintf(a3, sizeof(a3), "--dhcp-leasefile=%s", hook);
		r = spawn(c, ns->fd, argv, log, 0);
		if (r != 0) {
			log_tail(log, msg, sizeof(msg));
			return rt_errf(c->err, sizeof(c->err), "dnsmasq for %s "
			    "failed to start: %s", id, msg[0] ? msg :
			    "(no message)");
		}
		/* The daemon writes its pid file around the verdict. */
		for (i = 0; i < 100 && rt_proc_running(c, id, kind) == 0; i++)
			sleep_ms(10);
		if (rt_proc_running(c, id, kind) == 0)
			return rt_errf(c->err, sizeof(c->err), "dnsmasq for %s "
			    "exited after starting", id);
		return 0;
	} else {
		char *argv[] = { "busybox", "udhcpc", "-f", "-R", "-i",
		    (char *)dev, "-s", hook, "-p", pidf, NULL };

		if (write_hook(c, hook, sizeof(hook)) == -1)
			return -1;
		if ((r = spawn(c, ns->fd, argv, log, 1)) <= 0)
			return rt_errf(c->err, sizeof(c->err), "udhcpc for %s "
			    "failed to start", id);
		/* Written by us too, so the pid is known at once. */
		snprintf(pidtext, sizeof(pidtext), "%d\n", r);
		if (rt_file_replace(pidf, pidtext, strlen(pidtext), 0644,
		    0) == -1)
			return rt_errf(c->err, sizeof(c->err), "%s: %s", pidf,
			    strerror(errno));
		return 0;
	}
}

static const char *const rt_dnsmasq_keys[] = {
	"interface", "bind-interfaces", "except-interface", "port",
	"dhcp-range", "dhcp-option", "dhcp-leasefile", "dhcp-authoritative",
	"enable-ra", "ra-param",
	NULL
};

int
rt_dnsmasq_lint(const char *text, size_t len, char *err, size_t errlen)
{
	const char *p = text, *end = text + len, *eol, *eq;
	unsigned line = 0;
	size_t i, kl;

	for (; p < end; p = eol + 1) {
		line++;
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		for (i = 0; p + i < eol; i++)
			if ((unsigned char)p[i] < 0x20 || p[i] == 0x7f)
				return rt_errf(err, errlen, "dnsmasq.conf:%u: "
				    "control character", line);
		if (p == eol || *p == '#')
			continue;
		eq = memchr(p, '=', (size_t)(eol - p));
		kl = (size_t)((eq != NULL ? eq : eol) - p);
		for (i = 0; rt_dnsmasq_keys[i] != NULL; i++)
			if (strlen(rt_dnsmasq_keys[i]) == kl &&
			    memcmp(rt_dnsmasq_keys[i], p, kl) == 0)
				break;
		if (rt_dnsmasq_keys[i] == NULL)
			return rt_errf(err, errlen, "dnsmasq.conf:%u: directive "
			    "'%.*s' is not allowed in a bundle", line,
			    (int)(kl > 40 ? 40 : kl), p);
	}
	return 0;
}

int
rt_dnsmasq_render(const char *text, size_t len, char **out, size_t *outlen)
{
	const char *p = text, *end = text + len, *eol;
	char *o;

	if ((o = *out = malloc(len + 1)) == NULL)
		return -1;
	/* dnsmasq reads the config after its command line, so a config
	 * dhcp-leasefile would beat ours: drop it (see decisions). */
	for (; p < end; p = eol + 1) {
		if ((eol = memchr(p, '\n', (size_t)(end - p))) == NULL)
			eol = end;
		if (strncmp(p, "dhcp-leasefile", 14) == 0 &&
		    (eol - p == 14 || p[14] == '='))
			continue;
		memcpy(o, p, (size_t)(eol - p));
		o += eol - p;
		if (eol < end)
			*o++ = '\n';
	}
	*o = '\0';
	*outlen = (size_t)(o - *out);
	return 0;
}

int
rt_dnsmasq_install(struct rt_ctx *c, const char *id, const char *text,
    size_t len, const char *path)
{
	char *out;
	size_t n;
	int r;

	if (rt_dnsmasq_lint(text, len, c->err, sizeof(c->err)) == -1)
		return -1;
	if (rt_dnsmasq_render(text, len, &out, &n) == -1)
		return rt_errf(c->err, sizeof(c->err), "out of memory");
	r = rt_file_replace(path, out, n, 0644, 0);
	free(out);
	if (r == -1)
		return rt_errf(c->err, sizeof(c->err), "%s: %s", path,
		    strerror(errno));
	return 0;
}
