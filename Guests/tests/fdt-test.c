/*
 * fdt-test.c - host-side test of common/fdt.c (built by `make check-host`
 * with AddressSanitizer and UBSan).
 *
 * 1. Known answers on the DTBs made from the .dts files in tests/: the
 *    same steps the guests take (console through stdout-path and aliases,
 *    /memory, /psci) plus the corner cases of path matching; and two tiny
 *    hand-made blobs whose last bytes are a node name with no NUL or a
 *    property longer than the blob.
 * 2. Robustness: thousands of corrupted copies of each DTB, each in a heap
 *    buffer of exactly totalsize bytes, run through every function. The
 *    sanitizers turn any read past the buffer into a failure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fdt.h"

static int failures;

#define CHECK(cond) do {                                                   \
	if (!(cond)) {                                                     \
		fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",           \
		        __FILE__, __LINE__, current, #cond);               \
		failures++;                                                \
	}                                                                  \
} while (0)

static const char *current = "";

struct expect {
	const char *model;
	const char *uart_compat;
	uint64_t uart_base;
	uint64_t mem_base, mem_size;
	const char *psci_method;
};

static const struct expect expects[] = {
	{ "armvm Arndale-like (Exynos 5250)", "samsung,exynos4210-uart",
	  0x12c20000, 0x40000000, 0x20000000, "smc" },
	{ "linux,dummy-virt", "arm,pl011",
	  0x09000000, 0x40000000, 0x20000000, "hvc" },
};

/* What console.c does: stdout-path, strip ":options", resolve, read reg. */
static int find_console(const void *fdt, uint64_t *base)
{
	const char *path;
	int len, node;

	path = fdt_getprop_string(fdt, fdt_path_offset(fdt, "/chosen"),
	                          "stdout-path");
	if (!path)
		return -1;
	for (len = 0; path[len] && path[len] != ':'; len++)
		;
	node = fdt_path_offset_len(fdt, path, len);
	if (node < 0 || fdt_get_reg(fdt, node, 0, base, NULL) < 0)
		return -1;
	return node;
}

static void *load(const char *file, size_t *sizep)
{
	FILE *f = fopen(file, "rb");
	static char tmp[1 << 20];
	size_t n;
	void *p;

	if (!f) {
		perror(file);
		exit(2);
	}
	n = fread(tmp, 1, sizeof(tmp), f);
	fclose(f);
	p = malloc(n);
	memcpy(p, tmp, n);
	*sizep = n;
	return p;
}

