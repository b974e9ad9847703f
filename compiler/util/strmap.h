/*
 * strmap.h - a small open-addressing hash map from byte strings to
 * pointers, for the fleet-wide checks (names, ids, ports) that must stay
 * linear on fleets of 10,000 devices.
 *
 * Keys are borrowed: they must outlive the map (or the next clear).  Keys
 * are compared by length and bytes, so strings holding NUL work.  Clearing
 * is O(1) (a generation counter), so one map can serve every device of a
 * fleet in turn.
 */
#ifndef EDGENETC_STRMAP_H
#define EDGENETC_STRMAP_H

#include <stddef.h>
#include <stdint.h>

struct strmap_ent {
	const char	*key;
	void		*val;
	uint32_t	 len;		/* capped, see strmap.c */
	uint32_t	 hash;
	uint32_t	 gen;		/* live when == strmap.gen */
};

struct strmap {
	struct strmap_ent *v;
	size_t		 n, cap;	/* cap is 0 or a power of two */
	uint32_t	 gen;
};

/* hint: expected number of keys (0 is fine). */
void	 strmap_init(struct strmap *m, size_t hint);
void	 strmap_fini(struct strmap *m);
/* Forgets every key, keeps the memory. */
void	 strmap_clear(struct strmap *m);

/* The value stored for key, or NULL. */
void	*strmap_get(const struct strmap *m, const char *key, size_t len);

/*
 * Stores key -> val unless key is present.  Returns NULL when stored, or
 * the value already stored (which is left unchanged).  val must not be
 * NULL.
 */
void	*strmap_put(struct strmap *m, const char *key, size_t len, void *val);

#endif
