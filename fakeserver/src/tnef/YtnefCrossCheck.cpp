#include "tnef/YtnefCrossCheck.h"

#include "mailrig/fakeserver/TnefView.h"
#include "tnef/TnefStrings.h"

#include <cstddef>
#include <cstdio>
extern "C" { // libytnef's headers lack C++ linkage guards and their own includes
#include <ytnef.h>
}

#include <vector>

namespace mailrig::fake::detail {

namespace {

// Frees a TNEFStruct however the parse ended.
struct YtnefStruct {
    TNEFStruct tnef{};
    YtnefStruct() { TNEFInitialize(&tnef); }
    ~YtnefStruct() { TNEFFree(&tnef); }
    YtnefStruct(const YtnefStruct&) = delete;
    YtnefStruct& operator=(const YtnefStruct&) = delete;
};

std::string bytesOf(const variableLength& v) {
    if (!v.data || v.size <= 0) return {};
    return std::string(reinterpret_cast<const char*>(v.data), static_cast<std::size_t>(v.size));
}

} // namespace

void crossCheckWithYtnef(const std::string& bytes, TnefView& view) {
    YtnefStruct y;
    y.tnef.Debug = 0;
    std::vector<BYTE> copy(bytes.begin(), bytes.end());
    const int rc = TNEFParseMemory(copy.data(), static_cast<long>(copy.size()), &y.tnef);
    if (rc != 0) {
        view.problems.push_back("libytnef: parsing failed with code " + std::to_string(rc));
        return;
    }
    const std::string ytnefClass(y.tnef.messageClass);
    if (ytnefClass != view.legacyMessageClass)
        view.problems.push_back("libytnef: message class '" + ytnefClass + "', own reader '" + view.legacyMessageClass + "'");
    const std::string ytnefSubject = tnefLegacyToUtf8(bytesOf(y.tnef.subject), view.oemCodepage.value_or(1252));
    if (ytnefSubject != view.legacySubject)
        view.problems.push_back("libytnef: subject '" + ytnefSubject + "', own reader '" + view.legacySubject + "'");
    std::vector<const Attachment*> found;
    for (const Attachment* a = y.tnef.starting_attach.next; a; a = a->next) found.push_back(a);
    if (found.size() != view.attachments.size()) {
        view.problems.push_back("libytnef: " + std::to_string(found.size()) + " attachments, own reader " +
                                std::to_string(view.attachments.size()));
        return;
    }
    for (std::size_t i = 0; i < found.size(); ++i) {
        const std::string data = bytesOf(found[i]->FileData);
        if (data != view.attachments[i].content)
            view.problems.push_back("libytnef: attachment " + std::to_string(i + 1) + " ('" + view.attachments[i].fileName +
                                    "') has " + std::to_string(data.size()) + " bytes that differ from the own reader's " +
                                    std::to_string(view.attachments[i].content.size()));
    }
}

} // namespace mailrig::fake::detail
