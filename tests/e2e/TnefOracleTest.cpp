// TNEF written by mailrig::TnefWriter, read back by independent decoders: the `tnef` program,
// `ytnef`, Perl's Convert::TNEF (checksums checked) and the fake server's own TnefView.
#include "mailrig/client/SmtpClient.h"
#include "mailrig/client/Tnef.h"
#include "mailrig/fakeserver/FakeSmtpServer.h"
#include "mailrig/fakeserver/MessageView.h"
#include "mailrig/fakeserver/TnefView.h"
#include "support/Process.h"

#include <Poco/DigestEngine.h>
#include <Poco/MD5Engine.h>

#include <boost/test/unit_test.hpp>

#include <chrono>
#include <sstream>
#include <string>
#include <vector>

namespace {

using mailrig::test::readFile;
using mailrig::test::runProcess;
using mailrig::test::TempDir;
using mailrig::test::writeFile;

const std::string kHtml =
    "<html><head><title>t</title><style>p { color: red; }</style></head>\r\n"
    "<body><p>Dear Ænne &amp; Bj\xc3\xb6rn,</p>\r\n<p>see the <b>report</b> &#8212; \xe6\x96\x87\xe4\xbb\xb6 \xf0\x9f\x93\x8e</p><br>\r\n"
    "</body></html>\r\n";

std::string allByteValues(std::size_t size) {
    std::string s(size, '\0');
    for (std::size_t i = 0; i < size; ++i) s[i] = static_cast<char>((i * 131 + i / 256) & 0xFF);
    return s;
}

mailrig::Attachment file(const std::string& name, std::string content, const std::string& type) {
    mailrig::Attachment a;
    a.fileName = name;
    a.content = std::move(content);
    a.contentType = type;
    return a;
}

// A text-only message from alice@example.org.
mailrig::MailMessage textMessage(const std::string& subject, const std::string& text) {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress("alice@example.org"));
    m.setSubject(subject);
    m.setTextBody(text);
    return m;
}

// A message as a user would build it: Unicode subject and names, text and HTML, binary files.
mailrig::MailMessage sampleMessage(const std::string& subject) {
    mailrig::MailMessage m;
    m.setFrom(mailrig::MailAddress("alice@example.org", "Alice Ångström"));
    m.addTo(mailrig::MailAddress("bob@example.net", "Bob"));
    m.setSubject(subject);
    m.setTextBody("Dear Ænne & Björn,\r\nsee the report.\r\n");
    m.setHtmlBody(kHtml);
    m.setMessageId("<tnef-oracle.1@example.org>");
    m.setPriority(mailrig::Priority::High);
    m.addAttachment(file("report.pdf", "%PDF-1.4\n" + allByteValues(3000), "application/pdf"));
    m.addAttachment(file("Grüße отчёт 文件.bin", allByteValues(777), "application/octet-stream"));
    m.addAttachment(file("notes.txt", "plain\r\nnotes\r\n", "text/plain"));
    return m;
}

std::string md5Hex(const std::string& bytes) {
    Poco::MD5Engine md5;
    md5.update(bytes);
    return Poco::DigestEngine::digestToHex(md5.digest());
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) out.push_back(line);
    return out;
}

// Writes the TNEF of `m` to `dir/winmail.dat` and returns its path.
std::string writeTnef(const TempDir& dir, const mailrig::MailMessage& m,
                      const mailrig::TnefWriter& writer = mailrig::TnefWriter()) {
    const std::string path = dir.file("winmail.dat");
    writeFile(path, writer.write(m));
    return path;
}

// Reads a TNEF file with Convert::TNEF, checksums checked; prints the subject and one line
// per attachment: name, size, MD5 (an attachment without attAttachData has no data: empty).
const char* kPerlReader = R"PERL(
use strict; use warnings; use Convert::TNEF; use Digest::MD5 qw(md5_hex);
my $t = Convert::TNEF->read_in($ARGV[0], {ignore_checksum => 0, output_to_core => "ALL"})
  or do { print STDERR "Convert::TNEF: $Convert::TNEF::errstr\n"; exit 3 };
my $subject = $t->message->data("Subject"); $subject =~ s/\0+$//;
print "subject\t$subject\n";
for my $a ($t->attachments) { my $data = $a->data // ""; print "attachment\t", $a->longname, "\t", length($data), "\t", md5_hex($data), "\n"; }
$t->purge;
)PERL";

