/*
 * fdt.c - a minimal, read-only flattened device tree reader.
 *
 * Reference: Devicetree Specification v0.4, chapter 5 (DTB format) and
 * chapter 2.3 (standard properties: #address-cells, reg, compatible).
 *
 * Robustness rule: every access goes through fdt_next_tag(), which checks
 * that a token, a node name or a property value lies inside the structure
 * block, and the header check makes sure that block lies inside totalsize.
 * Offsets only ever grow while walking, so every loop terminates.
 *
 * Bytes are read one at a time: the guests run with the MMU off, where all
 * data accesses are Device memory and must be aligned, and a DTB's 64-bit
 * values are only 4-byte aligned.
 */
#include "fdt.h"

/* Structure block tokens (DT spec 5.4.1). */
#define FDT_BEGIN_NODE 0x1
#define FDT_END_NODE   0x2
#define FDT_PROP       0x3
#define FDT_NOP        0x4
#define FDT_END        0x9

/* Header field offsets (DT spec 5.2, struct fdt_header). */
#define HDR_MAGIC          0
#define HDR_TOTALSIZE      4
#define HDR_OFF_DT_STRUCT  8
#define HDR_OFF_DT_STRINGS 12
#define HDR_VERSION        20
#define HDR_LAST_COMP      24
#define HDR_SIZE_STRINGS   32
#define HDR_SIZE_STRUCT    36   /* present from version 17 */

/* Refuse absurd sizes; Linux and Xen limit a DTB to 2 MiB anyway. */
#define FDT_MAX_TOTALSIZE (64u << 20)

/* Longest path or node name we are willing to handle. */
#define FDT_MAX_PATH 256

uint32_t fdt_be32(const void *p)
{
	const uint8_t *b = p;
	return ((uint32_t)b[0] << 24) | ((uint32_t)b[1] << 16) |
	       ((uint32_t)b[2] << 8) | b[3];
}

/* The pieces of a checked DTB that the walkers need. */
struct fdt_view {
	const uint8_t *st;     /* structure block */
	uint32_t st_size;
	const char *str;       /* strings block */
	uint32_t str_size;
};

static int fdt_view(const void *fdt, struct fdt_view *v)
{
	const uint8_t *b = fdt;
	uint32_t total, off_st, off_str, version, size_st, size_str;

	if (!fdt)
		return FDT_ERR_BADMAGIC;
	if (fdt_be32(b + HDR_MAGIC) != FDT_MAGIC)
		return FDT_ERR_BADMAGIC;

	total = fdt_be32(b + HDR_TOTALSIZE);
	version = fdt_be32(b + HDR_VERSION);
	/* Version 16 has a 36-byte header, version 17 a 40-byte one. */
	if (version < 16 || fdt_be32(b + HDR_LAST_COMP) > 17)
		return FDT_ERR_BADHEADER;
	if (total < 40 || total > FDT_MAX_TOTALSIZE)
		return FDT_ERR_BADHEADER;

	off_st = fdt_be32(b + HDR_OFF_DT_STRUCT);
	off_str = fdt_be32(b + HDR_OFF_DT_STRINGS);
	size_str = fdt_be32(b + HDR_SIZE_STRINGS);
	if (version >= 17)
		size_st = fdt_be32(b + HDR_SIZE_STRUCT);
	else
		size_st = off_st <= total ? total - off_st : 0;

	/* Both blocks must lie inside the blob; 64-bit sums cannot wrap. */
	if (off_st < 36 || (off_st & 3) ||
	    (uint64_t)off_st + size_st > total)
		return FDT_ERR_BADHEADER;
	if ((uint64_t)off_str + size_str > total)
		return FDT_ERR_BADHEADER;

	v->st = b + off_st;
	v->st_size = size_st;
	v->str = (const char *)b + off_str;
	v->str_size = size_str;
	return 0;
}

int fdt_check_header(const void *fdt)
{
	struct fdt_view v;
	return fdt_view(fdt, &v);
}

uint32_t fdt_totalsize(const void *fdt)
{
	return fdt_be32((const uint8_t *)fdt + HDR_TOTALSIZE);
}

/*
 * Decode the token at `off`. On success return the tag and set *next to the
 * offset of the following token; on a malformed or truncated block return
 * a negative error. The name of a BEGIN_NODE is checked to be
 * NUL-terminated and a PROP's value to fit in the block.
 */
