/*
 * anim_av.c: video through FFmpeg's libraries (av_load.c): MP4 with H.264
 * (libx264 where FFmpeg has it) and WebM with VP9, both 4:2:0 at the
 * animation's frame rate, muxed into memory (a seekable buffer, so that MP4
 * can write its index at the start).  A frame shown longer is repeated.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include "anim_enc.h"
#include "av_load.h"
#include "fail.h"
#include "util.h"

typedef struct av_enc {
	AVFormatContext *oc;
	AVCodecContext *cc;
	AVStream *st;
	AVFrame *frame;
	AVPacket *pkt;
	struct SwsContext *sws;
	bool header;      /* written: the trailer is due */
	int w, h;
	int64_t pts;
	unsigned char *buf; /* the file so far, pos where the muxer writes */
	size_t len, cap, pos;
	bool oom;
} av_enc;

static fl_status av_fail(const char *what, int err)
{
	char msg[128] = "";
	AV(av_strerror)(err, msg, sizeof msg);
	return fl__fail(err == AVERROR(ENOMEM) ? FL_ENOMEM : FL_EIO, "FFmpeg: %s: %s", what, msg);
}

#if LIBAVFORMAT_VERSION_MAJOR >= 61
static int mem_write(void *opaque, const uint8_t *data, int n)
#else
static int mem_write(void *opaque, uint8_t *data, int n)
#endif
{
	av_enc *e = opaque;
	if (n < 0)
		return AVERROR(EINVAL);
	unsigned char *nb = fl__grow(e->buf, &e->cap, e->pos + (size_t)n, 1);
	if (!nb) {
		e->oom = true;
		return AVERROR(ENOMEM);
	}
	e->buf = nb;
	if (e->pos > e->len) /* a seek past the end: zeros between */
		memset(e->buf + e->len, 0, e->pos - e->len);
	memcpy(e->buf + e->pos, data, (size_t)n);
	e->pos += (size_t)n;
	if (e->pos > e->len)
		e->len = e->pos;
	return n;
}

static int64_t mem_seek(void *opaque, int64_t off, int whence)
{
	av_enc *e = opaque;
	if (whence & AVSEEK_SIZE)
		return (int64_t)e->len;
	int64_t base = (whence & ~AVSEEK_FORCE) == SEEK_CUR ? (int64_t)e->pos
		       : (whence & ~AVSEEK_FORCE) == SEEK_END ? (int64_t)e->len
							      : 0;
	if (base + off < 0)
		return AVERROR(EINVAL);
	e->pos = (size_t)(base + off);
	return (int64_t)e->pos;
}

static const AVCodec *pick_codec(bool webm)
{
	const AVCodec *c = AV(avcodec_find_encoder_by_name)(webm ? "libvpx-vp9" : "libx264");
	return c ? c : AV(avcodec_find_encoder)(webm ? AV_CODEC_ID_VP9 : AV_CODEC_ID_H264);
}

static fl_status open_codec(av_enc *e, bool webm, int fps)
{
	const AVCodec *codec = pick_codec(webm);
	if (!codec)
		return fl__fail(FL_EIO, "FFmpeg has no %s encoder", webm ? "VP9" : "H.264");
	e->cc = AV(avcodec_alloc_context3)(codec);
	if (!e->cc)
		return fl__fail(FL_ENOMEM, "out of memory");
	e->cc->width = e->w;
	e->cc->height = e->h;
	e->cc->time_base = (AVRational){1, fps};
	e->cc->framerate = (AVRational){fps, 1};
	e->cc->pix_fmt = AV_PIX_FMT_YUV420P;
	e->cc->gop_size = fps * 2;
	if (webm) { /* constant quality, not the default 200 kbit/s */
		e->cc->bit_rate = 0;
		AV(av_opt_set)(e->cc->priv_data, "crf", "31", 0);
	} else
		AV(av_opt_set)(e->cc->priv_data, "tune", "animation", 0);
	if (e->oc->oformat->flags & AVFMT_GLOBALHEADER)
		e->cc->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
	int rc = AV(avcodec_open2)(e->cc, codec, NULL);
	if (rc < 0)
		return av_fail(codec->name, rc);
	e->st = AV(avformat_new_stream)(e->oc, NULL);
	if (!e->st)
		return fl__fail(FL_ENOMEM, "out of memory");
	e->st->time_base = e->cc->time_base;
	rc = AV(avcodec_parameters_from_context)(e->st->codecpar, e->cc);
	return rc < 0 ? av_fail("stream parameters", rc) : FL_OK;
}

