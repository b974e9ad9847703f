/*
 * sha256.c - SHA-256 (FIPS 180-4).  Written from the standard: portable C,
 * byte-order independent, and the compression function on the CPU's own
 * SHA-256 instructions where it has them (x86 SHA extensions, ARMv8
 * SHA2), chosen at run time; both give the same digests (the unit test
 * compares them on every length).
 */
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA256_X86	1
#elif defined(__aarch64__)
#include <arm_neon.h>
#include <sys/auxv.h>
#ifndef HWCAP_SHA2
#define HWCAP_SHA2	(1 << 6)
#endif
#define SHA256_ARM	1
#endif

#include "sha256.h"

static const uint32_t sha256_k[64] = {
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1,
	0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3,
	0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786,
	0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
	0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147,
	0x06ca6351, 0x14292967, 0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13,
	0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b,
	0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
	0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a,
	0x5b9cca4f, 0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208,
	0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2
};

#define ROR(x, n)	(((x) >> (n)) | ((x) << (32 - (n))))
#define BSIG0(x)	(ROR(x, 2) ^ ROR(x, 13) ^ ROR(x, 22))
#define BSIG1(x)	(ROR(x, 6) ^ ROR(x, 11) ^ ROR(x, 25))
#define SSIG0(x)	(ROR(x, 7) ^ ROR(x, 18) ^ ((x) >> 3))
#define SSIG1(x)	(ROR(x, 17) ^ ROR(x, 19) ^ ((x) >> 10))
#define CH(x, y, z)	((z) ^ ((x) & ((y) ^ (z))))
#define MAJ(x, y, z)	(((x) & (y)) | ((z) & ((x) | (y))))

/* The message schedule in a 16-word ring: word i >= 16 replaces i - 16. */
#define W0(i)		(w[i])
#define WS(i)		(w[(i) & 15] += SSIG1(w[((i) - 2) & 15]) + \
			    w[((i) - 7) & 15] + SSIG0(w[((i) - 15) & 15]))
/* One round, the eight working variables renamed instead of shifted. */
#define RND(a, b, c, d, e, f, g, h, i, W) do {				\
	uint32_t t_ = h + BSIG1(e) + CH(e, f, g) + sha256_k[i] + W(i);	\
	d += t_;							\
	h = t_ + BSIG0(a) + MAJ(a, b, c);				\
} while (0)
#define RND8(i, W) do {							\
	RND(a, b, cc, d, e, f, g, h, (i), W);				\
	RND(h, a, b, cc, d, e, f, g, (i) + 1, W);			\
	RND(g, h, a, b, cc, d, e, f, (i) + 2, W);			\
	RND(f, g, h, a, b, cc, d, e, (i) + 3, W);			\
	RND(e, f, g, h, a, b, cc, d, (i) + 4, W);			\
	RND(d, e, f, g, h, a, b, cc, (i) + 5, W);			\
	RND(cc, d, e, f, g, h, a, b, (i) + 6, W);			\
	RND(b, cc, d, e, f, g, h, a, (i) + 7, W);			\
} while (0)

/* The runtime verifies every bundle file on every run, so this is on
 * the no-op re-apply's path: the rounds are unrolled by eight (no
 * shuffling of the working variables) and the schedule is a ring. */
static void
blocks_portable(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32_t w[16], a, b, cc, d, e, f, g, h;
	int i;

	for (; n > 0; n--, p += 64) {
		for (i = 0; i < 16; i++)
			w[i] = (uint32_t)p[4 * i] << 24 |
			    (uint32_t)p[4 * i + 1] << 16 |
			    (uint32_t)p[4 * i + 2] << 8 | (uint32_t)p[4 * i + 3];
		a = st[0]; b = st[1]; cc = st[2]; d = st[3];
		e = st[4]; f = st[5]; g = st[6]; h = st[7];
		RND8(0, W0);
		RND8(8, W0);
		for (i = 16; i < 64; i += 8)
			RND8(i, WS);
		st[0] += a; st[1] += b; st[2] += cc; st[3] += d;
		st[4] += e; st[5] += f; st[6] += g; st[7] += h;
	}
}

