/* Debian's libfdt-dev installs libfdt.h at /usr/include; this shim makes it a Swift module. */
#include <libfdt.h>
