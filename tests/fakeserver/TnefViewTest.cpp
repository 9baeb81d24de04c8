// The verifying TNEF reader on hand-built streams: what it decodes and every defect it reports.
// The streams are assembled here byte by byte from MS-OXTNEF, not with mailrig's writer.
#include "mailrig/fakeserver/TnefView.h"

#include <boost/test/unit_test.hpp>

#include <cstdint>
#include <string>

namespace {

void u16(std::string& out, std::uint16_t v) {
    out.push_back(static_cast<char>(v & 0xFF));
    out.push_back(static_cast<char>(v >> 8));
}

void u32(std::string& out, std::uint32_t v) {
    for (int k = 0; k < 4; ++k) out.push_back(static_cast<char>((v >> (8 * k)) & 0xFF));
}

std::string utf16z(const std::u16string& s) {
    std::string out;
    for (char16_t c : s) u16(out, static_cast<std::uint16_t>(c));
    u16(out, 0);
    return out;
}

// A TNEF stream under construction.
struct Stream {
    std::string bytes;
    explicit Stream(std::uint16_t key = 0x1234) {
        u32(bytes, 0x223E9F78);
        u16(bytes, key);
    }
    Stream& att(std::uint8_t level, std::uint32_t id, const std::string& data, int checksumDelta = 0) {
        bytes.push_back(static_cast<char>(level));
        u32(bytes, id);
        u32(bytes, static_cast<std::uint32_t>(data.size()));
        bytes += data;
        std::uint32_t sum = 0;
        for (unsigned char c : data) sum += c;
        u16(bytes, static_cast<std::uint16_t>(sum + checksumDelta));
        return *this;
    }
};

// A MAPI property list.
struct Props {
    std::uint32_t count = 0;
    std::string body;
    Props& variable(std::uint16_t type, std::uint16_t id, const std::string& value) {
        u16(body, type);
        u16(body, id);
        u32(body, 1);
        u32(body, static_cast<std::uint32_t>(value.size()));
        body += value;
        body.append((4 - value.size() % 4) % 4, '\0');
        ++count;
        return *this;
    }
    Props& unicode(std::uint16_t id, const std::u16string& s) { return variable(0x001F, id, utf16z(s)); }
    Props& binary(std::uint16_t id, const std::string& b) { return variable(0x0102, id, b); }
    Props& longValue(std::uint16_t id, std::uint32_t v) {
        u16(body, 0x0003);
        u16(body, id);
        u32(body, v);
        ++count;
        return *this;
    }
    Props& sysTime(std::uint16_t id, std::uint64_t fileTime) {
        u16(body, 0x0040);
        u16(body, id);
        u32(body, static_cast<std::uint32_t>(fileTime));
        u32(body, static_cast<std::uint32_t>(fileTime >> 32));
        ++count;
        return *this;
    }
    std::string bytes() const {
        std::string out;
        u32(out, count);
        return out + body;
    }
};

std::string version() {
    std::string v;
    u32(v, 0x00010000);
    return v;
}

std::string codepage(std::uint32_t cp) {
    std::string v;
    u32(v, cp);
    u32(v, 0);
    return v;
}

std::string renderData() {
    std::string v;
    u16(v, 1);
    u32(v, 0xFFFFFFFF);
    u16(v, 32);
    u16(v, 32);
    u32(v, 0);
    return v;
}

// MS-OXRTFCP's first example, compressed.
const std::string kSpecRtf = "{\\rtf1\\ansi\\ansicpg1252\\pard hello world}\r\n";
std::string specCompressedRtf() {
    const unsigned char b[] = {0x2d, 0x00, 0x00, 0x00, 0x2b, 0x00, 0x00, 0x00, 0x4c, 0x5a, 0x46, 0x75, 0xf1, 0xc5,
                               0xc7, 0xa7, 0x03, 0x00, 0x0a, 0x00, 0x72, 0x63, 0x70, 0x67, 0x31, 0x32, 0x35, 0x42,
                               0x32, 0x0a, 0xf3, 0x20, 0x68, 0x65, 0x6c, 0x09, 0x00, 0x20, 0x62, 0x77, 0x05, 0xb0,
                               0x6c, 0x64, 0x7d, 0x0a, 0x80, 0x0f, 0xa0};
    return std::string(reinterpret_cast<const char*>(b), sizeof b);
}

// A complete, well-formed stream: Windows-1252 legacy strings, Unicode properties, one file.
Stream wellFormed(const std::string& rtf = specCompressedRtf()) {
    Props msg;
    msg.unicode(0x001A, u"IPM.Note")
        .unicode(0x0037, u"Gr\u00fc\u00dfe \u041f\u0440\u0438\u0432\u0435\u0442")
        .unicode(0x1000, u"plain body")
        .binary(0x1013, "<p>html</p>")
        .binary(0x1009, rtf)
        .unicode(0x0C1A, u"Alice")
        .unicode(0x0C1E, u"SMTP")
        .unicode(0x0C1F, u"alice@example.org")
        .longValue(0x3FDE, 65001)
        .binary(0x007F, std::string("<id@example.org>") + '\0');
    Props file;
    file.longValue(0x3705, 1)
        .unicode(0x3707, u"r\u00e9sum\u00e9 \u6587\u4ef6.txt")
        .unicode(0x3703, u".txt")
        .unicode(0x370E, u"text/plain")
        .longValue(0x370B, 0xFFFFFFFF);
    Stream s;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069007, codepage(1252))
        .att(1, 0x00078008, std::string("IPM.Microsoft Mail.Note") + '\0')
        .att(1, 0x00018004, std::string("Gr\xfc\xdf" "e") + '\0')
        .att(1, 0x0002800C, "legacy body")
        .att(1, 0x00069003, msg.bytes())
        .att(2, 0x00069002, renderData())
        .att(2, 0x00018010, std::string("resume.txt") + '\0')
        .att(2, 0x0006800F, std::string("file\0bytes\xff", 11))
        .att(2, 0x00069005, file.bytes());
    return s;
}