static void known_answers(const char *file)
{
	size_t size;
	void *fdt = load(file, &size);
	const struct expect *e = NULL;
	const char *model, *s;
	uint64_t base, msize;
	int root, node, cpus, cpu, mem, i, len;

	current = file;
	CHECK(fdt_check_header(fdt) == 0);
	CHECK(fdt_totalsize(fdt) == size);

	root = fdt_path_offset(fdt, "/");
	CHECK(root >= 0);
	CHECK(strcmp(fdt_get_name(fdt, root), "") == 0);
	model = fdt_getprop_string(fdt, root, "model");
	CHECK(model != NULL);
	for (i = 0; model && i < 2; i++)
		if (strcmp(model, expects[i].model) == 0)
			e = &expects[i];
	CHECK(e != NULL);
	if (!e)
		return;
	printf("%s: model \"%s\"\n", file, model);

	/* The console, as console.c finds it. */
	node = find_console(fdt, &base);
	CHECK(node >= 0);
	CHECK(fdt_node_is_compatible(fdt, node, e->uart_compat));
	CHECK(base == e->uart_base);
	printf("%s: console %s at 0x%llx\n", file, e->uart_compat,
	       (unsigned long long)base);

	/* /memory matches memory@40000000; a wrong unit address does not. */
	mem = fdt_path_offset(fdt, "/memory");
	CHECK(mem >= 0);
	CHECK(fdt_path_offset(fdt, "/memory@40000000") == mem);
	CHECK(fdt_path_offset(fdt, "/memory@0") == FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "/memor") == FDT_ERR_NOTFOUND);
	CHECK(fdt_get_reg(fdt, mem, 0, &base, &msize) == 0);
	CHECK(base == e->mem_base && msize == e->mem_size);
	CHECK(fdt_get_reg(fdt, mem, 1, &base, &msize) == FDT_ERR_NOTFOUND);

	s = fdt_getprop_string(fdt, fdt_path_offset(fdt, "/psci"), "method");
	CHECK(s && strcmp(s, e->psci_method) == 0);

	/* Parents, names, cells of a child bus (#address-cells 1, #size-cells 0). */
	cpus = fdt_path_offset(fdt, "/cpus");
	cpu = fdt_path_offset(fdt, "/cpus/cpu@0");
	CHECK(cpus >= 0 && cpu > cpus);
	CHECK(fdt_path_offset(fdt, "//cpus//cpu/") == cpu);
	CHECK(fdt_parent_offset(fdt, cpu) == cpus);
	CHECK(fdt_parent_offset(fdt, cpus) == root);
	CHECK(fdt_parent_offset(fdt, root) < 0);
	CHECK(strcmp(fdt_get_name(fdt, cpu), "cpu@0") == 0);
	CHECK(fdt_get_reg(fdt, cpu, 0, &base, &msize) == 0);
	CHECK(base == 0 && msize == 0);

	/* Properties: present, absent, length. */
	CHECK(fdt_getprop(fdt, cpu, "device_type", &len) != NULL && len == 4);
	CHECK(fdt_getprop(fdt, cpu, "no-such-prop", &len) == NULL && len < 0);
	CHECK(fdt_getprop(fdt, cpu, "device_typ", NULL) == NULL);
	CHECK(fdt_getprop(fdt, -1, "reg", NULL) == NULL);
	CHECK(fdt_getprop(fdt, 3, "reg", NULL) == NULL);    /* not a node */

	/* Bad paths and aliases. */
	CHECK(fdt_path_offset(fdt, "") == FDT_ERR_BADPATH);
	CHECK(fdt_path_offset(fdt, "/nope") == FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "nope") == FDT_ERR_NOTFOUND);
	CHECK(fdt_path_offset(fdt, "nope/cpu") == FDT_ERR_NOTFOUND);
	CHECK(fdt_get_alias(fdt, "serial7") == NULL);
	CHECK(fdt_path_offset_len(fdt, "/cpus/cpu@0", 5) == cpus);

	/* Children in order, and a search by compatible. */
	CHECK(fdt_next_subnode(fdt, cpus, -1) == cpu);
	CHECK(fdt_next_subnode(fdt, cpu, -1) == FDT_ERR_NOTFOUND);
	CHECK(fdt_next_subnode(fdt, -1, -1) == FDT_ERR_NOTFOUND);
	{
		int child = -1, n = 0, saw_cpus = 0;

		while ((child = fdt_next_subnode(fdt, root, child)) >= 0) {
			CHECK(fdt_parent_offset(fdt, child) == root);
			saw_cpus |= child == cpus;
			n++;
		}
		CHECK(child == FDT_ERR_NOTFOUND && n >= 4 && saw_cpus);
	}
	node = fdt_node_offset_by_compatible(fdt, -1, e->uart_compat);
	CHECK(node >= 0 && fdt_node_is_compatible(fdt, node, e->uart_compat));
	CHECK(fdt_node_offset_by_compatible(fdt, -1, "no,such-device") == FDT_ERR_NOTFOUND);
	CHECK(fdt_node_offset_by_compatible(fdt, node, e->uart_compat) != node);

	if (e->uart_base == 0x12c20000) {
		/* A bus with 1-cell addresses; "soc" matches "soc@0". */
		int u2 = fdt_path_offset(fdt, "serial2");
		CHECK(u2 >= 0);
		CHECK(fdt_path_offset(fdt, "/soc/serial@12c20000") == u2);
		CHECK(fdt_path_offset(fdt, "/soc@0/serial@12c20000") == u2);
		CHECK(fdt_path_offset(fdt, "/soc@1/serial@12c20000") < 0);
		node = fdt_path_offset(fdt, "/soc/serial");  /* first one */
		CHECK(fdt_get_reg(fdt, node, 0, &base, &msize) == 0);
		CHECK(base == 0x12c00000 && msize == 0x100);
		CHECK(fdt_path_offset(fdt, "serial0") == node);
		CHECK(fdt_node_is_compatible(fdt, root, "samsung,exynos5250"));
		CHECK(fdt_node_is_compatible(fdt, root, "insignal,arndale"));
	} else {
		node = fdt_path_offset(fdt, "serial0");
		CHECK(fdt_node_is_compatible(fdt, node, "arm,primecell"));
		CHECK(!fdt_node_is_compatible(fdt, node, "arm,pl01"));
		CHECK(!fdt_node_is_compatible(fdt, node, "arm,pl0111"));
		CHECK(!fdt_node_is_compatible(fdt, node, ""));
		/* Two reg entries of 2+2 cells. */
		node = fdt_path_offset(fdt, "/intc");
		CHECK(fdt_get_reg(fdt, node, 1, &base, &msize) == 0);
		CHECK(base == 0x08010000 && msize == 0x10000);
		CHECK(fdt_get_reg(fdt, node, 2, &base, &msize) < 0);
	}

	/* Header damage is detected. */
	{
		unsigned char *c = malloc(size);

		memcpy(c, fdt, size);
		c[0] ^= 1;
		CHECK(fdt_check_header(c) == FDT_ERR_BADMAGIC);
		CHECK(fdt_path_offset(c, "/") == FDT_ERR_BADMAGIC);
		memcpy(c, fdt, size);
		c[4] = 0x7f;                 /* totalsize 2 GiB */
		CHECK(fdt_check_header(c) == FDT_ERR_BADHEADER);
		memcpy(c, fdt, size);
		c[8] = 0x7f;                 /* off_dt_struct beyond the blob */
		CHECK(fdt_check_header(c) == FDT_ERR_BADHEADER);
		CHECK(fdt_check_header(NULL) < 0);
		free(c);
	}
	free(fdt);
}

