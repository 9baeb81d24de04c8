// Run-time test PKI: one CA, one server key, one certificate per ServerCertificate kind.
#include "mailrig/fakeserver/TestCertificates.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/stat.h>
#include <unistd.h>
#include <vector>

namespace mailrig::fake {

namespace {

constexpr long day = 24L * 60 * 60;

struct PkeyFree { void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); } };
struct X509Free { void operator()(X509* p) const { X509_free(p); } };
struct BioFree { void operator()(BIO* p) const { BIO_free(p); } };
using Pkey = std::unique_ptr<EVP_PKEY, PkeyFree>;
using Cert = std::unique_ptr<X509, X509Free>;
using Bio = std::unique_ptr<BIO, BioFree>;

[[noreturn]] void fail(const std::string& step) {
    char buffer[256] = "unknown error";
    if (unsigned long code = ERR_get_error()) ERR_error_string_n(code, buffer, sizeof buffer);
    ERR_clear_error();
    throw std::runtime_error("test certificates: " + step + ": " + buffer);
}

void check(int ok, const std::string& step) {
    if (ok <= 0) fail(step);
}

Pkey generateKey() {
    Pkey key(EVP_RSA_gen(2048));
    if (!key) fail("generating an RSA key");
    return key;
}

void setName(X509_NAME* name, const char* commonName) {
    check(X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("mailrig tests"), -1, -1, 0),
          "setting O");
    check(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>(commonName), -1, -1, 0),
          "setting CN");
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value);
    if (!ext) fail(std::string("building extension ") + OBJ_nid2sn(nid) + "=" + value);
    int ok = X509_add_ext(cert, ext, -1);
    X509_EXTENSION_free(ext);
    check(ok, std::string("adding extension ") + OBJ_nid2sn(nid));
}

/// Builds a certificate valid from now+notBefore to now+notAfter (seconds), signed with
/// issuerKey by issuer (nullptr: self-signed).
Cert makeCertificate(const char* commonName, EVP_PKEY* key, X509* issuer, EVP_PKEY* issuerKey,
                     long serial, long notBefore, long notAfter) {
    Cert cert(X509_new());
    if (!cert) fail("allocating a certificate");
    check(X509_set_version(cert.get(), 2), "setting the version");
    check(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial), "setting the serial");
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), notBefore)) fail("setting notBefore");
    if (!X509_gmtime_adj(X509_getm_notAfter(cert.get()), notAfter)) fail("setting notAfter");
    check(X509_set_pubkey(cert.get(), key), "setting the public key");
    setName(X509_get_subject_name(cert.get()), commonName);
    X509* signer = issuer ? issuer : cert.get();
    check(X509_set_issuer_name(cert.get(), X509_get_subject_name(signer)), "setting the issuer");
    return cert;
}

void sign(X509* cert, EVP_PKEY* key) {
    if (X509_sign(cert, key, EVP_sha256()) <= 0) fail("signing a certificate");
}

Cert makeCa(EVP_PKEY* key) {
    Cert ca = makeCertificate("mailrig test CA", key, nullptr, key, 1, -day, 3650 * day);
    addExtension(ca.get(), ca.get(), NID_basic_constraints, "critical,CA:TRUE");
    addExtension(ca.get(), ca.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(ca.get(), ca.get(), NID_subject_key_identifier, "hash");
    addExtension(ca.get(), ca.get(), NID_authority_key_identifier, "keyid:always");
    sign(ca.get(), key);
    return ca;
}

Cert makeServer(ServerCertificate kind, EVP_PKEY* key, X509* ca, EVP_PKEY* caKey, long serial) {
    const bool wrongHost = kind == ServerCertificate::WrongHost;
    const bool expired = kind == ServerCertificate::Expired;
    Cert cert = makeCertificate(wrongHost ? "wrong-host.invalid" : "localhost", key, ca, caKey, serial,
                                expired ? -30 * day : -day, expired ? -day : 3650 * day);
    addExtension(cert.get(), ca, NID_basic_constraints, "critical,CA:FALSE");
    addExtension(cert.get(), ca, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(cert.get(), ca, NID_ext_key_usage, "serverAuth");
    addExtension(cert.get(), ca, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), ca, NID_authority_key_identifier, "keyid:always");
    addExtension(cert.get(), ca, NID_subject_alt_name,
                 wrongHost ? "DNS:wrong-host.invalid" : "DNS:localhost,IP:127.0.0.1");
    sign(cert.get(), caKey);
    return cert;
}

std::string drain(BIO* bio) {
    char* data = nullptr;
    long size = BIO_get_mem_data(bio, &data);
    return std::string(data, static_cast<std::size_t>(size));
}

std::string certificateToPem(X509* cert) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_X509(bio.get(), cert)) fail("writing a certificate as PEM");
    return drain(bio.get());
}

