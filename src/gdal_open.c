/*
 * gdal_open.c: why GDAL could not open a path.
 *
 * GDALOpenEx() often fails without a message (a file no driver recognises,
 * a missing file), which left errors ending in "GDAL cannot open it: ".
 * The reason is GDAL's message when it gave one, else what the file system
 * says about the path.  Beside it, the one transformation of a layer's CRS
 * to longitude/latitude that every reader of user layers uses.
 */
#include "gdal_load.h"
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "gdal_open.h"

const char *fl__gdal_open_reason(const char *path, char *buf, size_t len)
{
	const char *msg = CPLGetLastErrorMsg();
	if (msg && *msg) {
		snprintf(buf, len, "%s", msg);
		return buf;
	}
	struct stat sb;
	if (!path || !strncmp(path, "PG:", 3) || !strncmp(path, "/vsi", 4))
		snprintf(buf, len, "GDAL gave no reason");
	else if (stat(path, &sb) != 0)
		snprintf(buf, len, "%s", errno == ENOENT ? "no such file"
					: errno == ENOTDIR ? "a part of the path is not a folder"
					: errno == EACCES  ? "permission denied"
							   : strerror(errno));
	else if (S_ISDIR(sb.st_mode))
		snprintf(buf, len, "it is a folder, not a file GDAL reads as a vector source");
	else if (!S_ISREG(sb.st_mode))
		snprintf(buf, len, "not a regular file");
	else {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			snprintf(buf, len, "%s", errno == EACCES ? "permission denied" : strerror(errno));
		else {
			close(fd);
			snprintf(buf, len, "%s", sb.st_size == 0
				 ? "an empty file"
				 : "not a file GDAL can read as a vector source (format not recognised)");
		}
	}
	return buf;
}

OGRCoordinateTransformationH fl__layer_to_lonlat(OGRLayerH l, int *no_crs)
{
	OGRSpatialReferenceH src = l ? OGR_L_GetSpatialRef(l) : NULL;
	if (no_crs)
		*no_crs = !src;
	if (!src)
		return NULL;
	OGRSpatialReferenceH wgs = OSRNewSpatialReference(NULL);
	OSRSetWellKnownGeogCS(wgs, "WGS84");
	OSRSetAxisMappingStrategy(wgs, OAMS_TRADITIONAL_GIS_ORDER);
	OGRSpatialReferenceH s2 = OSRClone(src);
	OSRSetAxisMappingStrategy(s2, OAMS_TRADITIONAL_GIS_ORDER);
	OGRCoordinateTransformationH ct = NULL;
	if (!OSRIsSame(s2, wgs))
		ct = OCTNewCoordinateTransformation(s2, wgs);
	OSRDestroySpatialReference(s2);
	OSRDestroySpatialReference(wgs);
	return ct;
}
