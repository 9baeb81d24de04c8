// A project that uses mailrig through find_package(mailrig): compose a message with
// mailrig::client, send it to an embedded mailrig::fakeserver, and check what was captured.
#include <mailrig/client/MailMessage.h>
#include <mailrig/client/SmtpClient.h>
#include <mailrig/fakeserver/FakeSmtpServer.h>
#include <mailrig/fakeserver/MessageView.h>

#include <chrono>
#include <iostream>

int main() {
    mailrig::fake::FakeSmtpServer server;
    server.start();

    mailrig::MailMessage message;
    message.setFrom(mailrig::MailAddress("alice@example.org", "Alice"));
    message.addTo(mailrig::MailAddress("bob@example.com"));
    message.setSubject("consumer");
    message.setTextBody("Hello from a find_package(mailrig) consumer.\n");

    mailrig::SmtpClient client("127.0.0.1", server.port(), "", "", mailrig::SecurityOptions::None);
    client.send(message);

    if (!server.store().waitForCount(1, std::chrono::seconds(10))) {
        std::cerr << "no message captured\n";
        return 1;
    }
    const auto captured = server.store().messages().front();
    if (captured.view().subject() != "consumer") {
        std::cerr << "captured subject differs: " << captured.view().subject() << "\n";
        return 1;
    }
    std::cout << "captured " << captured.data().size() << " bytes for "
              << captured.recipientAddresses().front() << "\n";
    return 0;
}
