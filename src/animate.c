/*
 * animate.c: time-lapses (fl_animate): one map per day, week or month, drawn
 * by render.c into an image in memory (fl__render_frame), handed to the
 * encoder the extension names (anim_gif.c, anim_webp.c, anim_av.c), and
 * written whole at the end (fl__atomic_write).
 */
#define FL__CAIRO_CALLS /* Cairo's functions through cairo_load.c */
#include "cairo_load.h"
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include "anim_enc.h"
#include "date_priv.h"
#include "fail.h"
#include "render_basemap.h"
#include "render_canvas.h"
#include "sink.h"

/* more frames than a reader would sit through, and the memory they take */
#define MAX_FRAMES 10000

fl_animate_opts fl_animate_opts_default(void)
{
	fl_animate_opts o = {0};
	o.fps = 4;
	o.lossless = 1;
	o.quality = 90;
	return o;
}

fl_status fl_animate_parse_step(const char *text, fl_step *step)
{
	static const char *const names[] = {"day", "week", "month"};
	for (int i = 0; i < 3; i++)
		if (text && !strcmp(text, names[i])) {
			*step = (fl_step)(FL_STEP_DAY + i);
			return FL_OK;
		}
	return fl__fail(FL_EARG, "`step` %s: expected day, week or month", text ? text : "(none)");
}

const char *fl_animate_formats(void)
{
#if FL_HAVE_FFMPEG
	return "gif webp mp4 webm";
#else
	return "gif webp";
#endif
}

/* The first frame's calendar day in the tracker's zone. */
static fl_status first_day(const fl_tracker *t, fl_instant from, long *y, int *m, int *d)
{
	char buf[32], *end = NULL, *end2 = NULL, *end3 = NULL;
	fl_tracker_format_date(t, from, buf, sizeof buf);
	/* "YYYY-MM-DD" (a year before 0 starts with '-') */
	*y = strtol(buf, &end, 10);
	long mm = *end == '-' ? strtol(end + 1, &end2, 10) : 0;
	long dd = end2 && *end2 == '-' ? strtol(end2 + 1, &end3, 10) : 0;
	if (!end3 || *end3 || mm < 1 || mm > 12 || dd < 1 || dd > 31)
		return fl__fail(FL_EARG, "`from` %s: not a calendar date frontline can step from", buf);
	*m = (int)mm, *d = (int)dd;
	return FL_OK;
}

/* Frame k's day as "YYYY-MM-DD", and its instant: the end of that day in
 * the tracker's zone, as `render --date` reads a date. */
static fl_status frame_at(const fl_tracker *t, long y, int m, int d, fl_step step, size_t k,
			  char *text, size_t len, fl_instant *at)
{
	long fy = y;
	int fm = m, fd = d;
	if (step == FL_STEP_MONTH) {
		long months = (long)(m - 1) + (long)k;
		fy = y + months / 12;
		fm = (int)(months % 12) + 1;
		int last = fl__days_in_month(fy, fm);
		fd = d < last ? d : last;
	} else {
		int64_t days = fl__days_from_civil(y, m, d) + (int64_t)k * (step == FL_STEP_WEEK ? 7 : 1);
		fl__civil_from_days(days, &fy, &fm, &fd);
	}
	snprintf(text, len, "%04ld-%02d-%02d", fy, fm, fd);
	return fl_tracker_parse_date(t, text, FL_DATE_END, "frame date", at);
}

size_t fl_animate_count(const fl_tracker *t, fl_instant from, fl_instant to, fl_step step)
{
	long y;
	int m, d;
	if (to < from || first_day(t, from, &y, &m, &d))
		return 0;
	size_t n = 0;
	char text[32];
	fl_instant at;
	while (n <= MAX_FRAMES && !frame_at(t, y, m, d, step, n, text, sizeof text, &at) && at <= to)
		n++;
	return n;
}

static const fl__anim_encoder *encoder_for(const char *path, const char **ext)
{
	const char *dot = path ? strrchr(path, '.') : NULL;
	const char *slash = path ? strrchr(path, '/') : NULL;
	if (!dot || (slash && slash > dot))
		return NULL;
	*ext = dot + 1;
	if (!strcasecmp(dot, ".gif"))
		return &fl__anim_gif;
	if (!strcasecmp(dot, ".webp"))
		return &fl__anim_webp;
#if FL_HAVE_FFMPEG
	if (!strcasecmp(dot, ".mp4") || !strcasecmp(dot, ".webm"))
		return &fl__anim_av;
#endif
	return NULL;
}

/* Refuse a path that cannot be written before drawing a frame for it: a
 * folder, or a file in a folder that is missing or not writable. */