// ytnef writes spaces in file names as underscores.
std::string ytnefName(std::string name) {
    for (auto& c : name)
        if (c == ' ') c = '_';
    return name;
}

// Convert::TNEF's line for `a`, shown as `name` (the 8-bit name it reads).
std::string perlLine(const mailrig::Attachment& a, const std::string& name) {
    return "attachment\t" + name + "\t" + std::to_string(a.content.size()) + "\t" + md5Hex(a.content);
}

std::string perlLine(const mailrig::Attachment& a) { return perlLine(a, a.fileName); }

// A message past ytnef 2.0's limits: a subject and a file name of 100 bytes or more (the most
// attSubject and attAttachTitle may hold is 99), and an empty file (no attribute may have
// length 0). `legacySubject` and `titles` are the 8-bit strings readers of the legacy
// attributes (ytnef, Convert::TNEF) show; everything else reads the whole text.
struct PastYtnefLimits {
    mailrig::MailMessage message;
    std::string legacySubject;
    std::vector<std::string> titles;
};

PastYtnefLimits pastYtnefLimitsInUtf8() {
    PastYtnefLimits c;
    c.message = textMessage("Протокол совещания: квартальный отчёт, планы и бюджет на следующий год", "См. вложение.\r\n");
    c.message.addAttachment(file("empty.dat", "", "application/octet-stream"));
    c.message.addAttachment(file("Приложение к протоколу совещания — квартальный отчёт 文件.xlsx", allByteValues(1500),
                                 "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    c.message.addAttachment(file("notes.txt", "plain\r\nnotes\r\n", "text/plain"));
    c.legacySubject = "Протокол совещания: квартальный отчёт, планы и бюджет "; // 99 bytes
    c.titles = {"empty.dat", "Приложение к протоколу совещания — квартальный о~2.xlsx", "notes.txt"};
    return c;
}

PastYtnefLimits pastYtnefLimitsInWindows1252() {
    PastYtnefLimits c;
    c.message = textMessage("Minutes of the quarterly planning meeting with the regional sales teams and the product "
                            "group - final draft",
                            "See attached.\r\n");
    c.message.addAttachment(file("Minutes of the quarterly planning meeting with the regional sales teams and the product "
                                 "group, final version.docx",
                                 allByteValues(999), "application/octet-stream"));
    c.message.addAttachment(file("empty.dat", "", "application/octet-stream"));
    c.legacySubject = // 99 bytes
        "Minutes of the quarterly planning meeting with the regional sales teams and the product group - fin";
    c.titles = {"Minutes of the quarterly planning meeting with the regional sales teams and the product grou~1.docx",
                "empty.dat"};
    return c;
}

// Every decoder reads `c`: `tnef` lists and extracts every file by its whole name, ytnef
// reports no error and extracts every non-empty file by its title (it saves none for an empty
// attachment), Convert::TNEF reads the legacy subject and titles, and the verifying view finds
// no problem (libytnef included) and the whole subject and names.
void expectEveryDecoderReads(const PastYtnefLimits& c) {
    TempDir dir;
    const auto& files = c.message.attachments();
    BOOST_TEST_REQUIRE(c.titles.size() == files.size());
    const std::string path = writeTnef(dir, c.message);

    const auto listed = runProcess({"tnef", "-t", "-f", path});
    BOOST_TEST(listed.exitCode == 0, listed.err);
    BOOST_TEST_REQUIRE(lines(listed.out).size() == files.size(), listed.out);
    for (std::size_t i = 0; i < files.size(); ++i)
        BOOST_TEST(lines(listed.out)[i].rfind(files[i].fileName + "\t", 0) == 0u, lines(listed.out)[i]);
    const std::string tnefOut = dir.file("tnef-out");
    const std::string ytnefOut = dir.file("ytnef-out");
    runProcess({"mkdir", tnefOut, ytnefOut});
    const auto extracted = runProcess({"tnef", "-C", tnefOut, "-f", path});
    BOOST_TEST_REQUIRE(extracted.exitCode == 0, extracted.err);
    for (const auto& a : files) BOOST_TEST(readFile(tnefOut + "/" + a.fileName) == a.content, a.fileName);

    const auto y = runProcess({"ytnef", "-f", ytnefOut, path});
    BOOST_TEST(y.out.find("ERROR") == std::string::npos, y.out);
    BOOST_TEST(y.err.find("ERROR") == std::string::npos, y.err);
    std::size_t nonEmpty = 0;
    for (std::size_t i = 0; i < files.size(); ++i) {
        if (files[i].content.empty()) continue;
        ++nonEmpty;
        BOOST_TEST(readFile(ytnefOut + "/" + ytnefName(c.titles[i])) == files[i].content, c.titles[i]);
    }
    BOOST_TEST(lines(runProcess({"ls", ytnefOut}).out).size() == nonEmpty);

    const auto perl = runProcess({"perl", "-e", kPerlReader, path});
    BOOST_TEST_REQUIRE(perl.exitCode == 0, perl.err);
    std::string expected = "subject\t" + c.legacySubject + "\n";
    for (std::size_t i = 0; i < files.size(); ++i) expected += perlLine(files[i], c.titles[i]) + "\n";
    BOOST_TEST(perl.out == expected);

    const auto v = mailrig::fake::decodeTnef(readFile(path));
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(v.subject == c.message.subject());
    BOOST_TEST(v.legacySubject == c.legacySubject);
    BOOST_TEST_REQUIRE(v.attachments.size() == files.size());
    for (std::size_t i = 0; i < files.size(); ++i) {
        BOOST_TEST(v.attachments[i].fileName == files[i].fileName);
        BOOST_TEST(v.attachments[i].longFileName == files[i].fileName);
        BOOST_TEST(v.attachments[i].displayName == files[i].fileName);
        BOOST_TEST(v.attachments[i].title == c.titles[i]);
        BOOST_TEST(v.attachments[i].content == files[i].content);
    }
}

} // namespace

BOOST_AUTO_TEST_SUITE(TnefOracle)

BOOST_AUTO_TEST_CASE(tnefListsEveryAttachmentAndExitsZero) {
    TempDir dir;
    const auto m = sampleMessage("Quarterly report — Grüße, Привет");
    const auto r = runProcess({"tnef", "-t", "-f", writeTnef(dir, m)});
    BOOST_TEST(r.exitCode == 0, r.err);
    const auto listed = lines(r.out);
    BOOST_TEST_REQUIRE(listed.size() == m.attachments().size(), r.out);
    for (std::size_t i = 0; i < listed.size(); ++i)
        BOOST_TEST(listed[i].rfind(m.attachments()[i].fileName + "\t", 0) == 0u, listed[i]);
}

BOOST_AUTO_TEST_CASE(tnefExtractsByteIdenticalFiles) {
    TempDir dir;
    const auto m = sampleMessage("Files");
    const std::string out = dir.file("out");
    runProcess({"mkdir", out});
    const auto r = runProcess({"tnef", "-C", out, "-f", writeTnef(dir, m)});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    for (const auto& a : m.attachments()) BOOST_TEST(readFile(out + "/" + a.fileName) == a.content, a.fileName);
}

BOOST_AUTO_TEST_CASE(tnefSavesTheRtfHtmlAndTextBodies) {
    TempDir dir;
    const auto m = sampleMessage("Bodies — Привет"); // Cyrillic: legacy strings go out as UTF-8
    const std::string tnefFile = writeTnef(dir, m);
    const struct {
        const char* pref;
        const char* extension;
        std::string expected;
    } bodies[] = {{"r", ".rtf", mailrig::htmlToRtf(kHtml)}, {"h", ".html", kHtml}, {"t", ".txt", m.textBody()}};
    for (const auto& b : bodies) {
        BOOST_TEST_CONTEXT("--body-pref=" << b.pref) {
            const std::string out = dir.file(std::string("body-") + b.pref);
            runProcess({"mkdir", out});
            const auto r = runProcess({"tnef", "-C", out, "--save-body=body", std::string("--body-pref=") + b.pref,
                                       "-f", tnefFile});
            BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
            BOOST_TEST(readFile(out + "/body" + b.extension) == b.expected);
        }
    }
}

BOOST_AUTO_TEST_CASE(tnefSavesAWindows1252TextBodyForLatinText) {
    TempDir dir;
    const auto m = textMessage("Café", "Crème brûlée — 5 €\r\n");
    const std::string tnefFile = writeTnef(dir, m);
    const auto r = runProcess({"tnef", "-C", dir.path(), "--save-body=body", "--body-pref=t", "-f", tnefFile});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    BOOST_TEST(readFile(dir.file("body.txt")) == "Cr\xe8me br\xfbl\xe9" "e \x97 5 \x80\r\n");
}

BOOST_AUTO_TEST_CASE(ytnefExtractsIdenticalFilesWithoutErrors) {
    TempDir dir;
    const auto m = sampleMessage("ytnef — Grüße");
    const std::string out = dir.file("out");
    runProcess({"mkdir", out});
    const auto r = runProcess({"ytnef", "-f", out, writeTnef(dir, m)});
    BOOST_TEST(r.out.find("ERROR") == std::string::npos, r.out);
    BOOST_TEST(r.err.find("ERROR") == std::string::npos, r.err);
    for (const auto& a : m.attachments()) BOOST_TEST(readFile(out + "/" + ytnefName(a.fileName)) == a.content, a.fileName);
}

BOOST_AUTO_TEST_CASE(perlConvertTnefReadsItWithChecksumsChecked) {
    TempDir dir;
    const auto m = sampleMessage("Perl — Привет");
    const auto r = runProcess({"perl", "-e", kPerlReader, writeTnef(dir, m)});
    BOOST_TEST_REQUIRE(r.exitCode == 0, r.err);
    std::string expected = "subject\t" + m.subject() + "\n";
    for (const auto& a : m.attachments()) expected += perlLine(a) + "\n";
    BOOST_TEST(r.out == expected);
}

BOOST_AUTO_TEST_CASE(everyOracleRejectsACorruptedChecksum) {
    // Proves the oracles above can fail: one flipped checksum bit is caught by each.
    TempDir dir;
    std::string bytes = mailrig::TnefWriter().write(sampleMessage("Corrupt"));
    bytes.back() = static_cast<char>(bytes.back() ^ 0x01);
    const std::string path = dir.file("bad.dat");
    writeFile(path, bytes);
    BOOST_TEST(runProcess({"tnef", "-t", "-f", path}).exitCode != 0);
    BOOST_TEST(runProcess({"perl", "-e", kPerlReader, path}).exitCode != 0);
    const std::string out = dir.file("out");
    runProcess({"mkdir", out});
    BOOST_TEST(runProcess({"ytnef", "-f", out, path}).out.find("ERROR") != std::string::npos);
    BOOST_TEST(!mailrig::fake::decodeTnef(bytes).checksumsValid);
}

BOOST_AUTO_TEST_CASE(verifyingViewReadsBackEveryProperty) {
    const auto m = sampleMessage("View — Grüße, Привет");
    const auto v = mailrig::fake::decodeTnef(mailrig::TnefWriter().write(m));
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(v.checksumsValid);
    BOOST_TEST(v.messageClass == "IPM.Note");
    BOOST_TEST(v.legacyMessageClass == "IPM.Microsoft Mail.Note");
    BOOST_TEST(v.subject == m.subject());
    BOOST_TEST(v.legacySubject == m.subject());
    BOOST_TEST(v.oemCodepage.value_or(0) == 65001u);
    BOOST_TEST(v.textBody == m.textBody());
    BOOST_TEST(v.htmlBody == kHtml);
    BOOST_TEST(v.rtfBody == mailrig::htmlToRtf(kHtml));
    BOOST_TEST(v.htmlFromRtf.value_or("") == kHtml);
    BOOST_TEST(v.rtfInSync.value_or(false));
    BOOST_TEST(v.priority.value_or(0) == 1);
    BOOST_TEST(v.importance.value_or(0) == 2);
    BOOST_TEST(v.senderName == "Alice Ångström");
    BOOST_TEST(v.senderAddressType == "SMTP");
    BOOST_TEST(v.senderAddress == "alice@example.org");
    BOOST_TEST(v.sentRepresentingAddress == "alice@example.org");
    BOOST_TEST(v.internetCodepage.value_or(0) == 65001u);
    BOOST_TEST(v.correlationKey.value_or("") == "<tnef-oracle.1@example.org>");
    BOOST_TEST_REQUIRE(v.attachments.size() == m.attachments().size());
    for (std::size_t i = 0; i < v.attachments.size(); ++i) {
        const auto& got = v.attachments[i];
        const auto& want = m.attachments()[i];
        BOOST_TEST(got.fileName == want.fileName);
        BOOST_TEST(got.mimeTag == want.contentType);
        BOOST_TEST(got.content == want.content);
        BOOST_TEST(got.attachMethod.value_or(0) == 1);
        BOOST_TEST(got.renderingPosition.value_or(0) == -1);
        BOOST_TEST(!got.hasAttachDataBin);
    }
    BOOST_TEST(v.attachments[0].extension == ".pdf");
}

BOOST_AUTO_TEST_CASE(aMessageWithoutAttachmentsSatisfiesEveryOracle) {
    TempDir dir;
    const auto m = textMessage("No files — Привет", "Just text.\r\n");
    const std::string path = writeTnef(dir, m);
    const auto listed = runProcess({"tnef", "-t", "-f", path});
    BOOST_TEST(listed.exitCode == 0, listed.err);
    BOOST_TEST(listed.out.empty());
    const std::string out = dir.file("out");
    runProcess({"mkdir", out});
    BOOST_TEST(runProcess({"ytnef", "-f", out, path}).out.find("ERROR") == std::string::npos);
    const auto perl = runProcess({"perl", "-e", kPerlReader, path});
    BOOST_TEST(perl.exitCode == 0, perl.err);
    BOOST_TEST(perl.out == "subject\t" + m.subject() + "\n");
    const auto v = mailrig::fake::decodeTnef(readFile(path));
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(v.attachments.empty());
    BOOST_TEST(v.rtfBody == mailrig::textToRtf(m.textBody()));
}

BOOST_AUTO_TEST_CASE(aTenMegabyteAttachmentSurvivesEveryDecoder) {
    TempDir dir;
    auto m = textMessage("Large", "A large file.\r\n");
    m.addAttachment(file("large.bin", allByteValues(10 * 1024 * 1024), "application/octet-stream"));
    const auto started = std::chrono::steady_clock::now();
    const std::string path = writeTnef(dir, m);
    BOOST_TEST((std::chrono::steady_clock::now() - started < std::chrono::seconds(10)));
    const std::string tnefOut = dir.file("tnef-out");
    const std::string ytnefOut = dir.file("ytnef-out");
    runProcess({"mkdir", tnefOut, ytnefOut});
    const auto t = runProcess({"tnef", "-C", tnefOut, "-f", path});
    BOOST_TEST_REQUIRE(t.exitCode == 0, t.err);
    BOOST_TEST(readFile(tnefOut + "/large.bin") == m.attachments()[0].content);
    BOOST_TEST(runProcess({"ytnef", "-f", ytnefOut, path}).out.find("ERROR") == std::string::npos);
    BOOST_TEST(readFile(ytnefOut + "/large.bin") == m.attachments()[0].content);
    const auto perl = runProcess({"perl", "-e", kPerlReader, path});
    BOOST_TEST(perl.exitCode == 0, perl.err);
    BOOST_TEST(perl.out == "subject\tLarge\n" + perlLine(m.attachments()[0]) + "\n");
    const auto v = mailrig::fake::decodeTnef(readFile(path));
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST_REQUIRE(v.attachments.size() == 1u);
    BOOST_TEST(v.attachments[0].size() == 10u * 1024u * 1024u);
}

BOOST_AUTO_TEST_CASE(longUtf8SubjectAndNameAndAnEmptyFileSatisfyEveryDecoder) {
    expectEveryDecoderReads(pastYtnefLimitsInUtf8());
}

BOOST_AUTO_TEST_CASE(longWindows1252SubjectAndNameAndAnEmptyFileSatisfyEveryDecoder) {
    expectEveryDecoderReads(pastYtnefLimitsInWindows1252());
}

BOOST_AUTO_TEST_CASE(meetingRequestClassGetsItsLegacyName) {
    TempDir dir;
    mailrig::TnefWriter writer;
    writer.setMessageClass("IPM.Schedule.Meeting.Request");
    const std::string bytes = writer.write(sampleMessage("Meeting"));
    const auto v = mailrig::fake::decodeTnef(bytes);
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front())); // includes libytnef's reading
    BOOST_TEST(v.messageClass == "IPM.Schedule.Meeting.Request");
    BOOST_TEST(v.legacyMessageClass == "IPM.Microsoft Schedule.MtgReq");
}

