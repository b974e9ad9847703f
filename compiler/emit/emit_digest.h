/*
 * emit_digest.h - what one device's bundle depends on, as one SHA-256.
 *
 * The digest covers a canonical form of exactly the device's inputs: its
 * inventory entry, the services its instances run (after network_config
 * inheritance, as planned), the allocation decisions of those instances,
 * the tool version and the bundle format.  Comments, the order of devices,
 * services and instances in the input, how the input is split into files,
 * other devices and services none of its instances run do not change it.
 * manifest.json carries it as inputs_sha256, and OUTDIR's list of bundles
 * records it per device, so compile knows an unchanged device without
 * rendering it or reading its files.
 */
#ifndef EDGENETC_EMIT_DIGEST_H
#define EDGENETC_EMIT_DIGEST_H

#include "emit.h"
#include "sha256.h"

/* Fills hex with the digest of ed's inputs (64 hex digits and NUL). */
void	emit_dev_digest(const struct emit_dev *ed, char hex[SHA256_HEX_LEN]);
/* The same for eds[0..n) into hex[0..n), on two threads when there are
 * many (each digest reads only its device, its plan and its services). */
void	emit_devs_digest(const struct emit_dev *eds, size_t n,
	    char (*hex)[SHA256_HEX_LEN]);

#endif
