// SHA-256 from OpenSSL with one context per thread, the algorithm fetched once.
#include "spool/Sha256.h"

#include <openssl/evp.h>

#include <memory>

namespace mailrig::fake::detail {

namespace {

// Fetched once: EVP_sha256() in EVP_Digest would look the algorithm up by name again for every
// message (most of the hashing time for small messages).
const EVP_MD* sha256Algorithm() {
    static EVP_MD* const fetched = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    return fetched ? fetched : EVP_sha256();
}

EVP_MD_CTX* threadContext() {
    thread_local const std::unique_ptr<EVP_MD_CTX, void (*)(EVP_MD_CTX*)> context(EVP_MD_CTX_new(), EVP_MD_CTX_free);
    return context.get();
}

} // namespace

void Sha256::reset() {
    EVP_MD_CTX* context = threadContext();
    _ok = context && EVP_DigestInit_ex2(context, sha256Algorithm(), nullptr);
}

void Sha256::update(const char* data, std::size_t size) {
    if (_ok) _ok = EVP_DigestUpdate(threadContext(), data, size);
}

std::string Sha256::hex() {
    static constexpr char hexDigits[] = "0123456789abcdef";
    unsigned char digest[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    if (!_ok || !EVP_DigestFinal_ex(threadContext(), digest, &length)) length = 0;
    _ok = false;
    std::string text;
    text.reserve(2 * length);
    for (unsigned int i = 0; i < length; ++i) {
        text.push_back(hexDigits[digest[i] >> 4]);
        text.push_back(hexDigits[digest[i] & 0xF]);
    }
    return text;
}

std::string sha256Hex(const std::string& bytes) {
    Sha256 hash;
    hash.update(bytes.data(), bytes.size());
    return hash.hex();
}

} // namespace mailrig::fake::detail
