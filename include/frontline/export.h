/* export.h: symbol visibility for the public API (only FL_API names are exported). */
#ifndef FRONTLINE_EXPORT_H
#define FRONTLINE_EXPORT_H
#if defined(FL_BUILDING_LIBRARY) && defined(__GNUC__)
#define FL_API __attribute__((visibility("default")))
#else
#define FL_API
#endif
#endif
