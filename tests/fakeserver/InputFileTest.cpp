// Reading inputs with a bound: files over the bound are refused before a byte is read, devices
// and pipes that never end stop at it, and every error names the input and the cause.
#include "mailrig/fakeserver/InputFile.h"

#include "support/Process.h"

#include <boost/test/unit_test.hpp>

#include <filesystem>
#include <sstream>

using mailrig::fake::InputFileError;
using mailrig::fake::readInputFile;
using mailrig::fake::readInputStream;

namespace {

/// The error readInputFile throws for `path`, or a failure when it reads.
InputFileError errorReading(const std::string& path, std::size_t limit) {
    try {
        readInputFile(path, limit);
    } catch (const InputFileError& e) {
        return e;
    }
    BOOST_FAIL("no error reading " << path);
    throw std::logic_error("unreachable");
}

} // namespace

BOOST_AUTO_TEST_SUITE(InputFileTest)

BOOST_AUTO_TEST_CASE(aFileUpToTheLimitIsReadWhole) {
    const mailrig::test::TempDir dir;
    mailrig::test::writeFile(dir.file("a.txt"), std::string(100000, 'x') + "end");
    BOOST_TEST(readInputFile(dir.file("a.txt"), 100003) == std::string(100000, 'x') + "end");
}

BOOST_AUTO_TEST_CASE(aLargerRegularFileIsRefusedBeforeItIsRead) {
    const mailrig::test::TempDir dir;
    const std::string huge = dir.file("huge");
    mailrig::test::writeFile(huge, "");
    std::filesystem::resize_file(huge, (std::size_t{8} << 30) + 1); // sparse: never read
    const InputFileError e = errorReading(huge, mailrig::fake::kMaxMessageInput);
    BOOST_TEST(e.name() == huge);
    BOOST_TEST(e.cause() == "larger than 1 GiB, the most read into memory");
    BOOST_TEST(std::string(e.what()) == huge + ": cannot read: larger than 1 GiB, the most read into memory");
}

BOOST_AUTO_TEST_CASE(aDeviceThatNeverEndsStopsAtTheLimit) {
    BOOST_TEST(errorReading("/dev/zero", std::size_t{1} << 20).cause() == "larger than 1 MiB, the most read into memory");
    BOOST_TEST(errorReading("/dev/zero", 1000).cause() == "larger than 1000 bytes, the most read into memory");
}

BOOST_AUTO_TEST_CASE(aStreamPastTheLimitIsRefusedNamingIt) {
    std::istringstream in(std::string(70000, 'y'));
    try {
        readInputStream(in, "<stdin>", 65536);
        BOOST_FAIL("no error");
    } catch (const InputFileError& e) {
        BOOST_TEST(std::string(e.what()) == "<stdin>: cannot read: larger than 65536 bytes, the most read into memory");
    }
    std::istringstream small("short");
    BOOST_TEST(readInputStream(small, "<stdin>", 5) == "short");
}

BOOST_AUTO_TEST_CASE(missingFilesAndDirectoriesNameTheCause) {
    const mailrig::test::TempDir dir;
    BOOST_TEST(errorReading(dir.file("missing"), 10).cause() == "No such file or directory");
    BOOST_TEST(errorReading(dir.path(), 10).cause() == "is a directory");
}

BOOST_AUTO_TEST_SUITE_END()
