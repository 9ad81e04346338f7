/*
 * anim_webp.c: animated WebP through libwebp's WebPAnimEncoder, which stores
 * each frame as the sub-rectangle that changed; lossless (the frames' exact
 * pixels) or lossy (at the `quality` given).  The animation loops.
 */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <webp/encode.h>
#include <webp/mux.h>
#include "anim_enc.h"
#include "fail.h"

typedef struct webp_enc {
	WebPAnimEncoder *enc;
	WebPConfig config;
	int w, h;
	int64_t end_ms; /* where the last frame added ends */
} webp_enc;

static fl_status webp_open(void **out, int w, int h, const fl_animate_opts *o, const char *ext)
{
	(void)ext;
	webp_enc *e = calloc(1, sizeof *e);
	if (!e)
		return fl__fail(FL_ENOMEM, "out of memory");
	*out = e;
	e->w = w, e->h = h;
	WebPAnimEncoderOptions eo;
	if (!WebPAnimEncoderOptionsInit(&eo) || !WebPConfigInit(&e->config))
		return fl__fail(FL_EIO, "WebP: the library does not match its headers");
	eo.anim_params.loop_count = 0; /* forever */
	eo.anim_params.bgcolor = 0xFFFFFFFF;
	e->config.lossless = o->lossless ? 1 : 0;
	e->config.quality = (float)o->quality;
	e->config.method = o->lossless ? 1 : 4;
	e->config.thread_level = 1;
	if (!WebPValidateConfig(&e->config))
		return fl__fail(FL_EARG, "`quality` %d: WebP refuses it", o->quality);
	e->enc = WebPAnimEncoderNew(w, h, &eo);
	if (!e->enc)
		return fl__fail(FL_ENOMEM, "WebP: cannot start an animation of %dx%d", w, h);
	return FL_OK;
}

static fl_status webp_add(void *enc, const uint32_t *px, int stride, int64_t t0, int64_t t1, int copies)
{
	(void)copies;
	webp_enc *e = enc;
	WebPPicture pic;
	if (!WebPPictureInit(&pic))
		return fl__fail(FL_EIO, "WebP: the library does not match its headers");
	pic.use_argb = 1;
	pic.width = e->w;
	pic.height = e->h;
	/* the caller's pixels, read and copied by the encoder (0xAARRGGBB, as WebP's argb) */
	memcpy(&pic.argb, &px, sizeof px);
	pic.argb_stride = stride;
	if (t0 > INT32_MAX || t1 > INT32_MAX)
		return fl__fail(FL_EARG, "WebP: the animation is longer than 24 days");
	if (!WebPAnimEncoderAdd(e->enc, &pic, (int)t0, &e->config))
		return fl__fail(FL_EIO, "WebP: %s", WebPAnimEncoderGetError(e->enc));
	e->end_ms = t1;
	return FL_OK;
}

static fl_status webp_finish(void *enc, unsigned char **buf, size_t *len)
{
	webp_enc *e = enc;
	WebPData data;
	WebPDataInit(&data);
	if (!WebPAnimEncoderAdd(e->enc, NULL, (int)e->end_ms, NULL) ||
	    !WebPAnimEncoderAssemble(e->enc, &data))
		return fl__fail(FL_EIO, "WebP: %s", WebPAnimEncoderGetError(e->enc));
	*buf = malloc(data.size ? data.size : 1);
	if (!*buf) {
		WebPDataClear(&data);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	memcpy(*buf, data.bytes, data.size);
	*len = data.size;
	WebPDataClear(&data);
	return FL_OK;
}

static void webp_close(void *enc)
{
	webp_enc *e = enc;
	if (e->enc)
		WebPAnimEncoderDelete(e->enc);
	free(e);
}

const fl__anim_encoder fl__anim_webp = {webp_open, webp_add, webp_finish, webp_close};
