// RFC 2047 runs of encoded words in the message view: every word decoded on its own, the way
// /usr/bin/python3's email package (policy.default) reads back what it composed.
#include "mailrig/fakeserver/MessageView.h"

#include "support/Process.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

#include <sstream>

using mailrig::fake::MessageView;
using mailrig::fake::MimePart;

namespace {

// Composes one message per text (subject, From and To names, an RFC 2231 attachment name, an
// RFC 2047 attachment name as older mailers write it) and reports what Python parses back.
const char* const pythonCompose = R"PY(
import base64, email, json, sys
from email import policy
from email.header import Header, decode_header, make_header
from email.headerregistry import Address
from email.message import EmailMessage
from email.utils import getaddresses

# policy.default's address parser puts the folding whitespace between adjacent encoded words
# into display names ("письм а"), which RFC 2047 6.2 forbids; the legacy decoder drops it.
def name(raw):
    return str(make_header(decode_header(raw)))

out = []
for text in json.loads(sys.stdin.read()):
    m = EmailMessage(policy=policy.SMTP)
    m['Subject'] = text
    m['From'] = Address(text[:60], 'sender@example.org')
    m['To'] = [Address(text[-50:], 'one@example.org'), Address('Plain, Name', 'two@example.org')]
    m.set_content('body')
    m.add_attachment(b'data', maintype='application', subtype='octet-stream', filename=text + '.bin')
    encoded = Header(text + '.txt', 'utf-8').encode(maxlinelen=40, linesep='\r\n ')
    m.add_attachment(b'text', maintype='text', subtype='plain')
    m.get_payload()[2].replace_header('Content-Disposition', 'attachment')
    raw = m.as_bytes().replace(b'Content-Disposition: attachment\r\n',
                               b'Content-Disposition: attachment;\r\n filename="' + encoded.encode() + b'"\r\n')
    back = email.message_from_bytes(raw, policy=policy.default)
    legacy = email.message_from_bytes(raw)
    out.append({'eml': base64.b64encode(raw).decode(),
                'subject': str(back['subject']),
                'from': [name(n) for n, a in getaddresses(legacy.get_all('from'))][0],
                'to': [name(n) for n, a in getaddresses(legacy.get_all('to'))],
                'files': [p.get_filename() for p in back.iter_attachments()]})
print(json.dumps(out))
)PY";

std::string fromBase64(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    return std::string(std::istreambuf_iterator<char>(decoder), {});
}

std::vector<std::string> names(const std::vector<mailrig::fake::Mailbox>& boxes) {
    std::vector<std::string> out;
    for (const auto& b : boxes) out.push_back(b.name);
    return out;
}

std::vector<std::string> strings(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < array->size(); ++i) out.push_back(array->getElement<std::string>(i));
    return out;
}

std::vector<std::string> fileNames(const MessageView& view) {
    std::vector<std::string> out;
    for (const MimePart* p : view.parts())
        if (!p->fileName().empty()) out.push_back(p->fileName());
    return out;
}

const std::vector<std::string> longTexts = {
    "Очень длинная тема письма, которая не помещается в одно закодированное слово и продолжается дальше",
    "Μια πολύ μεγάλη ελληνική γραμμή θέματος που χωρίζεται σε πολλές κωδικοποιημένες λέξεις",
    "这是一个非常长的中文主题行，它会被分成许多编码的单词，并且每个单词都有自己的填充字符",
    "これは非常に長い日本語の件名で、複数のエンコードされた単語に分割されます。絵文字も🎉",
    "عنوان طويل جدا باللغة العربية يتم تقسيمه إلى عدة كلمات مشفرة بشكل منفصل تماما",
    "Emoji run 😀😃😄😁😆😅😂🤣🥲☺️😊😇🙂🙃😉😌😍🥰😘😗😙😚😋😛😝😜🤪🤨🧐🤓😎",
    "Mixed ASCII and Ünïcödé wörds, then Кириллица, then 日本語, then 🚀 to the end of the line",
};

std::string message(const std::string& subject) {
    return "From: a@example.org\r\nTo: b@example.org\r\nSubject: " + subject + "\r\n\r\nbody\r\n";
}

} // namespace

BOOST_AUTO_TEST_SUITE(EncodedWordsTest)

BOOST_AUTO_TEST_CASE(pythonComposedHeadersDecodeExactlyAsPythonReadsThem) {
    Poco::JSON::Array::Ptr texts(new Poco::JSON::Array);
    for (const auto& t : longTexts) texts->add(t);
    std::ostringstream input;
    texts->stringify(input);
    const auto result = mailrig::test::runPython(pythonCompose, {}, input.str());
    BOOST_REQUIRE_MESSAGE(result.exitCode == 0, result.err);
    const auto cases = Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Array::Ptr>();
    BOOST_REQUIRE_EQUAL(cases->size(), longTexts.size());
    for (std::size_t i = 0; i < cases->size(); ++i) {
        const auto expected = cases->getObject(static_cast<unsigned>(i));
        BOOST_TEST_CONTEXT(longTexts[i]) {
            const MessageView view(fromBase64(expected->getValue<std::string>("eml")));
            BOOST_TEST(view.subject() == expected->getValue<std::string>("subject"));
            BOOST_TEST(view.headers().find("Subject")->value == expected->getValue<std::string>("subject"));
            BOOST_REQUIRE_EQUAL(view.from().size(), 1u);
            BOOST_TEST(view.from()[0].name == expected->getValue<std::string>("from"));
            BOOST_TEST(names(view.to()) == strings(expected->getArray("to")), boost::test_tools::per_element());
            BOOST_TEST(fileNames(view) == strings(expected->getArray("files")), boost::test_tools::per_element());
        }
    }
}