BOOST_AUTO_TEST_CASE(messageSentWithUseTnefArrivesAsOutlookSendsIt) {
    mailrig::fake::FakeSmtpServer server;
    server.start();
    mailrig::SmtpClient client("127.0.0.1", server.port());
    client.setSecurityOptions(mailrig::SecurityOptions::None);
    client.setTimeout(std::chrono::seconds(10));
    client.setUseTnef(true);
    const auto m = sampleMessage("Über SMTP — Привет");
    client.send(m);
    BOOST_REQUIRE(server.store().waitForCount(1, std::chrono::seconds(10)));
    const mailrig::fake::MessageView view(server.store().last().data());

    BOOST_TEST(view.root().contentType() == "multipart/mixed");
    const auto attachments = view.attachments();
    BOOST_TEST_REQUIRE(attachments.size() == 1u); // the files travel only inside the TNEF
    BOOST_TEST(attachments[0]->contentType() == "application/ms-tnef");
    BOOST_TEST(attachments[0]->fileName() == "winmail.dat");
    BOOST_TEST(attachments[0]->transferEncoding() == "base64");
    BOOST_TEST_REQUIRE(view.textBody() != nullptr);
    BOOST_TEST(view.textBody()->text() == m.textBody());
    BOOST_TEST(view.header("X-MS-TNEF-Correlator").value_or("") == "<" + view.messageId() + ">");

    const auto tnef = mailrig::fake::tnefOf(view);
    BOOST_TEST_REQUIRE(tnef.has_value());
    BOOST_TEST(tnef->valid(), (tnef->problems.empty() ? "" : tnef->problems.front()));
    BOOST_TEST(tnef->subject == m.subject());
    BOOST_TEST(tnef->htmlBody == kHtml);
    BOOST_TEST(tnef->correlationKey.value_or("") == view.header("X-MS-TNEF-Correlator").value_or("-"));
    BOOST_TEST_REQUIRE(tnef->attachments.size() == m.attachments().size());
    for (std::size_t i = 0; i < m.attachments().size(); ++i) {
        BOOST_TEST(tnef->attachments[i].fileName == m.attachments()[i].fileName);
        BOOST_TEST(tnef->attachments[i].content == m.attachments()[i].content);
    }

    // The captured winmail.dat also satisfies the external decoder.
    TempDir dir;
    writeFile(dir.file("captured.dat"), attachments[0]->content());
    const auto listed = runProcess({"tnef", "-t", "-f", dir.file("captured.dat")});
    BOOST_TEST(listed.exitCode == 0, listed.err);
    BOOST_TEST(lines(listed.out).size() == m.attachments().size());
}

