#include "detail/RawSender.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <stdexcept>

namespace mailrig::scenario::detail {

namespace {

class RawDialogue {
public:
    RawDialogue(std::uint16_t port, std::chrono::milliseconds timeout) {
        const Poco::Timespan span(static_cast<long>(timeout.count() / 1000), static_cast<long>(timeout.count() % 1000) * 1000);
        try {
            _socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), span);
            _socket.setReceiveTimeout(span);
            _socket.setSendTimeout(span);
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("send_raw: cannot connect: " + e.displayText());
        }
    }
    ~RawDialogue() {
        try {
            _socket.close();
        } catch (...) {
        }
    }

    /// Reads one (possibly multi-line) reply and checks its code.
    void expect(int code, const std::string& after) {
        std::string reply;
        for (;;) {
            const std::string line = readLine(after);
            reply += line + "\n";
            if (line.size() < 4 || line[3] != '-') break;
        }
        if (reply.size() < 3 || std::stoi(reply.substr(0, 3)) != code)
            throw std::runtime_error("send_raw: " + after + " answered " + reply.substr(0, reply.size() - 1));
    }

    void write(const std::string& bytes) {
        try {
            for (std::size_t sent = 0; sent < bytes.size();) {
                const int n = _socket.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent));
                if (n <= 0) throw std::runtime_error("send_raw: the connection closed while writing");
                sent += static_cast<std::size_t>(n);
            }
        } catch (const Poco::Exception& e) {
            throw std::runtime_error("send_raw: writing failed: " + e.displayText());
        }
    }

    void command(const std::string& line, int code) {
        write(line + "\r\n");
        expect(code, line);
    }

private:
    std::string readLine(const std::string& after) {
        for (;;) {
            const auto end = _buffer.find("\r\n");
            if (end != std::string::npos) {
                std::string line = _buffer.substr(0, end);
                _buffer.erase(0, end + 2);
                return line;
            }
            char chunk[4096];
            int n = 0;
            try {
                n = _socket.receiveBytes(chunk, sizeof chunk);
            } catch (const Poco::Exception& e) {
                throw std::runtime_error("send_raw: no reply to " + after + ": " + e.displayText());
            }
            if (n <= 0) throw std::runtime_error("send_raw: the server closed the connection after " + after);
            _buffer.append(chunk, static_cast<std::size_t>(n));
        }
    }

    Poco::Net::StreamSocket _socket;
    std::string _buffer;
};

} // namespace

void sendRaw(std::uint16_t port, const std::string& from, const std::vector<std::string>& to, const std::string& bytes,
             std::chrono::milliseconds timeout) {
    RawDialogue dialogue(port, timeout);
    dialogue.expect(220, "the greeting");
    dialogue.command("EHLO raw.mailrig.test", 250);
    dialogue.command("MAIL FROM:<" + from + ">", 250);
    for (const auto& recipient : to) dialogue.command("RCPT TO:<" + recipient + ">", 250);
    dialogue.command("DATA", 354);
    const bool endsWithCrlf = bytes.size() >= 2 && bytes.compare(bytes.size() - 2, 2, "\r\n") == 0;
    dialogue.write(bytes + (endsWithCrlf ? "" : "\r\n") + ".\r\n");
    dialogue.expect(250, "the end of data");
    dialogue.command("QUIT", 221);
}

} // namespace mailrig::scenario::detail
