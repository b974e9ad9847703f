/*
 * names.h - the id and interface-name rules, shared by the compiler
 * (checks, emitters) and the runtime (what it reads from a bundle).
 * Pure C: no allocation, no I/O; s need not be NUL-terminated.
 */
#ifndef EDGENET_NAMES_H
#define EDGENET_NAMES_H

#include <stdbool.h>
#include <stddef.h>

#define NAMES_ID_MAX		63	/* device, instance, service ids */
#define NAMES_IFNAME_MAX	15	/* IFNAMSIZ - 1 */

/* An id: 1..63 bytes of [A-Za-z0-9._-], not "." or "..". */
bool		 names_id_valid(const char *s, size_t len);

/* names_ifname_why strictness */
enum names_if {
	/*
	 * What the kernel takes as an interface name (dev_valid_name: 1..15
	 * bytes, not "." or "..", no '/', ':' or whitespace) in printable
	 * ASCII without '"' or '\\', so that an nft string can hold it: the
	 * names the runtime accepts in a bundle.
	 */
	NAMES_IF_KERNEL,
	/*
	 * Also no '\'', '#', '%', '*' or ',': a name goes unquoted into
	 * ip -batch lines (quotes, comments), into nft and dnsmasq (a '*'
	 * wildcard, a ',' list) and never names a kernel template ("eth%d"):
	 * the names the compiler writes.
	 */
	NAMES_IF_ARTIFACT,
};

/* NULL when s is an interface name by the rule `rule`, else why not
 * ("longer than 15 characters", ...: a static string). */
const char	*names_ifname_why(const char *s, size_t len, enum names_if rule);
/* names_ifname_why(...) == NULL */
bool		 names_ifname_valid(const char *s, size_t len,
		    enum names_if rule);

#endif
