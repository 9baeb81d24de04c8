#pragma once

#include <string>
#include <utility>

namespace mailrig {

/// Where SmtpClient delivers: over the network (the default) or into a pickup directory that
/// another program watches (the seed's file-system delivery).
class DeliveryMethod {
public:
    enum class Kind { Network, PickupDirectory };

    /// Deliver with SMTP to the client's host and port.
    static DeliveryMethod network() { return DeliveryMethod(Kind::Network, {}); }
    /// Write each message as `<directory>/<unique>.eml`: exactly the message bytes that would
    /// go on the wire (CRLF line ends, Bcc removed, no dot-stuffing), with the envelope beside
    /// it in `<directory>/<unique>.envelope.json` (`{"from": "...", "to": ["...", ...]}`). Each
    /// file is written to a hidden temporary file in the same directory and renamed into place,
    /// the envelope first and the .eml last, so a watcher that sees the .eml finds a complete
    /// pair. The directory must exist.
    static DeliveryMethod pickupDirectory(std::string directory) {
        return DeliveryMethod(Kind::PickupDirectory, std::move(directory));
    }

    Kind kind() const { return _kind; }
    /// The directory for PickupDirectory, empty for Network.
    const std::string& directory() const { return _directory; }

private:
    DeliveryMethod(Kind kind, std::string directory) : _kind(kind), _directory(std::move(directory)) {}
    Kind _kind;
    std::string _directory;
};

} // namespace mailrig
