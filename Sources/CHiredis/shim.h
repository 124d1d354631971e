// hiredis (libhiredis-dev, 0.14): RESP command formatting and the reply reader only. Its sockets
// and async API are not used; SwiftNIO does the I/O.
#include <hiredis/hiredis.h>
#include <hiredis/read.h>
