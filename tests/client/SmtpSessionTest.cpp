#include <boost/test/unit_test.hpp>

#include "smtp/SmtpSession.h"

using mailrig::SecurityOptions;
using mailrig::detail::usesImplicitTls;

BOOST_AUTO_TEST_SUITE(SmtpSessionTest)

BOOST_AUTO_TEST_CASE(autoSpeaksTlsFromTheFirstByteOnlyOnPort465) {
    BOOST_TEST(usesImplicitTls(SecurityOptions::Auto, 465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::Auto, 587));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::Auto, 25));
}

BOOST_AUTO_TEST_CASE(explicitChoicesIgnoreThePort) {
    BOOST_TEST(usesImplicitTls(SecurityOptions::SslImplicit, 2465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::SslExplicit, 465));
    BOOST_TEST(!usesImplicitTls(SecurityOptions::None, 465));
}

BOOST_AUTO_TEST_SUITE_END()