static int fdt_next_tag(const struct fdt_view *v, uint32_t off, uint32_t *next)
{
	uint32_t tag, p, len;

	if ((off & 3) || off > v->st_size || v->st_size - off < 4)
		return FDT_ERR_BADSTRUCT;
	tag = fdt_be32(v->st + off);
	p = off + 4;

	switch (tag) {
	case FDT_BEGIN_NODE:
		/* The name, NUL included, then padding to 4 bytes. */
		while (p < v->st_size && v->st[p] != '\0')
			p++;
		if (p >= v->st_size)
			return FDT_ERR_BADSTRUCT;
		p++;
		break;
	case FDT_PROP:
		/* u32 len, u32 nameoff, then len bytes of value. */
		if (v->st_size - p < 8)
			return FDT_ERR_BADSTRUCT;
		len = fdt_be32(v->st + p);
		p += 8;
		if (len > v->st_size - p)
			return FDT_ERR_BADSTRUCT;
		p += len;
		break;
	case FDT_END_NODE:
	case FDT_NOP:
	case FDT_END:
		break;
	default:
		return FDT_ERR_BADSTRUCT;
	}
	*next = (p + 3) & ~3u;
	return (int)tag;
}

/* Offset of the root node: the first token that is not a NOP. */
static int fdt_root(const struct fdt_view *v)
{
	uint32_t off = 0, next;
	int tag;

	for (;;) {
		tag = fdt_next_tag(v, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_BEGIN_NODE)
			return (int)off;
		if (tag != FDT_NOP)
			return FDT_ERR_BADSTRUCT;
		off = next;
	}
}

/* Name of the node whose BEGIN_NODE is at `node` (already validated). */
static const char *node_name(const struct fdt_view *v, int node)
{
	return (const char *)v->st + node + 4;
}

/*
 * Does node name `name` match the path component comp[0..n)?
 * Same rule as libfdt: "cpus" matches "cpus", "memory" matches
 * "memory@40000000", but "memory@0" does not match "memory@40000000".
 */
static int name_matches(const char *name, const char *comp, int n)
{
	int i, comp_has_unit = 0;

	for (i = 0; i < n; i++) {
		if (name[i] != comp[i])
			return 0;   /* also stops at name's NUL, since comp has none */
		if (comp[i] == '@')
			comp_has_unit = 1;
	}
	if (name[n] == '\0')
		return 1;
	return !comp_has_unit && name[n] == '@';
}

/* The child of `parent` called comp[0..n), or an error. */
static int fdt_subnode(const struct fdt_view *v, int parent,
                       const char *comp, int n)
{
	uint32_t off, next;
	int tag, depth = 0;

	tag = fdt_next_tag(v, (uint32_t)parent, &next);
	if (tag != FDT_BEGIN_NODE)
		return tag < 0 ? tag : FDT_ERR_BADSTRUCT;

	for (off = next;; off = next) {
		tag = fdt_next_tag(v, off, &next);
		if (tag < 0)
			return tag;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && name_matches(node_name(v, (int)off), comp, n))
				return (int)off;
			depth++;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_NOTFOUND;  /* end of parent */
			depth--;
			break;
		case FDT_END:
			return FDT_ERR_BADSTRUCT;         /* unbalanced tree */
		default:
			break;                            /* PROP, NOP */
		}
	}
}

/* Property lookup on a checked view. */
static const void *view_getprop(const struct fdt_view *v, int node,
                                const char *name, int *lenp)
{
	uint32_t off, next, nameoff, i;
	int tag;

	if (lenp)
		*lenp = FDT_ERR_NOTFOUND;
	if (node < 0)
		return 0;
	tag = fdt_next_tag(v, (uint32_t)node, &next);
	if (tag != FDT_BEGIN_NODE)
		return 0;

	/* Properties come first, before any subnode (DT spec 5.4.2). */
	for (off = next;; off = next) {
		tag = fdt_next_tag(v, off, &next);
		if (tag == FDT_NOP)
			continue;
		if (tag != FDT_PROP)
			return 0;
		nameoff = fdt_be32(v->st + off + 8);
		if (nameoff >= v->str_size)
			continue;       /* corrupt name: skip this property */
		/* Compare without ever reading past the strings block. */
		for (i = 0; nameoff + i < v->str_size; i++) {
			char c = v->str[nameoff + i];
			if (c != name[i])
				break;
			if (c == '\0') {
				if (lenp)
					*lenp = (int)fdt_be32(v->st + off + 4);
				return v->st + off + 12;
			}
		}
	}
}

const void *fdt_getprop(const void *fdt, int node, const char *name, int *lenp)
{
	struct fdt_view v;

	if (fdt_view(fdt, &v) < 0) {
		if (lenp)
			*lenp = FDT_ERR_BADHEADER;
		return 0;
	}
	return view_getprop(&v, node, name, lenp);
}

