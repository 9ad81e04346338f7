/* export_site.h: `frontline export --site DIR` (export_site.c). */
#ifndef FL_CLI_EXPORT_SITE_H
#define FL_CLI_EXPORT_SITE_H
#include <frontline/frontline.h>

/* Write the static site into dir (new, or an empty folder): 0, or 1 after
 * printing the error (nothing written then). */
int cli_export_site(const fl_tracker *t, const fl_tile_opts *opts, const char *dir);
#endif
