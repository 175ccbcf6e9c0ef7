// libzip (Debian libzip-dev): the per-centre archive of filled evaluation sheets.
#include <zip.h>