/* ---- Hand-made blobs: the structure block ends the buffer ----------- */

static void put_be32(unsigned char *p, uint32_t v);

/* Header (40 bytes), empty reservation map (16), no strings, then `st`. */
static unsigned char *make_blob(const unsigned char *st, uint32_t n)
{
	uint32_t total = 56 + n;
	unsigned char *b = calloc(1, total);

	put_be32(b + 0, FDT_MAGIC);
	put_be32(b + 4, total);
	put_be32(b + 8, 56);         /* off_dt_struct */
	put_be32(b + 12, 56);        /* off_dt_strings */
	put_be32(b + 16, 40);        /* off_mem_rsvmap */
	put_be32(b + 20, 17);        /* version */
	put_be32(b + 24, 16);        /* last_comp_version */
	put_be32(b + 32, 0);         /* size_dt_strings */
	put_be32(b + 36, n);         /* size_dt_struct */
	memcpy(b + 56, st, n);
	return b;
}

static void handmade(void)
{
	/* BEGIN_NODE "" END_NODE END: the smallest valid tree. */
	static const unsigned char ok[] = {
		0, 0, 0, 1,  0, 0, 0, 0,  0, 0, 0, 2,  0, 0, 0, 9 };
	/* BEGIN_NODE and a name that runs to the end of the blob. */
	static const unsigned char noname[] = { 0, 0, 0, 1, 'a', 'b', 'c', 'd' };
	/* BEGIN_NODE "", PROP with len 16 but only 4 bytes left. */
	static const unsigned char longprop[] = {
		0, 0, 0, 1,  0, 0, 0, 0,  0, 0, 0, 3,  0, 0, 0, 16,
		0, 0, 0, 0,  'x', 'y', 'z', 'w' };
	unsigned char *b;

	current = "handmade";
	b = make_blob(ok, sizeof(ok));
	CHECK(fdt_check_header(b) == 0);
	CHECK(fdt_path_offset(b, "/") == 0);
	CHECK(fdt_getprop(b, 0, "reg", NULL) == NULL);
	CHECK(fdt_path_offset(b, "/x") == FDT_ERR_NOTFOUND);
	free(b);

	b = make_blob(noname, sizeof(noname));
	CHECK(fdt_check_header(b) == 0);
	CHECK(fdt_path_offset(b, "/") == FDT_ERR_BADSTRUCT);
	CHECK(fdt_get_name(b, 0) == NULL);
	free(b);

	b = make_blob(longprop, sizeof(longprop));
	CHECK(fdt_path_offset(b, "/") == 0);
	CHECK(fdt_getprop(b, 0, "", NULL) == NULL);
	CHECK(fdt_path_offset(b, "/x") == FDT_ERR_BADSTRUCT);
	free(b);
}

/* ---- Fuzzing --------------------------------------------------------- */

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;

static uint64_t rng(void)
{
	/* xorshift64*: deterministic, so a failure can be replayed */
	rng_state ^= rng_state >> 12;
	rng_state ^= rng_state << 25;
	rng_state ^= rng_state >> 27;
	return rng_state * 0x2545f4914f6cdd1dull;
}

static volatile uint64_t sink;

