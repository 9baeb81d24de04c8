#pragma once

#include "mailrig/fakeserver/MessageView.h"

#include <string>
#include <vector>

namespace mailrig::fake::detail {

/// The immutable result of one parse, shared by every copy of a MessageView.
struct ViewData {
    std::string raw;
    MimePart root;
    std::vector<ParserWarning> warnings;
};

/// Builds views from bytes with GMime (see GMimeReader.cpp); the only code that touches
/// MimePart's and MessageView's private members.
struct ViewBuilder {
    /// Parses `raw`; throws MessageParseError when it is not a message.
    static MessageView build(std::string raw);

private:
    class Reader; // walks GMime objects into MimeParts
};

} // namespace mailrig::fake::detail