bool mentions(const mailrig::fake::TnefView& v, const std::string& text) {
    for (const auto& p : v.problems)
        if (p.find(text) != std::string::npos) return true;
    return false;
}

} // namespace

BOOST_AUTO_TEST_SUITE(TnefView)

BOOST_AUTO_TEST_CASE(decodesMessagePropertiesBodiesAndAttachments) {
    const auto v = mailrig::fake::decodeTnef(wellFormed().bytes);
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(v.checksumsValid);
    BOOST_TEST(v.key == 0x1234);
    BOOST_TEST(v.version.value_or(0) == 0x00010000u);
    BOOST_TEST(v.oemCodepage.value_or(0) == 1252u);
    BOOST_TEST(v.messageClass == "IPM.Note");
    BOOST_TEST(v.legacyMessageClass == "IPM.Microsoft Mail.Note");
    BOOST_TEST(v.subject == "Grüße Привет");
    BOOST_TEST(v.legacySubject == "Grüße");
    BOOST_TEST(v.textBody == "plain body");
    BOOST_TEST(v.legacyBody == "legacy body");
    BOOST_TEST(v.htmlBody == "<p>html</p>");
    BOOST_TEST(v.rtfBody == kSpecRtf);
    BOOST_TEST(!v.htmlFromRtf.has_value()); // the RTF is not \fromhtml1
    BOOST_TEST(v.senderName == "Alice");
    BOOST_TEST(v.senderAddressType == "SMTP");
    BOOST_TEST(v.senderAddress == "alice@example.org");
    BOOST_TEST(v.internetCodepage.value_or(0) == 65001u);
    BOOST_TEST(v.correlationKey.value_or("") == "<id@example.org>");
    BOOST_TEST_REQUIRE(v.attachments.size() == 1u);
    const auto& a = v.attachments[0];
    BOOST_TEST(a.fileName == "résumé 文件.txt");
    BOOST_TEST(a.title == "resume.txt");
    BOOST_TEST(a.extension == ".txt");
    BOOST_TEST(a.mimeTag == "text/plain");
    BOOST_TEST(a.attachMethod.value_or(0) == 1);
    BOOST_TEST(a.renderingPosition.value_or(0) == -1);
    BOOST_TEST(a.hasRenderData);
    BOOST_TEST(!a.hasAttachDataBin);
    BOOST_TEST(a.content == std::string("file\0bytes\xff", 11));
    BOOST_TEST(v.attachment("résumé 文件.txt") == &a);
    BOOST_TEST(v.attributes.size() == 10u);
}

BOOST_AUTO_TEST_CASE(reportsABadChecksumWithItsOffsetAndAttribute) {
    Stream s = wellFormed();
    Stream bad;
    bad.att(1, 0x00089006, version()).att(1, 0x00069007, codepage(1252), 1);
    bad.bytes += s.bytes.substr(bad.bytes.size()); // the rest unchanged
    const auto v = mailrig::fake::decodeTnef(bad.bytes);
    BOOST_TEST(!v.checksumsValid);
    BOOST_TEST(!v.valid());
    BOOST_TEST(mentions(v, "offset 21: attribute 0x00069007 checksum"));
    BOOST_TEST(v.attributes.size() == 10u); // decoding goes on
    BOOST_TEST(!v.attributes[1].checksumOk);
}