std::string keyToPem(EVP_PKEY* key) {
    Bio bio(BIO_new(BIO_s_mem()));
    if (!bio || !PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr))
        fail("writing a private key as PEM");
    return drain(bio.get());
}

void writePrivateFile(const std::string& path, const std::string& bytes) {
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
    if (fd < 0) throw std::runtime_error("test certificates: cannot create " + path + ": " + std::strerror(errno));
    std::size_t done = 0;
    while (done < bytes.size()) {
        ssize_t n = ::write(fd, bytes.data() + done, bytes.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n <= 0) {
            int error = errno;
            ::close(fd);
            throw std::runtime_error("test certificates: cannot write " + path + ": " + std::strerror(error));
        }
        done += static_cast<std::size_t>(n);
    }
    ::close(fd);
}

std::string makePrivateDirectory() {
    std::string pattern = (std::filesystem::temp_directory_path() / "mailrig-certs-XXXXXX").string();
    std::vector<char> buffer(pattern.begin(), pattern.end());
    buffer.push_back('\0');
    if (!::mkdtemp(buffer.data()))
        throw std::runtime_error("test certificates: cannot create a temp directory: " +
                                 std::string(std::strerror(errno)));
    return buffer.data();
}

const char* fileStem(ServerCertificate kind) {
    switch (kind) {
    case ServerCertificate::Valid: return "server";
    case ServerCertificate::Expired: return "server-expired";
    case ServerCertificate::WrongHost: return "server-wrong-host";
    }
    return "server";
}

} // namespace

TestCertificates::TestCertificates() : _directory(makePrivateDirectory()) {
    try {
        Pkey caKey = generateKey();
        Cert ca = makeCa(caKey.get());
        Pkey serverKey = generateKey();
        _caPem = certificateToPem(ca.get());
        _caPath = _directory + "/ca.pem";
        writePrivateFile(_caPath, _caPem);
        _keyPath = _directory + "/server-key.pem";
        writePrivateFile(_keyPath, keyToPem(serverKey.get()));
        long serial = 2;
        for (auto kind : {ServerCertificate::Valid, ServerCertificate::Expired, ServerCertificate::WrongHost}) {
            Cert cert = makeServer(kind, serverKey.get(), ca.get(), caKey.get(), serial++);
            writePrivateFile(server(kind).certificate, certificateToPem(cert.get()));
        }
    } catch (...) {
        std::error_code ignored;
        std::filesystem::remove_all(_directory, ignored);
        throw;
    }
}

TestCertificates::~TestCertificates() {
    std::error_code ignored;
    std::filesystem::remove_all(_directory, ignored);
}

const TestCertificates& TestCertificates::shared() {
    static const TestCertificates instance;
    return instance;
}

CertificateFiles TestCertificates::server(ServerCertificate kind) const {
    return {_directory + "/" + fileStem(kind) + ".pem", _keyPath};
}

std::string TestCertificates::certificatePem(ServerCertificate kind) const {
    const std::string path = server(kind).certificate;
    std::ifstream in(path, std::ios::binary);
    std::ostringstream bytes;
    bytes << in.rdbuf();
    if (!in) throw std::runtime_error("test certificates: cannot read " + path);
    return bytes.str();
}

} // namespace mailrig::fake
