/*
 * fdt.h - a minimal, read-only flattened device tree (DTB) reader.
 *
 * The format is described in the Devicetree Specification v0.4, chapter 5
 * ("Flattened Devicetree (DTB) Format"). A DTB is a header, a memory
 * reservation block, a structure block (a stream of big-endian 32-bit
 * tokens: BEGIN_NODE name, PROP len nameoff value, END_NODE, NOP, END) and
 * a strings block holding property names.
 *
 * A "node offset" here is the byte offset of a node's FDT_BEGIN_NODE token
 * inside the structure block; the root node is the first node. Negative
 * return values are errors. Every read is bounds-checked against the
 * header's totalsize, so a corrupt tree gives an error, never a wild read.
 *
 * This file is shared by the guests (freestanding) and by a host-side test
 * (tests/fdt-test.c), so it only needs <stdint.h>.
 */
#ifndef GUEST_FDT_H
#define GUEST_FDT_H

#include <stdint.h>

#define FDT_MAGIC 0xd00dfeedu

/* Error codes (all negative). */
#define FDT_ERR_NOTFOUND  (-1)  /* no such node or property */
#define FDT_ERR_BADMAGIC  (-2)  /* not a DTB */
#define FDT_ERR_BADHEADER (-3)  /* header fields inconsistent with totalsize */
#define FDT_ERR_BADSTRUCT (-4)  /* structure block malformed or truncated */
#define FDT_ERR_BADPATH   (-5)  /* path does not start with '/' or is too long */

/* Read a big-endian 32-bit value (the DTB is always big-endian). */
uint32_t fdt_be32(const void *p);

/* Check the header. Returns 0 when the blob looks like a usable DTB. */
int fdt_check_header(const void *fdt);

/* Header field totalsize (only meaningful after fdt_check_header() == 0). */
uint32_t fdt_totalsize(const void *fdt);

/*
 * Find a node by absolute path, e.g. "/", "/psci", "/memory@40000000".
 * As in libfdt, a component without a unit address ("memory") also matches
 * a node name with one ("memory@40000000"); the first such node wins.
 * A path that does not start with '/' is looked up in /aliases first
 * ("serial0/child" -> alias value + "/child").
 */
int fdt_path_offset(const void *fdt, const char *path);

/* Same, but only the first `len` characters of `path` are used. */
int fdt_path_offset_len(const void *fdt, const char *path, int len);

/*
 * Return a pointer to the value of property `name` of `node`, and its length
 * in *lenp (if lenp is not NULL). NULL when absent (then *lenp is < 0).
 */
const void *fdt_getprop(const void *fdt, int node, const char *name, int *lenp);

/*
 * A property value that is a NUL-terminated string inside its own length,
 * or NULL. Use for "model", "method", "stdout-path", ...
 */
const char *fdt_getprop_string(const void *fdt, int node, const char *name);

/* The value of alias `name` in /aliases (a path string), or NULL. */
const char *fdt_get_alias(const void *fdt, const char *name);

/* The name of a node ("" for the root), or NULL on error. */
const char *fdt_get_name(const void *fdt, int node);

/*
 * Children of `parent`, in order: pass prev = -1 for the first child, then
 * the previous child. Returns FDT_ERR_NOTFOUND after the last one.
 */
int fdt_next_subnode(const void *fdt, int parent, int prev);

/*
 * The first node after `start` (in the order the nodes appear in the blob;
 * start = -1 searches from the root) whose "compatible" list contains
 * `compat`, or FDT_ERR_NOTFOUND.
 */
int fdt_node_offset_by_compatible(const void *fdt, int start, const char *compat);

/* The offset of the parent of `node`, or an error (the root has no parent). */
int fdt_parent_offset(const void *fdt, int node);

/*
 * 1 if the "compatible" string list of `node` contains `compat`, else 0.
 */
int fdt_node_is_compatible(const void *fdt, int node, const char *compat);

/*
 * Combine `ncells` big-endian 32-bit cells at `p` into one number
 * (ncells 1 or 2; more are truncated to the low 64 bits).
 */
uint64_t fdt_read_cells(const void *p, int ncells);

/*
 * Entry `index` of the "reg" property of `node`, decoded with the parent's
 * #address-cells and #size-cells (defaults 2 and 1 as the specification
 * says). Returns 0 on success. Addresses are not translated through the
 * parents' "ranges": the guests here only meet identity-mapped buses.
 */
int fdt_get_reg(const void *fdt, int node, int index,
                uint64_t *addr, uint64_t *size);

#endif
