// libharu (Debian libhpdf-dev): the PDF writer of the evaluation sheets.
#include <hpdf.h>
