/*
 * fdt_write.c - writes a flattened device tree (Devicetree Specification
 * v0.4, chapter 5), front to back, the way libfdt's "sequential write"
 * functions do:
 *
 *   header (40 bytes) | memory reservation map (one empty entry) |
 *   structure block (BEGIN_NODE name, PROP len nameoff value, END_NODE,
 *   ..., END) | strings block (property names)
 *
 * The structure goes straight into the output; property names are
 * collected in w->strings (each once) and appended by fdtw_finish(). All
 * values are big-endian and written a byte at a time (the output is guest
 * RAM, which minihyp sees with its MMU off: no unaligned accesses).
 */
#include "minihyp.h"

#define FDT_BEGIN_NODE 1
#define FDT_END_NODE   2
#define FDT_PROP       3
#define FDT_END        9
#define HEADER_SIZE    40
#define RSVMAP_SIZE    16

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = v >> 24;
	p[1] = v >> 16;
	p[2] = v >> 8;
	p[3] = v;
}

/* Append `len` bytes (or zeros if `data` is NULL), padded to 4 bytes. */
static void emit(struct fdtw *w, const void *data, uint32_t len)
{
	const uint8_t *d = data;
	uint32_t padded = (len + 3) & ~3u, i;

	if (w->err || padded > w->cap - w->off) {
		w->err = 1;
		return;
	}
	for (i = 0; i < padded; i++)
		w->buf[w->off + i] = d && i < len ? d[i] : 0;
	w->off += padded;
}

static void emit_u32(struct fdtw *w, uint32_t v)
{
	uint8_t b[4];

	put_be32(b, v);
	emit(w, b, 4);
}

void fdtw_init(struct fdtw *w, void *buf, uint32_t cap)
{
	w->buf = buf;
	w->cap = cap;
	w->off = 0;
	w->str_len = 0;
	w->err = cap < HEADER_SIZE + RSVMAP_SIZE;
	emit(w, 0, HEADER_SIZE);        /* filled in by fdtw_finish */
	emit(w, 0, RSVMAP_SIZE);        /* address 0, size 0: the end */
}

void fdtw_begin_node(struct fdtw *w, const char *name)
{
	emit_u32(w, FDT_BEGIN_NODE);
	emit(w, name, strlen(name) + 1);
}

void fdtw_end_node(struct fdtw *w)
{
	emit_u32(w, FDT_END_NODE);
}

/* The offset of `name` in the strings block, adding it if new. */
static uint32_t string_offset(struct fdtw *w, const char *name)
{
	uint32_t i, n = strlen(name) + 1;

	for (i = 0; i < w->str_len; i += strlen(w->strings + i) + 1)
		if (strcmp(w->strings + i, name) == 0)
			return i;
	if (n > sizeof(w->strings) - w->str_len) {
		w->err = 1;
		return 0;
	}
	memcpy(w->strings + w->str_len, name, n);
	w->str_len += n;
	return i;
}

void fdtw_prop(struct fdtw *w, const char *name, const void *val, uint32_t len)
{
	emit_u32(w, FDT_PROP);
	emit_u32(w, len);
	emit_u32(w, string_offset(w, name));
	emit(w, val, len);
}

void fdtw_prop_cells(struct fdtw *w, const char *name, const uint32_t *c, int n)
{
	uint8_t b[16 * 4];
	int i;

	if (n > 16) {
		w->err = 1;
		return;
	}
	for (i = 0; i < n; i++)
		put_be32(b + 4 * i, c[i]);
	fdtw_prop(w, name, b, 4 * n);
}

/* Close the structure, append the strings, write the header. */
int fdtw_finish(struct fdtw *w)
{
	uint32_t struct_size, total;

	emit_u32(w, FDT_END);
	struct_size = w->off - HEADER_SIZE - RSVMAP_SIZE;
	if (w->err || w->str_len > w->cap - w->off)
		return -1;
	memcpy(w->buf + w->off, w->strings, w->str_len);
	total = w->off + w->str_len;

	put_be32(w->buf + 0, 0xd00dfeed);       /* magic */
	put_be32(w->buf + 4, total);            /* totalsize */
	put_be32(w->buf + 8, HEADER_SIZE + RSVMAP_SIZE);    /* off_dt_struct */
	put_be32(w->buf + 12, w->off);          /* off_dt_strings */
	put_be32(w->buf + 16, HEADER_SIZE);     /* off_mem_rsvmap */
	put_be32(w->buf + 20, 17);              /* version */
	put_be32(w->buf + 24, 16);              /* last_comp_version */
	put_be32(w->buf + 28, 0);               /* boot_cpuid_phys */
	put_be32(w->buf + 32, w->str_len);      /* size_dt_strings */
	put_be32(w->buf + 36, struct_size);     /* size_dt_struct */
	return (int)total;
}