/* A property that holds one string, NUL-terminated inside its length. */
const char *fdt_getprop_string(const void *fdt, int node, const char *name)
{
	int len, i;
	const char *s = fdt_getprop(fdt, node, name, &len);

	if (!s || len <= 0)
		return 0;
	for (i = 0; i < len; i++)
		if (s[i] == '\0')
			return s;
	return 0;
}

/* Walk an absolute path (no aliases) starting at node `node`. */
static int walk_path(const struct fdt_view *v, int node,
                     const char *p, const char *end)
{
	while (p < end) {
		const char *c;

		while (p < end && *p == '/')
			p++;                      /* skip separators */
		if (p == end)
			break;
		for (c = p; c < end && *c != '/'; c++)
			;
		node = fdt_subnode(v, node, p, (int)(c - p));
		if (node < 0)
			return node;
		p = c;
	}
	return node;
}

int fdt_path_offset_len(const void *fdt, const char *path, int len)
{
	struct fdt_view v;
	const char *end, *slash, *alias;
	int root, i, n, err;

	err = fdt_view(fdt, &v);
	if (err < 0)
		return err;
	if (!path || len <= 0 || len > FDT_MAX_PATH)
		return FDT_ERR_BADPATH;
	for (i = 0; i < len && path[i]; i++)
		;
	len = i;            /* stop at a NUL inside the first len bytes */
	end = path + len;
	root = fdt_root(&v);
	if (root < 0)
		return root;

	if (len > 0 && path[0] == '/')
		return walk_path(&v, root, path, end);

	/* "alias/rest": look the alias up, it must be an absolute path. */
	for (slash = path; slash < end && *slash != '/'; slash++)
		;
	{
		char name[FDT_MAX_PATH + 1];
		int node;

		n = (int)(slash - path);
		if (n == 0)
			return FDT_ERR_BADPATH;
		for (i = 0; i < n; i++)
			name[i] = path[i];
		name[n] = '\0';
		alias = fdt_get_alias(fdt, name);
		if (!alias || alias[0] != '/')
			return FDT_ERR_NOTFOUND;  /* no recursion through aliases */
		for (i = 0; alias[i]; i++)
			;
		node = walk_path(&v, root, alias, alias + i);
		if (node < 0)
			return node;
		return walk_path(&v, node, slash, end);
	}
}

int fdt_path_offset(const void *fdt, const char *path)
{
	int n = 0;

	if (!path)
		return FDT_ERR_BADPATH;
	while (n <= FDT_MAX_PATH && path[n])
		n++;
	return fdt_path_offset_len(fdt, path, n);
}

const char *fdt_get_alias(const void *fdt, const char *name)
{
	struct fdt_view v;
	int root, aliases;

	if (fdt_view(fdt, &v) < 0)
		return 0;
	root = fdt_root(&v);
	if (root < 0)
		return 0;
	aliases = fdt_subnode(&v, root, "aliases", 7);
	if (aliases < 0)
		return 0;
	return fdt_getprop_string(fdt, aliases, name);
}

const char *fdt_get_name(const void *fdt, int node)
{
	struct fdt_view v;
	uint32_t next;

	if (fdt_view(fdt, &v) < 0 || node < 0)
		return 0;
	if (fdt_next_tag(&v, (uint32_t)node, &next) != FDT_BEGIN_NODE)
		return 0;
	return node_name(&v, node);
}

/*
 * Parent of `node`, in two passes over the tree with no stack: first find
 * the depth at which `node` begins, then the last node that begins at one
 * level less before it (nodes are properly nested, so that is the parent).
 */
int fdt_parent_offset(const void *fdt, int node)
{
	struct fdt_view v;
	uint32_t off, next;
	int tag, depth, target = -1, parent = FDT_ERR_NOTFOUND, pass, err;

	err = fdt_view(fdt, &v);
	if (err < 0)
		return err;
	if (node < 0)
		return FDT_ERR_NOTFOUND;

	for (pass = 0; pass < 2; pass++) {
		depth = 0;
		for (off = 0;; off = next) {
			tag = fdt_next_tag(&v, off, &next);
			if (tag < 0)
				return tag;
			if (tag == FDT_END)
				return FDT_ERR_NOTFOUND;
			if (tag == FDT_END_NODE) {
				if (--depth < 0)
					return FDT_ERR_BADSTRUCT;
				continue;
			}
			if (tag != FDT_BEGIN_NODE)
				continue;
			depth++;                  /* depth of this node; root = 1 */
			if (off == (uint32_t)node) {
				if (pass == 0) {
					target = depth - 1;
					break;
				}
				return parent;
			}
			if (pass == 1 && depth == target)
				parent = (int)off;
		}
		if (target < 1)
			return FDT_ERR_NOTFOUND;  /* the root has no parent */
	}
	return FDT_ERR_NOTFOUND;
}

