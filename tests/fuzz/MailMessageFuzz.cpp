// Fuzz target: any bytes as an EML file given to the client (MailMessage::fromBytes, as load()
// reads a file), then composed again from the model it produced, and converted to TNEF. Loading
// may throw std::runtime_error (not a message); composing and converting may throw
// std::invalid_argument naming a field the loaded message cannot be sent with. Anything else is
// a finding.
#include "mailrig/client/MailMessage.h"
#include "mailrig/client/Tnef.h"

#include <cstdint>
#include <stdexcept>
#include <string>

using mailrig::MailMessage;

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string bytes(reinterpret_cast<const char*>(data), size);
    MailMessage message;
    try {
        message = MailMessage::fromBytes(bytes, "fuzz.eml");
    } catch (const std::runtime_error&) {
        return 0;
    }
    if (message.wireBytes() != bytes) __builtin_trap(); // a loaded message goes out as it came
    (void)message.envelopeRecipients();
    (void)carriesTnef(message);
    MailMessage changed = message;
    changed.setSubject(message.subject()); // drops the original bytes: composed from the model
    try {
        (void)changed.toEml();
    } catch (const std::invalid_argument&) {
    }
    try {
        (void)mailrig::encapsulateInTnef(changed).wireBytes();
    } catch (const std::invalid_argument&) {
    }
    return 0;
}
