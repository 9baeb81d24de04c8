#include "detail/ClientSetup.h"

#include "mailrig/fakeserver/TestCertificates.h"

namespace mailrig::scenario::detail {

namespace {

SecurityOptions securityNamed(const std::string& name) {
    if (name == "starttls") return SecurityOptions::SslExplicit;
    if (name == "tls") return SecurityOptions::SslImplicit;
    if (name == "auto") return SecurityOptions::Auto;
    return SecurityOptions::None;
}

AuthMechanism mechanismNamed(const std::string& name) {
    if (name == "LOGIN") return AuthMechanism::Login;
    if (name == "CRAM-MD5") return AuthMechanism::CramMd5;
    if (name == "XOAUTH2") return AuthMechanism::XOAuth2;
    return AuthMechanism::Plain;
}

} // namespace

SmtpClient makeClient(const ClientSpec& spec, std::uint16_t port) {
    SmtpClient client("127.0.0.1", port, spec.user, spec.password, securityNamed(spec.security));
    TlsSettings tls = spec.verifyCertificate ? TlsSettings{} : TlsSettings::insecure();
    if (spec.verifyCertificate && spec.security != "none") tls.caFile = fake::TestCertificates::shared().caCertificatePath();
    tls.allowPlaintextFallback = spec.allowPlaintextFallback;
    client.setTlsSettings(tls);
    if (!spec.authMechanisms.empty()) {
        std::vector<AuthMechanism> mechanisms;
        for (const auto& name : spec.authMechanisms) mechanisms.push_back(mechanismNamed(name));
        client.setAllowedAuthMechanisms(mechanisms);
    }
    client.setTimeout(std::chrono::milliseconds(spec.timeoutMs));
    client.setGreetingTimeout(std::chrono::milliseconds(spec.greetingTimeoutMs));
    if (!spec.ehloName.empty()) client.setEhloName(spec.ehloName);
    if (spec.retry.attempts > 1)
        client.setRetryPolicy(RetryPolicy::attempts(spec.retry.attempts, std::chrono::milliseconds(spec.retry.delayMs)));
    client.setUseChunking(spec.chunking);
    client.setUsePipelining(spec.pipelining);
    client.setAddResentHeaders(spec.resentHeaders);
    client.setStopOnFirstFailure(spec.stopOnFirstFailure);
    client.setUseTnef(spec.tnef);
    if (!spec.dsn.ret.empty() || !spec.dsn.envelopeId.empty() || !spec.dsn.notify.empty() || spec.dsn.orcpt) {
        DsnOptions dsn;
        if (spec.dsn.ret == "full") dsn.ret = DsnOptions::Return::Full;
        if (spec.dsn.ret == "headers") dsn.ret = DsnOptions::Return::Headers;
        dsn.envelopeId = spec.dsn.envelopeId;
        dsn.originalRecipient = spec.dsn.orcpt;
        for (const auto& notify : spec.dsn.notify) {
            dsn.notifySuccess = dsn.notifySuccess || notify == "success";
            dsn.notifyFailure = dsn.notifyFailure || notify == "failure";
            dsn.notifyDelay = dsn.notifyDelay || notify == "delay";
            dsn.notifyNever = dsn.notifyNever || notify == "never";
        }
        client.setDsn(dsn);
    }
    if (spec.connections > 1) {
        client.setUseMultiConnection(MultiConnectionMode::Enable);
        client.setConnectionsQuantity(static_cast<std::size_t>(spec.connections));
    }
    return client;
}

} // namespace mailrig::scenario::detail