BOOST_AUTO_TEST_CASE(reportsTruncationWithoutReadingPastTheEnd) {
    const std::string whole = wellFormed().bytes;
    for (std::size_t cut : {whole.size() - 1, whole.size() - 30, std::size_t(10), std::size_t(20)}) {
        const auto v = mailrig::fake::decodeTnef(whole.substr(0, cut));
        BOOST_TEST_CONTEXT("cut at " << cut) {
            BOOST_TEST(!v.valid());
            BOOST_TEST((mentions(v, "remain") || mentions(v, "truncated")));
        }
    }
}

BOOST_AUTO_TEST_CASE(reportsAWrongSignature) {
    std::string bytes = wellFormed().bytes;
    bytes[0] = 'X';
    const auto v = mailrig::fake::decodeTnef(bytes);
    BOOST_TEST(mentions(v, "offset 0: signature"));
    BOOST_TEST(v.attributes.empty());
    BOOST_TEST(!v.checksumsValid);
    BOOST_TEST(mentions(mailrig::fake::decodeTnef("abc"), "no TNEF signature"));
}

BOOST_AUTO_TEST_CASE(reportsMessageAttributesAfterAttMsgProps) {
    Stream s;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069003, Props().unicode(0x0037, u"x").bytes())
        .att(1, 0x00018004, std::string("late subject") + '\0');
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(mentions(v, "after attMsgProps, which must be last"));
    BOOST_TEST(v.checksumsValid);
}

BOOST_AUTO_TEST_CASE(reportsAttachmentsWithoutRenderDataOrClosingAttachment) {
    Stream s;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069003, Props().bytes())
        .att(2, 0x0006800F, "data")
        .att(2, 0x00069002, renderData())
        .att(2, 0x0006800F, "more");
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(mentions(v, "before attAttachRendData"));
    BOOST_TEST(mentions(v, "ends without attAttachment"));
}

BOOST_AUTO_TEST_CASE(reportsAStreamThatDoesNotStartWithItsVersion) {
    Stream s;
    s.att(1, 0x00069007, codepage(1252)).att(1, 0x00069003, Props().bytes());
    BOOST_TEST(mentions(mailrig::fake::decodeTnef(s.bytes), "not attTnefVersion"));
}

BOOST_AUTO_TEST_CASE(reportsACompressedRtfWithABadCrc) {
    std::string rtf = specCompressedRtf();
    rtf[12] = static_cast<char>(rtf[12] ^ 0xFF);
    const auto v = mailrig::fake::decodeTnef(wellFormed(rtf).bytes);
    BOOST_TEST(mentions(v, "PR_RTF_COMPRESSED: compressed RTF CRC"));
}

BOOST_AUTO_TEST_CASE(reportsUncompressedRtf) {
    std::string mela;
    u32(mela, 12 + 4);
    u32(mela, 4);
    mela += "MELA";
    u32(mela, 0);
    mela += "{\\r}";
    const auto v = mailrig::fake::decodeTnef(wellFormed(mela).bytes);
    BOOST_TEST(mentions(v, "MELA"));
    BOOST_TEST(v.rtfBody == "{\\r}");
}

BOOST_AUTO_TEST_CASE(reportsAMalformedPropertyList) {
    std::string props = Props().unicode(0x0037, u"subject").bytes();
    props[0] = 9; // claims nine properties
    Stream s;
    s.att(1, 0x00089006, version()).att(1, 0x00069003, props);
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(mentions(v, "attMsgProps: offset"));
    BOOST_TEST(v.subject == "subject"); // what could be read is kept
}

// attDateSent's value: year, month, day, hour, minute, second, weekday (16 bits each).
std::string tnefDate(std::uint16_t year, std::uint16_t month, std::uint16_t day) {
    std::string d;
    for (std::uint16_t v : {year, month, day, std::uint16_t(3), std::uint16_t(4), std::uint16_t(5), std::uint16_t(0)})
        u16(d, v);
    return d;
}

BOOST_AUTO_TEST_CASE(takesTheSubmitTimeWhenThereIsNoAttDateSent) {
    Stream s;
    // 2026-01-02T03:04:05.5Z: 100 ns ticks since 1601.
    const std::uint64_t ticks = (1767323045ULL + 11644473600ULL) * 10'000'000ULL + 5'000'000ULL;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069003, Props().unicode(0x001A, u"IPM.Note").sysTime(0x0039, ticks).bytes());
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_REQUIRE(v.dateSent.has_value());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(v.dateSent->time_since_epoch());
    BOOST_TEST(ms.count() == 1767323045500LL);
}