BOOST_AUTO_TEST_CASE(characterSplitAcrossWordsIsJoinedBeforeConversion) {
    // "Ж" is D0 96: the first word ends with D0, the next one starts with 96.
    const MessageView view(message("=?UTF-8?B?0JbQ?= =?UTF-8?B?lg==?="));
    BOOST_TEST(view.subject() == "ЖЖ");
    const MessageView q(message("=?utf-8?Q?caf=C3?=\r\n =?utf-8?Q?=A9_ok?="));
    BOOST_TEST(q.subject() == "café ok");
}

BOOST_AUTO_TEST_CASE(qEncodingTurnsUnderscoresIntoSpaces) {
    const MessageView view(message("=?ISO-8859-1?Q?Caf=E9_au_lait?= =?iso-8859-1?q?_=E0_emporter?="));
    BOOST_TEST(view.subject() == "Café au lait à emporter");
}

BOOST_AUTO_TEST_CASE(mixedCharsetsDecodeEachAndKeepLiteralSpacing) {
    const MessageView view(
        message("Re: =?koi8-r?B?8NLJ18XU?= =?ISO-8859-2?Q?=A3=F3d=BC?=  and =?utf-8?b?8J+Ygg==?= end"));
    BOOST_TEST(view.subject() == "Re: ПриветŁódź  and 😂 end");
}

BOOST_AUTO_TEST_CASE(unknownCharsetFallsBackWithoutLosingText) {
    const MessageView utf8(message("=?x-unknown?B?0J/RgNC40LLQtdGC?= =?x-unknown?Q?_!?="));
    BOOST_TEST(utf8.subject() == "Привет !");
    const MessageView latin(message("=?x-unknown?Q?caf=E9?="));
    BOOST_TEST(latin.subject() == "café");
}

BOOST_AUTO_TEST_CASE(malformedWordsAreLeftAsWritten) {
    BOOST_TEST(MessageView(message("=?utf-8?B?0J/R!!?= x")).subject() == "=?utf-8?B?0J/R!!?= x");
    BOOST_TEST(MessageView(message("=?utf-8?X?abc?= x")).subject() == "=?utf-8?X?abc?= x");
    BOOST_TEST(MessageView(message("=??B?YWJj?= x")).subject() == "=??B?YWJj?= x");
    BOOST_TEST(MessageView(message("=?utf-8?B?YWJj x")).subject() == "=?utf-8?B?YWJj x");
    // A malformed word between two good ones breaks the run: the spaces around it stay.
    BOOST_TEST(MessageView(message("=?utf-8?B?YQ==?= =?utf-8?B?*?= =?utf-8?B?Yg==?=")).subject() ==
               "a =?utf-8?B?*?= b");
    BOOST_TEST(MessageView(message("=?utf-8?Q?a=ZZb?=")).subject() == "a=ZZb");
}

BOOST_AUTO_TEST_CASE(wordsInsideAddressesAndParametersDecodeOneByOne) {
    const std::string raw = "From: =?utf-8?b?0J7Rh9C10L3RjCDQlNC70LjQvdC90L7QtSDQmNC80Y8g0J7RgtC/0YDQsNCy?=\r\n"
                            " =?utf-8?b?0LjRgtC10LvRjw==?= <a@example.org>\r\n"
                            "To: b@example.org\r\nSubject: s\r\nMIME-Version: 1.0\r\n"
                            "Content-Type: application/octet-stream;\r\n"
                            " name=\"=?utf-8?b?0KQ=?= =?utf-8?b?0LDQuQ==?=.bin\"\r\n"
                            "\r\ndata\r\n";
    const MessageView view(raw);
    BOOST_REQUIRE_EQUAL(view.from().size(), 1u);
    BOOST_TEST(view.from()[0].name == "Очень Длинное Имя Отправителя");
    BOOST_TEST(view.root().fileName() == "Фай.bin");
    BOOST_TEST(view.root().parameter("name").value_or("") == "Фай.bin");
}

BOOST_AUTO_TEST_CASE(inspectShowsTheWholePythonComposedSubject) {
    const std::string subject = longTexts[0];
    mailrig::test::TempDir dir;
    const std::string path = dir.path() + "/long-subject.eml";
    const auto write = mailrig::test::runPython(
        "import sys\nfrom email import policy\nfrom email.message import EmailMessage\n"
        "m = EmailMessage(policy=policy.SMTP)\nm['From'] = 'a@example.org'\nm['To'] = 'b@example.org'\n"
        "m['Subject'] = sys.stdin.read()\nm.set_content('body')\nopen(sys.argv[1], 'wb').write(m.as_bytes())\n",
        {path}, subject);
    BOOST_REQUIRE_MESSAGE(write.exitCode == 0, write.err);
    BOOST_TEST(mailrig::test::readFile(path).find("?=\r\n =?utf-8?b?") != std::string::npos); // a run of words
    const auto parsed = mailrig::test::runPython(
        "import email, sys\nfrom email import policy\n"
        "message = email.message_from_bytes(open(sys.argv[1], 'rb').read(), policy=policy.default)\n"
        "sys.stdout.write(str(message['subject']))\n",
        {path});
    BOOST_REQUIRE_MESSAGE(parsed.exitCode == 0, parsed.err);
    BOOST_TEST(parsed.out.size() > subject.size() - 4); // Python may lose the space it folded at, nothing more
    const auto inspect = mailrig::test::runMailrig({"inspect", path});
    BOOST_TEST(!inspect.timedOut);
    BOOST_TEST(inspect.out.find("\n  Subject: " + parsed.out + "\n") != std::string::npos, inspect.out);
}

BOOST_AUTO_TEST_SUITE_END()