#ifdef SHA256_X86
/*
 * x86 SHA extensions.  sha256rnds2 does two rounds on the state held as
 * ABEF and CDGH (the order the instruction wants); sha256msg1/msg2 extend
 * the schedule four words at a time: W[i..i+3] = msg2(msg1(W[i-16..],
 * W[i-12..]) + W[i-7..i-4], W[i-4..i-1]).
 */
__attribute__((target("sha,sse4.1,ssse3")))
static void
blocks_x86(uint32_t st[8], const uint8_t *p, size_t n)
{
	const __m128i bswap = _mm_set_epi64x(0x0c0d0e0f08090a0bULL,
	    0x0405060700010203ULL);
	__m128i abef, cdgh, abef0, cdgh0, m[4], k, t;
	int i;

	t = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[0]),
	    0xb1);					/* CDAB */
	cdgh = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)&st[4]),
	    0x1b);					/* EFGH */
	abef = _mm_alignr_epi8(t, cdgh, 8);
	cdgh = _mm_blend_epi16(cdgh, t, 0xf0);
	for (; n > 0; n--, p += 64) {
		abef0 = abef;
		cdgh0 = cdgh;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = _mm_shuffle_epi8(_mm_loadu_si128(
				    (const __m128i *)(p + 16 * i)), bswap);
			else {
				t = _mm_add_epi32(_mm_sha256msg1_epu32(
				    m[i & 3], m[(i + 1) & 3]), _mm_alignr_epi8(
				    m[(i + 3) & 3], m[(i + 2) & 3], 4));
				m[i & 3] = _mm_sha256msg2_epu32(t,
				    m[(i + 3) & 3]);
			}
			k = _mm_add_epi32(m[i & 3], _mm_loadu_si128(
			    (const __m128i *)&sha256_k[4 * i]));
			cdgh = _mm_sha256rnds2_epu32(cdgh, abef, k);
			abef = _mm_sha256rnds2_epu32(abef, cdgh,
			    _mm_shuffle_epi32(k, 0x0e));
		}
		abef = _mm_add_epi32(abef, abef0);
		cdgh = _mm_add_epi32(cdgh, cdgh0);
	}
	t = _mm_shuffle_epi32(abef, 0x1b);		/* FEBA */
	cdgh = _mm_shuffle_epi32(cdgh, 0xb1);		/* DCHG */
	_mm_storeu_si128((__m128i *)&st[0], _mm_blend_epi16(t, cdgh, 0xf0));
	_mm_storeu_si128((__m128i *)&st[4], _mm_alignr_epi8(cdgh, t, 8));
}

static int
have_x86(void)
{
	unsigned a, b, c, d;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) ||
	    !(c & bit_SSE4_1))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

#ifdef SHA256_ARM
/* ARMv8 SHA2: sha256h/h2 do four rounds on ABCD and EFGH; su0/su1 extend
 * the schedule four words at a time. */
__attribute__((target("+crypto")))
static void
blocks_arm(uint32_t st[8], const uint8_t *p, size_t n)
{
	uint32x4_t abcd = vld1q_u32(&st[0]), efgh = vld1q_u32(&st[4]);
	uint32x4_t abcd0, efgh0, m[4], k, t;
	int i;

	for (; n > 0; n--, p += 64) {
		abcd0 = abcd;
		efgh0 = efgh;
		for (i = 0; i < 16; i++) {
			if (i < 4)
				m[i] = vreinterpretq_u32_u8(vrev32q_u8(
				    vld1q_u8(p + 16 * i)));
			else
				m[i & 3] = vsha256su1q_u32(vsha256su0q_u32(
				    m[i & 3], m[(i + 1) & 3]), m[(i + 2) & 3],
				    m[(i + 3) & 3]);
			k = vaddq_u32(m[i & 3], vld1q_u32(&sha256_k[4 * i]));
			t = abcd;
			abcd = vsha256hq_u32(abcd, efgh, k);
			efgh = vsha256h2q_u32(efgh, t, k);
		}
		abcd = vaddq_u32(abcd, abcd0);
		efgh = vaddq_u32(efgh, efgh0);
	}
	vst1q_u32(&st[0], abcd);
	vst1q_u32(&st[4], efgh);
}
#endif

