/*
 * animate.h: time-lapses, one map per day, week or month (GIF, WebP, MP4, WebM).
 *
 * Each frame is the map fl_render_snapshot draws for its date, with the same
 * options and the same pixels (its heading says "Control on DATE").  The
 * format comes from the path's extension: .gif (giflib: an exact palette per
 * frame when it has 256 colours or fewer, else the nearest of its 256 most
 * frequent; only the rectangle that changed is stored), .webp (libwebp's
 * animation encoder, lossless or lossy), .mp4 (H.264) and .webm (VP9) through
 * FFmpeg's libraries when libfrontline was built with them
 * (fl_animate_formats says which).  Animations loop.
 *
 * The file is written whole or not at all (a temporary beside it, then
 * renamed over it); nothing is written on any failure or when the progress
 * callback stops the run.  Refusals (FL_EARG) name what is wrong in
 * backquotes: `path`, `from`, `to`, `step`, `fps`, `hold_last`, `quality`,
 * `size` (of video), and fl_render_snapshot's.
 */
#ifndef FRONTLINE_ANIMATE_H
#define FRONTLINE_ANIMATE_H

#include "frontline/render.h"

#ifdef __cplusplus
extern "C" {
#endif


typedef struct fl_animate_opts {
	int fps;           /* frames per second, 1..100 */
	double hold_last;  /* seconds the last frame stays on beyond its own time, 0..3600 */
	int lossless;      /* WebP: lossless, the frames' exact pixels (else lossy at quality) */
	int quality;       /* WebP lossy quality (0..100), or effort when lossless */
} fl_animate_opts;

/* Defaults: 4 frames per second, no hold, lossless WebP (quality 90: its
 * effort).  A map's flat colours make lossless WebP smaller than lossy at
 * 90 as well as exact: 193 KB against 234 KB for the 2020 war at 1200x900. */
FL_API fl_animate_opts fl_animate_opts_default(void);

/* "day", "week" or "month" (stats.h's fl_step, without FL_STEP_EVENT).  By
 * month: the same day of each month, the month's last where it has none. */
FL_API fl_status fl_animate_parse_step(const char *text, fl_step *step);

/* The formats this build writes, as extensions: "gif webp" or "gif webp mp4
 * webm" (a static string). */
FL_API const char *fl_animate_formats(void);

/* Called after each frame is drawn and encoded (done of total); a nonzero
 * return stops the run (fl_animate then fails with FL_EARG "stopped" and
 * writes nothing). */
typedef int (*fl_animate_progress)(size_t done, size_t total, void *user);

/* The number of frames from `from` to `to` by step (0 when to < from). */
FL_API size_t fl_animate_count(const fl_tracker *t, fl_instant from, fl_instant to,
			       fl_step step);

/* Draw the maps of the days from `from` to `to` (their calendar dates in the
 * tracker's time zone, both included) every step, each as fl_render_snapshot
 * would for q (its filters; q->at is ignored, NULL: none) at the end of its
 * day, and write them as an animation to path.  Video repeats the last frame
 * for hold_last; GIF and WebP show it longer.  progress may be NULL.  Nothing
 * is kept: the caller owns t, q, the options and path. */
FL_API fl_status fl_animate(const fl_tracker *t, const fl_query *q, fl_instant from, fl_instant to,
			    fl_step step, const fl_render_opts *ro, const fl_animate_opts *ao,
			    const char *path, fl_animate_progress progress, void *user);

#ifdef __cplusplus
}
#endif
#endif
