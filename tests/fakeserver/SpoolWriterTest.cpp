// The spool: exact bytes in NNNNNN.eml, the envelope and session in NNNNNN.json (read back with
// Python's json module as the oracle), atomic pairs, numbering, concurrency and failures.
#include "mailrig/fakeserver/SpoolWriter.h"
#include "store/SessionRecord.h"
#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <set>
#include <thread>

using namespace mailrig::fake;
using mailrig::test::readFile;
using mailrig::test::runPython;
using mailrig::test::TempDir;
using mailrig::test::writeFile;

namespace fs = std::filesystem;

namespace {

const std::string awkwardBytes = std::string("Subject: caf\xc3\xa9\r\n\r\nbare lf\nbare cr\rnul:") +
                                 std::string(1, '\0') + "\xff\r\n.\r\n..dots\r\n";

std::shared_ptr<const detail::SessionRecord> sessionWithTranscript() {
    SessionInfo info;
    info.id = 7;
    info.peer = "127.0.0.1:40000";
    info.local = "127.0.0.1:2525";
    info.heloName = "client.example";
    info.esmtp = true;
    info.tls = true;
    info.tlsVersion = "TLSv1.3";
    info.tlsCipher = "TLS_AES_256_GCM_SHA384";
    info.authUser = "alice";
    info.authMechanism = "PLAIN";
    info.writes = 3;
    auto record = std::make_shared<detail::SessionRecord>(info, true);
    record->append('C', "EHLO client.example");
    record->append('S', "250 mailrig.test");
    record->append('C', "AUTH PLAIN ***");
    return record;
}

CapturedMessage makeMessage(std::string data, std::shared_ptr<const detail::SessionRecord> session = nullptr) {
    EnvelopeAddress from{"sender@example.com", {{"SIZE", "120"}, {"BODY", "8BITMIME"}}};
    std::vector<EnvelopeAddress> to{{"to@example.com", {{"NOTIFY", "SUCCESS,FAILURE"}}},
                                    {"bcc\xff@example.com", {}}};
    MessageFlags flags;
    flags.bareLf = true;
    flags.longestLine = 42;
    return CapturedMessage(from, to, std::move(data), flags, true, std::move(session));
}

// Runs a Python snippet with `j` bound to the parsed JSON file argv[1]; returns its stdout.
std::string pythonOnJson(const std::string& path, const std::string& body) {
    auto result = runPython("import json,sys\nj=json.load(open(sys.argv[1],encoding='utf-8'))\n" + body,
                            {path}, {}, std::chrono::seconds(30));
    BOOST_TEST(result.exitCode == 0, result.err);
    return result.out;
}

std::vector<std::string> namesIn(const std::string& directory) {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(directory)) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
}

} // namespace

BOOST_AUTO_TEST_SUITE(SpoolWriterTest)

BOOST_AUTO_TEST_CASE(writesExactBytesAndEnvelopeJson) {
    TempDir dir;
    SpoolWriter writer(dir.file("spool"));
    SpoolEntry entry = writer.write(makeMessage(awkwardBytes, sessionWithTranscript()));
    BOOST_TEST(entry.number == 1u);
    BOOST_TEST(entry.emlPath == dir.file("spool/000001.eml"));
    BOOST_TEST(entry.jsonPath == dir.file("spool/000001.json"));
    BOOST_TEST(readFile(entry.emlPath) == awkwardBytes);
    BOOST_TEST(namesIn(dir.file("spool")) == (std::vector<std::string>{"000001.eml", "000001.json"}),
               boost::test_tools::per_element());

    const std::string out = pythonOnJson(entry.jsonPath,
        "import hashlib\n"
        "print(j['eml'], j['size'], j['viaBdat'])\n"
        "print(j['sha256'] == hashlib.sha256(open(sys.argv[1][:-4]+'eml','rb').read()).hexdigest())\n"
        "print(j['mailFrom']['address'], [(p['keyword'],p['value']) for p in j['mailFrom']['params']])\n"
        "print([r['address'] for r in j['recipients']], j['recipients'][0]['params'][0]['value'])\n"
        "print(j['flags']['bareLf'], j['flags']['smuggling'], j['flags']['longestLine'], j['session']['writes'])\n"
        "s=j['session']\n"
        "print(s['id'], s['peer'], s['heloName'], s['tls'], s['tlsVersion'], s['authUser'], s['authMechanism'])\n"
        "print(['%s: %s' % (t['direction'], t['text']) for t in s['transcript']])\n"
        "print(j['receivedAt'].endswith('Z'), s['transcript'][0]['time'][:2])\n");
    const std::string expected =
        "000001.eml " + std::to_string(awkwardBytes.size()) + " True\n"
        "True\n"
        "sender@example.com [('SIZE', '120'), ('BODY', '8BITMIME')]\n"
        "['to@example.com', 'bcc\xef\xbf\xbd@example.com'] SUCCESS,FAILURE\n"
        "True False 42 3\n"
        "7 127.0.0.1:40000 client.example True TLSv1.3 alice PLAIN\n"
        "['C: EHLO client.example', 'S: 250 mailrig.test', 'C: AUTH PLAIN ***']\n"
        "True 20\n";
    BOOST_TEST(out == expected);
}