static fl_status check_target(const char *path)
{
	struct stat sb;
	if (fl__is_stream(path))
		return FL_OK;
	if (stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return fl__fail(FL_EARG, "`path` %s: is a folder (nothing written)", path);
	const char *slash = strrchr(path, '/');
	char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
	if (!dir)
		return fl__fail(FL_ENOMEM, "out of memory");
	fl_status st = FL_OK;
	if (stat(dir, &sb) != 0 || !S_ISDIR(sb.st_mode))
		st = fl__fail(FL_EARG, "`path` %s: the folder %s does not exist (nothing written)", path, dir);
	else if (access(dir, W_OK | X_OK) != 0)
		st = fl__fail(FL_EARG, "`path` %s: cannot write into the folder %s: %s (nothing written)",
			      path, dir, strerror(errno));
	free(dir);
	return st;
}

static fl_status check_args(const fl_tracker *t, fl_instant from, fl_instant to, fl_step step,
			    const fl_render_opts *ro, const fl_animate_opts *ao, const char *path,
			    const fl__anim_encoder **enc, const char **ext)
{
	if (!t || !ro || !ao)
		return fl__fail(FL_EARG, "fl_animate: the tracker and the options are required");
	if (!path || !*path)
		return fl__fail(FL_EARG, "`path`: a file name is required");
	*enc = encoder_for(path, ext);
	if (!*enc) {
#if !FL_HAVE_FFMPEG
		const char *dot = strrchr(path, '.');
		if (dot && (!strcasecmp(dot, ".mp4") || !strcasecmp(dot, ".webm")))
			return fl__fail(FL_EARG, "`path` %s: this libfrontline was built without FFmpeg "
					"(meson -Dffmpeg=enabled) and writes no video: use .gif or .webp",
					path);
#endif
		return fl__fail(FL_EARG, "`path` %s: the file must end in .%s", path,
#if FL_HAVE_FFMPEG
				"gif, .webp, .mp4 or .webm"
#else
				"gif or .webp"
#endif
		);
	}
	if (step != FL_STEP_DAY && step != FL_STEP_WEEK && step != FL_STEP_MONTH)
		return fl__fail(FL_EARG, "`step` %d: expected day, week or month", (int)step);
	if (ao->fps < 1 || ao->fps > 100)
		return fl__fail(FL_EARG, "`fps` %d: expected 1 to 100 frames per second", ao->fps);
	if (!(ao->hold_last >= 0 && ao->hold_last <= 3600))
		return fl__fail(FL_EARG, "`hold_last` %g: expected 0 to 3600 seconds", ao->hold_last);
	if (ao->quality < 0 || ao->quality > 100)
		return fl__fail(FL_EARG, "`quality` %d: expected 0 to 100", ao->quality);
	if (from > to) {
		char a[16], b[16];
		fl_tracker_format_date(t, from, a, sizeof a);
		fl_tracker_format_date(t, to, b, sizeof b);
		return fl__fail(FL_EARG, "`from` %s is after `to` %s", a, b);
	}
	size_t n = fl_animate_count(t, from, to, step);
	if (n == 0)
		return fl__fail(FL_EARG, "`from` to `to`: no day to draw");
	if (n > MAX_FRAMES)
		return fl__fail(FL_EARG, "`from` to `to` every %s: more than %d frames",
				step == FL_STEP_DAY ? "day" : step == FL_STEP_WEEK ? "week" : "month",
				MAX_FRAMES);
	return check_target(path);
}

/* Draw every frame and hand it to the encoder. */
static fl_status draw_frames(const fl_tracker *t, const fl_query *q, fl_instant from, size_t n,
			     fl_step step, const fl_render_opts *ro, const fl_animate_opts *ao,
			     const fl__anim_encoder *enc, void *e, fl_animate_progress progress,
			     void *user)
{
	long y;
	int m, d;
	fl_status st = first_day(t, from, &y, &m, &d);
	if (st)
		return st;
	cairo_surface_t *img = cairo_image_surface_create(CAIRO_FORMAT_ARGB32, ro->width, ro->height);
	if (cairo_surface_status(img) != CAIRO_STATUS_SUCCESS) {
		st = fl__fail(FL_ENOMEM, "cairo: %s", cairo_status_to_string(cairo_surface_status(img)));
		cairo_surface_destroy(img);
		return st;
	}
	fl_query fq = q ? *q : fl_query_at(0);
	fl__basemap *bm = NULL; /* loaded with the first frame, drawn on each */
	int64_t hold_ms = llround(ao->hold_last * 1000);
	int hold_copies = (int)lround(ao->hold_last * ao->fps);
	for (size_t k = 0; k < n && !st; k++) {
		char text[32];
		st = frame_at(t, y, m, d, step, k, text, sizeof text, &fq.at);
		if (!st)
			st = fl__render_frame(t, &fq, ro, img, &bm);
		if (st)
			break;
		cairo_surface_flush(img);
		const uint32_t *px = (const uint32_t *)(const void *)cairo_image_surface_get_data(img);
		int stride = cairo_image_surface_get_stride(img) / 4;
		int64_t t0 = ((int64_t)k * 1000 + ao->fps / 2) / ao->fps;
		int64_t t1 = ((int64_t)(k + 1) * 1000 + ao->fps / 2) / ao->fps;
		bool last = k + 1 == n;
		st = enc->add(e, px, stride, t0, t1 + (last ? hold_ms : 0), 1 + (last ? hold_copies : 0));
		if (!st && progress && progress(k + 1, n, user))
			st = fl__fail(FL_EARG, "stopped after %zu of %zu frames (nothing written)", k + 1, n);
	}
	fl__basemap_free(bm);
	cairo_surface_destroy(img);
	return st;
}

fl_status fl_animate(const fl_tracker *t, const fl_query *q, fl_instant from, fl_instant to,
		     fl_step step, const fl_render_opts *ro, const fl_animate_opts *ao,
		     const char *path, fl_animate_progress progress, void *user)
{
	const fl__anim_encoder *enc = NULL;
	const char *ext = NULL;
	fl_status st = check_args(t, from, to, step, ro, ao, path, &enc, &ext);
	if (!st)
		st = fl__texts_utf8(ro);
	if (!st)
		st = fl__cairo_load();
	if (st)
		return st;
	size_t n = fl_animate_count(t, from, to, step);
	void *e = NULL;
	st = enc->open(&e, ro->width, ro->height, ao, ext);
	if (!st)
		st = draw_frames(t, q, from, n, step, ro, ao, enc, e, progress, user);
	unsigned char *buf = NULL;
	size_t len = 0;
	if (!st)
		st = enc->finish(e, &buf, &len);
	if (e)
		enc->close(e);
	if (!st)
		st = fl__atomic_write(path, buf, len);
	free(buf);
	return st;
}