BOOST_AUTO_TEST_CASE(inspectListsTheTnefAttachmentsWithNamesAndSizes) {
    TempDir dir;
    const auto m = sampleMessage("Inspect — Привет");
    writeFile(dir.file("m.eml"), mailrig::encapsulateInTnef(m).toEml());
    const auto text = mailrig::test::runMailrig({"inspect", dir.file("m.eml")});
    BOOST_TEST(text.exitCode == 0, text.out + text.err);
    BOOST_TEST(text.out.find("\nTNEF: part 2\n  class: IPM.Note (IPM.Microsoft Mail.Note)\n  subject: Inspect — Привет\n") !=
               std::string::npos, text.out);
    BOOST_TEST(text.out.find("  attachments: 3\n") != std::string::npos);
    for (const auto& a : m.attachments())
        BOOST_TEST(text.out.find("    \"" + a.fileName + "\"  " + std::to_string(a.content.size()) + " bytes  " +
                                 a.contentType + "\n") != std::string::npos, a.fileName);
    BOOST_TEST(text.out.find("  checksums: valid\n  problems: none\n") != std::string::npos);

    const auto json = mailrig::test::runMailrig({"inspect", "--json", dir.file("m.eml")});
    BOOST_TEST(json.exitCode == 0, json.err);
    const auto listed = mailrig::test::runPython(
        "import sys, json\n"
        "t = json.load(sys.stdin)['tnef']\n"
        "print(t['part'], t['subject'], t['checksumsValid'], t['problems'])\n"
        "for a in t['attachments']: print(a['fileName'], a['size'])\n",
        {}, json.out);
    BOOST_TEST_REQUIRE(listed.exitCode == 0, listed.err);
    std::string expected = "2 Inspect — Привет True []\n";
    for (const auto& a : m.attachments()) expected += a.fileName + " " + std::to_string(a.content.size()) + "\n";
    BOOST_TEST(listed.out == expected);
}