/* Call everything on a possibly corrupt blob; only memory safety matters. */
static void exercise(const void *fdt)
{
	static const char *paths[] = {
		"/", "/chosen", "/memory", "/psci", "/cpus", "/cpus/cpu@0",
		"/soc/serial@12c20000", "/pl011@9000000", "/intc", "/aliases",
		"serial0", "serial2", "serial2/x", "/a/b/c/d",
	};
	static const char *props[] = {
		"reg", "compatible", "model", "method", "stdout-path",
		"#address-cells", "#size-cells", "serial0", "",
	};
	unsigned i, j;
	uint64_t a, s;
	int len, node;

	sink += fdt_check_header(fdt);
	sink += find_console(fdt, &a);
	for (i = 0; i < sizeof(paths) / sizeof(paths[0]); i++) {
		node = fdt_path_offset(fdt, paths[i]);
		sink += node;
		sink += fdt_parent_offset(fdt, node);
		sink += fdt_node_is_compatible(fdt, node, "arm,pl011");
		for (j = 0; j < 3; j++)
			if (fdt_get_reg(fdt, node, (int)j, &a, &s) == 0)
				sink += a + s;
		if (fdt_get_name(fdt, node))
			sink += strlen(fdt_get_name(fdt, node));
		for (j = 0; j < sizeof(props) / sizeof(props[0]); j++) {
			const unsigned char *p = fdt_getprop(fdt, node, props[j], &len);
			if (p && len > 0)
				sink += p[0] + p[len - 1];   /* the whole value is ours */
			if (fdt_getprop_string(fdt, node, props[j]))
				sink += strlen(fdt_getprop_string(fdt, node, props[j]));
		}
	}
	if (fdt_get_alias(fdt, "serial0"))
		sink += strlen(fdt_get_alias(fdt, "serial0"));
	/* Children of the root, and every node of a compatible (bounded). */
	node = -1;
	for (i = 0; i < 64 && (node = fdt_next_subnode(fdt, fdt_path_offset(fdt, "/"), node)) >= 0; i++)
		sink += node;
	node = -1;
	for (i = 0; i < 64 && (node = fdt_node_offset_by_compatible(fdt, node, "arm,pl011")) >= 0; i++)
		sink += node;
}

static void put_be32(unsigned char *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

static void fuzz(const char *file, int rounds)
{
	size_t size, cut;
	unsigned char *orig = load(file, &size), *c;
	uint32_t off_st = fdt_be32(orig + 8), size_st = fdt_be32(orig + 36);
	int r, k, n;

	current = file;
	for (r = 0; r < rounds; r++) {
		c = malloc(size);
		memcpy(c, orig, size);
		n = 1 + (int)(rng() % 8);
		for (k = 0; k < n; k++) {
			uint64_t x = rng();
			size_t w = off_st + 4 * ((x >> 8) % (size_st / 4));

			switch (x % 6) {
			case 0:         /* any byte, header included */
				c[(x >> 8) % size] ^= (unsigned char)(1u << ((x >> 40) % 8));
				break;
			case 1:         /* a structure word becomes a token */
				put_be32(c + w, (uint32_t[]){ 1, 2, 3, 4, 9, 0 }[(x >> 40) % 6]);
				break;
			case 2:         /* a structure word becomes a big number */
				put_be32(c + w, (uint32_t)(x >> 32) | 0x80000000u);
				break;
			case 3:         /* a small length or name offset */
				put_be32(c + w, (uint32_t)((x >> 32) % 64));
				break;
			case 4:         /* a header field gets a random value */
				put_be32(c + 8 + 4 * ((x >> 8) % 8), (uint32_t)(x >> 32) % (2 * size));
				break;
			case 5:         /* a NUL disappears */
				c[w] |= 0x41;
				break;
			}
		}
		/* totalsize is a promise about the buffer: keep it inside. */
		if (fdt_be32(c + 4) > size)
			put_be32(c + 4, (uint32_t)size);
		exercise(c);

		/* The same blob cut short, in a buffer of just that size. */
		cut = 40 + rng() % (size - 40);
		put_be32(c + 4, (uint32_t)cut);
		{
			unsigned char *t = malloc(cut);
			memcpy(t, c, cut);
			exercise(t);
			free(t);
		}
		free(c);
	}
	printf("%s: %d corrupted copies survived\n", file, rounds);
	free(orig);
}

int main(int argc, char **argv)
{
	int i;

	for (i = 1; i < argc; i++)
		known_answers(argv[i]);
	handmade();
	for (i = 1; i < argc; i++)
		fuzz(argv[i], 20000);
	if (failures) {
		printf("fdt-test: %d failures\n", failures);
		return 1;
	}
	printf("fdt-test: all passed\n");
	return 0;
}
