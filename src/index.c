/*
 * index.c: the persistent index beside a tracker: its key, its place and
 * its layout (read by index_read.c, written by index_write.c).
 *
 * Reading a big tracker from its text files costs seconds: a million CSV
 * rows through GDAL, validity and overlap checks of thousands of regions,
 * the overlay of regions and event polygons into atoms.  All of it depends
 * only on the source files.  Once a tracker has been read without errors, its
 * whole in-memory form (actors, regions, events, zones, atoms, apply order)
 * is saved in `.frontline-index` inside a folder tracker (or
 * `FILE.frontline-index` beside a GeoPackage) under a key made of the
 * sources' paths, sizes, inodes and modification times, and the next open
 * reads that file instead: one read, strings used in place.  A stale, foreign
 * or damaged index is ignored and rebuilt; one that cannot be written (a
 * read-only folder) is simply not kept.  Small trackers do not get one.
 *
 * Layout (native byte order, guarded by a byte-order mark; scalars are
 * copied out with memcpy, the events' columns are aligned to their item
 * size with zero bytes before them and read in place):
 *   "FLIDX011" u32 0x01020304 u64 key
 *   the time zone's name (a string; "UTC" when the tracker declares none)
 *   u64 nactors nregions nevents nzones natoms
 *   actors:  5 strings, u32 nparties, i32 parties[nparties] (contested ground's
 *            holders; 0 for the actors of the layer)
 *   regions: 5 strings, file, i32 line, f64 area, u32 wkb_len, wkb
 *   events:  columns of nevents items: i64 when, recorded; u64 reg0, atom0
 *            (nevents + 1 offsets into the lists below); i32 to, from,
 *            corrects, line; u32 id, date, source, note, file (offsets into
 *            the strings); u8 kind, status, partial, all_regions, has_polygon;
 *            then i32 regions[reg0[nevents]], u32 atoms[atom0[nevents]],
 *            u64 length, the strings (each NUL-terminated, each once)
 *   zones:   id, name, kind, source, note, i32 actor, i64 from, to,
 *            u8 has_end, approximate, u32 wkb_len, wkb
 *   atoms:   f64 area, i32 region, u32 wkb_len, wkb
 *   order:   u32 order[nevents] (aligned to 4: the timelines after it too)
 *   timelines: per atom u32 n, u32 events[n] (in apply order, read in place)
 *   u8 coverage: 1 the atoms meet vertex for vertex, 2 not (fl__coverage_of)
 * A string is u32 length, bytes, NUL.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "index.h"
#include "tracker_priv.h"
#include "util.h"
#include "store/store.h"

/* 012: each event's latest instant after its when (dates with a period),
 * kind retraction, whose `to` is FL_NONE, and the actors' parties
 * (contested ground); 011: the tracker's time zone after the key (the
 * instants of date-only events depend on it) */
const char fl__index_magic[8] = {'F', 'L', 'I', 'D', 'X', '0', '1', '2'};

/* The key names each source by its file name only, never by the path as the user typed it
 * (`gen`, `./gen` and `gen/` are one tracker and share one index); the device and inode
 * say which file it is, size and modification time whether it changed. */
static void key_add(uint64_t *key, const char *path, const char *name)
{
	struct stat sb;
	uint64_t k = *key ^ 0x5851f42d4c957f2dULL;
	for (const char *p = name; *p; p++)
		k = fl__mix64(k ^ (unsigned char)*p);
	if (stat(path, &sb) == 0) {
		k = fl__mix64(k ^ (uint64_t)sb.st_dev);
		k = fl__mix64(k ^ (uint64_t)sb.st_size);
		k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_sec);
		k = fl__mix64(k ^ (uint64_t)sb.st_mtim.tv_nsec);
		k = fl__mix64(k ^ (uint64_t)sb.st_ino);
	} else
		k = fl__mix64(k ^ 0xdeadULL); /* absent: also part of the key */
	*key = k;
}

uint64_t fl__sources_key(const char *path)
{
	uint64_t key = 0x6a09e667f3bcc909ULL ^ (uint64_t)sizeof(fl__event);
	struct stat sb;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode)) {
		/* every file a folder may hold a layer in (store/store.c) */
		for (size_t i = 0; i < FL__NLAYERS; i++)
			for (const char *const *e = fl__store_layers[i].exts; *e; e++) {
				char *name = fl__printf("%s.%s", fl__store_layers[i].name, *e);
				char *p = name ? fl__printf("%s/%s", path, name) : NULL;
				if (p)
					key_add(&key, p, name);
				free(p);
				free(name);
			}
	} else {
		const char *base = strrchr(path, '/');
		key_add(&key, path, base ? base + 1 : path);
	}
	return key;
}

char *fl__index_path(const char *path)
{
	struct stat sb;
	if (stat(path, &sb) != 0)
		return NULL;
	if (S_ISDIR(sb.st_mode))
		return fl__printf("%s/.frontline-index", path);
	if (S_ISREG(sb.st_mode))
		return fl__printf("%s.frontline-index", path);
	return NULL; /* PG: and other remote stores keep no local index */
}

bool fl__index_worth(const fl_tracker *t)
{
	bool polygons = false;
	for (size_t i = 0; i < t->nevents && !polygons; i++)
		polygons = t->events[i].pub.has_polygon;
	return polygons || t->nevents >= 10000 || t->nregions >= 1000;
}