typedef void sha256_blocks_fn(uint32_t[8], const uint8_t *, size_t);
static sha256_blocks_fn *sha256_blocks;
static const char *sha256_name;

static void
sha256_pick(void)
{
	const char *s = getenv("EDGENET_SHA256");

	sha256_blocks = blocks_portable;
	sha256_name = "portable";
	if (s != NULL && strcmp(s, "portable") == 0)
		return;
#ifdef SHA256_X86
	if (have_x86()) {
		sha256_blocks = blocks_x86;
		sha256_name = "x86-sha";
	}
#endif
#ifdef SHA256_ARM
	if (getauxval(AT_HWCAP) & HWCAP_SHA2) {
		sha256_blocks = blocks_arm;
		sha256_name = "armv8-sha2";
	}
#endif
}

const char *
sha256_impl(int portable)
{
	sha256_pick();
	if (portable) {
		sha256_blocks = blocks_portable;
		sha256_name = "portable";
	}
	return sha256_name;
}

void
sha256_init(struct sha256_ctx *c)
{
	static const uint32_t iv[8] = {
		0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
		0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19
	};

	if (sha256_blocks == NULL)
		sha256_pick();
	memcpy(c->h, iv, sizeof(iv));
	c->len = 0;
	c->nbuf = 0;
}

void
sha256_update(struct sha256_ctx *c, const void *data, size_t n)
{
	const uint8_t *p = data;
	size_t k;

	c->len += n;
	if (c->nbuf > 0) {
		k = 64 - c->nbuf;
		if (k > n)
			k = n;
		memcpy(c->buf + c->nbuf, p, k);
		c->nbuf += k;
		p += k;
		n -= k;
		if (c->nbuf < 64)
			return;
		sha256_blocks(c->h, c->buf, 1);
		c->nbuf = 0;
	}
	if (n >= 64) {
		sha256_blocks(c->h, p, n / 64);
		p += n / 64 * 64;
		n %= 64;
	}
	if (n > 0) {
		memcpy(c->buf, p, n);
		c->nbuf = n;
	}
}

void
sha256_final(struct sha256_ctx *c, uint8_t out[32])
{
	uint64_t bits = c->len * 8;
	int i;

	c->buf[c->nbuf++] = 0x80;
	if (c->nbuf > 56) {
		memset(c->buf + c->nbuf, 0, 64 - c->nbuf);
		sha256_blocks(c->h, c->buf, 1);
		c->nbuf = 0;
	}
	memset(c->buf + c->nbuf, 0, 56 - c->nbuf);
	for (i = 0; i < 8; i++)
		c->buf[56 + i] = (uint8_t)(bits >> (56 - 8 * i));
	sha256_blocks(c->h, c->buf, 1);
	for (i = 0; i < 8; i++) {
		out[4 * i] = (uint8_t)(c->h[i] >> 24);
		out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
		out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
		out[4 * i + 3] = (uint8_t)c->h[i];
	}
}

void
sha256(const void *p, size_t n, uint8_t out[32])
{
	struct sha256_ctx c;

	sha256_init(&c);
	sha256_update(&c, p, n);
	sha256_final(&c, out);
}

void
sha256_hex(const uint8_t d[32], char out[65])
{
	static const char hx[] = "0123456789abcdef";
	int i;

	for (i = 0; i < 32; i++) {
		out[2 * i] = hx[d[i] >> 4];
		out[2 * i + 1] = hx[d[i] & 15];
	}
	out[64] = '\0';
}
