// libqrencode (Debian libqrencode-dev): the QR code on each evaluation sheet.
#include <qrencode.h>
