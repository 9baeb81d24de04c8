// The run-time test PKI, checked with the openssl command and Python's ssl module as oracles.
#include "mailrig/fakeserver/TestCertificates.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sys/stat.h>

using mailrig::fake::ServerCertificate;
using mailrig::fake::TestCertificates;
using mailrig::test::runProcess;
using mailrig::test::runPython;

namespace {

// `openssl verify` against the test CA, optionally checking a host name or an IP address.
mailrig::test::ProcessResult verify(const TestCertificates& certs, ServerCertificate kind,
                                    const std::vector<std::string>& extra = {}) {
    std::vector<std::string> argv{"openssl", "verify", "-CAfile", certs.caCertificatePath()};
    argv.insert(argv.end(), extra.begin(), extra.end());
    argv.push_back(certs.server(kind).certificate);
    return runProcess(argv, {}, std::chrono::seconds(20));
}

std::string text(const std::string& certificate) {
    return runProcess({"openssl", "x509", "-noout", "-text", "-in", certificate}, {}, std::chrono::seconds(20)).out;
}

} // namespace

BOOST_AUTO_TEST_SUITE(TestCertificatesTest)

BOOST_AUTO_TEST_CASE(validCertificateVerifiesForLocalhostAndLoopbackIp) {
    const auto& certs = TestCertificates::shared();
    auto byName = verify(certs, ServerCertificate::Valid, {"-verify_hostname", "localhost"});
    BOOST_TEST(byName.exitCode == 0, byName.out << byName.err);
    auto byIp = verify(certs, ServerCertificate::Valid, {"-verify_ip", "127.0.0.1"});
    BOOST_TEST(byIp.exitCode == 0, byIp.out << byIp.err);
    const std::string details = text(certs.server().certificate);
    BOOST_TEST(details.find("DNS:localhost, IP Address:127.0.0.1") != std::string::npos, details);
    BOOST_TEST(details.find("TLS Web Server Authentication") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(caIsACertificateAuthority) {
    const std::string details = text(TestCertificates::shared().caCertificatePath());
    BOOST_TEST(details.find("CA:TRUE") != std::string::npos, details);
    BOOST_TEST(details.find("Certificate Sign") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(expiredCertificateIsRefusedAsExpired) {
    auto result = verify(TestCertificates::shared(), ServerCertificate::Expired, {"-verify_hostname", "localhost"});
    BOOST_TEST(result.exitCode != 0);
    BOOST_TEST((result.out + result.err).find("certificate has expired") != std::string::npos, result.out << result.err);
}

BOOST_AUTO_TEST_CASE(wrongHostCertificateIsRefusedForLocalhostOnly) {
    const auto& certs = TestCertificates::shared();
    auto plain = verify(certs, ServerCertificate::WrongHost);
    BOOST_TEST(plain.exitCode == 0, "the chain itself is fine: " << plain.out << plain.err);
    auto byName = verify(certs, ServerCertificate::WrongHost, {"-verify_hostname", "localhost"});
    BOOST_TEST(byName.exitCode != 0);
    BOOST_TEST((byName.out + byName.err).find("hostname mismatch") != std::string::npos, byName.out << byName.err);
    auto byIp = verify(certs, ServerCertificate::WrongHost, {"-verify_ip", "127.0.0.1"});
    BOOST_TEST(byIp.exitCode != 0);
}

BOOST_AUTO_TEST_CASE(privateKeyMatchesEveryCertificateAndIsPrivate) {
    const auto& certs = TestCertificates::shared();
    for (auto kind : {ServerCertificate::Valid, ServerCertificate::Expired, ServerCertificate::WrongHost}) {
        auto files = certs.server(kind);
        // load_cert_chain raises when the key does not belong to the certificate.
        auto result = runPython("import ssl,sys\n"
                                "c=ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)\n"
                                "c.load_cert_chain(sys.argv[1], sys.argv[2])\nprint('ok')\n",
                                {files.certificate, files.privateKey}, {}, std::chrono::seconds(20));
        BOOST_TEST(result.out == "ok\n", result.err);
    }
    struct stat info {};
    BOOST_REQUIRE(::stat(certs.server().privateKey.c_str(), &info) == 0);
    BOOST_TEST((info.st_mode & 077) == 0u);
}

BOOST_AUTO_TEST_CASE(pemTextMatchesTheFiles) {
    const auto& certs = TestCertificates::shared();
    BOOST_TEST(certs.caCertificatePem().rfind("-----BEGIN CERTIFICATE-----", 0) == 0u);
    BOOST_TEST(mailrig::test::readFile(certs.caCertificatePath()) == certs.caCertificatePem());
    BOOST_TEST(certs.certificatePem(ServerCertificate::Expired) ==
               mailrig::test::readFile(certs.server(ServerCertificate::Expired).certificate));
    BOOST_TEST(certs.certificatePem() != certs.certificatePem(ServerCertificate::WrongHost));
}

BOOST_AUTO_TEST_CASE(eachSetHasItsOwnDirectoryRemovedOnDestruction) {
    std::string directory;
    {
        TestCertificates own;
        directory = own.directory();
        BOOST_TEST(directory != TestCertificates::shared().directory());
        BOOST_TEST(std::filesystem::exists(own.caCertificatePath()));
        BOOST_TEST(own.caCertificatePem() != TestCertificates::shared().caCertificatePem());
    }
    BOOST_TEST(!std::filesystem::exists(directory));
}

BOOST_AUTO_TEST_SUITE_END()