BOOST_AUTO_TEST_CASE(messageWithoutSessionHasNullSession) {
    const std::string json = capturedMessageJson(makeMessage("x\r\n"));
    BOOST_TEST(json.find("\"session\": null") != std::string::npos, json);
    BOOST_TEST(json.find("\"eml\"") == std::string::npos);
    BOOST_TEST(json.back() == '\n');
}

BOOST_AUTO_TEST_CASE(numberingContinuesAfterAnEarlierRun) {
    TempDir dir;
    writeFile(dir.file("000041.eml"), "old");
    writeFile(dir.file("000041.json"), "{}");
    writeFile(dir.file("notes.txt"), "ignored");
    writeFile(dir.file("99.eml"), "too short a number: ignored");
    SpoolWriter writer(dir.path());
    BOOST_TEST(writer.write(makeMessage("a\r\n")).number == 42u);
    BOOST_TEST(writer.write(makeMessage("b\r\n")).number == 43u);
    BOOST_TEST(readFile(dir.file("000041.eml")) == "old");
    BOOST_TEST(readFile(dir.file("000043.eml")) == "b\r\n");
}

BOOST_AUTO_TEST_CASE(concurrentWritersProduceDistinctCompletePairs) {
    TempDir dir;
    SpoolWriter writer(dir.path(), SpoolDurability::RenameOnly);
    std::vector<std::thread> threads;
    for (int t = 0; t < 8; ++t)
        threads.emplace_back([&writer, t] {
            for (int i = 0; i < 25; ++i)
                writer.write(makeMessage("thread " + std::to_string(t) + " message " + std::to_string(i) + "\r\n"));
        });
    for (auto& thread : threads) thread.join();
    const auto names = namesIn(dir.path());
    BOOST_TEST(names.size() == 400u);
    std::set<std::string> bodies;
    for (int n = 1; n <= 200; ++n) {
        char stem[16];
        std::snprintf(stem, sizeof stem, "%06d", n);
        bodies.insert(readFile(dir.file(std::string(stem) + ".eml")));
        BOOST_TEST(fs::exists(dir.file(std::string(stem) + ".json")));
    }
    BOOST_TEST(bodies.size() == 200u);
}

