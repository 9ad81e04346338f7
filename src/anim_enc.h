/*
 * anim_enc.h: the encoders of an animation (anim_gif.c, anim_webp.c,
 * anim_av.c), as animate.c drives them.  Private to the library.
 *
 * A frame is w x h pixels of 32 bits, 0xAARRGGBB in native byte order as
 * Cairo's ARGB32 holds them (opaque: the maps paint their background),
 * `stride` pixels apart row to row.  Each frame is shown from t0_ms to
 * t1_ms after the start; video, which has a constant frame rate, shows it
 * `copies` times instead.  finish hands over the whole file's bytes
 * (malloc'd) for fl__atomic_write; close frees the encoder, finished or not.
 */
#ifndef FL_ANIM_ENC_H
#define FL_ANIM_ENC_H

#include <stddef.h>
#include <stdint.h>
#include "frontline/animate.h"
#include "fl_config.h"

typedef struct fl__anim_encoder {
	fl_status (*open)(void **enc, int w, int h, const fl_animate_opts *o, const char *ext);
	fl_status (*add)(void *enc, const uint32_t *px, int stride, int64_t t0_ms, int64_t t1_ms,
			 int copies);
	fl_status (*finish)(void *enc, unsigned char **buf, size_t *len);
	void (*close)(void *enc);
} fl__anim_encoder;

extern const fl__anim_encoder fl__anim_gif;
extern const fl__anim_encoder fl__anim_webp;
#if FL_HAVE_FFMPEG
extern const fl__anim_encoder fl__anim_av; /* .mp4 and .webm */
#endif

#endif