int fdt_next_subnode(const void *fdt, int parent, int prev)
{
	struct fdt_view v;
	uint32_t off, next;
	int tag, depth = 0, err;

	err = fdt_view(fdt, &v);
	if (err < 0)
		return err;
	if (parent < 0)
		return FDT_ERR_NOTFOUND;
	tag = fdt_next_tag(&v, (uint32_t)parent, &next);
	if (tag != FDT_BEGIN_NODE)
		return tag < 0 ? tag : FDT_ERR_BADSTRUCT;

	/* Walk the children at depth 0; return the first one after prev. */
	for (off = next;; off = next) {
		tag = fdt_next_tag(&v, off, &next);
		if (tag < 0)
			return tag;
		switch (tag) {
		case FDT_BEGIN_NODE:
			if (depth == 0 && (int)off > prev)
				return (int)off;
			depth++;
			break;
		case FDT_END_NODE:
			if (depth == 0)
				return FDT_ERR_NOTFOUND;  /* end of parent */
			depth--;
			break;
		case FDT_END:
			return FDT_ERR_BADSTRUCT;
		default:
			break;
		}
	}
}

int fdt_node_offset_by_compatible(const void *fdt, int start, const char *compat)
{
	struct fdt_view v;
	uint32_t off, next;
	int tag, err;

	err = fdt_view(fdt, &v);
	if (err < 0)
		return err;
	/* Nodes begin in increasing offsets, so "after start" is "> start". */
	for (off = 0;; off = next) {
		tag = fdt_next_tag(&v, off, &next);
		if (tag < 0)
			return tag;
		if (tag == FDT_END)
			return FDT_ERR_NOTFOUND;
		if (tag == FDT_BEGIN_NODE && (int)off > start &&
		    fdt_node_is_compatible(fdt, (int)off, compat))
			return (int)off;
	}
}

int fdt_node_is_compatible(const void *fdt, int node, const char *compat)
{
	int len, i, j;
	const char *s = fdt_getprop(fdt, node, "compatible", &len);

	if (!s || len <= 0)
		return 0;
	/* A string list: "a\0b\0c\0". Compare each entry, inside len. */
	for (i = 0; i < len;) {
		for (j = 0; i + j < len && s[i + j] == compat[j] && compat[j]; j++)
			;
		if (i + j < len && s[i + j] == '\0' && compat[j] == '\0')
			return 1;
		while (i < len && s[i] != '\0')
			i++;
		i++;                          /* skip the NUL */
	}
	return 0;
}

uint64_t fdt_read_cells(const void *p, int ncells)
{
	const uint8_t *b = p;
	uint64_t v = 0;
	int i;

	for (i = 0; i < ncells; i++)
		v = (v << 32) | fdt_be32(b + 4 * i);
	return v;
}

/* A #address-cells / #size-cells value of `node`, or `dflt`. */
static int cells_prop(const void *fdt, int node, const char *name, int dflt)
{
	int len;
	const void *p = fdt_getprop(fdt, node, name, &len);

	if (!p || len != 4)
		return dflt;
	return (int)fdt_be32(p);
}

int fdt_get_reg(const void *fdt, int node, int index,
                uint64_t *addr, uint64_t *size)
{
	int parent, ac, sc, len, stride;
	const uint8_t *reg;

	parent = fdt_parent_offset(fdt, node);
	if (parent < 0)
		return parent;
	/* DT spec 2.3.5: defaults when the parent says nothing. */
	ac = cells_prop(fdt, parent, "#address-cells", 2);
	sc = cells_prop(fdt, parent, "#size-cells", 1);
	if (ac < 1 || ac > 4 || sc < 0 || sc > 4 || index < 0)
		return FDT_ERR_BADSTRUCT;

	reg = fdt_getprop(fdt, node, "reg", &len);
	if (!reg)
		return FDT_ERR_NOTFOUND;
	stride = 4 * (ac + sc);
	if (len < 0 || index >= len / stride)
		return FDT_ERR_NOTFOUND;
	reg += index * stride;
	if (addr)
		*addr = fdt_read_cells(reg, ac);
	if (size)
		*size = fdt_read_cells(reg + 4 * ac, sc);
	return 0;
}
