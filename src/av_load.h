/*
 * av_load.h: FFmpeg's libraries (libavutil, libavcodec, libavformat,
 * libswscale), loaded when a video is first written (av_load.c).
 *
 * Linked, they would load some hundred libraries at the start of every
 * command (thirty milliseconds, three times a whole `frontline --version`);
 * only `animate -o x.mp4` needs them.  anim_av.c calls each through
 * fl__av (AV(f)), with FFmpeg's own prototype.  Private to the library.
 */
#ifndef FL_AV_LOAD_H
#define FL_AV_LOAD_H

#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/imgutils.h>
#include <libavutil/opt.h>
#include <libswscale/swscale.h>
#include "frontline/error.h"

#define FL__AVUTIL_FUNCTIONS(X)                                                           \
	X(av_frame_alloc) X(av_frame_free) X(av_frame_get_buffer) X(av_frame_make_writable)  \
	X(av_malloc) X(av_free) X(av_strerror) X(av_opt_set) X(av_log_set_level)
#define FL__AVCODEC_FUNCTIONS(X)                                                          \
	X(avcodec_find_encoder_by_name) X(avcodec_find_encoder) X(avcodec_alloc_context3)    \
	X(avcodec_open2) X(avcodec_free_context) X(avcodec_parameters_from_context)          \
	X(avcodec_send_frame) X(avcodec_receive_packet) X(av_packet_alloc) X(av_packet_free) \
	X(av_packet_rescale_ts)
#define FL__AVFORMAT_FUNCTIONS(X)                                                         \
	X(avformat_alloc_output_context2) X(avformat_new_stream) X(avformat_write_header)    \
	X(av_interleaved_write_frame) X(av_write_trailer) X(avformat_free_context)           \
	X(avio_alloc_context) X(avio_context_free)
#define FL__SWSCALE_FUNCTIONS(X) X(sws_getContext) X(sws_scale) X(sws_freeContext)

typedef struct fl__av_api {
#define FL__AV_MEMBER(f) __typeof__(f) *(f);
	FL__AVUTIL_FUNCTIONS(FL__AV_MEMBER)
	FL__AVCODEC_FUNCTIONS(FL__AV_MEMBER)
	FL__AVFORMAT_FUNCTIONS(FL__AV_MEMBER)
	FL__SWSCALE_FUNCTIONS(FL__AV_MEMBER)
#undef FL__AV_MEMBER
} fl__av_api;

/* Filled by fl__av_load(); read only after it returned FL_OK. */
extern fl__av_api fl__av;
#define AV(f) (fl__av.f)

/* Load the four libraries once per process (thread-safe), by the sonames of
 * the headers built against.  FL_EIO, with the loader's message, when one
 * cannot be loaded or lacks a function. */
fl_status fl__av_load(void);

#endif