BOOST_AUTO_TEST_CASE(aDateBeyondWhatTheClockHoldsIsLeftOutNotWrapped) {
    // The largest FILETIME is in the year 60056; system_clock ends in 2262.
    Stream s;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069003, Props().unicode(0x001A, u"IPM.Note").sysTime(0x0039, ~0ULL).bytes());
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(!v.dateSent.has_value());
    BOOST_TEST(v.messageClass == "IPM.Note");

    Stream far;
    far.att(1, 0x00089006, version())
        .att(1, 0x00038005, tnefDate(9999, 12, 31))
        .att(1, 0x00069003, Props().unicode(0x001A, u"IPM.Note").bytes());
    const auto w = mailrig::fake::decodeTnef(far.bytes);
    BOOST_TEST(!w.dateSent.has_value());
    BOOST_TEST(mentions(w, "attDateSent"));

    Stream near;
    near.att(1, 0x00089006, version())
        .att(1, 0x00038005, tnefDate(2026, 1, 2))
        .att(1, 0x00069003, Props().unicode(0x001A, u"IPM.Note").bytes());
    const auto x = mailrig::fake::decodeTnef(near.bytes);
    BOOST_REQUIRE(x.dateSent.has_value());
    BOOST_TEST(std::chrono::duration_cast<std::chrono::seconds>(x.dateSent->time_since_epoch()).count() == 1767323045LL);
}

BOOST_AUTO_TEST_CASE(decodesUtf8LegacyStringsUnderCodepage65001) {
    Stream s;
    s.att(1, 0x00089006, version())
        .att(1, 0x00069007, codepage(65001))
        .att(1, 0x00018004, std::string("Привет") + '\0')
        .att(1, 0x00069003, Props().unicode(0x001A, u"IPM.Note").bytes());
    const auto v = mailrig::fake::decodeTnef(s.bytes);
    BOOST_TEST(v.valid(), (v.problems.empty() ? "" : v.problems.front()));
    BOOST_TEST(v.subject == "Привет");
}

BOOST_AUTO_TEST_CASE(everySingleByteCorruptionIsDecodedWithoutCrashing) {
    // Each byte of a valid stream flipped in turn: lengths that point past the end, counts of
    // billions of properties, unknown types. The reader must stay in bounds (run under
    // MAILRIG_SANITIZE to prove it) and catch every change to data or checksums.
    const std::string whole = wellFormed().bytes;
    std::size_t caught = 0;
    for (std::size_t i = 0; i < whole.size(); ++i) {
        for (unsigned char mask : {0x01, 0x80, 0xFF}) {
            std::string bytes = whole;
            bytes[i] = static_cast<char>(bytes[i] ^ mask);
            const auto v = mailrig::fake::decodeTnef(bytes);
            if (!v.valid()) ++caught;
        }
    }
    BOOST_TEST(caught > whole.size() * 2); // nearly all: only attribute ids can change unnoticed
}

BOOST_AUTO_TEST_CASE(htmlFromRtfFollowsTheDeencapsulationRules) {
    // The shape of MS-OXRTFEX's example: tags in \*\htmltag groups, RTF-only text in \htmlrtf.
    const std::string rtf =
        "{\\rtf1\\ansi\\ansicpg1252\\fromhtml1 \\deff0{\\fonttbl{\\f0\\fswiss Arial;}}\r\n"
        "{\\*\\htmltag19 <html>}{\\*\\htmltag64 <p>}\\htmlrtf {\\htmlrtf0 Caf\\'e9 \\u26827?\\u-10179?\\u-8704? "
        "\\{x\\}\\htmlrtf }\\htmlrtf0 {\\*\\htmltag72 </p>}\\htmlrtf \\par\r\n\\htmlrtf0 {\\*\\htmltag64 \\par\r\n}"
        "{\\*\\mhtmltag64 <ignored>}{\\*\\htmltag27 </html>}}";
    const auto html = mailrig::fake::htmlFromRtf(rtf);
    BOOST_TEST_REQUIRE(html.has_value());
    BOOST_TEST(*html == "<html><p>Café 棋😀 {x}</p>\r\n</html>");
    BOOST_TEST(!mailrig::fake::htmlFromRtf("{\\rtf1\\ansi\\fromtext hello}").has_value());
    BOOST_TEST(!mailrig::fake::htmlFromRtf("not rtf").has_value());
}

BOOST_AUTO_TEST_SUITE_END()
