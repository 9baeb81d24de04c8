#include "mailrig/fakeserver/Capabilities.h"

namespace mailrig::fake {

Capabilities Capabilities::none() {
    Capabilities c;
    c.pipelining = c.size = c.eightBitMime = c.smtpUtf8 = c.chunking = c.binaryMime = c.dsn = false;
    c.enhancedStatusCodes = c.startTls = c.requireTls = false;
    c.authMechanisms.clear();
    return c;
}

} // namespace mailrig::fake