static fl_status av_open(void **out, int w, int h, const fl_animate_opts *o, const char *ext)
{
	bool webm = !strcasecmp(ext, "webm");
	if (w % 2 || h % 2)
		return fl__fail(FL_EARG, "`size` %dx%d: %s video needs an even width and height", w, h,
				webm ? "WebM" : "MP4");
	fl_status st = fl__av_load();
	if (st)
		return st;
	av_enc *e = calloc(1, sizeof *e);
	if (!e)
		return fl__fail(FL_ENOMEM, "out of memory");
	*out = e;
	e->w = w, e->h = h;
	int rc = AV(avformat_alloc_output_context2)(&e->oc, NULL, webm ? "webm" : "mp4", NULL);
	if (rc < 0)
		return av_fail(webm ? "WebM" : "MP4", rc);
	st = open_codec(e, webm, o->fps);
	if (st)
		return st;
	enum { IO_BUF = 1 << 16 };
	unsigned char *iobuf = AV(av_malloc)(IO_BUF);
	if (!iobuf)
		return fl__fail(FL_ENOMEM, "out of memory");
	e->oc->pb = AV(avio_alloc_context)(iobuf, IO_BUF, 1, e, NULL, mem_write, mem_seek);
	if (!e->oc->pb) {
		AV(av_free)(iobuf);
		return fl__fail(FL_ENOMEM, "out of memory");
	}
	e->oc->flags |= AVFMT_FLAG_CUSTOM_IO;
	rc = AV(avformat_write_header)(e->oc, NULL);
	if (rc < 0)
		return av_fail("header", rc);
	e->header = true;
	e->frame = AV(av_frame_alloc)();
	e->pkt = AV(av_packet_alloc)();
	if (!e->frame || !e->pkt)
		return fl__fail(FL_ENOMEM, "out of memory");
	e->frame->format = AV_PIX_FMT_YUV420P;
	e->frame->width = w;
	e->frame->height = h;
	rc = AV(av_frame_get_buffer)(e->frame, 0);
	if (rc < 0)
		return av_fail("frame", rc);
	/* Cairo's ARGB32 is FFmpeg's RGB32: 0xAARRGGBB in native order */
	e->sws = AV(sws_getContext)(w, h, AV_PIX_FMT_RGB32, w, h, AV_PIX_FMT_YUV420P,
				    SWS_BICUBIC | SWS_ACCURATE_RND, NULL, NULL, NULL);
	return e->sws ? FL_OK : fl__fail(FL_ENOMEM, "FFmpeg: cannot convert %dx%d to YUV", w, h);
}

/* Send a frame (NULL: the end) and mux what the encoder gives back. */
static fl_status encode(av_enc *e, AVFrame *f)
{
	int rc = AV(avcodec_send_frame)(e->cc, f);
	if (rc < 0)
		return av_fail("encoding", rc);
	for (;;) {
		rc = AV(avcodec_receive_packet)(e->cc, e->pkt);
		if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
			return FL_OK;
		if (rc < 0)
			return av_fail("encoding", rc);
		if (e->pkt->duration <= 0) /* one frame (else MP4 drops the last one) */
			e->pkt->duration = 1;
		AV(av_packet_rescale_ts)(e->pkt, e->cc->time_base, e->st->time_base);
		e->pkt->stream_index = e->st->index;
		rc = AV(av_interleaved_write_frame)(e->oc, e->pkt); /* takes the packet's data */
		if (rc < 0)
			return e->oom ? fl__fail(FL_ENOMEM, "out of memory") : av_fail("muxing", rc);
	}
}

static fl_status av_add(void *enc, const uint32_t *px, int stride, int64_t t0, int64_t t1, int copies)
{
	(void)t0, (void)t1;
	av_enc *e = enc;
	const uint8_t *src[1] = {(const uint8_t *)px};
	const int src_stride[1] = {stride * 4};
	fl_status st = FL_OK;
	for (int i = 0; i < copies && !st; i++) {
		int rc = AV(av_frame_make_writable)(e->frame);
		if (rc < 0)
			return av_fail("frame", rc);
		AV(sws_scale)(e->sws, src, src_stride, 0, e->h, e->frame->data, e->frame->linesize);
		e->frame->pts = e->pts++;
		st = encode(e, e->frame);
	}
	return st;
}

static fl_status av_finish(void *enc, unsigned char **buf, size_t *len)
{
	av_enc *e = enc;
	fl_status st = encode(e, NULL);
	if (st)
		return st;
	e->header = false;
	int rc = AV(av_write_trailer)(e->oc);
	if (rc < 0)
		return e->oom ? fl__fail(FL_ENOMEM, "out of memory") : av_fail("trailer", rc);
	*buf = e->buf, *len = e->len;
	e->buf = NULL;
	return FL_OK;
}

static void av_close(void *enc)
{
	av_enc *e = enc;
	if (e->sws)
		AV(sws_freeContext)(e->sws);
	AV(av_frame_free)(&e->frame);
	AV(av_packet_free)(&e->pkt);
	if (e->cc)
		AV(avcodec_free_context)(&e->cc);
	if (e->oc) {
		if (e->header)
			AV(av_write_trailer)(e->oc); /* frees the muxer's state; the bytes are dropped */
		if (e->oc->pb) {
			AV(av_free)(e->oc->pb->buffer);
			AV(avio_context_free)(&e->oc->pb);
		}
		AV(avformat_free_context)(e->oc);
	}
	free(e->buf);
	free(e);
}

const fl__anim_encoder fl__anim_av = {av_open, av_add, av_finish, av_close};
