// OpenSSL's libcrypto (libssl-dev): HMAC for provider signatures and a constant-time compare.
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