BOOST_AUTO_TEST_CASE(failedJsonWriteLeavesNoHalfPair) {
    for (const auto durability : {SpoolDurability::Fsync, SpoolDurability::RenameOnly}) {
        BOOST_TEST_CONTEXT("durability " << static_cast<int>(durability)) {
            TempDir dir;
            SpoolWriter writer(dir.path(), durability, SpoolNaming::TempAndRename);
            // A directory in the way of the temp name makes the .json write fail.
            fs::create_directory(dir.file(".000001.json.tmp"));
            BOOST_CHECK_EXCEPTION(writer.write(makeMessage("x\r\n")), std::runtime_error, [&](const std::runtime_error& e) {
                return std::string(e.what()).find(dir.file(".000001.json.tmp")) != std::string::npos;
            });
            BOOST_TEST(!fs::exists(dir.file("000001.eml")));
            BOOST_TEST(!fs::exists(dir.file("000001.json")));
            BOOST_TEST(!fs::exists(dir.file(".000001.eml.tmp")));
            fs::remove(dir.file(".000001.json.tmp"));
            BOOST_TEST(writer.write(makeMessage("y\r\n")).number == 2u);
            BOOST_TEST(namesIn(dir.path()) == (std::vector<std::string>{"000002.eml", "000002.json"}),
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(unnamedFilesNeverReplaceAFileAlreadyUnderTheFinalNameAndLeaveNoHalfPair) {
    for (const auto durability : {SpoolDurability::Fsync, SpoolDurability::RenameOnly}) {
        BOOST_TEST_CONTEXT("durability " << static_cast<int>(durability)) {
            TempDir dir;
            SpoolWriter writer(dir.path(), durability);
            BOOST_TEST(writer.write(makeMessage("first\r\n")).number == 1u);
            BOOST_REQUIRE_MESSAGE(writer.writesUnnamedFiles(), "this system refuses unnamed files: nothing to test");
            // Another program's file where the next .json goes: the link must refuse, not replace it.
            writeFile(dir.file("000002.json"), "someone else's");
            BOOST_CHECK_EXCEPTION(writer.write(makeMessage("second\r\n")), std::runtime_error,
                                  [&](const std::runtime_error& e) {
                                      const std::string what = e.what();
                                      return what.find(dir.file("000002.json")) != std::string::npos &&
                                             what.find(std::strerror(EEXIST)) != std::string::npos;
                                  });
            BOOST_TEST(readFile(dir.file("000002.json")) == "someone else's");
            BOOST_TEST(!fs::exists(dir.file("000002.eml")));
            BOOST_TEST(writer.write(makeMessage("third\r\n")).number == 3u);
            BOOST_TEST(namesIn(dir.path()) == (std::vector<std::string>{"000001.eml", "000001.json", "000002.json",
                                                                        "000003.eml", "000003.json"}),
                       boost::test_tools::per_element());
            BOOST_TEST(readFile(dir.file("000003.eml")) == "third\r\n");
            BOOST_TEST(writer.writesUnnamedFiles());
        }
    }
}

BOOST_AUTO_TEST_CASE(unnamedFilesAndTemporaryNamesWriteTheSameFilesAndTheUnnamedLeaveNoTraceWhenTheyFail) {
    TempDir dir;
    SpoolWriter unnamed(dir.file("unnamed"), SpoolDurability::RenameOnly);
    SpoolWriter renamed(dir.file("renamed"), SpoolDurability::RenameOnly, SpoolNaming::TempAndRename);
    BOOST_TEST(!renamed.writesUnnamedFiles());
    const CapturedMessage message = makeMessage(awkwardBytes, sessionWithTranscript());
    const SpoolEntry a = unnamed.write(message);
    const SpoolEntry b = renamed.write(message);
    BOOST_TEST(unnamed.writesUnnamedFiles()); // tmpfs and ext4 both allow it on this kernel
    BOOST_TEST(readFile(a.emlPath) == awkwardBytes);
    BOOST_TEST(readFile(b.emlPath) == awkwardBytes);
    BOOST_TEST(readFile(a.jsonPath) == readFile(b.jsonPath));
    // With temporary names a file in the way of the final name is replaced (rename semantics);
    // the forced fallback keeps working message after message.
    writeFile(dir.file("renamed/000002.eml"), "in the way");
    BOOST_TEST(renamed.write(makeMessage("next\r\n")).number == 2u);
    BOOST_TEST(readFile(dir.file("renamed/000002.eml")) == "next\r\n");
    BOOST_TEST(!renamed.writesUnnamedFiles());
    BOOST_TEST(namesIn(dir.file("unnamed")) == (std::vector<std::string>{"000001.eml", "000001.json"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(aLargeMessageHashedPieceByPieceAsItIsWrittenGetsTheDigestOfItsFile) {
    TempDir dir;
    std::string bytes = "Subject: large\r\n\r\n";
    std::uint32_t state = 12345;
    while (bytes.size() < 3 * 256 * 1024 + 17) {
        state = state * 1103515245u + 12345u;
        bytes.push_back(static_cast<char>(state >> 24));
    }
    const CapturedMessage message = makeMessage(bytes);
    for (const SpoolNaming naming : {SpoolNaming::Automatic, SpoolNaming::TempAndRename}) {
        SpoolWriter writer(dir.file(naming == SpoolNaming::Automatic ? "unnamed" : "renamed"),
                           SpoolDurability::RenameOnly, naming);
        const SpoolEntry first = writer.write(message);
        const SpoolEntry second = writer.write(makeMessage("small\r\n")); // the digest starts over
        BOOST_TEST(readFile(first.emlPath) == bytes);
        const std::string out = pythonOnJson(first.jsonPath,
            "import hashlib\n"
            "print(j['size'], j['sha256'] == hashlib.sha256(open(sys.argv[1][:-4]+'eml','rb').read()).hexdigest())\n");
        BOOST_TEST(out == std::to_string(bytes.size()) + " True\n");
        BOOST_TEST(readFile(first.jsonPath) == capturedMessageJson(message, "000001.eml"));
        BOOST_TEST(pythonOnJson(second.jsonPath,
                                "import hashlib\n"
                                "print(j['sha256'] == hashlib.sha256(b'small\\r\\n').hexdigest())\n") == "True\n");
    }
}

BOOST_AUTO_TEST_CASE(bothDurabilitiesWriteTheSameFiles) {
    TempDir dir;
    SpoolWriter fsynced(dir.file("fsync"), SpoolDurability::Fsync);
    SpoolWriter renamed(dir.file("rename"), SpoolDurability::RenameOnly);
    BOOST_TEST((fsynced.durability() == SpoolDurability::Fsync));
    BOOST_TEST((renamed.durability() == SpoolDurability::RenameOnly));
    BOOST_TEST((SpoolWriter(dir.file("default")).durability() == SpoolDurability::Fsync));
    const CapturedMessage message = makeMessage(awkwardBytes, sessionWithTranscript());
    const SpoolEntry a = fsynced.write(message);
    const SpoolEntry b = renamed.write(message);
    BOOST_TEST(readFile(a.emlPath) == awkwardBytes);
    BOOST_TEST(readFile(b.emlPath) == awkwardBytes);
    BOOST_TEST(readFile(a.jsonPath) == readFile(b.jsonPath));
    BOOST_TEST(readFile(b.jsonPath) == capturedMessageJson(message, "000001.eml"));
    BOOST_TEST(namesIn(dir.file("rename")) == (std::vector<std::string>{"000001.eml", "000001.json"}),
               boost::test_tools::per_element());
}

BOOST_AUTO_TEST_CASE(aRemovedDirectoryRefusesMessagesUntilItIsCreatedAgain) {
    for (const auto durability : {SpoolDurability::Fsync, SpoolDurability::RenameOnly})
    for (const auto naming : {SpoolNaming::Automatic, SpoolNaming::TempAndRename}) {
        BOOST_TEST_CONTEXT("durability " << static_cast<int>(durability) << ", naming " << static_cast<int>(naming)) {
            TempDir dir;
            SpoolWriter writer(dir.file("spool"), durability, naming);
            BOOST_TEST(writer.write(makeMessage("first\r\n")).number == 1u);
            const bool unnamed = writer.writesUnnamedFiles();
            fs::remove_all(dir.file("spool"));
            // The error names the file the writer was creating: the final name itself for an
            // unnamed file, the temporary name otherwise.
            const std::string failed = dir.file(unnamed ? "spool/000002.eml" : "spool/.000002.eml.tmp");
            BOOST_CHECK_EXCEPTION(writer.write(makeMessage("lost\r\n")), std::runtime_error,
                                  [&](const std::runtime_error& e) {
                                      return std::string(e.what()).find(failed) != std::string::npos;
                                  });
            BOOST_TEST(writer.writesUnnamedFiles() == unnamed); // a removed directory is no reason to fall back
            fs::create_directory(dir.file("spool"));
            const SpoolEntry entry = writer.write(makeMessage("third\r\n"));
            BOOST_TEST(entry.emlPath == dir.file("spool/000003.eml"));
            BOOST_TEST(readFile(dir.file("spool/000003.eml")) == "third\r\n");
            BOOST_TEST(writer.write(makeMessage("fourth\r\n")).number == 4u);
            BOOST_TEST(namesIn(dir.file("spool")) ==
                           (std::vector<std::string>{"000003.eml", "000003.json", "000004.eml", "000004.json"}),
                       boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(numbersBeyondSixDigitsKeepEveryDigit) {
    TempDir dir;
    writeFile(dir.file("999999.eml"), "old");
    SpoolWriter writer(dir.path(), SpoolDurability::RenameOnly);
    const SpoolEntry entry = writer.write(makeMessage("a\r\n"));
    BOOST_TEST(entry.number == 1000000u);
    BOOST_TEST(entry.emlPath == dir.file("1000000.eml"));
    BOOST_TEST(pythonOnJson(entry.jsonPath, "print(j['eml'])\n") == "1000000.eml\n");
}

BOOST_AUTO_TEST_CASE(aFileInsteadOfADirectoryIsRefusedByName) {
    TempDir dir;
    writeFile(dir.file("plain"), "");
    BOOST_CHECK_EXCEPTION(SpoolWriter(dir.file("plain")), std::runtime_error, [&](const std::runtime_error& e) {
        return std::string(e.what()).find(dir.file("plain")) != std::string::npos;
    });
}

BOOST_AUTO_TEST_CASE(attachedWriterSpoolsEveryCaptureWithItsSequence) {
    TempDir dir;
    MessageStore store;
    SpoolWriter writer(dir.path());
    writer.attach(store);
    store.add(makeMessage("first\r\n"));
    store.add(makeMessage("second\r\n"));
    BOOST_TEST(store.count() == 2u);
    BOOST_TEST(readFile(dir.file("000002.eml")) == "second\r\n");
    BOOST_TEST(pythonOnJson(dir.file("000002.json"), "print(j['sequence'])\n") == "2\n");
}

BOOST_AUTO_TEST_SUITE_END()
