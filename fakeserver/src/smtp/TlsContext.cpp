#include "smtp/TlsContext.h"

#include "mailrig/fakeserver/TestCertificates.h"

#include <Poco/Net/SSLManager.h>

#include <openssl/err.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <stdexcept>

namespace mailrig::fake::detail {

namespace {

std::string opensslError() {
    unsigned long code = ERR_get_error();
    if (code == 0) return "unknown OpenSSL error";
    char buffer[256];
    ERR_error_string_n(code, buffer, sizeof buffer);
    ERR_clear_error();
    return buffer;
}

void initialiseOnce() {
    static std::once_flag once;
    std::call_once(once, [] { Poco::Net::initializeSSL(); });
}

void usePemText(SSL_CTX* ctx, const std::string& certificatePem, const std::string& keyPem) {
    std::unique_ptr<BIO, decltype(&BIO_free)> certBio(BIO_new_mem_buf(certificatePem.data(), static_cast<int>(certificatePem.size())), BIO_free);
    std::unique_ptr<X509, decltype(&X509_free)> cert(PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr), X509_free);
    if (!cert) throw std::runtime_error("TLS certificate PEM text: cannot parse: " + opensslError());
    if (SSL_CTX_use_certificate(ctx, cert.get()) != 1)
        throw std::runtime_error("TLS certificate PEM text: rejected: " + opensslError());
    // Further certificates in the text form the chain.
    while (X509* extra = PEM_read_bio_X509(certBio.get(), nullptr, nullptr, nullptr))
        SSL_CTX_add_extra_chain_cert(ctx, extra); // takes ownership
    ERR_clear_error();
    std::unique_ptr<BIO, decltype(&BIO_free)> keyBio(BIO_new_mem_buf(keyPem.data(), static_cast<int>(keyPem.size())), BIO_free);
    std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(PEM_read_bio_PrivateKey(keyBio.get(), nullptr, nullptr, nullptr), EVP_PKEY_free);
    if (!key) throw std::runtime_error("TLS private key PEM text: cannot parse: " + opensslError());
    if (SSL_CTX_use_PrivateKey(ctx, key.get()) != 1)
        throw std::runtime_error("TLS private key PEM text: rejected: " + opensslError());
}

/// Throws naming the file and the system's reason when it cannot be read.
void checkReadable(const char* what, const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error(std::string(what) + " " + path + ": cannot read: " + std::strerror(errno));
    std::error_code error;
    if (std::filesystem::is_directory(path, error))
        throw std::runtime_error(std::string(what) + " " + path + ": cannot read: is a directory");
}

void usePemFiles(SSL_CTX* ctx, const std::string& certificateFile, const std::string& keyFile) {
    checkReadable("TLS certificate file", certificateFile);
    checkReadable("TLS private key file", keyFile);
    if (SSL_CTX_use_certificate_chain_file(ctx, certificateFile.c_str()) != 1)
        throw std::runtime_error("TLS certificate file " + certificateFile + ": " + opensslError());
    if (SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1)
        throw std::runtime_error("TLS private key file " + keyFile + ": " + opensslError());
}

} // namespace

Poco::Net::Context::Ptr makeServerContext(const TlsMaterial& material) {
    initialiseOnce();
    Poco::Net::Context::Params params;
    params.verificationMode = Poco::Net::Context::VERIFY_NONE;
    params.loadDefaultCAs = false;
    params.cipherList = "HIGH:!aNULL:!MD5";
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_SERVER_USE, params);
    SSL_CTX* ctx = context->sslContext();
    if (!material.certificateFile.empty()) {
        usePemFiles(ctx, material.certificateFile, material.privateKeyFile);
    } else if (!material.certificatePem.empty()) {
        usePemText(ctx, material.certificatePem, material.privateKeyPem);
    } else {
        CertificateFiles files = TestCertificates::shared().server(material.testCertificate);
        usePemFiles(ctx, files.certificate, files.privateKey);
    }
    if (SSL_CTX_check_private_key(ctx) != 1)
        throw std::runtime_error("TLS private key does not match the certificate: " + opensslError());
    // Each connection is new to us: no session cache needed, and no session id context errors.
    SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
    SSL_CTX_set_options(ctx, SSL_OP_NO_TICKET);
    return context;
}

const std::string& tlsHandshakeFailureAlert() {
    // ContentType alert(21), legacy version TLS 1.0, length 2, level fatal(2), handshake_failure(40).
    static const std::string alert("\x15\x03\x01\x00\x02\x02\x28", 7);
    return alert;
}

} // namespace mailrig::fake::detail
