/*
 * cairo_load.h: Cairo, loaded when something is first drawn (cairo_load.c).
 *
 * Only `frontline render` draws; every other command would pay for Cairo's
 * libraries at start-up (about a tenth of a GDAL-linked program's start).
 * render.c includes this header after Cairo's own: each cairo_* function it
 * calls then names the pointer loaded from libcairo, with Cairo's own
 * prototype, so that the calls are checked as before.
 */
#ifndef FL_CAIRO_LOAD_H
#define FL_CAIRO_LOAD_H

#include <cairo.h>
#include <cairo-pdf.h>
#include <cairo-svg.h>
#include "frontline/error.h"

#define FL__CAIRO_FUNCTIONS(X)                                                             \
	X(cairo_arc) X(cairo_clip) X(cairo_clip_preserve) X(cairo_close_path) X(cairo_create)              \
	X(cairo_destroy) X(cairo_fill) X(cairo_fill_preserve) X(cairo_image_surface_create)  \
	X(cairo_line_to) X(cairo_move_to) X(cairo_new_path) X(cairo_paint)                   \
	X(cairo_pdf_surface_create_for_stream) X(cairo_rectangle) X(cairo_restore)           \
	X(cairo_save) X(cairo_select_font_face) X(cairo_set_dash) X(cairo_set_fill_rule)     \
	X(cairo_set_font_size) X(cairo_set_line_width) X(cairo_set_source_rgb)               \
	X(cairo_set_source_rgba) X(cairo_show_text) X(cairo_status) X(cairo_status_to_string) \
	X(cairo_stroke) X(cairo_stroke_preserve) X(cairo_surface_destroy)                    \
	X(cairo_surface_finish) X(cairo_surface_status) X(cairo_surface_write_to_png_stream) \
	X(cairo_svg_surface_create_for_stream) X(cairo_svg_surface_set_document_unit)        \
	X(cairo_text_extents) X(cairo_text_path) X(cairo_image_surface_get_data)             \
	X(cairo_image_surface_get_height) X(cairo_image_surface_get_stride)                  \
	X(cairo_image_surface_get_width) X(cairo_surface_flush) \
	X(cairo_clip_extents)

typedef struct fl__cairo_api {
#define FL__CAIRO_MEMBER(f) __typeof__(f) *(f);
	FL__CAIRO_FUNCTIONS(FL__CAIRO_MEMBER)
#undef FL__CAIRO_MEMBER
} fl__cairo_api;

/* Filled by fl__cairo_load(); read only after it returned FL_OK. */
extern fl__cairo_api fl__cairo;

/* Load libcairo once per process (thread-safe).  FL_EIO, with the loader's
 * message, when it cannot be loaded or lacks a function. */
fl_status fl__cairo_load(void);

#ifdef FL__CAIRO_CALLS
/* the calls of render.c go through the loaded pointers */
#define cairo_arc (fl__cairo.cairo_arc)
#define cairo_clip (fl__cairo.cairo_clip)
#define cairo_clip_preserve (fl__cairo.cairo_clip_preserve)
#define cairo_clip_extents (fl__cairo.cairo_clip_extents)
#define cairo_close_path (fl__cairo.cairo_close_path)
#define cairo_create (fl__cairo.cairo_create)
#define cairo_destroy (fl__cairo.cairo_destroy)
#define cairo_fill (fl__cairo.cairo_fill)
#define cairo_fill_preserve (fl__cairo.cairo_fill_preserve)
#define cairo_image_surface_create (fl__cairo.cairo_image_surface_create)
#define cairo_line_to (fl__cairo.cairo_line_to)
#define cairo_move_to (fl__cairo.cairo_move_to)
#define cairo_new_path (fl__cairo.cairo_new_path)
#define cairo_paint (fl__cairo.cairo_paint)
#define cairo_pdf_surface_create_for_stream (fl__cairo.cairo_pdf_surface_create_for_stream)
#define cairo_rectangle (fl__cairo.cairo_rectangle)
#define cairo_restore (fl__cairo.cairo_restore)
#define cairo_save (fl__cairo.cairo_save)
#define cairo_select_font_face (fl__cairo.cairo_select_font_face)
#define cairo_set_dash (fl__cairo.cairo_set_dash)
#define cairo_set_fill_rule (fl__cairo.cairo_set_fill_rule)
#define cairo_set_font_size (fl__cairo.cairo_set_font_size)
#define cairo_set_line_width (fl__cairo.cairo_set_line_width)
#define cairo_set_source_rgb (fl__cairo.cairo_set_source_rgb)
#define cairo_set_source_rgba (fl__cairo.cairo_set_source_rgba)
#define cairo_show_text (fl__cairo.cairo_show_text)
#define cairo_status (fl__cairo.cairo_status)
#define cairo_status_to_string (fl__cairo.cairo_status_to_string)
#define cairo_stroke (fl__cairo.cairo_stroke)
#define cairo_stroke_preserve (fl__cairo.cairo_stroke_preserve)
#define cairo_surface_destroy (fl__cairo.cairo_surface_destroy)
#define cairo_surface_finish (fl__cairo.cairo_surface_finish)
#define cairo_surface_status (fl__cairo.cairo_surface_status)
#define cairo_surface_write_to_png_stream (fl__cairo.cairo_surface_write_to_png_stream)
#define cairo_svg_surface_create_for_stream (fl__cairo.cairo_svg_surface_create_for_stream)
#define cairo_svg_surface_set_document_unit (fl__cairo.cairo_svg_surface_set_document_unit)
#define cairo_text_extents (fl__cairo.cairo_text_extents)
#define cairo_text_path (fl__cairo.cairo_text_path)
#define cairo_image_surface_get_data (fl__cairo.cairo_image_surface_get_data)
#define cairo_image_surface_get_height (fl__cairo.cairo_image_surface_get_height)
#define cairo_image_surface_get_stride (fl__cairo.cairo_image_surface_get_stride)
#define cairo_image_surface_get_width (fl__cairo.cairo_image_surface_get_width)
#define cairo_surface_flush (fl__cairo.cairo_surface_flush)
#endif

#endif
