#ifndef LMG_CCURL_SHIM_H
#define LMG_CCURL_SHIM_H
#include <curl/curl.h>
#endif
