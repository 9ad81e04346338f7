/*
 * render_caption.c: what a printed map or chart must say under it, and the
 * wrapping of long texts (captions, legend rows, footnotes) to a width.
 *
 * The caption tells the reader the date and the time zone its days are in,
 * the filters that shaped the picture (as of a recording date, confirmed
 * events only), whose data it is (the tracker's attribution) and whose base
 * map (fl_render_opts.basemap_credit): nothing of it is cut, long captions
 * wrap.
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "render_caption.h"
#include "tracker_priv.h"
#include "tz.h"
#include "util.h"

char *fl__attribution(const fl_tracker *t, const fl_render_opts *o)
{
	return o->attribution ? fl__strdup(o->attribution) : fl_tracker_attribution(t);
}

char *fl__caption(const fl_tracker *t, const fl_render_opts *o, const char *what, fl_instant at,
		  const fl_query *f)
{
	int32_t off = fl__tz_offset(t->tz, at);
	int aoff = off < 0 ? -off : off;
	char zone[96], filters[128] = "none";
	if (!t->tz) /* no zone declared, or UTC's */
		snprintf(zone, sizeof zone, "UTC");
	else
		snprintf(zone, sizeof zone, "%s, UTC%c%02d:%02d", fl_tracker_time_zone(t), off < 0 ? '-' : '+',
			 aoff / 3600, aoff / 60 % 60);
	if (f && (f->has_as_of || f->confirmed_only)) {
		char d[32] = "";
		if (f->has_as_of)
			fl_tracker_format_date(t, f->as_of, d, sizeof d);
		snprintf(filters, sizeof filters, "%s%s%s", f->has_as_of ? "as of " : "", d,
			 !f->confirmed_only ? "" : f->has_as_of ? ", confirmed events only"
							       : "confirmed events only");
	}
	char *attr = fl__attribution(t, o);
	size_t n = attr ? strlen(attr) : 0;
	const char *end = n && attr[n - 1] != '.' ? "." : "";
	char *s = fl__printf("%s (%s). Filters: %s.%s%s%s%s%s%s", what, zone, filters, attr ? " " : "",
			     attr ? attr : "", end, o->basemap_credit ? " " : "",
			     o->basemap_credit ? o->basemap_credit : "", o->basemap_credit ? "." : "");
	free(attr);
	return s;
}

/* The length of the first UTF-8 character of s (1 for a stray byte). */
static size_t char_len(const char *s)
{
	size_t n = 1;
	while (s[n] && ((unsigned char)s[n] & 0xC0) == 0x80)
		n++;
	return n;
}

/* The width of s[0..n). */
static double width_of(fl__canvas *c, double size, const char *s, size_t n, char *buf)
{
	memcpy(buf, s, n);
	buf[n] = 0;
	return fl__text_width(c, size, buf);
}

size_t fl__wrap(fl__canvas *c, double size, const char *s, double width, size_t *start, size_t *len,
		size_t max)
{
	size_t total = strlen(s), nl = 0, i = 0;
	char *buf = malloc(total + 1);
	if (!buf)
		return 0;
	cairo_select_font_face(c->cr, "DejaVu Sans", CAIRO_FONT_SLANT_NORMAL, CAIRO_FONT_WEIGHT_NORMAL);
	while (i < total && nl < max) {
		while (s[i] == ' ')
			i++;
		if (i >= total)
			break;
		/* the longest run of whole words from i that fits */
		size_t end = i, fit = 0;
		while (end < total) {
			size_t next = end;
			while (next < total && s[next] == ' ')
				next++;
			while (next < total && s[next] != ' ')
				next++;
			if (width_of(c, size, s + i, next - i, buf) > width)
				break;
			end = fit = next;
		}
		if (!fit) { /* one word wider than the line: as many characters as fit, one at least */
			fit = i + char_len(s + i);
			while (fit < total && s[fit] != ' ' &&
			       width_of(c, size, s + i, fit + char_len(s + fit) - i, buf) <= width)
				fit += char_len(s + fit);
		}
		start[nl] = i;
		len[nl++] = fit - i;
		i = fit;
	}
	free(buf);
	return nl;
}

size_t fl__text_block(fl__canvas *c, double x, double y, double width, double size, double lh,
		      const char *s, bool draw)
{
	enum { MAX = 64 };
	size_t start[MAX], len[MAX];
	size_t n = fl__wrap(c, size, s, width, start, len, MAX);
	char *buf = draw ? malloc(strlen(s) + 1) : NULL;
	for (size_t i = 0; buf && i < n; i++) {
		memcpy(buf, s + start[i], len[i]);
		buf[len[i]] = 0;
		fl__text_at(c, x, y + lh * (double)i, size, false, buf);
	}
	free(buf);
	return n;
}
