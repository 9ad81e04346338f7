/*
 * features_priv.h: cutting a GeoJSON document the library wrote into
 * features (features.c), for the sets made elsewhere (places_write.c).
 * Private to the library.
 */
#ifndef FL_FEATURES_PRIV_H
#define FL_FEATURES_PRIV_H

#include <stddef.h>
#include "frontline/features.h"

/* The GeoJSON document buf (as the sink writes it) as features keyed
 * keys[0, nkeys) (NULL entries: no key); there must be nkeys of them. */
fl_status fl__features_cut(const unsigned char *buf, size_t len, const char *const *keys,
			   size_t nkeys, fl_features **out);

#endif
