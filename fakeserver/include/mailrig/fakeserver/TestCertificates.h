#pragma once

#include <memory>
#include <string>

namespace mailrig::fake {

/// Which server certificate a TLS listener presents. Every kind is signed by the same test CA,
/// so a client that trusts `TestCertificates::caCertificatePath()` fails only for the reason the
/// kind names.
enum class ServerCertificate {
    Valid,     ///< subjectAltName DNS:localhost and IP:127.0.0.1, valid from yesterday for 10 years
    Expired,   ///< same names, but notAfter lies in the past (expired yesterday)
    WrongHost, ///< valid dates, but only for DNS:wrong-host.invalid (no IP address)
};

/// The files of one server certificate: PEM certificate (leaf only; clients trust the CA) and
/// its unencrypted PEM private key.
struct CertificateFiles {
    std::string certificate; ///< path of the PEM certificate
    std::string privateKey;  ///< path of the PEM private key (mode 0600)
};

/// A throw-away PKI generated at run time with OpenSSL, so that no private key is ever committed:
/// a self-signed test CA ("mailrig test CA", RSA 2048, SHA-256) and server certificates of every
/// `ServerCertificate` kind, all sharing one RSA 2048 server key. The PEM files are written to a
/// fresh private directory (mode 0700) under the system temp directory, which the destructor
/// removes.
///
/// Generation takes a few hundred milliseconds; tests should share `TestCertificates::shared()`.
/// An object is immutable after construction: any thread may read it.
class TestCertificates {
public:
    /// Generates the CA, the server key and every certificate kind, and writes them to a new
    /// temp directory. Throws std::runtime_error naming the failing step and OpenSSL's error.
    TestCertificates();
    /// Removes the directory and the files in it.
    ~TestCertificates();
    TestCertificates(const TestCertificates&) = delete;
    TestCertificates& operator=(const TestCertificates&) = delete;

    /// One process-wide set, generated on first use (thread-safe) and removed at exit.
    /// Throws like the constructor on the first call.
    static const TestCertificates& shared();

    /// The directory holding every file, without a trailing slash.
    const std::string& directory() const { return _directory; }
    /// Path of the CA certificate (PEM): what a verifying client passes as `--cacert`/`cafile`.
    const std::string& caCertificatePath() const { return _caPath; }
    /// The CA certificate as PEM text.
    const std::string& caCertificatePem() const { return _caPem; }
    /// Certificate and key paths of the given kind.
    CertificateFiles server(ServerCertificate kind = ServerCertificate::Valid) const;
    /// The PEM certificate of the given kind as text.
    std::string certificatePem(ServerCertificate kind = ServerCertificate::Valid) const;

private:
    std::string _directory;
    std::string _caPath;
    std::string _caPem;
    std::string _keyPath;
};

} // namespace mailrig::fake