BOOST_AUTO_TEST_CASE(inspectShowsTheWholeSubjectAndNamesOfAMessagePastYtnefLimits) {
    TempDir dir;
    const auto c = pastYtnefLimitsInUtf8();
    writeFile(dir.file("m.eml"), mailrig::encapsulateInTnef(c.message).toEml());
    const auto r = mailrig::test::runMailrig({"inspect", dir.file("m.eml")});
    BOOST_TEST(r.exitCode == 0, r.out + r.err);
    BOOST_TEST(r.out.find("\n  subject: " + c.message.subject() + "\n") != std::string::npos, r.out);
    BOOST_TEST(r.out.find("  attachments: 3\n") != std::string::npos);
    for (const auto& a : c.message.attachments())
        BOOST_TEST(r.out.find("    \"" + a.fileName + "\"  " + std::to_string(a.content.size()) + " bytes  " +
                              a.contentType + "\n") != std::string::npos, a.fileName);
    BOOST_TEST(r.out.find("  checksums: valid\n  problems: none\n") != std::string::npos);
}

BOOST_AUTO_TEST_CASE(inspectFailsOnABrokenWinmailDat) {
    TempDir dir;
    std::string eml = mailrig::encapsulateInTnef(sampleMessage("Broken")).toEml();
    // Cut the base64 of winmail.dat short: the stream ends inside an attribute.
    const std::size_t body = eml.find("\r\n\r\n", eml.find("application/ms-tnef")) + 4;
    eml.erase(body + 76 * 20, eml.find("\r\n--", body) - (body + 76 * 20));
    writeFile(dir.file("m.eml"), eml);
    const auto r = mailrig::test::runMailrig({"inspect", dir.file("m.eml")});
    BOOST_TEST(r.exitCode == 1, r.out + r.err);
    BOOST_TEST(r.out.find("  checksums: INVALID\n") != std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(aForwardedOutlookMessageKeepsItsWinmailDatToItself) {
    // The outer message forwards a TNEF message as message/rfc822: the winmail.dat is the inner
    // message's, so the outer has no TNEF view and inspect shows no TNEF section.
    const std::string inner = mailrig::encapsulateInTnef(sampleMessage("Inner")).toEml();
    const std::string outer = "From: carol@example.org\r\nTo: dave@example.org\r\nSubject: Fwd: Inner\r\n"
                              "Date: Mon, 23 Nov 2026 09:00:00 +0000\r\nMessage-ID: <fwd@example.org>\r\n"
                              "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n"
                              "--fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nSee below.\r\n"
                              "--fwd\r\nContent-Type: message/rfc822\r\n\r\n" + inner + "\r\n--fwd--\r\n";
    const mailrig::fake::MessageView view(outer);
    BOOST_TEST(!mailrig::fake::tnefOf(view).has_value());
    BOOST_TEST(mailrig::fake::tnefPart(view) == nullptr);
    const mailrig::fake::MessageView alone(view.part("2")->content());
    BOOST_REQUIRE(mailrig::fake::tnefPart(alone) != nullptr);
    BOOST_TEST(mailrig::fake::tnefPart(alone)->path() == "2");
    TempDir dir;
    writeFile(dir.file("fwd.eml"), outer);
    const auto r = mailrig::test::runMailrig({"inspect", dir.file("fwd.eml")});
    BOOST_TEST(r.out.find("\nTNEF:") == std::string::npos, r.out);
}

BOOST_AUTO_TEST_CASE(aMessageWithoutTnefHasNoTnefView) {
    const mailrig::fake::MessageView view(std::string("From: a@example.org\r\nSubject: x\r\n\r\nbody\r\n"));
    BOOST_TEST(!mailrig::fake::tnefOf(view).has_value());
}

BOOST_AUTO_TEST_SUITE_END()
