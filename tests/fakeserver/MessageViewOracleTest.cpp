// Cross-checks MessageView against an independent parser: /usr/bin/python3's `email` package
// with policy.default must see the same tree (types in walk order), the same decoded text, the
// same file names and no defects on every clean fixture.
#include "mailrig/fakeserver/MessageView.h"

#include "support/EmlFixtures.h"
#include "support/Process.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <boost/test/unit_test.hpp>

using mailrig::fake::MessageView;
using mailrig::fake::MimePart;
using mailrig::test::fixturePath;

namespace {

const char* const pythonWalk = R"PY(
import email, json, sys
from email import policy
with open(sys.argv[1], 'rb') as f:
    msg = email.message_from_bytes(f.read(), policy=policy.default)

def filename(part):
    # Python keeps the first of `filename` and `filename*`; RFC 2231 readers (and MessageView)
    # take the starred one, so hand Python the starred parameters alone.
    raw = next((v for k, v in part.raw_items() if k.lower() == 'content-disposition'), '')
    if 'filename*' in raw.lower():
        segments = [s.strip() for s in raw.split(';')]
        kept = [segments[0]] + [s for s in segments[1:] if s.lower().startswith('filename*')]
        alone = email.message_from_string('Content-Disposition: ' + '; '.join(kept) + '\n\n', policy=policy.default)
        return alone.get_filename() or ''
    return part.get_filename() or ''

parts = []
for part in msg.walk():
    entry = {'type': part.get_content_type(), 'filename': filename(part),
             'defects': [type(d).__name__ for d in part.defects]}
    if part.get_content_maintype() == 'text':
        entry['text'] = part.get_content()
    parts.append(entry)
print(json.dumps({'subject': str(msg['subject'] or ''), 'parts': parts}))
)PY";

Poco::JSON::Object::Ptr pythonView(const std::string& path) {
    const auto result = mailrig::test::runPython(pythonWalk, {path});
    BOOST_REQUIRE_MESSAGE(result.exitCode == 0, "python failed on " << path << ": " << result.err);
    return Poco::JSON::Parser().parse(result.out).extract<Poco::JSON::Object::Ptr>();
}

} // namespace

BOOST_AUTO_TEST_SUITE(MessageViewOracleTest)

BOOST_AUTO_TEST_CASE(cleanFixturesMatchPythonEmailPartForPart) {
    for (const std::string& name : mailrig::test::cleanEmlFixtures()) {
        BOOST_TEST_CONTEXT(name) {
            const std::string path = fixturePath("eml/" + name);
            const MessageView view = MessageView::fromFile(path);
            const auto python = pythonView(path);
            BOOST_TEST(view.subject() == python->getValue<std::string>("subject"));
            const auto parts = python->getArray("parts");
            const auto ours = view.parts();
            BOOST_REQUIRE_EQUAL(ours.size(), parts->size());
            for (std::size_t i = 0; i < ours.size(); ++i) {
                const auto theirs = parts->getObject(static_cast<unsigned>(i));
                const MimePart& part = *ours[i];
                BOOST_TEST_CONTEXT("part '" << part.path() << "'") {
                    BOOST_TEST(part.contentType() == theirs->getValue<std::string>("type"));
                    BOOST_TEST(part.fileName() == theirs->getValue<std::string>("filename"));
                    BOOST_TEST(theirs->getArray("defects")->size() == 0u);
                    if (theirs->has("text")) BOOST_TEST(part.text() == theirs->getValue<std::string>("text"));
                }
            }
        }
    }
}

BOOST_AUTO_TEST_SUITE_END()
