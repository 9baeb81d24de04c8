#include "support/SmtpWire.h"

#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Timespan.h>

#include <stdexcept>

namespace mailrig::test {

namespace {
Poco::Timespan span(std::chrono::milliseconds ms) { return Poco::Timespan(static_cast<long long>(ms.count()) * 1000); }
} // namespace

std::string WireReply::text() const {
    std::string out;
    for (const std::string& line : lines) {
        if (!out.empty()) out += '\n';
        out += line.size() > 4 ? line.substr(4) : std::string();
    }
    return out;
}

SmtpWire::SmtpWire(std::uint16_t port, std::chrono::milliseconds timeout) : _timeout(timeout) {
    _socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), span(timeout));
    _socket.setNoDelay(true);
}

void SmtpWire::send(std::string_view bytes) {
    _socket.setSendTimeout(span(_timeout));
    while (!bytes.empty()) {
        int sent = _socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        if (sent <= 0) throw std::runtime_error("SmtpWire: connection closed while sending");
        bytes.remove_prefix(static_cast<std::size_t>(sent));
    }
}

std::size_t SmtpWire::sendEndlessData(std::size_t maxBytes) {
    std::string block;
    while (block.size() < 64 * 1024) block += std::string(98, 'a') + "\r\n";
    std::size_t sent = 0;
    try {
        for (; sent < maxBytes; sent += block.size()) send(block);
    } catch (const std::exception&) { // the server closed: what it answered is still to be read
    }
    return sent;
}

bool SmtpWire::fill(std::chrono::milliseconds timeout) {
    char chunk[65536];
    _socket.setReceiveTimeout(span(timeout));
    int got = 0;
    try {
        got = _socket.receiveBytes(chunk, sizeof chunk);
    } catch (const Poco::TimeoutException&) {
        throw std::runtime_error("SmtpWire: no reply within " + std::to_string(timeout.count()) + " ms; buffered: " + _buffer);
    } catch (const Poco::Net::NetException&) {
        return false; // reset by peer counts as closed
    }
    if (got <= 0) return false;
    _buffer.append(chunk, static_cast<std::size_t>(got));
    return true;
}

WireReply SmtpWire::reply() {
    WireReply out;
    for (;;) {
        std::size_t end = _buffer.find("\r\n");
        if (end == std::string::npos) {
            if (!fill(_timeout)) throw std::runtime_error("SmtpWire: connection closed while waiting for a reply; got: " + _buffer);
            continue;
        }
        std::string line = _buffer.substr(0, end);
        _buffer.erase(0, end + 2);
        if (line.size() < 3) throw std::runtime_error("SmtpWire: malformed reply line: " + line);
        out.code = std::stoi(line.substr(0, 3));
        out.lines.push_back(line);
        if (line.size() == 3 || line[3] == ' ') return out;
    }
}

WireReply SmtpWire::command(std::string_view line) {
    send(std::string(line) + "\r\n");
    return reply();
}

WireReply SmtpWire::hello(std::string_view domain) {
    WireReply greeting = reply();
    if (greeting.code != 220) throw std::runtime_error("SmtpWire: greeting was " + greeting.text());
    return command("EHLO " + std::string(domain));
}

void SmtpWire::startData(std::string_view from, const std::vector<std::string>& to) {
    std::string group = "MAIL FROM:<" + std::string(from) + ">\r\n";
    for (const std::string& rcpt : to) group += "RCPT TO:<" + rcpt + ">\r\n";
    group += "DATA\r\n";
    send(group);
    WireReply r = reply();
    if (r.code != 250) throw std::runtime_error("SmtpWire: MAIL refused: " + r.text());
    for (const std::string& rcpt : to) {
        r = reply();
        if (r.code != 250) throw std::runtime_error("SmtpWire: RCPT " + rcpt + " refused: " + r.text());
    }
    r = reply();
    if (r.code != 354) throw std::runtime_error("SmtpWire: DATA refused: " + r.text());
}

WireReply SmtpWire::sendMail(std::string_view from, const std::vector<std::string>& to, std::string_view data) {
    startData(from, to);
    send(std::string(data) + ".\r\n");
    return reply();
}

void SmtpWire::shutdownWrite() { _socket.shutdownSend(); }

bool SmtpWire::closedWithin(std::chrono::milliseconds timeout) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) return false;
        try {
            if (!fill(left)) return true;
        } catch (const std::runtime_error&) {
            return false;
        }
    }
}

std::string SmtpWire::readUntilClosed(std::chrono::milliseconds timeout) {
    closedWithin(timeout);
    std::string out;
    out.swap(_buffer);
    return out;
}

std::string dotStuff(std::string_view text) {
    std::string out;
    out.reserve(text.size() + 16);
    bool lineStart = true;
    for (char c : text) {
        if (lineStart && c == '.') out += '.';
        out += c;
        lineStart = c == '\n';
    }
    return out;
}

} // namespace mailrig::test
