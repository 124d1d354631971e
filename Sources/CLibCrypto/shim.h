// OpenSSL's libcrypto (libssl-dev): SHA-1 and HMAC-SHA1, and a constant-time compare.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/sha.h>
