/*
 * mhd_load.h: libmicrohttpd, loaded when `frontline serve` starts
 * (mhd_load.c).
 *
 * Only `serve` speaks HTTP; every other command would pay for
 * libmicrohttpd and the TLS libraries under it at start-up.  cmd_serve.c
 * includes this header after libmicrohttpd's own: each MHD_* function it
 * calls then names the pointer loaded from the library, with the library's
 * own prototype, so that the calls are checked as before.
 */
#ifndef FL_SERVE_MHD_LOAD_H
#define FL_SERVE_MHD_LOAD_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <microhttpd.h>

#define FL__MHD_FUNCTIONS(X)                                                                 \
	X(MHD_add_response_header) X(MHD_create_response_from_buffer)                        \
	X(MHD_create_response_from_buffer_with_free_callback_cls)                            \
	X(MHD_create_response_from_iovec) X(MHD_destroy_response) X(MHD_get_connection_info) \
	X(MHD_get_connection_values) X(MHD_get_daemon_info) X(MHD_lookup_connection_value)   \
	X(MHD_queue_response) X(MHD_start_daemon) X(MHD_stop_daemon)

typedef struct sv_mhd_api {
#define FL__MHD_MEMBER(f) __typeof__(f) *(f);
	FL__MHD_FUNCTIONS(FL__MHD_MEMBER)
#undef FL__MHD_MEMBER
} sv_mhd_api;

/* Filled by sv_mhd_load(); read only after it returned 0. */
extern sv_mhd_api sv_mhd;

/* Load libmicrohttpd once; -1 with a message in err when it cannot be
 * loaded or lacks a function. */
int sv_mhd_load(char *err, size_t errlen);

#ifdef FL__MHD_CALLS
#define MHD_add_response_header (sv_mhd.MHD_add_response_header)
#define MHD_create_response_from_buffer (sv_mhd.MHD_create_response_from_buffer)
#define MHD_create_response_from_buffer_with_free_callback_cls \
	(sv_mhd.MHD_create_response_from_buffer_with_free_callback_cls)
#define MHD_create_response_from_iovec (sv_mhd.MHD_create_response_from_iovec)
#define MHD_destroy_response (sv_mhd.MHD_destroy_response)
#define MHD_get_connection_info (sv_mhd.MHD_get_connection_info)
#define MHD_get_connection_values (sv_mhd.MHD_get_connection_values)
#define MHD_get_daemon_info (sv_mhd.MHD_get_daemon_info)
#define MHD_lookup_connection_value (sv_mhd.MHD_lookup_connection_value)
#define MHD_queue_response (sv_mhd.MHD_queue_response)
#define MHD_start_daemon (sv_mhd.MHD_start_daemon)
#define MHD_stop_daemon (sv_mhd.MHD_stop_daemon)
#endif

#endif
